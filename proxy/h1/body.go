package h1

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Kind says how a body is delimited.
type Kind int

// Body framings.
const (
	NoBody     Kind = iota // no body at all
	Length                 // Content-Length bytes
	Chunked                // chunked transfer coding
	UntilClose             // response body ends when the server closes
)

// Framing is how a message's body is delimited on the wire.
type Framing struct {
	Kind   Kind
	Length int64 // for Length
}

// eachItem calls fn with every comma-separated item of every field named
// name, trimmed of spaces and tabs, until fn returns false.
func eachItem(h Header, name string, fn func(item string) bool) {
	h.Each(name, func(v string) bool {
		for {
			item, rest, more := strings.Cut(v, ",")
			if !fn(strings.Trim(item, " \t")) {
				return false
			}
			if !more {
				return true
			}
			v = rest
		}
	})
}

// contentLength returns the Content-Length value, -1 when absent. Repeated
// headers and comma lists must all agree, as HAProxy requires.
func contentLength(h Header) (int64, error) {
	n := int64(-1)
	var err error
	eachItem(h, "content-length", func(item string) bool {
		if item == "" {
			err = malformed("empty Content-Length")
			return false
		}
		var x int64
		for i := 0; i < len(item); i++ {
			if !isDigit(item[i]) || x > (1<<62)/10 {
				err = malformed("invalid Content-Length %q", item)
				return false
			}
			x = x*10 + int64(item[i]-'0')
		}
		if n >= 0 && x != n {
			err = malformed("conflicting Content-Length values")
			return false
		}
		n = x
		return true
	})
	return n, err
}

// transferChunked reports whether Transfer-Encoding ends in chunked. In a
// request, a coding other than chunked, or chunked not last, or twice, is
// an error (RFC 7230 3.3.1).
func transferChunked(h Header, request bool) (bool, error) {
	present, chunked, seen := false, false, false
	var err error
	eachItem(h, "transfer-encoding", func(item string) bool {
		present = true
		switch {
		case item == "":
		case strings.EqualFold(item, "chunked"):
			if seen {
				err = malformed("chunked applied twice")
				return false
			}
			seen, chunked = true, true
		case request && seen:
			err = malformed("transfer coding after chunked")
			return false
		default:
			chunked = false
		}
		return true
	})
	if err == nil && present && request && !chunked {
		err = malformed("request Transfer-Encoding does not end in chunked")
	}
	return chunked, err
}

// ContentLength returns the Content-Length of h, -1 when absent or invalid.
func ContentLength(h Header) (int64, error) { return contentLength(h) }

// RequestFraming says how the body of req is delimited. Transfer-Encoding
// wins over Content-Length; without either there is no body.
func RequestFraming(req *Request) Framing {
	if c, _ := transferChunked(req.Header, true); c {
		return Framing{Kind: Chunked}
	}
	if n, _ := contentLength(req.Header); n > 0 {
		return Framing{Kind: Length, Length: n}
	}
	return Framing{Kind: NoBody}
}

// ResponseFraming says how the body of resp, an answer to a request with
// method, is delimited.
func ResponseFraming(resp *Response, method string) Framing {
	if method == "HEAD" || resp.Status < 200 || resp.Status == 204 || resp.Status == 304 {
		return Framing{Kind: NoBody}
	}
	if _, ok := resp.Header.Get("transfer-encoding"); ok {
		if c, _ := transferChunked(resp.Header, false); c {
			return Framing{Kind: Chunked}
		}
		return Framing{Kind: UntilClose}
	}
	if n, _ := contentLength(resp.Header); n >= 0 {
		if n == 0 {
			return Framing{Kind: NoBody}
		}
		return Framing{Kind: Length, Length: n}
	}
	return Framing{Kind: UntilClose}
}

// ErrBadChunk is a malformed chunked body.
var ErrBadChunk = errors.New("h1: malformed chunked body")

// CopyBody forwards a body framed by f from src to dst unchanged, chunked
// coding included, and returns the payload bytes (chunk data, without the
// chunked framing). A body that ends early returns io.ErrUnexpectedEOF.
func CopyBody(dst io.Writer, src *bufio.Reader, f Framing) (int64, error) {
	switch f.Kind {
	case Length:
		n, err := io.CopyN(dst, src, f.Length)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return n, err
	case Chunked:
		return copyChunked(dst, src)
	case UntilClose:
		return io.Copy(dst, src)
	}
	return 0, nil
}

func copyChunked(dst io.Writer, src *bufio.Reader) (int64, error) {
	var payload int64
	for {
		line, err := src.ReadSlice('\n')
		if err != nil {
			return payload, unexpected(err)
		}
		size, err := chunkSize(line)
		if err != nil {
			return payload, err
		}
		if _, err := dst.Write(line); err != nil {
			return payload, err
		}
		if size == 0 {
			return payload, copyTrailers(dst, src)
		}
		m, err := io.CopyN(dst, src, size)
		payload += m
		if err != nil {
			return payload, unexpected(err)
		}
		crlf, err := src.ReadSlice('\n')
		if err != nil || !isEmptyLine(crlf) {
			return payload, ErrBadChunk
		}
		if _, err := dst.Write(crlf); err != nil {
			return payload, err
		}
	}
}

func copyTrailers(dst io.Writer, src *bufio.Reader) error {
	for {
		line, err := src.ReadSlice('\n')
		if err != nil {
			return unexpected(err)
		}
		if _, err := dst.Write(line); err != nil || isEmptyLine(line) {
			return err
		}
	}
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// chunkSize parses a chunk-size line (hex digits, optional extensions).
func chunkSize(line []byte) (int64, error) {
	var n int64
	i := 0
	for ; i < len(line); i++ {
		c := line[i]
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			goto end
		}
		if n > 1<<56 {
			return 0, ErrBadChunk
		}
		n = n<<4 | int64(d)
	}
end:
	if i == 0 {
		return 0, ErrBadChunk
	}
	rest := strings.TrimRight(string(line[i:]), "\r\n")
	if rest != "" && rest[0] != ';' && !isSpace(rest[0]) {
		return 0, fmt.Errorf("%w: chunk size %q", ErrBadChunk, line)
	}
	return n, nil
}

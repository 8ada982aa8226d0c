// Package h1 owns HTTP/1.x on the wire: reading request and response heads
// as strictly as HAProxy 2.6's h1 parser does, working out how a body is
// framed, forwarding bodies, and writing heads. The proxy and the traffic
// generator both speak HTTP/1 through it. It knows nothing of routing,
// balancing or statistics.
//
// Parsing allocates one string per head: every field of a Request or a
// Response is a substring of it, and the header slice is reused between
// messages, so a keep-alive connection parses heads almost for free.
package h1

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxHead is the largest head accepted, as HAProxy's default buffer
// (tune.bufsize 16384) less its reserve.
const MaxHead = 15360

// Errors returned while reading a head.
var (
	// ErrTooLarge: the head did not fit in MaxHead bytes.
	ErrTooLarge = errors.New("h1: head too large")
	// ErrTruncated: the peer closed the connection in the middle of a head.
	ErrTruncated = errors.New("h1: connection closed inside a head")
)

// SyntaxError is a malformed head.
type SyntaxError struct{ Reason string }

func (e *SyntaxError) Error() string { return "h1: malformed message: " + e.Reason }

func malformed(format string, args ...any) error {
	return &SyntaxError{Reason: fmt.Sprintf(format, args...)}
}

// Field is one header line: name and value as received, the value trimmed
// of surrounding spaces and with folded lines joined by spaces.
type Field struct {
	Name, Value string
}

// Header is a message's header lines in order.
type Header []Field

// Get returns the value of the first field named name (case-insensitive).
func (h Header) Get(name string) (string, bool) {
	for i := range h {
		if strings.EqualFold(h[i].Name, name) {
			return h[i].Value, true
		}
	}
	return "", false
}

// Each calls fn with the value of every field named name, in order, until
// fn returns false.
func (h Header) Each(name string, fn func(value string) bool) {
	for i := range h {
		if strings.EqualFold(h[i].Name, name) && !fn(h[i].Value) {
			return
		}
	}
}

// HasToken reports whether a comma-separated list in any field named name
// holds token (case-insensitive), as in "Connection: keep-alive, close".
func (h Header) HasToken(name, token string) bool {
	found := false
	h.Each(name, func(v string) bool {
		for v != "" {
			var item string
			item, v, _ = strings.Cut(v, ",")
			if strings.EqualFold(strings.TrimSpace(item), token) {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// Request is a request head.
type Request struct {
	Method string
	URI    string
	Proto  string // "HTTP/1.1", "HTTP/1.0"
	Header Header
	Size   int // bytes of the head on the wire, CRLFs included
}

// Minor returns 1 for HTTP/1.1 and later versions, 0 for HTTP/1.0 and
// earlier: whether keep-alive is the default.
func (r *Request) Minor() int { return minor(r.Proto) }

// ForwardProto is the version a proxy sends the request on with: versions
// above 1.1 (HTTP/2.0, HTTP/3.1 on an HTTP/1 connection) go out as
// HTTP/1.1, others as received, as HAProxy does.
func (r *Request) ForwardProto() string {
	if r.Minor() == 1 {
		return "HTTP/1.1"
	}
	return r.Proto
}

// Response is a response head.
type Response struct {
	Proto  string
	Status int
	Reason string
	Header Header
	Size   int
}

// Minor returns the minor HTTP version of the status line.
func (r *Response) Minor() int { return minor(r.Proto) }

// minor follows HAProxy's H1_MF_VER_11: set for "HTTP/x.y" with x > 1, or
// x = 1 and y >= 1.
func minor(proto string) int {
	if len(proto) == 8 && (proto[5] > '1' || proto[5] == '1' && proto[7] >= '1') {
		return 1
	}
	return 0
}

// Reader reads heads from a buffered connection, reusing its buffers.
type Reader struct {
	br  *bufio.Reader
	buf []byte
}

// NewReader reads heads from br.
func NewReader(br *bufio.Reader) *Reader { return &Reader{br: br} }

// readHead reads lines up to and including the empty line that ends a head.
// Empty lines before the first line are skipped, as HAProxy does. It
// returns io.EOF when the peer closed before sending anything.
func (r *Reader) readHead() (string, error) {
	r.buf = r.buf[:0]
	started := false
	for {
		line, err := r.br.ReadSlice('\n')
		if err != nil {
			if err == bufio.ErrBufferFull {
				if len(r.buf)+len(line) > MaxHead {
					return "", ErrTooLarge
				}
				r.buf = append(r.buf, line...)
				started = true
				continue
			}
			if err == io.EOF && !started && len(line) == 0 {
				return "", io.EOF
			}
			if err == io.EOF {
				return "", ErrTruncated
			}
			return "", err
		}
		if len(r.buf)+len(line) > MaxHead {
			return "", ErrTooLarge
		}
		if !started && (len(line) == 1 || (len(line) == 2 && line[0] == '\r')) {
			continue // leading empty lines
		}
		started = true
		r.buf = append(r.buf, line...)
		if isEmptyLine(line) && lastLineStart(r.buf) == len(r.buf)-len(line) {
			return string(r.buf), nil
		}
	}
}

func isEmptyLine(line []byte) bool {
	return len(line) == 1 || (len(line) == 2 && line[0] == '\r')
}

// lastLineStart finds where the last line of buf starts; a line that was
// longer than bufio's buffer arrives in pieces, and only a whole empty line
// ends the head.
func lastLineStart(buf []byte) int {
	for i := len(buf) - 2; i >= 0; i-- {
		if buf[i] == '\n' {
			return i + 1
		}
	}
	return 0
}

// nextLine splits the first line off s, without its CRLF or LF.
func nextLine(s string) (line, rest string) {
	i := strings.IndexByte(s, '\n')
	line, rest = s[:i], s[i+1:]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, rest
}

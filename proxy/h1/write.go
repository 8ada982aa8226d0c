package h1

import (
	"bufio"
	"strconv"
	"strings"
)

// WriteField writes one header line with the name lower-cased, as HAProxy's
// HTX layer emits every header it forwards on HTTP/1.1.
func WriteField(w *bufio.Writer, name, value string) {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		w.WriteByte(c)
	}
	w.WriteString(": ")
	w.WriteString(value)
	w.WriteString("\r\n")
}

// WriteStatusLine writes "HTTP/1.1 200 OK\r\n".
func WriteStatusLine(w *bufio.Writer, proto string, status int, reason string) {
	w.WriteString(proto)
	w.WriteByte(' ')
	var b [3]byte
	w.Write(strconv.AppendInt(b[:0], int64(status), 10))
	if reason != "" {
		w.WriteByte(' ')
		w.WriteString(reason)
	}
	w.WriteString("\r\n")
}

// WriteRequestLine writes "GET /uri HTTP/1.1\r\n".
func WriteRequestLine(w *bufio.Writer, method, uri, proto string) {
	w.WriteString(method)
	w.WriteByte(' ')
	w.WriteString(uri)
	w.WriteByte(' ')
	w.WriteString(proto)
	w.WriteString("\r\n")
}

// hopByHop are the headers that describe one connection, not the message
// (RFC 7230 6.1); a proxy does not forward them. Transfer-Encoding is
// re-emitted by the proxy from the framing it forwards.
var hopByHop = [...]string{"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}

// HopByHop reports whether the field named name must not be forwarded:
// one of the hop-by-hop headers, or a header the message's Connection
// header lists.
func HopByHop(h Header, name string) bool {
	for _, hb := range hopByHop {
		if strings.EqualFold(name, hb) {
			return true
		}
	}
	listed := false
	h.Each("connection", func(v string) bool {
		for v != "" {
			var item string
			item, v, _ = strings.Cut(v, ",")
			item = strings.Trim(item, " \t")
			if !strings.EqualFold(item, "close") && !strings.EqualFold(item, "keep-alive") && strings.EqualFold(item, name) {
				listed = true
				return false
			}
		}
		return true
	})
	return listed
}

// KeepAlive reports whether the connection stays open after this message,
// from its version and Connection header: HTTP/1.1 unless "close", HTTP/1.0
// only with "keep-alive".
func KeepAlive(h Header, minor int) bool {
	if h.HasToken("connection", "close") {
		return false
	}
	return minor >= 1 || h.HasToken("connection", "keep-alive")
}

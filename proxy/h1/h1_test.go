package h1

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func reader(s string) *Reader { return NewReader(bufio.NewReaderSize(strings.NewReader(s), 64)) }

func TestReadRequestKeepsTheWireForm(t *testing.T) {
	r := reader("\r\nGET  //a/../%73tatic?x=1   HTTP/1.1\r\nHost: x\r\nUser-Agent:  Mobile  Safari \r\nX-Fold: a\r\n  b\r\n\r\npost /submit HTTP/1.0\nhost: y\n\n")
	var req Request
	if err := r.ReadRequest(&req); err != nil {
		t.Fatal(err)
	}
	if req.Method != "GET" || req.URI != "//a/../%73tatic?x=1" || req.Proto != "HTTP/1.1" || req.Minor() != 1 {
		t.Fatalf("request line parsed as %q %q %q", req.Method, req.URI, req.Proto)
	}
	if ua, _ := req.Header.Get("user-agent"); ua != "Mobile  Safari" {
		t.Fatalf("User-Agent = %q, want trimmed value", ua)
	}
	if f, _ := req.Header.Get("x-fold"); f != "a   b" {
		t.Fatalf("folded header = %q", f)
	}
	if err := r.ReadRequest(&req); err != nil {
		t.Fatal(err)
	}
	if req.Method != "post" || req.Minor() != 0 {
		t.Fatalf("second request: method %q proto %q", req.Method, req.Proto)
	}
	if err := r.ReadRequest(&req); err != io.EOF {
		t.Fatalf("after the last request: %v, want io.EOF", err)
	}
}

func TestMalformedRequests(t *testing.T) {
	bad := map[string]string{
		"garbage":              "GARBAGE\r\n\r\n",
		"space in uri":         "GET /x y HTTP/1.1\r\n\r\n",
		"http/0.9":             "GET /\r\n\r\n",
		"bad version":          "GET / HTTP/1.10\r\n\r\n",
		"header without colon": "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
		"space in name":        "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
		"two content-lengths":  "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"bad content-length":   "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
		"te not chunked":       "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
		"chunked twice":        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
		"two hosts":            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"bad method char":      "G(T / HTTP/1.1\r\n\r\n",
		"non-ascii uri":        "GET /\xc3\xa9 HTTP/1.1\r\n\r\n",
	}
	for name, raw := range bad {
		var req Request
		err := reader(raw).ReadRequest(&req)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a SyntaxError", name, err)
		}
	}
}

func TestLenientFormsHAProxyForwards(t *testing.T) {
	for _, raw := range []string{
		"GET / HTTP/1.1\r\n\r\n",                      // no Host
		"GET / HTTP/1.1\r\nHost: a, b\r\n\r\n",        // a list in Host
		"GET / HTTP/2.0\r\nHost: x\r\n\r\n",           // forwarded as HTTP/1.1
		"GET x/y HTTP/1.1\r\nHost: x\r\n\r\n",         // authority "x"
		"GET h://u@x/ HTTP/1.1\r\nHost: x\r\n\r\n",    // userinfo dropped
		"GET h:// HTTP/1.1\r\nHost: x\r\n\r\n",        // empty authority
		"GET //x/y HTTP/1.1\r\nHost: z\r\n\r\n",       // origin-form
		"GET a1+.-://x/c HTTP/1.1\r\nHost: x\r\n\r\n", // every scheme character
	} {
		var req Request
		if err := reader(raw).ReadRequest(&req); err != nil {
			t.Errorf("%q: %v", raw, err)
		}
	}
	var req Request
	reader("GET / HTTP/3.1\r\nHost: x\r\n\r\n").ReadRequest(&req)
	if req.ForwardProto() != "HTTP/1.1" || req.Minor() != 1 {
		t.Errorf("HTTP/3.1 forwards as %q (minor %d), want HTTP/1.1", req.ForwardProto(), req.Minor())
	}
	reader("GET / HTTP/0.9\r\nHost: x\r\n\r\n").ReadRequest(&req)
	if req.ForwardProto() != "HTTP/0.9" || req.Minor() != 0 {
		t.Errorf("HTTP/0.9 forwards as %q (minor %d)", req.ForwardProto(), req.Minor())
	}
}

func TestHeadLimitsAndTruncation(t *testing.T) {
	var req Request
	huge := "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", MaxHead) + "\r\n\r\n"
	if err := reader(huge).ReadRequest(&req); err != ErrTooLarge {
		t.Fatalf("huge head: %v, want ErrTooLarge", err)
	}
	if err := reader("GET http://x/y HTTP/1.1\r\nHost: X\r\n\r\n").ReadRequest(&req); err != nil {
		t.Fatalf("absolute URI agreeing with Host: %v", err)
	}
	if err := reader("GET / HTTP/1.1\r\nHost: x\r\n").ReadRequest(&req); err != ErrTruncated {
		t.Fatalf("truncated head: %v, want ErrTruncated", err)
	}
}

func TestResponseFraming(t *testing.T) {
	cases := []struct {
		head   string
		method string
		want   Framing
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "GET", Framing{Length, 5}},
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD", Framing{NoBody, 0}},
		{"HTTP/1.1 204 No Content\r\n\r\n", "GET", Framing{NoBody, 0}},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", "GET", Framing{Chunked, 0}},
		{"HTTP/1.0 200 OK\r\n\r\n", "GET", Framing{UntilClose, 0}},
	}
	for _, c := range cases {
		var resp Response
		if err := reader(c.head).ReadResponse(&resp); err != nil {
			t.Fatalf("%q: %v", c.head, err)
		}
		if got := ResponseFraming(&resp, c.method); got != c.want {
			t.Errorf("%q %s: framing %+v, want %+v", c.head, c.method, got, c.want)
		}
	}
}

func TestCopyChunkedPassesThrough(t *testing.T) {
	body := "5;ext=1\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT"
	src := bufio.NewReader(strings.NewReader(body))
	var dst bytes.Buffer
	n, err := CopyBody(&dst, src, Framing{Kind: Chunked})
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSuffix(body, "NEXT"); dst.String() != want || n != 5 {
		t.Fatalf("copied %q (payload %d), want %q (payload 5)", dst.String(), n, want)
	}
	rest, _ := io.ReadAll(src)
	if string(rest) != "NEXT" {
		t.Fatalf("left %q after the body", rest)
	}
	if _, err := CopyBody(io.Discard, bufio.NewReader(strings.NewReader("zz\r\n")), Framing{Kind: Chunked}); err == nil {
		t.Fatal("a bad chunk size was accepted")
	}
	if _, err := CopyBody(io.Discard, bufio.NewReader(strings.NewReader("ab")), Framing{Kind: Length, Length: 5}); err != io.ErrUnexpectedEOF {
		t.Fatalf("short body: %v", err)
	}
}

func TestHopByHopAndKeepAlive(t *testing.T) {
	h := Header{{"Connection", "keep-alive, X-Foo"}, {"X-Foo", "1"}, {"X-Bar", "2"}}
	for name, want := range map[string]bool{"x-foo": true, "X-Bar": false, "Keep-Alive": true, "Upgrade": true, "Host": false} {
		if got := HopByHop(h, name); got != want {
			t.Errorf("HopByHop(%s) = %v", name, got)
		}
	}
	if !KeepAlive(h, 0) || KeepAlive(Header{{"Connection", "close"}}, 1) || KeepAlive(nil, 0) || !KeepAlive(nil, 1) {
		t.Error("keep-alive rules broken")
	}
}

func FuzzReadRequest(f *testing.F) {
	f.Add("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	f.Add("POST /submit HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
	f.Add("\n\nGET x HTTP/1.0\nA:\n b\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		var req Request
		r := reader(s)
		for range 3 {
			if err := r.ReadRequest(&req); err != nil {
				return
			}
			_ = RequestFraming(&req)
		}
	})
}

func FuzzReadResponse(f *testing.F) {
	f.Add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET")
	f.Add("HTTP/1.0 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", "HEAD")
	f.Add("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "POST")
	f.Fuzz(func(t *testing.T, s, method string) {
		var resp Response
		r := reader(s)
		for range 3 {
			if err := r.ReadResponse(&resp); err != nil {
				return
			}
			fr := ResponseFraming(&resp, method)
			if fr.Kind == Length && fr.Length < 0 {
				t.Fatalf("negative length from %q", s)
			}
			CopyBody(io.Discard, r.br, fr)
		}
	})
}

func FuzzChunked(f *testing.F) {
	f.Add("5\r\nhello\r\n0\r\n\r\n")
	f.Add("a;ext=1\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n")
	f.Add("ffffffffffffffff\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		var out bytes.Buffer
		n, err := CopyBody(&out, bufio.NewReader(strings.NewReader(s)), Framing{Kind: Chunked})
		if err == nil && !strings.HasPrefix(s, out.String()) {
			t.Fatalf("chunked copy changed the body: %q -> %q", s, out.String())
		}
		if n < 0 || n > int64(len(s)) {
			t.Fatalf("payload %d from %d bytes", n, len(s))
		}
	})
}

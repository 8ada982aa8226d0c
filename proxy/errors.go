package proxy

import "strconv"

// errorPage is one of HAProxy's built-in responses (http_err_msgs in
// src/http.c): the exact bytes a client receives.
type errorPage struct {
	reason string
	body   string
	close  bool // the raw page carries "Connection: close"
}

// errorPages are HAProxy 2.6's built-in pages, by status.
var errorPages = map[int]errorPage{
	200: {"OK", "<html><body><h1>200 OK</h1>\nService ready.\n</body></html>\n", false},
	400: {"Bad request", "<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid request.\n</body></html>\n", true},
	401: {"Unauthorized", "<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n", false},
	403: {"Forbidden", "<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n", false},
	404: {"Not Found", "<html><body><h1>404 Not Found</h1>\nThe resource could not be found.\n</body></html>\n", false},
	405: {"Method Not Allowed", "<html><body><h1>405 Method Not Allowed</h1>\nA request was made of a resource using a request method not supported by that resource\n</body></html>\n", false},
	407: {"Unauthorized", "<html><body><h1>407 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n", false},
	408: {"Request Time-out", "<html><body><h1>408 Request Time-out</h1>\nYour browser didn't send a complete request in time.\n</body></html>\n", true},
	410: {"Gone", "<html><body><h1>410 Gone</h1>\nThe resource is no longer available and will not be available again.\n</body></html>\n", false},
	413: {"Payload Too Large", "<html><body><h1>413 Payload Too Large</h1>\nThe request entity exceeds the maximum allowed.\n</body></html>\n", false},
	421: {"Misdirected Request", "<html><body><h1>421 Misdirected Request</h1>\nRequest sent to a non-authoritative server.\n</body></html>\n", false},
	422: {"Unprocessable Content", "<html><body><h1>422 Unprocessable Content</h1>\nThe server cannot process the contained instructions.\n</body></html>\n", false},
	425: {"Too Early", "<html><body><h1>425 Too Early</h1>\nYour browser sent early data.\n</body></html>\n", false},
	429: {"Too Many Requests", "<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given amount of time.\n</body></html>\n", false},
	500: {"Internal Server Error", "<html><body><h1>500 Internal Server Error</h1>\nAn internal server error occurred.\n</body></html>\n", false},
	501: {"Not Implemented", "<html><body><h1>501 Not Implemented</h1>\n.The server does not support the functionality required to fulfill the request.\n</body></html>\n", false},
	502: {"Bad Gateway", "<html><body><h1>502 Bad Gateway</h1>\nThe server returned an invalid or incomplete response.\n</body></html>\n", false},
	503: {"Service Unavailable", "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n", false},
	504: {"Gateway Time-out", "<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>\n", false},
}

// KnownStatus reports whether HAProxy has a built-in page for code, which
// is what "deny_status" accepts.
func KnownStatus(code int) bool {
	_, ok := errorPages[code]
	return ok
}

// rawPage is the page as the HTTP/1 layer sends it before a request is
// parsed (400, 408): header names as written in HAProxy's table.
func rawPage(code int) string {
	p := errorPages[code]
	s := "HTTP/1.1 " + strconv.Itoa(code) + " " + p.reason + "\r\n" +
		"Content-length: " + strconv.Itoa(len(p.body)) + "\r\n" +
		"Cache-Control: no-cache\r\n"
	if p.close {
		s += "Connection: close\r\n"
	}
	return s + "Content-Type: text/html\r\n\r\n" + p.body
}

// htxPage is the page as HAProxy sends it for a parsed request (deny, 502,
// 503, 504): through its HTX layer, so header names are lower-cased, and
// the connection stays open unless close says otherwise.
func htxPage(code int, close bool) string { return htxPageConn(code, close, false) }

// htxPageConn is htxPage for an HTTP/1.0 client when http10 is set: one
// that stays connected is told "connection: keep-alive", as HAProxy does.
func htxPageConn(code int, close, http10 bool) string {
	p := errorPages[code]
	s := "HTTP/1.1 " + strconv.Itoa(code) + " " + p.reason + "\r\n" +
		"content-length: " + strconv.Itoa(len(p.body)) + "\r\n" +
		"cache-control: no-cache\r\n" +
		"content-type: text/html\r\n"
	switch {
	case close || p.close:
		s += "connection: close\r\n"
	case http10:
		s += "connection: keep-alive\r\n"
	}
	return s + "\r\n" + p.body
}

// htxOverhead is what HAProxy's byte counters add to the start line and
// header bytes of a response: its %B is the size of the response in its
// internal HTX form (start line parts, header names and values, payload),
// not the bytes on the wire. Checked against the real binary's logs: 217
// for its 503 page, 192 for the 403, 51 for "200 OK" with a 2-byte body.
const htxOverhead = 21

// htxHeadSize is a response head's size as HAProxy counts it.
func htxHeadSize(status int, reason string, fields int) int64 {
	return int64(htxOverhead + len("HTTP/1.1") + len(strconv.Itoa(status)) + len(reason) + fields)
}

// pageBytes is a built-in page's size as HAProxy logs it.
func pageBytes(code int) int64 {
	p := errorPages[code]
	fields := len("content-length") + len(strconv.Itoa(len(p.body))) +
		len("cache-control") + len("no-cache") + len("content-type") + len("text/html")
	return htxHeadSize(code, p.reason, fields) + int64(len(p.body))
}

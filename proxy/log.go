package proxy

import (
	"net/netip"
	"strconv"
	"time"
)

// LogRecord is everything HAProxy's httplog or tcplog line says about one
// request (HTTP) or one connection (TCP), plus what the lab needs to count
// it. Durations are milliseconds of lab time, -1 for a phase that never
// happened.
type LogRecord struct {
	TCP      bool
	Client   netip.AddrPort
	Date     time.Time // %tr: first byte of the request (HTTP), accept (TCP); lab clock
	Frontend string
	Backend  string // the frontend's name when no backend was reached
	Server   string // "<NOSRV>" when no server was reached
	// ServerIndex is the server's position in its backend, -1 for <NOSRV>.
	ServerIndex int

	TR, Tw, Tc, Tr, Ta int64 // HTTP timers
	Tt                 int64 // TCP: total session time
	// Elapsed is Ta (HTTP) or Tt (TCP) exactly, in lab time: the log's
	// timers are whole milliseconds, too coarse for fast servers' latency.
	Elapsed time.Duration

	Status int    // HTTP status sent to the client (-1 when none)
	Bytes  int64  // bytes sent to the client, headers included
	Term   string // termination state: 4 characters (HTTP) or 2 (TCP)

	ActConn, FeConn, BeConn, SrvConn int64
	Retries                          int
	Redispatched                     bool
	SrvQueue, BeQueue                int

	Method, URI, Proto string // the request line; Method "" means <BADREQ>
	Rule               int    // index of the use_backend rule that matched, -1 for default_backend or none
	Denied             bool   // an http-request or tcp-request rule refused it
}

// String formats the record as HAProxy's httplog line (tcplog for TCP):
//
//	%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r
//
// Captured headers are not configured, so that field is absent, as in
// HAProxy.
func (r *LogRecord) String() string {
	b := make([]byte, 0, 192)
	b = r.Client.Addr().AppendTo(b)
	b = append(b, ':')
	b = strconv.AppendUint(b, uint64(r.Client.Port()), 10)
	b = append(b, " ["...)
	b = r.Date.AppendFormat(b, "02/Jan/2006:15:04:05.000")
	b = append(b, "] "...)
	b = append(b, r.Frontend...)
	b = append(b, ' ')
	b = append(b, r.Backend...)
	b = append(b, '/')
	b = append(b, r.Server...)
	b = append(b, ' ')
	if r.TCP {
		b = appendTimers(b, r.Tw, r.Tc, r.Tt)
		b = append(b, ' ')
		b = strconv.AppendInt(b, r.Bytes, 10)
		b = append(b, ' ')
		b = append(b, r.Term...)
		b = append(b, ' ')
		b = r.appendCounts(b)
		return string(b)
	}
	b = appendTimers(b, r.TR, r.Tw, r.Tc, r.Tr, r.Ta)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(r.Status), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, r.Bytes, 10)
	b = append(b, " - - "...)
	b = append(b, r.Term...)
	b = append(b, ' ')
	b = r.appendCounts(b)
	b = append(b, " \""...)
	if r.Method == "" {
		b = append(b, "<BADREQ>"...)
	} else {
		b = append(b, r.Method...)
		b = append(b, ' ')
		b = append(b, r.URI...)
		b = append(b, ' ')
		b = append(b, r.Proto...)
	}
	b = append(b, '"')
	return string(b)
}

func appendTimers(b []byte, ts ...int64) []byte {
	for i, t := range ts {
		if i > 0 {
			b = append(b, '/')
		}
		b = strconv.AppendInt(b, t, 10)
	}
	return b
}

func (r *LogRecord) appendCounts(b []byte) []byte {
	b = appendTimers(b, r.ActConn, r.FeConn, r.BeConn, r.SrvConn)
	b = append(b, '/')
	if r.Redispatched {
		b = append(b, '+')
	}
	b = strconv.AppendInt(b, int64(r.Retries), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(r.SrvQueue), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(r.BeQueue), 10)
	return b
}

// ms converts a lab duration to HAProxy's millisecond timers.
func ms(d time.Duration) int64 { return int64(d / time.Millisecond) }

package traffic

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"

	"github.com/lblab/lblab/proxy/h1"
)

// Failure reasons: short, stable strings, the keys of Stats.Reasons and
// Result.Err.
const (
	ReasonRefused     = "connection refused"            // nothing listens on the target
	ReasonReset       = "connection reset"              // the peer reset the connection
	ReasonClosed      = "connection closed"             // closed before a whole answer arrived
	ReasonTimeout     = "timeout"                       // no whole answer within Config.Timeout
	ReasonBadResponse = "bad response"                  // the answer is not valid HTTP/1
	ReasonStopped     = "stopped"                       // cut by Stop
	ReasonTooMany     = "generator: too many in flight" // Config.MaxInFlight reached: not sent
	ReasonBind        = "cannot bind source address"    // the OS refused the client's address
	ReasonNetwork     = "network error"                 // any other error from the network
)

// reasonOf classifies a request's error.
func reasonOf(err error) string {
	var syn *h1.SyntaxError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return ReasonRefused
	case isReset(err):
		return ReasonReset
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return ReasonTimeout
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, h1.ErrTruncated), errors.Is(err, net.ErrClosed):
		return ReasonClosed
	case errors.As(err, &syn), errors.Is(err, h1.ErrTooLarge), errors.Is(err, h1.ErrBadChunk):
		return ReasonBadResponse
	case errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.EADDRINUSE):
		return ReasonBind
	}
	return ReasonNetwork
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

package balance

import "errors"

// WordError is a parse error about one word of a configuration line.
type WordError struct {
	Word int    // index into the words given to the parser
	Msg  string // what was wrong and what would be accepted
}

func (e *WordError) Error() string { return e.Msg }

// ParseBalance parses the words after "balance" (e.g. "uri", "depth", "2").
func ParseBalance(words []string) (Spec, error) { return Spec{}, errors.New("not implemented yet") }

// ParseHashType parses the words after "hash-type".
func ParseHashType(words []string) (HashType, error) {
	return HashType{}, errors.New("not implemented yet")
}

// New builds the algorithm for spec over servers (declaration order).
func New(spec Spec, servers []*Server) (Algorithm, error) { return nil, errors.New("not implemented yet") }

package balance

import "strings"

// Args is the "balance" line without its keyword, e.g. "uri whole", for
// display and for the --algo flag.
func (s Spec) Args() string { return strings.TrimPrefix(s.String(), "balance ") }

// Args is the "hash-type" line without its keyword, e.g. "consistent".
func (h HashType) Args() string { return strings.TrimPrefix(h.String(), "hash-type ") }

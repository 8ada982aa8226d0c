package balance

// Option adjusts an algorithm built by New.
type Option func(*options)

type options struct {
	rnd func() uint32
}

// WithRand gives "balance random" its source of random 32-bit numbers (HAProxy's
// statistical_prng), so that tests can replay draws. By default each
// algorithm has its own PCG generator with a random seed.
func WithRand(rnd func() uint32) Option {
	return func(o *options) { o.rnd = rnd }
}

// New builds the algorithm for spec over servers, in declaration order,
// each with Index set to its position and a distinct positive ID (see
// AssignIDs). The servers' current Weight, Up, Maint, Drain and Served
// fields are taken as the starting state.
func New(spec Spec, servers []*Server, opts ...Option) (Algorithm, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	b, err := newBase(spec, servers)
	if err != nil {
		return nil, err
	}
	switch {
	case spec.Algo == RoundRobin:
		return newFWRR(b), nil
	case spec.Algo == LeastConn:
		return newFWLC(b), nil
	case spec.Algo == First:
		return newFAS(b), nil
	case spec.Algo == StaticRR, spec.Hashing() && !spec.Hash.Consistent:
		return newMaps(b), nil
	default: // random, consistent hashing
		return newCHash(b, o.rnd), nil
	}
}

package balance

// KeyHash returns the hash a hashing algorithm computes for r before its
// lookup (avalanche applied when configured): the position of r's key on a
// consistent ring, or the number whose remainder picks a map slot. ok is
// false when spec does not hash or r lacks the key.
func KeyHash(spec Spec, r *Request) (uint32, bool) {
	switch spec.Algo {
	case Source, URI, URLParam, Hdr:
		return requestHash(&spec, r, false)
	}
	return 0, false
}

package balance

import (
	"hash/crc32"
	"math/bits"
)

// The string hash functions of "hash-type" (src/hash.c) and the avalanche
// modifier (full_hash, include/haproxy/intops.h). They take a string or a
// byte slice without converting, so that hashing a URI does not allocate.

type bytesLike interface{ ~string | ~[]byte }

// hashSDBM is sdbm: h = c + (h << 6) + (h << 16) - h for every byte,
// that is h = h*65599 + c (mod 2^32).
func hashSDBM[T bytesLike](b T) uint32 {
	return polyHash(b, 0, 65599)
}

// hashDJB2 is djb2: h = h*33 + c, from 5381.
func hashDJB2[T bytesLike](b T) uint32 {
	return polyHash(b, 5381, 33)
}

// polyHash computes h = h*k + c over the bytes, four bytes per step:
// h*k^4 + (c0*k^3 + c1*k^2 + c2*k + c3) gives the same value (mod 2^32)
// with a quarter of the chained multiplications.
func polyHash[T bytesLike](b T, h, k uint32) uint32 {
	k2 := k * k
	k3 := k2 * k
	k4 := k2 * k2
	i := 0
	for ; i+4 <= len(b); i += 4 {
		h = h*k4 + uint32(b[i])*k3 + uint32(b[i+1])*k2 + uint32(b[i+2])*k + uint32(b[i+3])
	}
	for ; i < len(b); i++ {
		h = h*k + uint32(b[i])
	}
	return h
}

// hashWT6 is Willy Tarreau's wt6: two 32-bit states rotated by amounts
// that depend on the data.
func hashWT6[T bytesLike](b T) uint32 {
	h0, h1 := uint32(0xa53c965a), uint32(0x5ca6953a)
	step0, step1 := uint32(6), uint32(18)
	for i := 0; i < len(b); i++ {
		t := uint32(b[i])
		h0 = ^(h0 ^ t)
		h1 = ^(h1 + t)
		// rotations by 0..31 (the steps never exceed 31)
		t = bits.RotateLeft32(h1, int(step0))
		h1 = bits.RotateLeft32(h0, int(step1))
		h0 = t
		t = (h0>>16 ^ h1) & 0xffff
		step0 = t & 0x1f
		step1 = t >> 11
	}
	return h0 ^ h1
}

// hashCRC32 is the IEEE CRC-32 (reflected polynomial 0xedb88320, all ones
// in and out), which HAProxy computes bit by bit and the table gives at once.
func hashCRC32[T bytesLike](b T) uint32 {
	crc := ^uint32(0)
	for i := 0; i < len(b); i++ {
		crc = crc32.IEEETable[byte(crc)^b[i]] ^ crc>>8
	}
	return ^crc
}

// fullHash is Bob Jenkins' 32-bit integer hash, then a multiplication by a
// large prime: HAProxy's avalanche modifier and the consistent ring's node
// placement. It is a bijection, so distinct inputs never collide.
func fullHash(a uint32) uint32 {
	a = (a + 0x7ed55d16) + a<<12
	a = (a ^ 0xc761c23c) ^ a>>19
	a = (a + 0x165667b1) + a<<5
	a = (a + 0xd3a2646c) ^ a<<9
	a = (a + 0xfd7046c5) + a<<3
	a = (a ^ 0xb55a4f09) ^ a>>16
	return a * 3221225473
}

// genHash is gen_hash: the configured function over b.
func genHash[T bytesLike](f HashFunc, b T) uint32 {
	switch f {
	case DJB2:
		return hashDJB2(b)
	case WT6:
		return hashWT6(b)
	case CRC32:
		return hashCRC32(b)
	}
	return hashSDBM(b)
}

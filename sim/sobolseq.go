package sim

import "math/rand/v2"

// Sobol' low-discrepancy sequence (Sobol' 1967) in Gray-code order
// (Antonov and Saleev 1979), with the direction numbers of Joe and Kuo
// (2008, file new-joe-kuo-6.21201, dimensions 2 to 32), and a random
// digital shift: every coordinate is XORed with a random 32-bit word, which
// keeps the sequence's stratification while making it depend on the seed.

// joeKuo holds, for dimensions 2 to 32, the degree s and coefficients a of
// the primitive polynomial and the initial direction numbers m_1..m_s.
var joeKuo = []struct {
	s, a int
	m    []uint32
}{
	{1, 0, []uint32{1}}, {2, 1, []uint32{1, 3}}, {3, 1, []uint32{1, 3, 1}}, {3, 2, []uint32{1, 1, 1}},
	{4, 1, []uint32{1, 1, 3, 3}}, {4, 4, []uint32{1, 3, 5, 13}}, {5, 2, []uint32{1, 1, 5, 5, 17}},
	{5, 4, []uint32{1, 1, 5, 5, 5}}, {5, 7, []uint32{1, 1, 7, 11, 19}}, {5, 11, []uint32{1, 1, 5, 1, 1}},
	{5, 13, []uint32{1, 1, 1, 3, 11}}, {5, 14, []uint32{1, 3, 5, 5, 31}}, {6, 1, []uint32{1, 3, 3, 9, 7, 49}},
	{6, 13, []uint32{1, 1, 1, 15, 21, 21}}, {6, 16, []uint32{1, 3, 1, 13, 27, 49}}, {6, 19, []uint32{1, 1, 1, 15, 7, 5}},
	{6, 22, []uint32{1, 3, 1, 15, 13, 25}}, {6, 25, []uint32{1, 1, 5, 5, 19, 61}}, {7, 1, []uint32{1, 3, 7, 11, 23, 15, 103}},
	{7, 4, []uint32{1, 3, 7, 13, 13, 15, 69}}, {7, 7, []uint32{1, 1, 3, 13, 7, 35, 63}}, {7, 8, []uint32{1, 3, 5, 9, 1, 25, 53}},
	{7, 14, []uint32{1, 3, 1, 13, 9, 35, 107}}, {7, 19, []uint32{1, 3, 1, 5, 27, 61, 31}}, {7, 21, []uint32{1, 1, 5, 11, 19, 41, 61}},
	{7, 28, []uint32{1, 3, 5, 3, 3, 13, 69}}, {7, 31, []uint32{1, 1, 7, 13, 1, 19, 1}}, {7, 32, []uint32{1, 3, 7, 5, 13, 19, 59}},
	{7, 37, []uint32{1, 1, 3, 9, 25, 29, 41}}, {7, 41, []uint32{1, 3, 5, 13, 23, 1, 55}}, {7, 42, []uint32{1, 3, 7, 3, 13, 59, 17}},
}

// MaxSobolDims is the number of dimensions the sequence supports.
var MaxSobolDims = len(joeKuo) + 1

// directions returns the 32 direction numbers V_1..V_32 of dimension d
// (0-based), scaled to 32 bits.
func directions(d int) [32]uint32 {
	var v [32]uint32
	if d == 0 {
		for i := range v {
			v[i] = 1 << (31 - i)
		}
		return v
	}
	jk := joeKuo[d-1]
	for i := 0; i < 32; i++ {
		if i < jk.s {
			v[i] = jk.m[i] << (31 - i)
			continue
		}
		v[i] = v[i-jk.s] ^ (v[i-jk.s] >> jk.s)
		for k := 1; k < jk.s; k++ {
			v[i] ^= uint32((jk.a>>(jk.s-1-k))&1) * v[i-k]
		}
	}
	return v
}

// sobolPoints returns the first n points of the dims-dimensional sequence,
// each coordinate XORed with shift[d] (nil: no shift).
func sobolPoints(n, dims int, shift []uint32) [][]float64 {
	if dims > MaxSobolDims {
		panic("sim: Sobol' sequence has at most 32 dimensions")
	}
	v := make([][32]uint32, dims)
	for d := range v {
		v[d] = directions(d)
	}
	x := make([]uint32, dims)
	out := make([][]float64, n)
	for i := range n {
		if i > 0 {
			c := 0 // index of the lowest zero bit of i-1: Gray-code order
			for j := i - 1; j&1 == 1; j >>= 1 {
				c++
			}
			for d := range x {
				x[d] ^= v[d][c]
			}
		}
		p := make([]float64, dims)
		for d := range p {
			w := x[d]
			if shift != nil {
				w ^= shift[d]
			}
			p[d] = (float64(w) + 0.5) / (1 << 32) // centre of the 2^-32 cell: never 0 or 1
		}
		out[i] = p
	}
	return out
}

func digitalShift(src *rand.Rand, dims int) []uint32 {
	s := make([]uint32, dims)
	for d := range s {
		s[d] = src.Uint32()
	}
	return s
}

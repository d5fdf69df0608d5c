// Package rng derives independent, reproducible random streams from a
// master seed, so that no code uses global random state and results do not
// depend on the number of workers.
package rng

import "math/rand/v2"

// Stream kinds keep streams of different purposes apart.
const (
	KindInit    = 1 // population set-up
	KindFirms   = 2 // one per block of firms
	KindNetwork = 3 // one per network
	KindRep     = 4 // one per replication of an experiment
	KindDesign  = 5 // sampling of experimental designs
)

// New returns the stream (kind, index) of master seed. Streams with any
// different argument are statistically independent: the three values are
// mixed with SplitMix64 into the two words of a PCG generator.
func New(seed, kind, index uint64) *rand.Rand {
	return rand.New(Source(seed, kind, index))
}

// Source is New without the *rand.Rand wrapper.
func Source(seed, kind, index uint64) *rand.PCG {
	a := mix(seed ^ mix(kind))
	b := mix(a ^ mix(index+0x632be59bd9b4e019))
	return rand.NewPCG(a, b)
}

// Derive returns a child seed, e.g. the seed of replication r.
func Derive(seed, kind, index uint64) uint64 {
	return mix(mix(seed^mix(kind)) ^ mix(index+0x9e3779b97f4a7c15))
}

// mix is the SplitMix64 finaliser (Steele, Lea and Flood 2014).
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

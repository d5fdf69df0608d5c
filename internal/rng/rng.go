// Package rng derives independent, reproducible random streams from a
// master seed, so that no code uses global random state and results do not
// depend on the number of workers.
package rng

import (
	"math/bits"
	"math/rand/v2"
)

// Stream kinds keep streams of different purposes apart.
const (
	KindInit      = 1 // population set-up, one per firm
	KindFirms     = 2 // a firm's draws in one step's firm phase
	KindNetwork   = 3 // a network's draws in one step
	KindRep       = 4 // one per replication of an experiment
	KindDesign    = 5 // sampling of experimental designs
	KindCommit    = 6 // a firm's draws in one step's commitment phase
	KindABC       = 7 // a calibration proposal: its perturbation and simulation seed
	KindABCPick   = 8 // a calibration proposal: the particle it perturbs
	KindPosterior = 9 // the posterior particle a replication runs with
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

// Counter is a counter-based stream: SplitMix64 (Steele, Lea and Flood
// 2014), whose state is a 64-bit key that each draw advances by the golden
// gamma and hashes. Keying it costs one hash, drawing one more, so the model
// can give every firm its own stream in every step, (seed, kind, step,
// entity), without the cost of seeding a generator. Streams of different keys
// are independent unless two keys lie within a few draws' gammas of each other
// (chance about draws^2/2^64). It implements rand.Source.
type Counter struct{ s uint64 }

// Uint64 returns the next draw.
func (c *Counter) Uint64() uint64 {
	c.s += golden
	return finish(c.s)
}

// Reseed points c at the stream (kind, a, b) of master seed, so each
// network's random numbers depend only on the seed, its identity and the
// step. Changing one network or firm then leaves every other one's draws
// unchanged (common random numbers across scenarios).
func Reseed(c *Counter, seed, kind, a, b uint64) {
	x := mix(seed ^ mix(kind))
	x = mix(x ^ mix(a+0x632be59bd9b4e019))
	c.s = mix(x ^ mix(b+0xd1b54a32d192ed03))
}

// StepKey mixes a master seed, a stream kind and a step into one key, once
// per phase; ReseedKey then derives each firm's stream from it with one
// mixing round.
func StepKey(seed, kind, step uint64) uint64 {
	return mix(mix(seed^mix(kind)) ^ mix(step+0xd1b54a32d192ed03))
}

// ReseedKey points c at the stream of one entity (a firm's key) under a
// StepKey.
func ReseedKey(c *Counter, stepKey, entity uint64) {
	c.s = mix(stepKey ^ (entity * golden))
}

// Derive returns a child seed, e.g. the seed of replication r.
func Derive(seed, kind, index uint64) uint64 {
	return mix(mix(seed^mix(kind)) ^ mix(index+0x9e3779b97f4a7c15))
}

// golden is SplitMix64's gamma, 2^64 over the golden ratio, made odd.
const golden = 0x9e3779b97f4a7c15

// mix is one SplitMix64 step from state z: advance, then finish.
func mix(z uint64) uint64 { return finish(z + golden) }

// finish is the SplitMix64 output function (Stafford's Mix13 variant).
func finish(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Float64 is rand.Rand.Float64 over c: the same number, without the call
// through the rand.Source interface.
func (c *Counter) Float64() float64 { return float64(c.Uint64()<<11>>11) / (1 << 53) }

// IntN is rand.Rand.IntN over c on 64-bit platforms: the same numbers from
// the same draws (Lemire's multiply-and-reject), without the interface call.
func (c *Counter) IntN(n int) int {
	if n <= 0 {
		panic("rng: invalid argument to IntN")
	}
	u := uint64(n)
	if u&(u-1) == 0 {
		return int(c.Uint64() & (u - 1))
	}
	hi, lo := bits.Mul64(c.Uint64(), u)
	if lo < u {
		thresh := -u % u
		for lo < thresh {
			hi, lo = bits.Mul64(c.Uint64(), u)
		}
	}
	return int(hi)
}

// Shuffle32 is rand.Rand.Shuffle of xs over c: the same permutation, with
// the swaps done in place rather than through a callback.
func (c *Counter) Shuffle32(xs []int32) {
	for i := len(xs) - 1; i > 0; i-- {
		j := c.IntN(i + 1)
		xs[i], xs[j] = xs[j], xs[i]
	}
}

package rng

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// draws returns the first n Uint64 values of src.
func draws(src rand.Source, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = src.Uint64()
	}
	return out
}

func newDraws(seed, kind, index uint64) []uint64 {
	r := New(seed, kind, index)
	out := make([]uint64, 8)
	for i := range out {
		out[i] = r.Uint64()
	}
	return out
}

func sourceDraws(seed, kind, index uint64) []uint64 { return draws(Source(seed, kind, index), 8) }

func reseedDraws(seed, kind, a, b uint64) []uint64 {
	p := &Counter{s: 1}
	Reseed(p, seed, kind, a, b)
	return draws(p, 8)
}

func keyDraws(seed, kind, step, entity uint64) []uint64 {
	p := &Counter{s: 1}
	ReseedKey(p, StepKey(seed, kind, step), entity)
	return draws(p, 8)
}

func deriveDraws(seed, kind, index uint64) []uint64 {
	return []uint64{Derive(seed, kind, index)}
}

// TestDeterministic: the same arguments give the same stream, every time.
func TestDeterministic(t *testing.T) {
	for _, args := range [][4]uint64{{0, 0, 0, 0}, {1, KindFirms, 7, 3}, {math.MaxUint64, KindCommit, 1 << 40, math.MaxUint64}} {
		s, k, a, b := args[0], args[1], args[2], args[3]
		if x, y := newDraws(s, k, a), newDraws(s, k, a); !slices.Equal(x, y) {
			t.Errorf("New%v not deterministic: %v vs %v", args[:3], x, y)
		}
		if x, y := sourceDraws(s, k, a), newDraws(s, k, a); !slices.Equal(x, y) {
			t.Errorf("Source%v and New differ: %v vs %v", args[:3], x, y)
		}
		if x, y := reseedDraws(s, k, a, b), reseedDraws(s, k, a, b); !slices.Equal(x, y) {
			t.Errorf("Reseed%v not deterministic", args)
		}
		if x, y := keyDraws(s, k, a, b), keyDraws(s, k, a, b); !slices.Equal(x, y) {
			t.Errorf("StepKey/ReseedKey%v not deterministic", args)
		}
		if StepKey(s, k, a) != StepKey(s, k, a) {
			t.Errorf("StepKey%v not deterministic", args[:3])
		}
		if Derive(s, k, a) != Derive(s, k, a) {
			t.Errorf("Derive%v not deterministic", args[:3])
		}
	}
}

// splitMix is the reference SplitMix64 generator: n outputs from state s.
func splitMix(s uint64, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		s += 0x9e3779b97f4a7c15
		z := s
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		out[i] = z ^ (z >> 31)
	}
	return out
}

// TestGoldenValues pins the streams, so that a change to the mixing (which
// would silently change every published result) is noticed.
func TestGoldenValues(t *testing.T) {
	// Recompute the expected values with an independent SplitMix64.
	sm := func(z uint64) uint64 {
		z += 0x9e3779b97f4a7c15
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	if got, want := mix(0), uint64(0xe220a8397b1dcdaf); got != want {
		t.Fatalf("mix(0) = %#x, want the SplitMix64 value %#x", got, want)
	}
	for _, z := range []uint64{0, 1, 42, math.MaxUint64} {
		if mix(z) != sm(z) {
			t.Errorf("mix(%d) = %#x, want %#x", z, mix(z), sm(z))
		}
	}
	const seed, kind, idx = 2024, KindRep, 3
	if got, want := Derive(seed, kind, idx), sm(sm(seed^sm(kind))^sm(idx+0x9e3779b97f4a7c15)); got != want {
		t.Errorf("Derive = %#x, want %#x", got, want)
	}
	a := sm(seed ^ sm(kind))
	want := draws(rand.NewPCG(a, sm(a^sm(idx+0x632be59bd9b4e019))), 4)
	if got := sourceDraws(seed, kind, idx)[:4]; !slices.Equal(got, want) {
		t.Errorf("Source draws %v, want %v", got, want)
	}

	var b uint64 = 11
	x := sm(sm(seed^sm(kind)) ^ sm(idx+0x632be59bd9b4e019))
	want = splitMix(sm(x^sm(b+0xd1b54a32d192ed03)), 4)
	if got := reseedDraws(seed, kind, idx, b)[:4]; !slices.Equal(got, want) {
		t.Errorf("Reseed draws %v, want %v", got, want)
	}

	key := sm(sm(seed^sm(kind)) ^ sm(idx+0xd1b54a32d192ed03))
	if got := StepKey(seed, kind, idx); got != key {
		t.Errorf("StepKey = %#x, want %#x", got, key)
	}
	x = sm(key ^ (b * 0x9e3779b97f4a7c15))
	want = splitMix(x, 4)
	if got := keyDraws(seed, kind, idx, b)[:4]; !slices.Equal(got, want) {
		t.Errorf("ReseedKey draws %v, want %v", got, want)
	}
}

// TestArgumentsMatter: changing any single argument changes the stream.
// A mixer that ignored an argument, or confused two of them, fails here.
func TestArgumentsMatter(t *testing.T) {
	const s, k, a, b = 12345, KindFirms, 17, 99
	type variant struct {
		name string
		x, y []uint64
	}
	vs := []variant{
		{"New seed", newDraws(s, k, a), newDraws(s+1, k, a)},
		{"New kind", newDraws(s, k, a), newDraws(s, k+1, a)},
		{"New index", newDraws(s, k, a), newDraws(s, k, a+1)},
		{"New seed<->index", newDraws(s, k, a), newDraws(a, k, s)},
		{"New seed<->kind", newDraws(s, k, a), newDraws(k, s, a)},
		{"New index high bit", newDraws(s, k, a), newDraws(s, k, a|1<<63)},
		{"Reseed seed", reseedDraws(s, k, a, b), reseedDraws(s+1, k, a, b)},
		{"Reseed kind", reseedDraws(s, k, a, b), reseedDraws(s, k+1, a, b)},
		{"Reseed a", reseedDraws(s, k, a, b), reseedDraws(s, k, a+1, b)},
		{"Reseed b", reseedDraws(s, k, a, b), reseedDraws(s, k, a, b+1)},
		{"Reseed a<->b", reseedDraws(s, k, a, b), reseedDraws(s, k, b, a)},
		{"Reseed b high bit", reseedDraws(s, k, a, b), reseedDraws(s, k, a, b^1<<63)},
		{"StepKey seed", keyDraws(s, k, a, b), keyDraws(s+1, k, a, b)},
		{"StepKey kind", keyDraws(s, k, a, b), keyDraws(s, k+1, a, b)},
		{"StepKey step", keyDraws(s, k, a, b), keyDraws(s, k, a+1, b)},
		{"ReseedKey entity", keyDraws(s, k, a, b), keyDraws(s, k, a, b+1)},
		{"ReseedKey step<->entity", keyDraws(s, k, a, b), keyDraws(s, k, b, a)},
		{"ReseedKey entity high bit", keyDraws(s, k, a, b), keyDraws(s, k, a, b^1<<63)},
		{"Derive seed", deriveDraws(s, k, a), deriveDraws(s+1, k, a)},
		{"Derive kind", deriveDraws(s, k, a), deriveDraws(s, k+1, a)},
		{"Derive index", deriveDraws(s, k, a), deriveDraws(s, k, a+1)},
		// The functions use different constants: the same numbers must not
		// give the same stream through two of them.
		{"New vs Reseed", newDraws(s, k, a), reseedDraws(s, k, a, 0)},
		{"StepKey vs Derive", []uint64{StepKey(s, k, a)}, deriveDraws(s, k, a)},
	}
	for _, v := range vs {
		// Every position must differ, not just the sequence: streams that are
		// shifted copies of each other are as bad as equal ones.
		for i := range v.x {
			if slices.Contains(v.y, v.x[i]) {
				t.Errorf("%s: draw %d (%#x) also appears in the changed stream", v.name, i, v.x[i])
				break
			}
		}
	}
}

// TestDistinctOverRange: over many consecutive values of each argument the
// first draws are all different (no argument is truncated or ignored).
func TestDistinctOverRange(t *testing.T) {
	const n = 2000
	cases := []struct {
		name  string
		first func(i uint64) uint64
	}{
		{"New seed", func(i uint64) uint64 { return New(i, KindInit, 0).Uint64() }},
		{"New kind", func(i uint64) uint64 { return New(1, i, 0).Uint64() }},
		{"New index", func(i uint64) uint64 { return New(1, KindInit, i).Uint64() }},
		{"Reseed a", func(i uint64) uint64 { return reseedDraws(1, KindFirms, i, 5)[0] }},
		{"Reseed b", func(i uint64) uint64 { return reseedDraws(1, KindFirms, 5, i)[0] }},
		{"StepKey step", func(i uint64) uint64 { return StepKey(1, KindFirms, i) }},
		{"ReseedKey entity", func(i uint64) uint64 { return keyDraws(1, KindFirms, 3, i)[0] }},
		{"ReseedKey entity<<32", func(i uint64) uint64 { return keyDraws(1, KindFirms, 3, i<<32)[0] }},
		{"Derive index", func(i uint64) uint64 { return Derive(1, KindRep, i) }},
	}
	for _, c := range cases {
		seen := make(map[uint64]uint64, n)
		for i := range uint64(n) {
			v := c.first(i)
			if j, dup := seen[v]; dup {
				t.Errorf("%s: arguments %d and %d give the same first value %#x", c.name, j, i, v)
				break
			}
			seen[v] = i
		}
	}
}

// TestReseedNoStateLeak: reseeding a used generator gives exactly the draws
// of a fresh one, whatever was drawn from it before.
func TestReseedNoStateLeak(t *testing.T) {
	reused := &Counter{}
	r := rand.New(reused)
	key := StepKey(77, KindFirms, 12)
	for e := range uint64(200) {
		ReseedKey(reused, key, e)
		got := draws(reused, 5)
		fresh := &Counter{s: 42}
		ReseedKey(fresh, key, e)
		if want := draws(fresh, 5); !slices.Equal(got, want) {
			t.Fatalf("ReseedKey entity %d: reused generator draws %v, fresh %v", e, got, want)
		}
		// Leave the reused generator in a different state each time.
		for range e % 7 {
			r.Float64()
		}
	}
	for e := range uint64(200) {
		Reseed(reused, 77, KindCommit, 12, e)
		got := draws(reused, 5)
		if want := reseedDraws(77, KindCommit, 12, e)[:5]; !slices.Equal(got, want) {
			t.Fatalf("Reseed entity %d: reused generator draws %v, fresh %v", e, got, want)
		}
		r.IntN(int(e) + 1)
	}
}

// TestUniformMean: Float64 draws of each kind of stream average 1/2.
// (The standard error of a mean of 100k uniforms is 0.0009.)
func TestUniformMean(t *testing.T) {
	const n = 100_000
	p := &Counter{}
	cases := []struct {
		name string
		r    *rand.Rand
	}{
		{"New", New(2024, KindInit, 5)},
		{"Reseed", func() *rand.Rand { Reseed(p, 2024, KindFirms, 3, 9); return rand.New(p) }()},
	}
	for _, c := range cases {
		sum := 0.0
		for range n {
			sum += c.r.Float64()
		}
		if mean := sum / n; math.Abs(mean-0.5) > 0.01 {
			t.Errorf("%s: mean of %d draws = %.4f, want 0.5 ± 0.01", c.name, n, mean)
		}
	}

	// The first draw of each of many streams must be uniform too: that is
	// how the model uses them (a few draws per firm and step).
	key := StepKey(2024, KindFirms, 0)
	sum := 0.0
	for e := range uint64(n) {
		ReseedKey(p, key, e)
		sum += rand.New(p).Float64()
	}
	if mean := sum / n; math.Abs(mean-0.5) > 0.01 {
		t.Errorf("first draws of %d entity streams: mean %.4f, want 0.5 ± 0.01", n, mean)
	}
}

// TestAdjacentStreamsUncorrelated: the streams of adjacent entity keys (as
// firms 0..999 get in one step), of adjacent steps and of adjacent indices
// are uncorrelated. Pairs are pooled over 100 draws, so each correlation has
// about 100k pairs (standard error 0.003); the bound is 0.02.
func TestAdjacentStreamsUncorrelated(t *testing.T) {
	const entities, k = 1000, 100
	streams := func(src func(e uint64) rand.Source) [][]float64 {
		out := make([][]float64, entities)
		for e := range out {
			r := rand.New(src(uint64(e)))
			out[e] = make([]float64, k)
			for j := range out[e] {
				out[e][j] = r.Float64()
			}
		}
		return out
	}
	p := &Counter{}
	cases := []struct {
		name string
		src  func(e uint64) rand.Source
	}{
		{"ReseedKey entity", func(e uint64) rand.Source { ReseedKey(p, StepKey(9, KindFirms, 4), e); return p }},
		{"StepKey step", func(e uint64) rand.Source { ReseedKey(p, StepKey(9, KindFirms, e), 4); return p }},
		{"Reseed b", func(e uint64) rand.Source { Reseed(p, 9, KindNetwork, 4, e); return p }},
		{"Reseed a", func(e uint64) rand.Source { Reseed(p, 9, KindNetwork, e, 4); return p }},
		{"New index", func(e uint64) rand.Source { return Source(9, KindInit, e) }},
		{"New seed", func(e uint64) rand.Source { return Source(e, KindInit, 0) }},
		{"New seed from Derive", func(e uint64) rand.Source { return Source(Derive(9, KindRep, e), KindInit, 0) }},
	}
	for _, c := range cases {
		s := streams(c.src)
		var xs, ys []float64
		for e := 0; e+1 < entities; e++ {
			xs = append(xs, s[e]...)
			ys = append(ys, s[e+1]...)
		}
		if r := corr(xs, ys); math.Abs(r) > 0.02 {
			t.Errorf("%s: correlation between adjacent streams = %.4f, want |r| <= 0.02", c.name, r)
		}
		// Also the first draws alone, across the 1000 streams, against the
		// second draws of the same streams (lag within a stream).
		xs, ys = xs[:0], ys[:0]
		for e := range entities {
			xs = append(xs, s[e][:k-1]...)
			ys = append(ys, s[e][1:]...)
		}
		if r := corr(xs, ys); math.Abs(r) > 0.02 {
			t.Errorf("%s: lag-1 correlation within streams = %.4f, want |r| <= 0.02", c.name, r)
		}
	}
}

func corr(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, syy, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		syy += y[i] * y[i]
		sxy += x[i] * y[i]
	}
	cov := sxy/n - sx/n*sy/n
	return cov / math.Sqrt((sxx/n-sx/n*sx/n)*(syy/n-sy/n*sy/n))
}

// TestCounterMatchesRand: Counter's Float64, IntN and Shuffle32 give what
// rand.Rand gives over the same stream, so the model may use either.
func TestCounterMatchesRand(t *testing.T) {
	ns := []int{1, 2, 3, 5, 7, 8, 30, 64, 100, 1000, 12345, 1 << 20, 1<<31 - 1, 1<<40 + 3}
	for seed := range uint64(50) {
		var a, b Counter
		Reseed(&a, seed, KindNetwork, seed%3, 7)
		b = a
		r := rand.New(&b)
		for _, n := range ns {
			if x, y := a.IntN(n), r.IntN(n); x != y {
				t.Fatalf("seed %d: IntN(%d) = %d, rand.Rand gives %d", seed, n, x, y)
			}
			if x, y := a.Float64(), r.Float64(); x != y {
				t.Fatalf("seed %d: Float64 = %v, rand.Rand gives %v", seed, x, y)
			}
		}
		xs := make([]int32, 1+int(seed))
		ys := make([]int32, len(xs))
		for i := range xs {
			xs[i], ys[i] = int32(i), int32(i)
		}
		a.Shuffle32(xs)
		r.Shuffle(len(ys), func(i, j int) { ys[i], ys[j] = ys[j], ys[i] })
		if !slices.Equal(xs, ys) {
			t.Fatalf("seed %d: Shuffle32 %v, rand.Rand.Shuffle %v", seed, xs, ys)
		}
	}
}

// TestIntNUniform: IntN(3) takes each value a third of the time (5 standard
// deviations is about 400 of 30,000).
func TestIntNUniform(t *testing.T) {
	var c Counter
	Reseed(&c, 9, KindNetwork, 1, 2)
	var counts [3]int
	for range 30000 {
		counts[c.IntN(3)]++
	}
	for k, n := range counts {
		if n < 9500 || n > 10500 {
			t.Fatalf("IntN(3) gave %d %d times in 30000", k, n)
		}
	}
}

package sim

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat"

	"github.com/rinsim/rinsim/internal/rng"
)

// Global sensitivity analysis in the unit hypercube: designs return points
// with coordinates in [0,1], which Factor.Value maps to parameter ranges;
// estimators take the model outputs in design order.

// MorrisDesign returns r trajectories of k+1 points each (Morris 1991): from
// a random base point on a grid of levels, each factor in random order moves
// by delta = levels/(2(levels-1)), up or down so that it stays in [0,1].
func MorrisDesign(k, r, levels int, seed uint64) [][]float64 {
	src := rng.New(seed, rng.KindDesign, 1)
	delta := MorrisDelta(levels)
	points := make([][]float64, 0, r*(k+1))
	for range r {
		x := make([]float64, k)
		for i := range x {
			x[i] = float64(src.IntN(levels)) / float64(levels-1)
		}
		points = append(points, append([]float64{}, x...))
		for _, i := range src.Perm(k) {
			if x[i]+delta <= 1+1e-12 {
				x[i] += delta
			} else {
				x[i] -= delta
			}
			points = append(points, append([]float64{}, x...))
		}
	}
	return points
}

// MorrisDelta is the step of a Morris design with the given levels.
func MorrisDelta(levels int) float64 { return float64(levels) / (2 * float64(levels-1)) }

// Index is a sensitivity index with a bootstrap confidence interval.
type Index struct {
	Factor   int
	Name     string // "mu_star", "mu", "sigma", "S1", "ST"
	Estimate float64
	Low      float64
	High     float64
}

// MorrisIndices computes, per factor, the mean of absolute elementary effects
// mu* (Campolongo et al. 2007), their mean mu and standard deviation sigma,
// from a MorrisDesign's points and outputs y. Effects are per unit of the
// normalised range. mu* gets a percentile bootstrap interval over
// trajectories (boot resamples, level e.g. 0.95).
func MorrisIndices(points [][]float64, y []float64, k, boot int, level float64, seed uint64) []Index {
	r := len(points) / (k + 1)
	ee := make([][]float64, k) // factor -> one effect per trajectory
	for t := range r {
		for s := range k {
			a, b := t*(k+1)+s, t*(k+1)+s+1
			i, d := movedFactor(points[a], points[b])
			ee[i] = append(ee[i], (y[b]-y[a])/d)
		}
	}
	src := rng.New(seed, rng.KindDesign, 2)
	var out []Index
	for i := range k {
		abs := absAll(ee[i])
		mu, sigma := stat.MeanStdDev(ee[i], nil)
		lo, hi := bootstrap(len(abs), boot, level, src, func(idx []int) float64 { return meanAt(abs, idx) })
		out = append(out, Index{Factor: i, Name: "mu_star", Estimate: stat.Mean(abs, nil), Low: lo, High: hi},
			Index{Factor: i, Name: "mu", Estimate: mu, Low: math.NaN(), High: math.NaN()},
			Index{Factor: i, Name: "sigma", Estimate: sigma, Low: math.NaN(), High: math.NaN()})
	}
	return out
}

func movedFactor(a, b []float64) (int, float64) {
	for i := range a {
		if d := b[i] - a[i]; d != 0 {
			return i, d
		}
	}
	panic("sim: Morris trajectory step moves no factor")
}

// SaltelliDesign returns n blocks of k+2 points: A_j, B_j and AB_j^i for each
// factor i (A_j with coordinate i taken from B_j), with A and B independent
// uniform samples (Saltelli et al. 2010).
func SaltelliDesign(k, n int, seed uint64) [][]float64 {
	src := rng.New(seed, rng.KindDesign, 3)
	points := make([][]float64, 0, n*(k+2))
	for range n {
		a, b := uniformRow(src, k), uniformRow(src, k)
		points = append(points, a, b)
		for i := range k {
			ab := append([]float64{}, a...)
			ab[i] = b[i]
			points = append(points, ab)
		}
	}
	return points
}

func uniformRow(src *rand.Rand, k int) []float64 {
	x := make([]float64, k)
	for i := range x {
		x[i] = src.Float64()
	}
	return x
}

// SobolIndices estimates first-order (S1) and total (ST) Sobol indices from
// the outputs of a SaltelliDesign with Jansen's estimators (Jansen 1999;
// Saltelli et al. 2010, table 2):
//
//	S1_i = 1 - sum_j (f(B_j) - f(AB_j^i))^2 / (2 n V)
//	ST_i =     sum_j (f(A_j) - f(AB_j^i))^2 / (2 n V)
//
// with V the variance of all f(A) and f(B). Intervals are percentile
// bootstraps over the blocks j.
func SobolIndices(y []float64, k, boot int, level float64, seed uint64) []Index {
	n := len(y) / (k + 2)
	all := make([]int, n)
	for j := range all {
		all[j] = j
	}
	src := rng.New(seed, rng.KindDesign, 4)
	var out []Index
	for i := range k {
		s1 := func(idx []int) float64 { return jansen(y, k, i, idx, true) }
		st := func(idx []int) float64 { return jansen(y, k, i, idx, false) }
		lo1, hi1 := bootstrap(n, boot, level, src, s1)
		loT, hiT := bootstrap(n, boot, level, src, st)
		out = append(out, Index{Factor: i, Name: "S1", Estimate: s1(all), Low: lo1, High: hi1},
			Index{Factor: i, Name: "ST", Estimate: st(all), Low: loT, High: hiT})
	}
	return out
}

// jansen evaluates one estimator over the blocks idx.
func jansen(y []float64, k, i int, idx []int, first bool) float64 {
	w := k + 2
	ab := make([]float64, 0, 2*len(idx))
	var sq float64
	for _, j := range idx {
		fa, fb, fab := y[j*w], y[j*w+1], y[j*w+2+i]
		ab = append(ab, fa, fb)
		if first {
			sq += (fb - fab) * (fb - fab)
		} else {
			sq += (fa - fab) * (fa - fab)
		}
	}
	v := stat.Variance(ab, nil)
	if v == 0 {
		return math.NaN()
	}
	x := sq / (2 * float64(len(idx)) * v)
	if first {
		return 1 - x
	}
	return x
}

// bootstrap returns the percentile interval of estimate over boot resamples
// (with replacement) of n units.
func bootstrap(n, boot int, level float64, src *rand.Rand, estimate func(idx []int) float64) (float64, float64) {
	if boot < 2 || n < 2 {
		return math.NaN(), math.NaN()
	}
	vals := make([]float64, 0, boot)
	idx := make([]int, n)
	for range boot {
		for j := range idx {
			idx[j] = src.IntN(n)
		}
		if v := estimate(idx); !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	if len(vals) < 2 {
		return math.NaN(), math.NaN()
	}
	sort.Float64s(vals)
	a := (1 - level) / 2
	return stat.Quantile(a, stat.Empirical, vals, nil), stat.Quantile(1-a, stat.Empirical, vals, nil)
}

func absAll(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Abs(x)
	}
	return out
}

func meanAt(xs []float64, idx []int) float64 {
	s := 0.0
	for _, i := range idx {
		s += xs[i]
	}
	return s / float64(len(idx))
}

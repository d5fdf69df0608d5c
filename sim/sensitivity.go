package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

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
	Factor2  int    // S2: the second factor; -1 otherwise
	Name     string // "mu_star", "mu", "sigma", "S1", "ST", "S2"
	Estimate float64
	Low      float64
	High     float64
	Warning  string // why the design looks too small for this index, or ""

	diffLow float64 // S1: lower bound of the interval of S1 - ST
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
		out = append(out, Index{Factor: i, Factor2: -1, Name: "mu_star", Estimate: stat.Mean(abs, nil), Low: lo, High: hi},
			Index{Factor: i, Factor2: -1, Name: "mu", Estimate: mu, Low: math.NaN(), High: math.NaN()},
			Index{Factor: i, Factor2: -1, Name: "sigma", Estimate: sigma, Low: math.NaN(), High: math.NaN()})
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

// SaltelliDesign returns n blocks of points: A_j, B_j, then AB_j^i for each
// factor i (A_j with coordinate i taken from B_j), and with second set also
// BA_j^i (B_j with coordinate i taken from A_j) (Saltelli 2002; Saltelli et
// al. 2010). A_j and B_j are the two halves of point j of a 2k-dimensional
// Sobol' sequence with a random digital shift (sobolseq.go), as Saltelli et
// al. (2010) recommend; with more than 16 factors they are independent
// uniform samples. A block has k+2 points, or 2k+2 with second.
func SaltelliDesign(k, n int, second bool, seed uint64) [][]float64 {
	src := rng.New(seed, rng.KindDesign, 3)
	var qmc [][]float64
	if 2*k <= MaxSobolDims {
		qmc = sobolPoints(n, 2*k, digitalShift(src, 2*k))
	}
	points := make([][]float64, 0, n*blockSize(k, second))
	for j := range n {
		var a, b []float64
		if qmc != nil {
			a, b = qmc[j][:k:k], qmc[j][k:]
		} else {
			a, b = uniformRow(src, k), uniformRow(src, k)
		}
		points = append(points, a, b)
		for i := range k {
			ab := append([]float64{}, a...)
			ab[i] = b[i]
			points = append(points, ab)
		}
		if second {
			for i := range k {
				ba := append([]float64{}, b...)
				ba[i] = a[i]
				points = append(points, ba)
			}
		}
	}
	return points
}

func blockSize(k int, second bool) int {
	if second {
		return 2*k + 2
	}
	return k + 2
}

func uniformRow(src *rand.Rand, k int) []float64 {
	x := make([]float64, k)
	for i := range x {
		x[i] = src.Float64()
	}
	return x
}

// SobolIndices estimates Sobol indices from the outputs y of a
// SaltelliDesign, with V the variance of all f(A) and f(B) over n blocks:
//
//	S1_i  = sum_j (f(B_j) - f0) (f(AB_j^i) - f(A_j)) / (n V)   Saltelli et al. (2010), table 2 (b)
//	ST_i  = sum_j (f(A_j) - f(AB_j^i))^2 / (2 n V)             Jansen (1999); Saltelli et al. (2010), table 2 (f)
//	S2_il = sum_j (f(AB_j^l) - f0) (f(BA_j^i) - f(B_j)) / (n V) - S1_i
//
// AB^l and BA^i share exactly x_i and x_l, AB^l and B only x_l, so the sum
// estimates V_i + V_l + V_il minus V_l: the product form of Saltelli et al.
// (2010) for S1 carried over to the closed second-order index, whose
// variance is small for unimportant pairs (the squared-difference form
// and the form of Saltelli 2002, eq. 12, used by SALib, are not).
//
// S2 is estimated when second is set (the design must have been made with
// it). Intervals are percentile bootstraps over the blocks j (boot
// resamples at level); each index carries a Warning when the design is too
// small for it (see warn).
func SobolIndices(y []float64, k int, second bool, boot int, level float64, seed uint64) []Index {
	w := blockSize(k, second)
	n := len(y) / w
	all := make([]int, n)
	for j := range all {
		all[j] = j
	}
	est := sobolEstimates(y, k, second, all)
	src := rng.New(seed, rng.KindDesign, 4)
	reps := make([][]float64, 0, boot) // resample -> estimates
	idx := make([]int, n)
	for range boot {
		for j := range idx {
			idx[j] = src.IntN(n)
		}
		reps = append(reps, sobolEstimates(y, k, second, idx))
	}
	interval := func(f func(e []float64) float64) (float64, float64) {
		vals := make([]float64, 0, len(reps))
		for _, r := range reps {
			if v := f(r); !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		return percentiles(vals, level)
	}
	var out []Index
	for m, name := range sobolNames(k, second) {
		lo, hi := interval(func(e []float64) float64 { return e[m] })
		ix := Index{Factor: name.i, Factor2: name.l, Name: name.index, Estimate: est[m], Low: lo, High: hi}
		if name.index == "S1" {
			// S1 - ST on the same resamples: is S1 above ST beyond noise?
			ix.diffLow, _ = interval(func(e []float64) float64 { return e[m] - e[k+name.i] })
		}
		ix.Warning = warn(ix)
		out = append(out, ix)
	}
	return out
}

type sobolName struct {
	index string
	i, l  int
}

// sobolNames lists the estimates of sobolEstimates in order: S1 of every
// factor, ST of every factor, then S2 of every pair i < l.
func sobolNames(k int, second bool) []sobolName {
	var names []sobolName
	for _, index := range []string{"S1", "ST"} {
		for i := range k {
			names = append(names, sobolName{index, i, -1})
		}
	}
	if second {
		for i := range k {
			for l := i + 1; l < k; l++ {
				names = append(names, sobolName{"S2", i, l})
			}
		}
	}
	return names
}

// sobolEstimates evaluates every estimator over the blocks idx.
func sobolEstimates(y []float64, k int, second bool, idx []int) []float64 {
	w := blockSize(k, second)
	out := make([]float64, 0, len(sobolNames(k, second)))
	var sum, sumSq float64
	for _, j := range idx {
		fa, fb := y[j*w], y[j*w+1]
		sum += fa + fb
		sumSq += fa*fa + fb*fb
	}
	m := float64(2 * len(idx))
	f0 := sum / m
	v := sumSq/m - f0*f0 // population variance, as SALib
	n := float64(len(idx))
	if !(v > 0) {
		return slices.Repeat([]float64{math.NaN()}, cap(out))
	}
	for i := range k {
		var s float64
		for _, j := range idx {
			s += (y[j*w+1] - f0) * (y[j*w+2+i] - y[j*w])
		}
		out = append(out, s/(n*v))
	}
	for i := range k {
		var s float64
		for _, j := range idx {
			d := y[j*w] - y[j*w+2+i]
			s += d * d
		}
		out = append(out, s/(2*n*v))
	}
	if second {
		for i := range k {
			for l := i + 1; l < k; l++ {
				var s float64
				for _, j := range idx {
					s += (y[j*w+2+l] - f0) * (y[j*w+2+k+i] - y[j*w+1])
				}
				out = append(out, s/(n*v)-out[i])
			}
		}
	}
	return out
}

// warn says why an index suggests the design is too small for it, or "":
// an interval wider than 0.3; an estimate below -0.05 or an interval below
// zero (indices are shares of variance); an estimate above 1.05 or an
// interval above one; for S1, S1 - ST above zero beyond its bootstrap
// interval (S1 <= ST holds for the true indices).
func warn(ix Index) string {
	var why []string
	if ix.Name != "S1" && ix.Name != "ST" && ix.Name != "S2" {
		return ""
	}
	if ix.Estimate < -0.05 || ix.High < 0 {
		why = append(why, "negative")
	}
	if ix.Estimate > 1.05 || ix.Low > 1 {
		why = append(why, "above 1")
	}
	if ix.Name == "S1" && ix.diffLow > 0 {
		why = append(why, "S1 > ST beyond the interval")
	}
	if ix.High-ix.Low > 0.3 {
		why = append(why, "interval wider than 0.3")
	}
	return strings.Join(why, "; ")
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
	return percentiles(vals, level)
}

// percentiles is the central interval at level of vals (sorted in place);
// NaN without at least two values.
func percentiles(vals []float64, level float64) (float64, float64) {
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

package sim

import (
	"fmt"
	"math"
	"testing"
)

// ishigami is the test function of Ishigami and Homma (1990) with a = 7,
// b = 0.1, on u in [0,1]^3 mapped to [-pi, pi]^3.
func ishigami(u []float64) float64 {
	x := make([]float64, 3)
	for i := range x {
		x[i] = -math.Pi + 2*math.Pi*u[i]
	}
	return math.Sin(x[0]) + 7*math.Pow(math.Sin(x[1]), 2) + 0.1*math.Pow(x[2], 4)*math.Sin(x[0])
}

// Analytic Sobol indices of the Ishigami function (a = 7, b = 0.1), from
// V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2/2,
// V2 = a^2/8, V13 = b^2 pi^8 (1/18 - 1/50).
func ishigamiIndices() (s1, st [3]float64) {
	a, b := 7.0, 0.1
	pi4, pi8 := math.Pow(math.Pi, 4), math.Pow(math.Pi, 8)
	v := a*a/8 + b*pi4/5 + b*b*pi8/18 + 0.5
	v1 := 0.5 * math.Pow(1+b*pi4/5, 2)
	v2 := a * a / 8
	v13 := b * b * pi8 * (1.0/18 - 1.0/50)
	return [3]float64{v1 / v, v2 / v, 0}, [3]float64{(v1 + v13) / v, v2 / v, v13 / v}
}

func evaluate(points [][]float64, f func([]float64) float64) []float64 {
	y := make([]float64, len(points))
	for i, p := range points {
		y[i] = f(p)
	}
	return y
}

// gFunction is Sobol's G function on [0,1]^k with coefficients a.
func gFunction(a []float64) func([]float64) float64 {
	return func(u []float64) float64 {
		g := 1.0
		for i, ai := range a {
			g *= (math.Abs(4*u[i]-2) + ai) / (1 + ai)
		}
		return g
	}
}

// gIndices are the G function's analytic indices: V_i = 1/(3 (1+a_i)^2),
// V = prod(1+V_i) - 1, S1_i = V_i/V, ST_i = V_i prod_{l!=i}(1+V_l)/V,
// S2_il = V_i V_l / V (Saltelli et al. 2010, section 5).
func gIndices(a []float64) (s1, st []float64, s2 [][]float64) {
	k := len(a)
	vi := make([]float64, k)
	prod := 1.0
	for i, ai := range a {
		vi[i] = 1 / (3 * (1 + ai) * (1 + ai))
		prod *= 1 + vi[i]
	}
	v := prod - 1
	s2 = make([][]float64, k)
	for i := range k {
		s1 = append(s1, vi[i]/v)
		st = append(st, vi[i]*prod/(1+vi[i])/v)
		s2[i] = make([]float64, k)
		for l := range k {
			s2[i][l] = vi[i] * vi[l] / v
		}
	}
	return s1, st, s2
}

// checkSobol compares estimates with analytic values: every estimate within
// tol, every 95 % interval no wider than 0.15 and containing the estimate.
func checkSobol(t *testing.T, idx []Index, s1, st []float64, s2 [][]float64, tol float64) {
	t.Helper()
	seen := map[string]int{}
	for _, ix := range idx {
		seen[ix.Name]++
		var want float64
		switch ix.Name {
		case "S1":
			want = s1[ix.Factor]
		case "ST":
			want = st[ix.Factor]
		case "S2":
			want = s2[ix.Factor][ix.Factor2]
		}
		if math.Abs(ix.Estimate-want) > tol {
			t.Errorf("x%d,x%d %s = %.4f, want %.4f (analytic) within %v", ix.Factor+1, ix.Factor2+1, ix.Name, ix.Estimate, want, tol)
		}
		if !(ix.Low <= ix.Estimate && ix.Estimate <= ix.High) || ix.High-ix.Low > 0.15 {
			t.Errorf("x%d,x%d %s interval [%.4f, %.4f] around %.4f is implausible", ix.Factor+1, ix.Factor2+1, ix.Name, ix.Low, ix.High, ix.Estimate)
		}
	}
	k := len(s1)
	if seen["S1"] != k || seen["ST"] != k || (s2 != nil && seen["S2"] != k*(k-1)/2) {
		t.Errorf("indices %v, want S1 and ST per factor and S2 per pair", seen)
	}
}

// TestSobolOnIshigami: Ishigami (a = 7, b = 0.1), analytic S1 = (0.3139,
// 0.4424, 0), ST = (0.5576, 0.4424, 0.2437), S2_13 = 0.2437 and the other
// pairs 0, the values SALib's example reproduces. With 2^12 base samples of
// the shifted Sobol' sequence the largest error over seeds 1 to 6 is 0.003
// (0.023 with pseudo-random samples at 2^14), so 0.01 holds for a right
// estimator; a wrong one (f(A) in place of f(B) in S1, a missing 1/2 in ST,
// S2 without S1 removed) misses by 0.1 or more.
func TestSobolOnIshigami(t *testing.T) {
	const n = 1 << 12
	pts := SaltelliDesign(3, n, true, 7)
	if len(pts) != n*8 {
		t.Fatalf("design has %d points, want %d", len(pts), n*8)
	}
	idx := SobolIndices(evaluate(pts, ishigami), 3, true, 200, 0.95, 7)
	s1, st := ishigamiIndices()
	s2 := [][]float64{{0, 0, st[2]}, {0, 0, 0}, {st[2], 0, 0}} // V13 is the only interaction
	checkSobol(t, idx, s1[:], st[:], s2, 0.01)
	for _, ix := range idx {
		if ix.Warning != "" {
			t.Errorf("x%d %s warns %q on a large design", ix.Factor+1, ix.Name, ix.Warning)
		}
	}
}

// TestSobolOnGFunction: the G function with SALib's and Saltelli et al.'s
// (2010) coefficients a = (0, 1, 4.5, 9, 99, 99, 99, 99): x1 dominates,
// x5..x8 are nearly inert (S1 about 1e-4). Over seeds 1 to 6 the largest
// error at 2^12 base samples is 0.005 (an S2), so the tolerance is 0.01.
func TestSobolOnGFunction(t *testing.T) {
	a := []float64{0, 1, 4.5, 9, 99, 99, 99, 99}
	const n = 1 << 12
	pts := SaltelliDesign(len(a), n, true, 3)
	idx := SobolIndices(evaluate(pts, gFunction(a)), len(a), true, 50, 0.95, 3)
	s1, st, s2 := gIndices(a)
	checkSobol(t, idx, s1, st, s2, 0.01)
}

// TestSobolEstimatorsByHand checks each formula on two blocks of a
// two-factor second-order design (A, B, AB1, AB2, BA1, BA2):
//
//	block 0: 1, 3, 2, 1, 4, 3;  block 1: 2, 0, 2, 0, 1, 2
//
// f0 = mean(1, 3, 2, 0) = 1.5, V = var(1, 3, 2, 0) = 1.25 (population); n V = 2.5.
// S1_1 = ((3-1.5) (2-1) + (0-1.5) (2-2)) / 2.5 = 0.6
// S1_2 = ((3-1.5) (1-1) + (0-1.5) (0-2)) / 2.5 = 1.2
// ST_1 = ((1-2)^2 + (2-2)^2) / 5 = 0.2;    ST_2 = ((1-1)^2 + (2-0)^2) / 5 = 0.8
// S2_12 = ((1-1.5) (4-3) + (0-1.5) (1-0)) / 2.5 - 0.6 = -1.4 (AB2, BA1, B)
func TestSobolEstimatorsByHand(t *testing.T) {
	y := []float64{1, 3, 2, 1, 4, 3, 2, 0, 2, 0, 1, 2}
	got := map[string]float64{}
	for _, ix := range SobolIndices(y, 2, true, 0, 0.95, 1) {
		got[fmt.Sprintf("%s_%d%d", ix.Name, ix.Factor+1, ix.Factor2+1)] = ix.Estimate
	}
	want := map[string]float64{"S1_10": 0.6, "S1_20": 1.2, "ST_10": 0.2, "ST_20": 0.8, "S2_12": -1.4}
	for k, w := range want {
		if math.Abs(got[k]-w) > 1e-12 {
			t.Errorf("%s = %v, want %v", k, got[k], w)
		}
	}
}

// TestSobolWarnsOnSmallDesign: 16 base samples of Ishigami give intervals
// far wider than 0.3 (and usually S1 > ST or negative estimates): every
// index must not pass silently.
func TestSobolWarnsOnSmallDesign(t *testing.T) {
	pts := SaltelliDesign(3, 16, false, 5)
	warned := 0
	for _, ix := range SobolIndices(evaluate(pts, ishigami), 3, false, 200, 0.95, 5) {
		if ix.Warning != "" {
			warned++
		}
	}
	if warned == 0 {
		t.Error("no warning on a 16-sample design")
	}
	for _, c := range []struct {
		ix   Index
		want string
	}{
		{Index{Name: "S1", Estimate: 0.5, Low: 0.4, High: 0.6, diffLow: 0.1}, "S1 > ST beyond the interval"},
		{Index{Name: "S1", Estimate: 0.5, Low: 0.4, High: 0.6, diffLow: -0.1}, ""},
		{Index{Name: "ST", Estimate: -0.1, Low: -0.12, High: -0.08}, "negative"},
		{Index{Name: "ST", Estimate: -0.01, Low: -0.02, High: 0.01}, ""},
		{Index{Name: "ST", Estimate: 1.2, Low: 1.1, High: 1.3}, "above 1"},
		{Index{Name: "S2", Estimate: 0.1, Low: -0.3, High: 0.4}, "interval wider than 0.3"},
		{Index{Name: "mu_star", Estimate: -3, Low: -4, High: 9}, ""},
	} {
		if got := warn(c.ix); got != c.want {
			t.Errorf("warn(%+v) = %q, want %q", c.ix, got, c.want)
		}
	}
}

func TestMorrisOnLinearFunctionIsExact(t *testing.T) {
	c := []float64{3, -1, 0, 0.5}
	f := func(u []float64) float64 {
		s := 10.0
		for i, ci := range c {
			s += ci * u[i]
		}
		return s
	}
	pts := MorrisDesign(4, 20, 4, 3)
	for _, ix := range MorrisIndices(pts, evaluate(pts, f), 4, 100, 0.95, 3) {
		var want float64
		switch ix.Name {
		case "mu_star":
			want = math.Abs(c[ix.Factor])
		case "mu":
			want = c[ix.Factor]
		case "sigma":
			want = 0
		}
		if math.Abs(ix.Estimate-want) > 1e-9 {
			t.Errorf("x%d %s = %v, want %v", ix.Factor+1, ix.Name, ix.Estimate, want)
		}
	}
}

// TestMorrisOnIshigami checks Morris against the analytic Sobol indices
// qualitatively: x3 acts only through its interaction with x1 (ST3 > 0,
// S1_3 = 0), so its elementary effects change sign (|mu| << mu*) and vary a
// lot (sigma > mu*); x1 and x2, with the largest total indices, have larger
// mu* than x3.
func TestMorrisOnIshigami(t *testing.T) {
	pts := MorrisDesign(3, 500, 4, 11)
	got := map[string][3]float64{}
	for _, ix := range MorrisIndices(pts, evaluate(pts, ishigami), 3, 100, 0.95, 11) {
		v := got[ix.Name]
		v[ix.Factor] = ix.Estimate
		got[ix.Name] = v
	}
	mu, star, sigma := got["mu"], got["mu_star"], got["sigma"]
	if !(math.Abs(mu[2]) < 0.2*star[2] && sigma[2] > star[2]) {
		t.Errorf("x3: mu %.3f, mu* %.3f, sigma %.3f; want an interaction-only signature", mu[2], star[2], sigma[2])
	}
	if !(star[0] > star[2] && star[1] > star[2]) {
		t.Errorf("mu* = %.3f; want x1 and x2 above x3 as their total indices are", star)
	}
}

func TestMorrisDesignShape(t *testing.T) {
	const k, r, levels = 5, 7, 4
	pts := MorrisDesign(k, r, levels, 1)
	if len(pts) != r*(k+1) {
		t.Fatalf("%d points, want %d", len(pts), r*(k+1))
	}
	for tr := range r {
		moved := map[int]bool{}
		for s := range k {
			i, d := movedFactor(pts[tr*(k+1)+s], pts[tr*(k+1)+s+1])
			if math.Abs(math.Abs(d)-MorrisDelta(levels)) > 1e-12 || moved[i] {
				t.Fatalf("trajectory %d step %d moves x%d by %v", tr, s, i, d)
			}
			moved[i] = true
		}
	}
	for _, p := range pts {
		for _, x := range p {
			if x < 0 || x > 1 {
				t.Fatalf("point %v leaves the unit cube", p)
			}
		}
	}
}

// TestSobolSequence: the first points of the unshifted sequence in
// dimensions 1 and 2 are the textbook ones (Joe and Kuo 2008; as
// scipy.stats.qmc.Sobol without scrambling gives them), and every dimension
// of the first 2^m points has one point in each interval of width 2^-m.
func TestSobolSequence(t *testing.T) {
	want := [][2]float64{{0, 0}, {0.5, 0.5}, {0.75, 0.25}, {0.25, 0.75}, {0.375, 0.375}, {0.875, 0.875}, {0.625, 0.125}, {0.125, 0.625}}
	pts := sobolPoints(8, 2, nil)
	for i, w := range want {
		if math.Abs(pts[i][0]-w[0]) > 1e-9 || math.Abs(pts[i][1]-w[1]) > 1e-9 {
			t.Errorf("point %d = %v, want %v", i, pts[i], w)
		}
	}
	const n = 256
	shift := make([]uint32, MaxSobolDims)
	for d := range shift {
		shift[d] = uint32(d) * 0x9E3779B9 // any words: a digital shift keeps the strata
	}
	pts = sobolPoints(n, MaxSobolDims, shift)
	for d := range MaxSobolDims {
		seen := make([]bool, n)
		for _, p := range pts {
			cell := int(p[d] * n)
			if seen[cell] {
				t.Fatalf("dimension %d: two of the first %d points in cell %d", d+1, n, cell)
			}
			seen[cell] = true
		}
	}
}

// TestSaltelliDesignShape: blocks of A, B, AB^i (and BA^i) in the unit cube,
// AB^i differing from A in coordinate i only; more than 16 factors fall
// back to pseudo-random A and B.
func TestSaltelliDesignShape(t *testing.T) {
	for _, k := range []int{3, 17} {
		pts := SaltelliDesign(k, 4, true, 9)
		w := 2*k + 2
		if len(pts) != 4*w {
			t.Fatalf("k=%d: %d points, want %d", k, len(pts), 4*w)
		}
		for j := range 4 {
			a, b := pts[j*w], pts[j*w+1]
			for i := range k {
				ab, ba := pts[j*w+2+i], pts[j*w+2+k+i]
				for c := range k {
					wantAB, wantBA := a[c], b[c]
					if c == i {
						wantAB, wantBA = b[c], a[c]
					}
					if ab[c] != wantAB || ba[c] != wantBA || ab[c] <= 0 || ab[c] >= 1 {
						t.Fatalf("k=%d block %d: AB^%d or BA^%d wrong in coordinate %d", k, j, i, i, c)
					}
				}
			}
		}
	}
}

package sim

import (
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

func TestSobolOnIshigami(t *testing.T) {
	const n = 20000 // base samples; Jansen's estimators are then within ~0.02
	pts := SaltelliDesign(3, n, 7)
	if len(pts) != n*5 {
		t.Fatalf("design has %d points, want %d", len(pts), n*5)
	}
	idx := SobolIndices(evaluate(pts, ishigami), 3, 200, 0.95, 7)
	s1, st := ishigamiIndices()
	for _, ix := range idx {
		want := s1[ix.Factor]
		if ix.Name == "ST" {
			want = st[ix.Factor]
		}
		if math.Abs(ix.Estimate-want) > 0.04 {
			t.Errorf("x%d %s = %.4f, want %.4f (analytic)", ix.Factor+1, ix.Name, ix.Estimate, want)
		}
		if !(ix.Low <= ix.Estimate && ix.Estimate <= ix.High) || ix.High-ix.Low > 0.1 {
			t.Errorf("x%d %s interval [%.4f, %.4f] around %.4f is implausible", ix.Factor+1, ix.Name, ix.Low, ix.High, ix.Estimate)
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

package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestMeanCIKnownValues(t *testing.T) {
	// mean 3, sd sqrt(2.5), n 5, t(0.975, 4) = 2.776445
	iv := MeanCI([]float64{1, 2, 3, 4, 5, math.NaN()}, 0.95)
	half := 2.7764451051977987 * math.Sqrt(2.5) / math.Sqrt(5)
	if iv.N != 5 || math.Abs(iv.Mean-3) > 1e-12 || math.Abs(iv.Low-(3-half)) > 1e-9 || math.Abs(iv.High-(3+half)) > 1e-9 {
		t.Errorf("MeanCI = %+v, want mean 3 ± %v over 5 values", iv, half)
	}
	if iv := MeanCI([]float64{7}, 0.95); iv.Mean != 7 || !math.IsNaN(iv.Low) {
		t.Errorf("one value: %+v, want mean 7 and NaN bounds", iv)
	}
}

// TestMeanCICoverage: on normal samples with a known mean, the 95 % interval
// contains the true mean in about 95 % of 2000 trials. A binomial(2000, 0.95)
// count lies in [1860, 1940] with probability above 0.9999.
func TestMeanCICoverage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const trials, n, mu = 2000, 10, 4.0
	hits := 0
	xs := make([]float64, n)
	for range trials {
		for i := range xs {
			xs[i] = mu + 2*r.NormFloat64()
		}
		if iv := MeanCI(xs, 0.95); iv.Low <= mu && mu <= iv.High {
			hits++
		}
	}
	if hits < 1860 || hits > 1940 {
		t.Errorf("coverage %d/%d, want about 95 %%", hits, trials)
	}
}

func TestPairedDiffIgnoresUndefinedPairs(t *testing.T) {
	a := []float64{1, 2, math.NaN(), 4}
	b := []float64{2, 3, 5, 5}
	if iv := PairedDiff(a, b, 0.95); iv.N != 3 || iv.Mean != 1 || iv.Low != 1 || iv.High != 1 {
		t.Errorf("PairedDiff = %+v, want exactly 1 over 3 pairs", iv)
	}
}

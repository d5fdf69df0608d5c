package sim

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a mean with its two-sided confidence interval.
type Interval struct {
	Mean, Low, High float64
	N               int // values used (NaNs are skipped)
}

// MeanCI returns the mean of the non-NaN values of xs and its Student-t
// confidence interval at level (e.g. 0.95). With fewer than two values the
// bounds are NaN.
func MeanCI(xs []float64, level float64) Interval {
	vals := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			vals = append(vals, x)
		}
	}
	iv := Interval{Mean: math.NaN(), Low: math.NaN(), High: math.NaN(), N: len(vals)}
	if len(vals) == 0 {
		return iv
	}
	mean, sd := stat.MeanStdDev(vals, nil)
	iv.Mean = mean
	if len(vals) < 2 {
		return iv
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(vals) - 1)}.Quantile(0.5 + level/2)
	half := t * sd / math.Sqrt(float64(len(vals)))
	iv.Low, iv.High = mean-half, mean+half
	return iv
}

// PairedDiff returns the interval of b[i]-a[i] over pairs where both are
// defined: with common random numbers, replication i of two scenarios shares
// its random streams, so the paired interval is much narrower than the
// difference of two independent means.
func PairedDiff(a, b []float64, level float64) Interval {
	d := make([]float64, len(a))
	for i := range a {
		d[i] = b[i] - a[i] // NaN if either is NaN
	}
	return MeanCI(d, level)
}

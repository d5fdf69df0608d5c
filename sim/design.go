package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/spatial/r1"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/samplemv"

	"github.com/rinsim/rinsim/internal/rng"
	"github.com/rinsim/rinsim/scenarios"
)

// Factor is a parameter varied by an experiment over [Lo, Hi].
type Factor struct {
	Key    string
	Lo, Hi float64
	N      int  // grid points (factorial designs)
	Int    bool // integer parameter: values are rounded
}

// ParseFactor parses "key=lo:hi:n" (grid: a full factorial with n values)
// or "key=lo:hi" (not grid: a range sampled by a Latin hypercube or a
// sensitivity design, whose size is set elsewhere), and checks the key
// against the scenario: it must exist and be numeric. An integer parameter
// needs integer bounds, and a grid over one needs an integer step.
func ParseFactor(spec string, s *scenarios.Scenario, grid bool) (Factor, error) {
	want := "key=lo:hi"
	if grid {
		want += ":n"
	}
	key, rng, ok := strings.Cut(spec, "=")
	if !ok {
		return Factor{}, fmt.Errorf("--param %q: want %s", spec, want)
	}
	p, err := s.Param(key)
	if err != nil {
		return Factor{}, fmt.Errorf("--param %w", err)
	}
	if p.Kind != scenarios.Float && p.Kind != scenarios.Int {
		return Factor{}, fmt.Errorf("--param %s: not a numeric parameter", p.Key)
	}
	parts := strings.Split(rng, ":")
	switch {
	case grid && len(parts) != 3:
		return Factor{}, fmt.Errorf("--param %q: want %s (n values from lo to hi)", spec, want)
	case !grid && len(parts) != 2:
		return Factor{}, fmt.Errorf("--param %q: want %s; the number of points is set by --lhs or --n, not by the range", spec, want)
	}
	f := Factor{Key: p.Key, N: 1, Int: p.Kind == scenarios.Int}
	if f.Lo, err = parseBound(p, "lo", parts[0]); err != nil {
		return Factor{}, err
	}
	if f.Hi, err = parseBound(p, "hi", parts[1]); err != nil {
		return Factor{}, err
	}
	if f.Lo > f.Hi {
		return Factor{}, fmt.Errorf("--param %s: lo %v > hi %v", p.Key, f.Lo, f.Hi)
	}
	if f.Lo < p.Min || f.Hi > p.Max {
		return Factor{}, fmt.Errorf("--param %s: range [%v, %v] leaves the allowed %s", p.Key, f.Lo, f.Hi, p.Range())
	}
	if grid {
		if f.N, err = strconv.Atoi(parts[2]); err != nil || f.N < 1 {
			return Factor{}, fmt.Errorf("--param %s: n %q must be an integer >= 1", p.Key, parts[2])
		}
		if f.N == 1 && f.Lo != f.Hi {
			return Factor{}, fmt.Errorf("--param %s: n = 1 needs lo = hi", p.Key)
		}
		if step := (f.Hi - f.Lo) / float64(max(f.N-1, 1)); f.Int && step != math.Trunc(step) {
			return Factor{}, fmt.Errorf("--param %s: integer parameter, but %d values from %v to %v are %v apart; choose n so that (hi-lo)/(n-1) is a whole number",
				p.Key, f.N, f.Lo, f.Hi, step)
		}
	}
	return f, nil
}

func parseBound(p scenarios.Param, name, text string) (float64, error) {
	x, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("--param %s: %s %q is not a number", p.Key, name, text)
	}
	if p.Kind == scenarios.Int && x != math.Trunc(x) {
		return 0, fmt.Errorf("--param %s: %s %q is not an integer; allowed %s", p.Key, name, text, p.Range())
	}
	return x, nil
}

// Value maps u in [0,1] to the factor's range, as the shortest decimal
// within two units in the last place (so 1/3 of [0, 0.6] is 0.2, not
// 0.19999999999999998); integer factors are rounded.
func (f Factor) Value(u float64) float64 {
	x := f.Lo + u*(f.Hi-f.Lo)
	if f.Int {
		return math.Round(x)
	}
	return min(max(Shortest(x), f.Lo), f.Hi)
}

// at is the k-th of the N evenly spaced grid values, lo + k (hi-lo)/(N-1).
func (f Factor) at(k int) float64 {
	if f.N <= 1 {
		return f.Lo
	}
	x := f.Lo + float64(k)*(f.Hi-f.Lo)/float64(f.N-1)
	if f.Int {
		return math.Round(x)
	}
	return min(max(Shortest(x), f.Lo), f.Hi)
}

// Shortest returns the number with the fewest significant decimal digits
// within two units in the last place of x, or x itself. Arithmetic on
// decimal inputs such as 0.6/3 lands an ulp or two off the decimal the user
// meant (0.19999999999999998 for 0.2); Shortest recovers it, so that design
// values are written, and run, as that decimal.
func Shortest(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	ulp := math.Nextafter(math.Abs(x), math.Inf(1)) - math.Abs(x)
	for d := 1; d <= 15; d++ {
		y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', d, 64), 64)
		if math.Abs(y-x) <= 2*ulp {
			return y
		}
	}
	return x
}

// Format writes a value as --set would take it.
func (f Factor) Format(x float64) string {
	if f.Int {
		return strconv.FormatInt(int64(math.Round(x)), 10)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// Grid is the full factorial design: every combination of each factor's N
// evenly spaced values, the first factor varying slowest.
func Grid(fs []Factor) [][]float64 {
	points := [][]float64{{}}
	for _, f := range fs {
		var next [][]float64
		for _, p := range points {
			for k := range f.N {
				next = append(next, append(append([]float64{}, p...), f.at(k)))
			}
		}
		points = next
	}
	return points
}

// LatinHypercube draws n points over the factors' ranges, one per stratum of
// each factor (McKay et al. 1979), with gonum's sampler and a stream of seed.
func LatinHypercube(fs []Factor, n int, seed uint64) [][]float64 {
	unit := make([]r1.Interval, len(fs))
	for k := range unit {
		unit[k] = r1.Interval{Min: 0, Max: 1}
	}
	src := rng.Source(seed, rng.KindDesign, 0)
	batch := mat.NewDense(n, len(fs), nil)
	samplemv.LatinHypercube{Q: distmv.NewUniform(unit, src), Src: src}.Sample(batch)
	points := make([][]float64, n)
	for i := range points {
		points[i] = make([]float64, len(fs))
		for k, f := range fs {
			points[i][k] = f.Value(batch.At(i, k))
		}
	}
	return points
}

// PointsOf turns design values into labelled points with --set overrides.
func PointsOf(fs []Factor, values [][]float64) []Point {
	width := len(strconv.Itoa(max(len(values)-1, 0)))
	ps := make([]Point, len(values))
	for i, v := range values {
		set := make([]string, len(fs))
		for k, f := range fs {
			set[k] = f.Key + "=" + f.Format(v[k])
		}
		ps[i] = Point{Label: fmt.Sprintf("p%0*d", width, i), Set: set}
	}
	return ps
}

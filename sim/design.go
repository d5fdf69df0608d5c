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

// ParseFactor parses "key=lo:hi:n" (needN) or "key=lo:hi" and checks the key
// against the scenario: it must exist and be numeric.
func ParseFactor(spec string, s *scenarios.Scenario, needN bool) (Factor, error) {
	key, rng, ok := strings.Cut(spec, "=")
	if !ok {
		return Factor{}, fmt.Errorf("--param %q: want key=lo:hi%s", spec, map[bool]string{true: ":n", false: ""}[needN])
	}
	p, err := s.Param(key)
	if err != nil {
		return Factor{}, fmt.Errorf("--param %w", err)
	}
	if p.Kind != scenarios.Float && p.Kind != scenarios.Int {
		return Factor{}, fmt.Errorf("--param %s: not a numeric parameter", p.Key)
	}
	parts := strings.Split(rng, ":")
	if len(parts) != 2 && len(parts) != 3 || (needN && len(parts) != 3) {
		return Factor{}, fmt.Errorf("--param %q: want key=lo:hi%s", spec, map[bool]string{true: ":n", false: "[:n]"}[needN])
	}
	f := Factor{Key: p.Key, N: 1, Int: p.Kind == scenarios.Int}
	if f.Lo, err = strconv.ParseFloat(parts[0], 64); err != nil || math.IsNaN(f.Lo) || math.IsInf(f.Lo, 0) {
		return Factor{}, fmt.Errorf("--param %s: lo %q is not a number", p.Key, parts[0])
	}
	if f.Hi, err = strconv.ParseFloat(parts[1], 64); err != nil || math.IsNaN(f.Hi) || math.IsInf(f.Hi, 0) {
		return Factor{}, fmt.Errorf("--param %s: hi %q is not a number", p.Key, parts[1])
	}
	if f.Lo > f.Hi {
		return Factor{}, fmt.Errorf("--param %s: lo %v > hi %v", p.Key, f.Lo, f.Hi)
	}
	if f.Lo < p.Min || f.Hi > p.Max {
		return Factor{}, fmt.Errorf("--param %s: range [%v, %v] leaves the allowed %s", p.Key, f.Lo, f.Hi, p.Range())
	}
	if len(parts) == 3 {
		if f.N, err = strconv.Atoi(parts[2]); err != nil || f.N < 1 {
			return Factor{}, fmt.Errorf("--param %s: n %q must be an integer >= 1", p.Key, parts[2])
		}
		if f.N == 1 && f.Lo != f.Hi {
			return Factor{}, fmt.Errorf("--param %s: n = 1 needs lo = hi", p.Key)
		}
	}
	return f, nil
}

// Value maps u in [0,1] to the factor's range.
func (f Factor) Value(u float64) float64 {
	x := f.Lo + u*(f.Hi-f.Lo)
	if f.Int {
		x = math.Round(x)
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
				u := 0.0
				if f.N > 1 {
					u = float64(k) / float64(f.N-1)
				}
				next = append(next, append(append([]float64{}, p...), f.Value(u)))
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

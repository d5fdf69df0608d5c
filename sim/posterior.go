package sim

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/rinsim/rinsim/internal/rng"
	"github.com/rinsim/rinsim/scenarios"
)

// Posterior is the last generation of a calibration (posterior.csv):
// weighted parameter vectors.
type Posterior struct {
	Keys    []string
	Theta   [][]float64
	Weights []float64 // normalised
	cum     []float64
}

// LoadPosterior reads a posterior.csv written by `rinsim calibrate`
// (generation,weight,distance, then one column per parameter) and keeps
// its last generation. Errors name the line.
//
// Work and memory are bounded whatever the input: a line may have at most
// MaxPosteriorLine bytes (so /dev/zero is refused at once, not read into
// one endless line), and the kept generation at most MaxPosteriorValues
// parameter values.
func LoadPosterior(r io.Reader) (*Posterior, error) {
	cr := csv.NewReader(&lineLimit{r: r, max: MaxPosteriorLine})
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("posterior: header: %w", err)
	}
	if len(header) < 4 || header[0] != "generation" || header[1] != "weight" || header[2] != "distance" {
		return nil, fmt.Errorf("posterior: line 1: want generation,weight,distance and parameter columns (a posterior.csv of rinsim calibrate)")
	}
	p := &Posterior{Keys: header[3:]}
	last := -1
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("posterior: %w", err)
		}
		g, err := strconv.Atoi(rec[0])
		if err != nil || g < last {
			return nil, fmt.Errorf("posterior: line %d: generation %q (want whole numbers, not decreasing)", line, rec[0])
		}
		if g > last {
			p.Theta, p.Weights, last = nil, nil, g
		}
		if (len(p.Theta)+1)*len(p.Keys) > MaxPosteriorValues {
			return nil, fmt.Errorf("posterior: line %d: generation %d has over %d parameter values (%d particles of %d parameters; rinsim calibrate writes at most 100,000 particles)",
				line, g, MaxPosteriorValues, len(p.Theta)+1, len(p.Keys))
		}
		xs := make([]float64, len(rec))
		for k, s := range rec {
			if k == 0 || k == 2 {
				continue
			}
			if xs[k], err = strconv.ParseFloat(s, 64); err != nil || math.IsNaN(xs[k]) || math.IsInf(xs[k], 0) {
				return nil, fmt.Errorf("posterior: line %d, column %s: %q is not a finite number", line, header[k], s)
			}
		}
		if xs[1] < 0 {
			return nil, fmt.Errorf("posterior: line %d: negative weight %v", line, xs[1])
		}
		p.Weights = append(p.Weights, xs[1])
		p.Theta = append(p.Theta, xs[3:])
	}
	var sum float64
	for _, w := range p.Weights {
		sum += w
		p.cum = append(p.cum, sum)
	}
	if len(p.Theta) == 0 || !(sum > 0) {
		return nil, fmt.Errorf("posterior: no particles with positive weight")
	}
	for i := range p.Weights {
		p.Weights[i] /= sum
	}
	return p, nil
}

// Bounds of LoadPosterior.
const (
	MaxPosteriorLine   = 1 << 20    // bytes in one line
	MaxPosteriorValues = 10_000_000 // parameter values of the kept generation (80 MB)
)

// lineLimit passes r through but fails once a line exceeds max bytes.
type lineLimit struct {
	r    io.Reader
	max  int
	line int // bytes since the last newline
}

func (l *lineLimit) Read(b []byte) (int, error) {
	n, err := l.r.Read(b)
	for _, c := range b[:n] {
		l.line++
		if c == '\n' {
			l.line = 0
		} else if l.line > l.max {
			return 0, fmt.Errorf("a line longer than %d bytes (not a posterior.csv)", l.max)
		}
	}
	return n, err
}

// Check verifies that every key is a numeric parameter of s and every
// particle lies in its allowed range.
func (p *Posterior) Check(s *scenarios.Scenario) error {
	for k, key := range p.Keys {
		par, err := s.Param(key)
		if err != nil {
			return fmt.Errorf("posterior: column %s: %w", key, err)
		}
		for i, th := range p.Theta {
			if th[k] < par.Min || th[k] > par.Max {
				return fmt.Errorf("posterior: particle %d: %s = %v outside the allowed %s", i+1, key, th[k], par.Range())
			}
		}
	}
	return nil
}

// Draw returns the particle that replication rep of master seed uses:
// picked by weight from the replication's own stream, so every scenario of
// a comparison uses the same parameters in replication rep (paired).
func (p *Posterior) Draw(master uint64, rep int) int {
	return p.Pick(RepSeed(master, rep))
}

// Pick returns the particle that a run with seed uses: Draw(master, rep)
// is Pick(RepSeed(master, rep)), so `rinsim run --seed S` with the seed S of
// an experiment's replication draws that replication's parameters.
func (p *Posterior) Pick(seed uint64) int {
	u := rng.New(seed, rng.KindPosterior, 0).Float64()
	i := sort.SearchFloat64s(p.cum, u*p.cum[len(p.cum)-1])
	return min(i, len(p.cum)-1)
}

// Sets returns particle i as --set overrides.
func (p *Posterior) Sets(i int) []string {
	out := make([]string, len(p.Keys))
	for k, key := range p.Keys {
		out[k] = key + "=" + strconv.FormatFloat(p.Theta[i][k], 'g', -1, 64)
	}
	return out
}

// Apply returns a copy of s with particle i's parameters; what names the
// draw in errors.
func (p *Posterior) Apply(i int, s *scenarios.Scenario, what string) (*scenarios.Scenario, error) {
	c := s.Clone()
	if err := c.Resolve(p.Sets(i), what); err != nil {
		return nil, err
	}
	return c, nil
}

// Vary returns a Design.Vary for a design of points: job j runs with the
// particle Pick(j.Seed), the same in every point of a replication (paired),
// under the point's own overrides, which win over the draw (a knockout
// keeps its zero, a funding lever its value), as in the calibration.
func (p *Posterior) Vary(points []Point) VaryFunc {
	return func(j Job, s *scenarios.Scenario) (*scenarios.Scenario, error) {
		i := p.Pick(j.Seed)
		sets := append(p.Sets(i), points[j.Point].Set...)
		c := s.Clone()
		if err := c.Resolve(sets, fmt.Sprintf("posterior particle %d in replication %d of %q", i+1, j.Rep, points[j.Point].Label)); err != nil {
			return nil, err
		}
		return c, nil
	}
}

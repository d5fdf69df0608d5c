package sim

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/rinsim/rinsim/scenarios"
)

// CalibrationSpan is how far the default prior of a calibrated parameter
// reaches around its value in the scenario: from a third to three times
// the value (a factor of 3 either way, wide enough that the targets and not
// the prior decide, narrow enough that 1,000 particles cover it), cut to
// the parameter's allowed range.
const CalibrationSpan = 3.0

// IdentifiedWidth is the default rule for what a calibration changes: a
// parameter whose posterior central 90 % interval is narrower than this
// share of its prior's 90 % width is identified by the targets, and the
// calibrated scenario takes its posterior median; a wider one keeps the base
// scenario's value, since the median of a posterior nearly as wide as its
// prior is only the middle of an invented range. At 0.6 the targets must
// have ruled out at least 40 % of the prior; in the default calibration of
// the thesis scenario the parameters the targets say nothing about came out
// at 0.92-1.02 and the weakly informed ones at 0.73-0.83, so 0.6 keeps
// clear of both. `rinsim calibrate --identified-width` changes it.
const IdentifiedWidth = 0.6

// DefaultCalibrationKeys are the invented parameters (InventedParams) that
// `rinsim calibrate` varies by default: those the target patterns speak
// to. All 209 invented parameters are not used by default: with a
// multivariate normal kernel over the prior's box a proposal stays inside
// in each dimension with probability about 2/3 when the posterior is as
// wide as the prior, so d parameters need about 1.5^d draws per proposal
// (10^37 for 209), and 14 patterns cannot pin down more than about 14
// directions anyway. --params chooses others.
var DefaultCalibrationKeys = []string{
	"firm.step_rate",                    // entries and members abroad
	"firm.risk_aversion",                // entries far away, abroad
	"firm.contact_scale",                // how many contacts make an opportunity
	"firm.non_ambitious_rate",           // Oslo Medtech's non-ambitious members entering
	"firm.non_ambitious_participation",  // attendance of non-ambitious members
	"firm.busy_participation",           // attendance while busy (B2)
	"firm.info_uptake",                  // route of the RIN effect: information
	"firm.contact_learning",             // route of the RIN effect: contacts
	"firm.distance_aversion",            // entries outside the EU/EEA
	"archetype.engaged.propensity",      // attendance E6
	"archetype.approached.propensity",   // attendance D4/D5
	"archetype.networked.propensity",    // attendance A1
	"archetype.own_channels.propensity", // attendance C3
}

// DefaultCalibrationFactors are the default parameters with their priors:
// [value / CalibrationSpan, value * CalibrationSpan] within the allowed
// range. A key that is not an invented parameter of s with a non-zero value
// is skipped.
func DefaultCalibrationFactors(s *scenarios.Scenario) []Factor {
	byKey := map[string]scenarios.Param{}
	for _, p := range InventedParams(s) {
		byKey[p.Key] = p
	}
	var out []Factor
	for _, k := range DefaultCalibrationKeys {
		p, ok := byKey[k]
		if !ok {
			continue
		}
		v := p.Value()
		lo, hi := v/CalibrationSpan, v*CalibrationSpan
		if lo > hi {
			lo, hi = hi, lo
		}
		out = append(out, Factor{Key: p.Key, Lo: max(lo, p.Min), Hi: min(hi, p.Max)})
	}
	return out
}

// DefaultEffectScale is the deviation unit of a one-sided band at 0 without
// its own scale: 0.1 entries per member, half the RIN effect of the thesis
// scenario (about 0.2 entries per member from funding.scale 0 to 1), so
// that an effect of the wrong sign by half the RIN effect counts as much as
// a share one band width off.
const DefaultEffectScale = 0.1

// PatternScale is the unit in which a pattern's deviation from its band is
// measured: its own Scale if set, else the band's width if it has two
// edges, else the absolute value of its one edge, else DefaultEffectScale.
func PatternScale(p Pattern) float64 {
	switch {
	case p.Scale > 0:
		return p.Scale
	case p.HasLow() && p.HasHigh() && p.High > p.Low:
		return p.High - p.Low
	case p.HasLow() && p.Low != 0:
		return math.Abs(p.Low)
	case p.HasHigh() && p.High != 0:
		return math.Abs(p.High)
	}
	return DefaultEffectScale
}

// Deviation is how far x lies outside p's band, in units of PatternScale:
// 0 inside (edges included) and for an undefined x (NaN: no information).
func Deviation(p Pattern, x float64) float64 {
	switch {
	case math.IsNaN(x):
		return 0
	case x < p.Low:
		return (p.Low - x) / PatternScale(p)
	case x > p.High:
		return (x - p.High) / PatternScale(p)
	}
	return 0
}

// Calibration is the model side of `rinsim calibrate`: the distance of a
// parameter vector to the target patterns.
type Calibration struct {
	Base     *scenarios.Scenario
	Factors  []Factor
	Patterns []Pattern
	Reps     int // replications per proposal, on common random numbers across design points

	points  []Point // design points the patterns read, baseline first
	aliases map[string]string
	order   []int // patterns in the order they are computed (fewest new points first)
	// stages[k] are the points to run before pattern order[k] can be computed.
	stages [][]int
	// quiet maps a knockout point at funding.scale 0 to the point
	// funding-x0: when the latter's runs hold no network event at all, the
	// knockout (which zeroes only what events read) runs identically, so
	// its runs are taken from there instead of repeated.
	quiet map[int]int
}

// NewCalibration checks the patterns against base and plans the staged
// evaluation: patterns that read only the baseline first, then those that
// need one more design point, and so on, so that most rejected proposals
// cost only the baseline runs.
func NewCalibration(base *scenarios.Scenario, factors []Factor, patterns []Pattern, reps int) (*Calibration, error) {
	if reps < 1 {
		return nil, fmt.Errorf("calibrate: %d replications; want at least 1", reps)
	}
	if len(factors) == 0 {
		return nil, fmt.Errorf("calibrate: no parameters to calibrate")
	}
	if len(patterns) == 0 {
		return nil, fmt.Errorf("calibrate: no target patterns")
	}
	for _, p := range patterns {
		if p.Network != "" && !slices.ContainsFunc(base.Networks, func(n scenarios.Network) bool { return n.ID == p.Network }) {
			return nil, fmt.Errorf("pattern %s: the scenario has no network %q", p.ID, p.Network)
		}
		if p.Archetype != "" && !slices.ContainsFunc(base.Archetypes, func(a scenarios.Archetype) bool { return a.ID == p.Archetype }) {
			return nil, fmt.Errorf("pattern %s: the scenario has no archetype %q", p.ID, p.Archetype)
		}
	}
	c := &Calibration{Base: base, Factors: factors, Patterns: patterns, Reps: reps}
	all, aliases := ValidationPoints(base, patterns)
	c.aliases = aliases
	need := map[string]bool{PointBaseline: true}
	for _, p := range patterns {
		for _, pt := range statistics[p.Statistic].Points {
			need[c.canonical(pt)] = true
		}
	}
	for _, pt := range all {
		if need[pt.Label] {
			c.points = append(c.points, pt)
		}
	}
	c.plan()
	c.quiet = map[int]int{}
	if f0 := slices.IndexFunc(c.points, func(p Point) bool { return p.Label == FundingPoint(0) }); f0 >= 0 {
		for _, k := range Knockouts {
			if i := slices.IndexFunc(c.points, func(p Point) bool { return p.Label == KnockoutPoint(k.Name, 0) }); i >= 0 {
				c.quiet[i] = f0
			}
		}
	}
	return c, nil
}

// noEvents reports whether a run held no network event of any channel.
func noEvents(r *Result) bool {
	for _, st := range r.Steps {
		for _, n := range st.Events {
			if n != 0 {
				return false
			}
		}
	}
	return true
}

func (c *Calibration) canonical(label string) string {
	if a, ok := c.aliases[label]; ok {
		return a
	}
	return label
}

func (c *Calibration) pointIndex(label string) int {
	label = c.canonical(label)
	for k, p := range c.points {
		if p.Label == label {
			return k
		}
	}
	panic("sim: calibration point " + label + " not planned")
}

// plan orders the patterns greedily by the number of design points not yet
// run, ties in file order.
func (c *Calibration) plan() {
	done := map[int]bool{0: true}
	left := make([]int, len(c.Patterns))
	for i := range left {
		left[i] = i
	}
	for len(left) > 0 {
		best, bestNew := -1, []int(nil)
		for _, i := range left {
			var fresh []int
			for _, pt := range statistics[c.Patterns[i].Statistic].Points {
				if k := c.pointIndex(pt); !done[k] && !slices.Contains(fresh, k) {
					fresh = append(fresh, k)
				}
			}
			if best < 0 || len(fresh) < len(bestNew) {
				best, bestNew = i, fresh
			}
		}
		sort.Ints(bestNew)
		for _, k := range bestNew {
			done[k] = true
		}
		c.order = append(c.order, best)
		c.stages = append(c.stages, bestNew)
		left = slices.DeleteFunc(left, func(i int) bool { return i == best })
	}
}

// Points are the design points a full evaluation runs, baseline first.
func (c *Calibration) Points() []Point { return c.points }

// Prior is the uniform prior on the factors' ranges.
func (c *Calibration) Prior() Box {
	b := Box{Lo: make([]float64, len(c.Factors)), Hi: make([]float64, len(c.Factors))}
	for k, f := range c.Factors {
		b.Lo[k], b.Hi[k] = f.Lo, f.Hi
	}
	return b
}

// Scenario returns the base scenario with the factors set to theta.
func (c *Calibration) Scenario(theta []float64) (*scenarios.Scenario, error) {
	s := c.Base.Clone()
	if err := s.Resolve(c.Sets(theta), "calibration"); err != nil {
		return nil, err
	}
	return s, nil
}

// Sets returns theta as --set overrides, written so that they read back
// exactly.
func (c *Calibration) Sets(theta []float64) []string {
	out := make([]string, len(c.Factors))
	for k, f := range c.Factors {
		out[k] = f.Key + "=" + FormatExact(theta[k], f.Int)
	}
	return out
}

// FormatExact writes x so that parsing it gives x again (rounded for an
// integer parameter).
func FormatExact(x float64, integer bool) string {
	if integer {
		return strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// Distance runs the design at theta with reps replications from seed and
// returns the root mean square of the patterns' deviations (Deviation of
// the mean over the replications) and the runs it took. It computes the
// patterns stage by stage and stops as soon as the deviations so far
// already put the distance above eps (the rest can only add to it).
func (c *Calibration) Distance(ctx context.Context, theta []float64, seed uint64, eps float64) (float64, int, error) {
	// theta is set once; each point then sets its own keys on a copy, which
	// is Resolve(theta's sets, then the point's) without redoing theta.
	at := c.Base.Clone()
	if err := at.SetAll(c.Sets(theta)); err != nil {
		return 0, 0, err
	}
	runs := map[string][]*RunTally{}
	nruns := 0
	var sum float64
	limit := eps * eps * float64(len(c.Patterns))
	silent := map[int]bool{} // points whose runs held no event
	run := func(k int) error {
		pt := c.points[k]
		if src, ok := c.quiet[k]; ok && silent[src] {
			runs[pt.Label] = runs[c.points[src].Label]
			return nil
		}
		s := at.Clone()
		if err := s.Resolve(pt.Set, "calibration point "+pt.Label); err != nil {
			return err
		}
		rts := make([]*RunTally, c.Reps)
		quiet := true
		for r := range c.Reps {
			res, err := Run(ctx, s, RepSeed(seed, r), nil)
			if err != nil {
				return err
			}
			rts[r] = TallyRun(res)
			quiet = quiet && noEvents(res)
			nruns++
		}
		runs[pt.Label] = rts
		silent[k] = quiet
		return nil
	}
	if err := run(0); err != nil {
		return 0, nruns, err
	}
	for n, i := range c.order {
		for _, k := range c.stages[n] {
			if err := run(k); err != nil {
				return 0, nruns, err
			}
		}
		for alias, label := range c.aliases {
			if runs[label] != nil {
				runs[alias] = runs[label]
			}
		}
		d := Deviation(c.Patterns[i], evaluatePattern(c.Patterns[i], runs, c.Reps).Value.Mean)
		sum += d * d
		if sum > limit {
			return math.Sqrt(sum / float64(len(c.Patterns))), nruns, nil
		}
	}
	return math.Sqrt(sum / float64(len(c.Patterns))), nruns, nil
}

// Valid reports whether the scenario accepts theta (cross-field checks).
func (c *Calibration) Valid(theta []float64) bool {
	_, err := c.Scenario(theta)
	return err == nil
}

// RunsPerProposal is the number of runs of a full evaluation.
func (c *Calibration) RunsPerProposal() int { return len(c.points) * c.Reps }

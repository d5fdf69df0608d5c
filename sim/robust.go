package sim

import (
	"context"
	"fmt"
	"strings"

	"github.com/rinsim/rinsim/scenarios"
)

// RobustSpread is how far `reproduce --robust` moves each invented
// parameter from its calibrated value: +-20 % (issue 9).
const RobustSpread = 0.2

// inventedPrefixes are the parameter families whose values the thesis does
// not give (docs/ODD.md marks them "assumed"): firm rules, channels, public
// actors, peers, archetypes, stages, markets, the price and use of
// secretariat time, and the networks' funding amounts and event relevance.
var inventedPrefixes = []string{"firm.", "channel.", "public.", "peer.", "archetype.", "stage.", "market.",
	"funding.nok_per_fte", "funding.secretariat_share", "funding.max_intensity"}

var inventedSuffixes = []string{".nok_per_year", ".event_relevance"}

// InventedParams lists the numeric parameters of s whose values are
// assumed rather than taken from the thesis, with non-zero values (a zero
// has no +-20 % range). Policy levers, member counts and years are not
// among them.
func InventedParams(s *scenarios.Scenario) []scenarios.Param {
	var out []scenarios.Param
	for _, p := range s.Params() {
		if p.Kind != scenarios.Float || p.Value() == 0 || !invented(p.Key) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func invented(key string) bool {
	for _, pre := range inventedPrefixes {
		if strings.HasPrefix(key, pre) {
			return true
		}
	}
	if strings.HasPrefix(key, "network.") {
		for _, suf := range inventedSuffixes {
			if strings.HasSuffix(key, suf) {
				return true
			}
		}
	}
	return false
}

// RobustFactors are the invented parameters as factors spanning +-spread of
// their values, clamped to their allowed ranges.
func RobustFactors(s *scenarios.Scenario, spread float64) []Factor {
	ps := InventedParams(s)
	fs := make([]Factor, len(ps))
	for k, p := range ps {
		v := p.Value()
		lo, hi := v*(1-spread), v*(1+spread)
		if lo > hi {
			lo, hi = hi, lo
		}
		fs[k] = Factor{Key: p.Key, Lo: max(lo, p.Min), Hi: min(hi, p.Max)}
	}
	return fs
}

// Robustness is how often each claim is reproduced over a Latin hypercube of
// the invented parameters.
type Robustness struct {
	Points int
	// Verdicts counts, per claim (index ID-1), the points with each verdict.
	Verdicts []map[string]int
}

// Share is the share of points where claim id got verdict v.
func (rb *Robustness) Share(id int, v string) float64 {
	return float64(rb.Verdicts[id-1][v]) / float64(rb.Points)
}

// RunRobust reruns every claim at n Latin-hypercube points within
// +-RobustSpread of the calibrated values of base's invented parameters,
// with reps replications each. progress, if set, is called after each point.
func RunRobust(ctx context.Context, base *scenarios.Scenario, n, reps int, seed uint64, opts *ExecOptions, progress func(done, total int)) (*Robustness, error) {
	fs := RobustFactors(base, RobustSpread)
	values := LatinHypercube(fs, n, seed)
	rb := &Robustness{Points: n}
	for range 8 {
		rb.Verdicts = append(rb.Verdicts, map[string]int{})
	}
	for i, v := range values {
		s := base.Clone()
		for k, f := range fs {
			if err := s.Set(f.Key, f.Format(v[k])); err != nil {
				return nil, fmt.Errorf("robust point %d: %w", i, err)
			}
		}
		runs, err := RunClaims(ctx, s, reps, seed, opts, nil)
		if err != nil {
			return nil, err
		}
		for _, c := range runs.Claims() {
			rb.Verdicts[c.ID-1][c.Verdict]++
		}
		if progress != nil {
			progress(i+1, n)
		}
	}
	return rb, nil
}

package sim

import (
	"context"
	"math"
	"testing"
)

func TestClaimVerdict(t *testing.T) {
	iv := func(lo, hi float64) Interval { return Interval{Mean: (lo + hi) / 2, Low: lo, High: hi} }
	none := Interval{Mean: math.NaN(), Low: math.NaN(), High: math.NaN()}
	tests := []struct {
		name            string
		effect, control Interval
		input           bool
		want            string
	}{
		{"holds, control does not", iv(0.1, 0.2), iv(-0.1, 0.1), false, ClaimReproduced},
		{"holds, control contradicts", iv(0.1, 0.2), iv(-0.2, -0.1), false, ClaimReproduced},
		{"holds in its control too", iv(0.1, 0.2), iv(0.05, 0.15), false, ClaimBuiltIn},
		{"interval contains zero", iv(-0.1, 0.2), iv(-0.1, 0.1), false, ClaimInconclusive},
		{"interval below zero", iv(-0.3, -0.1), iv(-0.1, 0.1), false, ClaimContradicted},
		{"restates an input", iv(1, 1), none, true, ClaimInput},
		{"an input that fails is not excused", iv(-0.3, -0.1), none, true, ClaimContradicted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Claim{Effect: tc.effect, ControlEffect: tc.control, Input: tc.input,
				Holds: tc.effect.Low > 0, ControlHolds: tc.control.Low > 0}
			if got := c.verdict(); got != tc.want {
				t.Errorf("verdict %q, want %q", got, tc.want)
			}
		})
	}
}

func TestInventedParams(t *testing.T) {
	s := thesisScenario(t)
	keys := map[string]bool{}
	for _, p := range InventedParams(s) {
		keys[p.Key] = true
	}
	for _, k := range []string{"firm.step_rate", "channel.info.learning", "public.embassy_attention", "archetype.novice.propensity",
		"market.germany.psychic_distance", "network.cwn.stream.arena.nok_per_year", "funding.nok_per_fte"} {
		if !keys[k] {
			t.Errorf("%s is assumed but not among the invented parameters", k)
		}
	}
	for _, k := range []string{"funding.scale", "network.cwn.funding_scale", "network.cwn.members", "network.oslo-medtech.ambition_share",
		"network.cwn.outreach_share", "channel.info.funding_nok"} {
		if keys[k] {
			t.Errorf("%s is a lever, a thesis number or zero, yet among the invented parameters", k)
		}
	}
	for _, f := range RobustFactors(s, RobustSpread) {
		p, err := s.Param(f.Key)
		if err != nil {
			t.Fatal(err)
		}
		v := p.Value()
		if f.Lo > v || f.Hi < v || f.Lo < p.Min || f.Hi > p.Max || f.Hi-f.Lo > 0.4*math.Abs(v)+1e-9 {
			t.Errorf("%s = %v: range [%v, %v] is not +-20 %% within [%v, %v]", f.Key, v, f.Lo, f.Hi, p.Min, p.Max)
		}
	}
}

// Claim 6's negative control must switch off the substitution the thesis
// credits (T5.3), not help among members as such: a control without any
// peer help is 0 by construction and cannot fail (the review of claim 6).
// So in the control members still share, and they share more than in the
// calibrated model, because those whose target an event served now ask too.
func TestClaim6ControlKeepsPeerHelp(t *testing.T) {
	const reps = 3 // enough: every replication is checked on its own
	cr, err := RunClaims(context.Background(), thesisScenario(t), reps, 1, &ExecOptions{Workers: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var c6 Claim
	for _, c := range cr.Claims() {
		if c.ID == 6 {
			c6 = c
		}
	}
	const control = "peer-help-ignores-channels"
	if c6.Control != control {
		t.Fatalf("claim 6's control is %q, want %q", c6.Control, control)
	}
	for _, lever := range []string{"funding-x0.5", "funding-x1.5"} {
		ctl, cal := cr[runLabel(control, lever)], cr[lever]
		if len(ctl) != reps || len(cal) != reps {
			t.Fatalf("%s: %d control and %d calibrated replications, want %d", lever, len(ctl), len(cal), reps)
		}
		for r := range reps {
			if ctl[r].PeerPerMember <= cal[r].PeerPerMember {
				t.Errorf("%s, replication %d: peer shares per member %.3f in the control, %.3f calibrated; want more in the control",
					lever, r, ctl[r].PeerPerMember, cal[r].PeerPerMember)
			}
		}
	}
	if e := c6.ControlEffect; e.Low == 0 && e.High == 0 {
		t.Errorf("claim 6's control effect is %+v: trivially 0 again", e)
	}
}

// Claim 5 and the pattern route_information_over_contacts are one statistic
// (routeContrast) on the same replications, so they agree to the last bit.
func TestClaim5IsTheRoutePattern(t *testing.T) {
	const reps, seed = 3, 1
	s := thesisScenario(t)
	var route []Pattern
	for _, p := range DefaultPatterns() {
		if p.ID == "route_information_over_contacts" {
			route = append(route, p)
		}
	}
	if len(route) != 1 {
		t.Fatalf("%d patterns route_information_over_contacts, want 1", len(route))
	}
	v, err := Validate(context.Background(), s, route, reps, seed, &ExecOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	cr, err := RunClaims(context.Background(), s, reps, seed, &ExecOptions{Workers: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	claim5 := cr.Claims()[4]
	if got, want := claim5.Effect, v.Results[0].Value; claim5.ID != 5 || got != want {
		t.Errorf("claim %d effect %+v, pattern %+v; want the same", claim5.ID, got, want)
	}
}

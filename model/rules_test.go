package model

import (
	"fmt"
	"math"
	"testing"

	"github.com/rinsim/rinsim/internal/rng"
	"github.com/rinsim/rinsim/scenarios"
)

const tol = 1e-12

func near(a, b float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestPerceivedRisk(t *testing.T) {
	tests := []struct {
		name                string
		distance, k, g, wgt float64
		want                float64
	}{
		{"no distance, no risk", 0, 0, 0, 0.5, 0},
		{"distant and unknown", 0.9, 0, 0, 0.5, 0.9},
		{"full market knowledge removes risk", 0.9, 1, 0, 0.5, 0},
		{"general knowledge lowers risk by its weight", 0.8, 0, 1, 0.5, 0.4},
		{"half knowledge halves risk", 0.6, 0.5, 0, 0.5, 0.3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PerceivedRisk(tc.distance, tc.k, tc.g, tc.wgt); !near(got, tc.want) {
				t.Errorf("PerceivedRisk = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestOpportunity(t *testing.T) {
	tests := []struct {
		name     string
		attr     float64
		contacts int
		scale    float64
		want     float64
	}{
		{"no contacts, no opportunity", 0.9, 0, 1.5, 0},
		{"one contact scale 1", 1, 1, 1, 1 - math.Exp(-1)},
		{"scaled by attractiveness", 0.5, 1, 1, 0.5 * (1 - math.Exp(-1))},
		{"many contacts approach attractiveness", 0.7, 1000, 1.5, 0.7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Opportunity(tc.attr, tc.contacts, tc.scale); !near(got, tc.want) {
				t.Errorf("Opportunity = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCommitProb(t *testing.T) {
	tests := []struct {
		name                           string
		rate, amb, opp, risk, aversion float64
		want                           float64
	}{
		{"certain opportunity, no risk", 0.25, 1, 1, 0, 2, 0.25},
		{"risk discounts squared", 0.25, 1, 1, 0.5, 2, 0.0625},
		{"full risk blocks", 0.25, 1, 1, 1, 2, 0},
		{"no ambition multiplier", 0.2, 0.25, 1, 0, 2, 0.05},
		{"risk-neutral ignores risk", 0.2, 1, 0.5, 0.9, 0, 0.1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CommitProb(tc.rate, tc.amb, tc.opp, tc.risk, tc.aversion); !near(got, tc.want) {
				t.Errorf("CommitProb = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCanStepUp(t *testing.T) {
	stages := []scenarios.Stage{
		{ID: "none"}, {ID: "export", CostNOK: 25_000, Knowledge: 0},
		{ID: "agent", CostNOK: 150_000, Knowledge: 0.25}, {ID: "sub", CostNOK: 1_500_000, Knowledge: 0.5},
	}
	tests := []struct {
		name                     string
		stage                    int
		k, committed, bud, grant float64
		want                     bool
	}{
		{"first entry needs no knowledge", 0, 0, 0, 100_000, 0, true},
		{"first entry needs budget", 0, 0, 90_000, 100_000, 0, false},
		{"co-funding pays what the budget lacks", 0, 0, 90_000, 100_000, 15_000, true},
		{"co-funding short by one NOK", 0, 0, 90_000, 100_000, 14_999, false},
		{"agent needs knowledge", 1, 0.2, 25_000, 1e6, 0, false},
		{"co-funding does not replace knowledge", 1, 0.2, 25_000, 1e6, 1e6, false},
		{"agent with knowledge and budget", 1, 0.3, 25_000, 1e6, 0, true},
		{"agent costs only the difference", 1, 0.3, 25_000, 150_000, 0, true},
		{"one NOK short", 1, 0.3, 25_001, 150_000, 0, false},
		{"last stage cannot step", 3, 1, 0, 1e9, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanStepUp(tc.stage, tc.k, tc.committed, tc.bud, tc.grant, stages); got != tc.want {
				t.Errorf("CanStepUp = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLearnStaysInUnitInterval(t *testing.T) {
	for _, x := range []float64{0, 0.3, 0.99, 1} {
		for _, rate := range []float64{0, 0.01, 0.5, 1} {
			got := Learn(x, rate)
			if got < x || got > 1 {
				t.Errorf("Learn(%v, %v) = %v, want in [%v, 1]", x, rate, got, x)
			}
		}
	}
	if got := Learn(0.5, 0.2); !near(got, 0.6) {
		t.Errorf("Learn(0.5, 0.2) = %v, want 0.6", got)
	}
}

func TestHazard(t *testing.T) {
	tests := []struct{ rate, want float64 }{
		{0, 0}, {math.Log(2), 0.5}, {50, 1 - math.Exp(-50)},
	}
	for _, tc := range tests {
		if got := Hazard(tc.rate); !near(got, tc.want) {
			t.Errorf("Hazard(%v) = %v, want %v", tc.rate, got, tc.want)
		}
	}
}

func TestOutboundWeightPrefersCloseMarketsWithoutExperience(t *testing.T) {
	close, far := OutboundWeight(0.6, 0.1, 0, 4), OutboundWeight(0.6, 0.9, 0, 4)
	if !(close > 2*far) {
		t.Errorf("novice: close %v should be well above far %v", close, far)
	}
	// With full general knowledge distance no longer matters (T2.1).
	if a, b := OutboundWeight(0.6, 0.1, 1, 4), OutboundWeight(0.6, 0.9, 1, 4); !near(a, b) {
		t.Errorf("experienced: %v != %v", a, b)
	}
}

func TestParticipationProb(t *testing.T) {
	tests := []struct {
		name      string
		prop, rel float64
		busy, amb bool
		want      float64
	}{
		{"engaged, relevant, ambitious", 0.95, 1, false, true, 0.95},
		{"relevance scales", 0.8, 0.5, false, true, 0.4},
		{"busy cuts by busy multiplier", 0.8, 0.5, true, true, 0.04},
		{"no ambition cuts by rate", 0.8, 0.5, false, false, 0.1},
		{"never participates", 0, 1, false, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ParticipationProb(tc.prop, tc.rel, tc.busy, 0.1, tc.amb, 0.25)
			if !near(got, tc.want) {
				t.Errorf("ParticipationProb = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAnnualFunding(t *testing.T) {
	n := &scenarios.Network{Founded: 2007, FundingScale: 1, Streams: []scenarios.Stream{
		{ID: "county", NOKPerYear: 500_000, From: 2007, To: 2016},
		{ID: "arena", NOKPerYear: 2_500_000, From: 2009, To: 2014},
	}}
	tests := []struct {
		name        string
		year        int
		global, own float64
		want        float64
	}{
		{"before founding", 2006, 1, 1, 0},
		{"county only", 2008, 1, 1, 500_000},
		{"first Arena year", 2009, 1, 1, 3_000_000},
		{"last Arena year", 2014, 1, 1, 3_000_000},
		{"after Arena (T3.5)", 2015, 1, 1, 500_000},
		{"global lever", 2010, 1.5, 1, 4_500_000},
		{"both levers multiply", 2010, 0.5, 2, 3_000_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n.FundingScale = tc.own
			if got := AnnualFunding(n, tc.year, tc.global); !near(got, tc.want) {
				t.Errorf("AnnualFunding = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCapacity(t *testing.T) {
	// CWN after 2014: Vestfold county's 0.55 MNOK buys about one person at
	// 50 % (T5.2) with the default 80 % salary share and 1 MNOK per FTE.
	if got := Capacity(550_000, 0.8, 1_000_000); !near(got, 0.44) {
		t.Errorf("Capacity = %v, want 0.44", got)
	}
}

func TestOfferChannels(t *testing.T) {
	need := [NumChannels]float64{0.3, 0.5, 0.5, 0.6, 0.4, 0.4, 0.3}
	all := [NumChannels]bool{true, true, true, true, true, true, true}
	noPartners := all
	noPartners[CrossRIN] = false
	tests := []struct {
		name     string
		capacity float64
		eligible [NumChannels]bool
		want     int
		wantUsed float64
	}{
		{"no funding, no channel", 0, all, 0, 0},
		{"half a person: information only (CWN after 2014)", 0.44, all, 1, 0.3},
		{"ladder stops at the first channel that does not fit", 0.64, all, 1, 0.3},
		{"exact fit of four channels", 1.9, all, 4, 1.9},
		{"everything", 3.0, all, 7, 3.0},
		{"ineligible channel is stepped over", 1.4, noPartners, 3, 1.4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			offered, used := OfferChannels(tc.capacity, ChannelOrder(nil), tc.eligible, need)
			n := 0
			for c, o := range offered {
				if o {
					n++
					if !tc.eligible[c] {
						t.Errorf("offered ineligible channel %v", Channel(c))
					}
				}
			}
			if n != tc.want || !near(used, tc.wantUsed) {
				t.Errorf("got %d channels using %v FTE, want %d using %v", n, used, tc.want, tc.wantUsed)
			}
			if used > tc.capacity+1e-9 {
				t.Errorf("used %v exceeds capacity %v", used, tc.capacity)
			}
		})
	}
}

func TestCoFundedStep(t *testing.T) {
	tests := []struct{ cost, grant, own, used float64 }{
		{125_000, 0, 125_000, 0},
		{125_000, 100_000, 25_000, 100_000},
		{125_000, 200_000, 0, 125_000}, // co-funding left over stays with the firm
		{0, 50_000, 0, 0},
		{10_000, -1, 10_000, 0}, // a negative grant (rounding) pays nothing
	}
	for _, tc := range tests {
		own, used := CoFundedStep(tc.cost, tc.grant)
		if own != tc.own || used != tc.used || own+used != tc.cost {
			t.Errorf("CoFundedStep(%v, %v) = %v, %v; want %v, %v", tc.cost, tc.grant, own, used, tc.own, tc.used)
		}
	}
}

// TestChannelOrder: Figure 5's CWN pursues information and a network project
// only; ranks order the channels, ties keep the default order.
func TestChannelOrder(t *testing.T) {
	tests := []struct {
		name string
		rank map[string]float64
		want []Channel
	}{
		{"no ranks: all in the default order", nil, []Channel{Info, CrossRIN, JointStand, NetworkProject, Embassy, Survey, Mentoring}},
		{"CWN in 2016", map[string]float64{"info": 1, "network_project": 2}, []Channel{Info, NetworkProject}},
		{"rank 0 is never", map[string]float64{"info": 1, "survey": 0, "embassy": 2}, []Channel{Info, Embassy}},
		{"ranks reorder", map[string]float64{"mentoring": 1, "info": 2}, []Channel{Mentoring, Info}},
		{"ties keep the default order", map[string]float64{"embassy": 1, "info": 1}, []Channel{Info, Embassy}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ChannelOrder(tc.rank)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("ChannelOrder = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestOfferChannelsFollowsTheNetworksOrder(t *testing.T) {
	need := [NumChannels]float64{0.15, 0.5, 0.5, 0.25, 0.4, 0.4, 0.3}
	all := [NumChannels]bool{true, true, true, true, true, true, true}
	cwn := ChannelOrder(map[string]float64{"info": 1, "network_project": 2, "joint_stand": 3})
	offered, used := OfferChannels(0.44, cwn, all, need)
	if !offered[Info] || !offered[NetworkProject] || offered[JointStand] || offered[CrossRIN] || !near(used, 0.4) {
		t.Errorf("CWN with 0.44 FTE offers %v using %v, want info and network project using 0.4", offered, used)
	}
	offered, _ = OfferChannels(10, cwn, all, need)
	for c := range NumChannels {
		want := c == Info || c == NetworkProject || c == JointStand
		if offered[c] != want {
			t.Errorf("with ample capacity, channel %v offered %v, want %v: only pursued channels", c, offered[c], want)
		}
	}
}

func TestOfferChannelsMonotoneInCapacity(t *testing.T) {
	need := [NumChannels]float64{0.3, 0.5, 0.5, 0.6, 0.4, 0.4, 0.3}
	all := [NumChannels]bool{true, true, true, true, true, true, true}
	prev := -1
	for c := 0.0; c <= 4; c += 0.01 {
		offered, _ := OfferChannels(c, ChannelOrder(nil), all, need)
		n := 0
		for _, o := range offered {
			if o {
				n++
			}
		}
		if n < prev {
			t.Fatalf("capacity %v offers %d channels, fewer than %d at less capacity", c, n, prev)
		}
		prev = n
	}
}

func TestIntensity(t *testing.T) {
	tests := []struct{ capacity, used, max, want float64 }{
		{0, 0, 3, 0}, {1, 1, 3, 1}, {2, 1, 3, 2}, {10, 1, 3, 3}, {0.9, 1, 3, 1},
	}
	for _, tc := range tests {
		if got := Intensity(tc.capacity, tc.used, tc.max); !near(got, tc.want) {
			t.Errorf("Intensity(%v, %v, %v) = %v, want %v", tc.capacity, tc.used, tc.max, got, tc.want)
		}
	}
}

func TestEventCount(t *testing.T) {
	tests := []struct {
		expected, u float64
		want        int
	}{
		{0, 0, 0}, {0.5, 0.49, 1}, {0.5, 0.5, 0}, {3, 0.99, 3}, {2.25, 0.2, 3}, {2.25, 0.3, 2},
	}
	for _, tc := range tests {
		if got := EventCount(tc.expected, tc.u); got != tc.want {
			t.Errorf("EventCount(%v, %v) = %d, want %d", tc.expected, tc.u, got, tc.want)
		}
	}
}

func TestJoinStep(t *testing.T) {
	// Oslo Medtech: 32 members when founded (step 8 = 2009Q1), 180 by the
	// last of 40 steps (T3.5).
	const initial, total, founded, steps = 32, 180, 8, 40
	last := -1
	for j := range total {
		s := joinStep(j, initial, total, founded, steps)
		if j < initial && s != founded {
			t.Fatalf("founding member %d joins at %d, want %d", j, s, founded)
		}
		if s < last || s < founded || s >= steps {
			t.Fatalf("member %d joins at %d (previous %d): want non-decreasing within [%d, %d)", j, s, last, founded, steps)
		}
		last = s
	}
}

func TestPick(t *testing.T) {
	w := []float64{0, 1, 0, 3}
	tests := []struct {
		u    float64
		want int
	}{{0, 1}, {0.24, 1}, {0.25, 3}, {0.999, 3}}
	for _, tc := range tests {
		if got := pick(w, 4, tc.u); got != tc.want {
			t.Errorf("pick(u=%v) = %d, want %d", tc.u, got, tc.want)
		}
	}
}

// TestOutboundMarketFollowsTheWeights: the rejection sampler draws markets
// in proportion to OutboundWeight. With 200,000 draws each frequency is
// within 0.006 of its probability (over 5 standard errors for p <= 0.5).
func TestOutboundMarketFollowsTheWeights(t *testing.T) {
	for _, general := range []float32{0, 0.5, 1} {
		w := newWorld(t, thesis(t), 1)
		i := 0
		w.Firms.General[i] = general
		wk := w.workers[0]
		want := append([]float64(nil), w.outboundWeights(wk, i)...)
		total := sum(want)
		counts := make([]float64, len(want))
		const n = 200_000
		r := &rng.Counter{}
		rng.Reseed(r, 3, 4, 0, 0)
		for range n {
			counts[w.outboundMarket(wk, i, r)]++
		}
		for m := range want {
			if p, got := want[m]/total, counts[m]/n; math.Abs(p-got) > 0.006 {
				t.Errorf("g=%v market %d: frequency %.4f, want %.4f", general, m, got, p)
			}
		}
	}
}

// accept's squeeze gives the decision of u < exp(-x) for every u: checked on
// a grid of x and on u at, just below and just above exp(-x) and its bounds.
func TestAcceptIsExact(t *testing.T) {
	for _, x := range []float64{0, 1e-9, 9.9e-5, 1e-4, 1e-3, 9.9e-3, 1e-2, 0.1, 0.5, 1, 2, 3.6, 5, 30} {
		e := math.Exp(-x)
		lo3, hi3 := 1-x+x*x/2-x*x*x/6, 1/(1+x+x*x/2+x*x*x/6)
		for _, u := range []float64{0, 1 - x, 1 / (1 + x), lo3, math.Nextafter(lo3, 1), hi3, math.Nextafter(hi3, 0), e, math.Nextafter(e, 0), math.Nextafter(e, 1), e / 2, (1 + e) / 2, 0.999999} {
			if u < 0 || u >= 1 {
				continue
			}
			if got, want := accept(u, x), u < e; got != want {
				t.Errorf("accept(%v, %v) = %v, want %v", u, x, got, want)
			}
		}
	}
	var src rng.Counter
	rng.Reseed(&src, 1, rng.KindFirms, 2, 3)
	for range 200_000 { // and on random pairs, x up to 5
		u, x := src.Float64(), 5*src.Float64()*src.Float64()
		if got, want := accept(u, x), u < math.Exp(-x); got != want {
			t.Fatalf("accept(%v, %v) = %v, want %v", u, x, got, want)
		}
	}
}

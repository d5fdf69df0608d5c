package model

import (
	"fmt"
	"math"
	"testing"

	"github.com/rinsim/rinsim/internal/rng"
	"github.com/rinsim/rinsim/scenarios"
	"gonum.org/v1/gonum/stat/distuv"
)

// steppedWorld is the thesis world after a few quarters, so every network
// has members, with its first network's takers listed for the quarter.
func steppedWorld(t *testing.T, s *scenarios.Scenario) (*World, *NetworkState) {
	t.Helper()
	w := newWorld(t, s, 7)
	for range 12 {
		w.Step()
	}
	ns := &w.Networks[0]
	for _, i := range ns.Members[:ns.Joined] {
		w.Firms.PartProb[i] = 1
		w.Firms.Spent[i] = 0
	}
	w.shuffleTakers(ns)
	return w, ns
}

// One event seats each member once at most, however many accept (issue 9,
// item 0: the cursor moved inside the loop that indexed from it).
func TestSlotEventSeatsEachMemberOnce(t *testing.T) {
	s := thesis(t)
	s.Channel.JointStand.Slots = 1000
	s.Channel.JointStand.FeeNOK = 0
	w, ns := steppedWorld(t, s)
	before := append([]int32(nil), w.Firms.Participations...)
	for _, m := range []int{0, 3} { // attractive markets for every sector
		clear(before)
		copy(before, w.Firms.Participations)
		ns.cursor = len(ns.order) / 2
		w.slotEvent(w.netWorkers[0], ns, JointStand, m)
		seated := 0
		for _, i := range ns.order {
			d := w.Firms.Participations[i] - before[i]
			if d > 1 {
				t.Fatalf("market %d: member %d seated %d times at one event", m, i, d)
			}
			seated += int(d)
		}
		if seated == 0 {
			t.Fatalf("market %d: nobody seated although every member accepts with its market's attractiveness", m)
		}
	}
}

// A contact from a channel is recorded under that channel's source
// (mentoring contacts were recorded as social network).
func TestAttendRecordsTheChannelsSource(t *testing.T) {
	s := thesis(t)
	for _, cp := range []*scenarios.ChannelParams{&s.Channel.Survey, &s.Channel.Mentoring} {
		cp.ContactProb = 1
	}
	w, ns := steppedWorld(t, s)
	i := int(ns.order[0])
	for _, c := range []Channel{Survey, Mentoring, Info, Embassy} {
		src := Source(c)
		before := w.Firms.BySource[i*int(NumSources)+int(src)]
		w.chans[c].ContactProb = 1
		w.attend(w.netWorkers[0], ns, i, c, 0, 1)
		if got := w.Firms.BySource[i*int(NumSources)+int(src)]; got != before+1 {
			t.Errorf("channel %v: contacts from %v %d -> %d, want one more", c, src, before, got)
		}
		if !src.IsRIN() {
			t.Errorf("source of channel %v is not a network source", c)
		}
	}
}

// A market counts as served for peer help only when a member took part in an
// event there (issue 9: an unattended event served its market).
func TestServedOnlyWhenAMemberTookPart(t *testing.T) {
	w, ns := steppedWorld(t, thesis(t))
	clear(ns.Served)
	for _, i := range ns.order {
		w.Firms.PartProb[i] = 0
	}
	w.slotEvent(w.netWorkers[0], ns, JointStand, 0)
	w.infoEvent(w.netWorkers[0], ns, 0)
	for m, s := range ns.Served {
		if s {
			t.Fatalf("market %d served although no member took part", m)
		}
	}
	w.attend(w.netWorkers[0], ns, int(ns.order[0]), CrossRIN, 2, 1)
	if !ns.Served[2] {
		t.Error("market 2 not served after a member took part in an event there")
	}
	w.attend(w.netWorkers[0], ns, int(ns.order[0]), Mentoring, 4, 1)
	if ns.Served[4] {
		t.Error("mentoring holds no event in the market, yet it counted as served")
	}
}

// Co-funding pays part of a commitment step (T5.5.1): a firm whose budget
// cannot carry the step makes it with a grant, and only its own share is
// committed.
func TestCoFundingRelaxesTheBudget(t *testing.T) {
	w, ns := steppedWorld(t, thesis(t))
	f := &w.Firms
	i := int(ns.order[0])
	m := 0
	j := i*f.M + m
	f.Stage[j], f.Knowledge[j] = 0, 1
	step := w.stageCost[1] - w.stageCost[0]
	f.Committed[i] = f.Budget[i] - float32(step)/2 // half the step fits the budget
	f.Grant[i] = 0
	if CanStepUp(0, 1, float64(f.Committed[i]), float64(f.Budget[i]), float64(f.Grant[i]), w.S.Stages) {
		t.Fatal("step fits without co-funding; the test needs a budget that is too small")
	}
	f.Grant[i] = float32(step)
	if !CanStepUp(0, 1, float64(f.Committed[i]), float64(f.Budget[i]), float64(f.Grant[i]), w.S.Stages) {
		t.Fatal("co-funding of a whole step does not make it affordable")
	}
	committed, cofunded := f.Committed[i], f.CoFunded[i]
	f.Stepped[i] = false
	w.stepUp(w.workers[0], i, m, w.T)
	if f.Committed[i] != committed || f.CoFunded[i]-cofunded != float32(step) || f.Grant[i] != 0 {
		t.Errorf("after a fully co-funded step: committed %v -> %v, co-funded +%v, grant %v; want own share 0, co-funded %v, grant 0",
			committed, f.Committed[i], f.CoFunded[i]-cofunded, f.Grant[i], step)
	}
}

// Members act on forwarded information with info_uptake times relevance;
// acting teaches knowledge of the item's market (T5.4, T5.5.1).
func TestForwardedInformation(t *testing.T) {
	tests := []struct {
		name      string
		uptake    float64
		relevance float32
		wantShare float64 // share of members acting
	}{
		{"no uptake, nobody acts", 0, 1, 0},
		{"full uptake and relevance, everyone acts", 1, 1, 1},
		{"uptake times relevance", 0.5, 0.5, 0.25},
	}
	// Without ambition, attention falls by non_ambitious_participation; see
	// TestForwardedInformationNeedsAttention.
	for _, tc := range tests {
		for _, batch := range itemBatches {
			t.Run(fmt.Sprintf("%s/batch=%d", tc.name, batch), func(t *testing.T) {
				s := thesis(t)
				s.Firm.InfoUptake = tc.uptake
				w, ns := steppedWorld(t, s)
				f := &w.Firms
				members := ns.Members[:ns.Joined]
				for _, i := range members {
					f.Relevance[i], f.Busy[i], f.Ambitious[i], f.InfoActed[i] = tc.relevance, false, true, 0
				}
				const items, m = 400, 5
				forwardItems(w, ns, m, items, batch)
				acted := 0
				for _, i := range members {
					acted += int(f.InfoActed[i])
					if f.InfoActed[i] > 0 && f.Knowledge[int(i)*f.M+m] <= 0 {
						t.Fatalf("member %d acted on information about market %d but knows nothing of it", i, m)
					}
				}
				share := float64(acted) / float64(items*len(members))
				if d := share - tc.wantShare; d > 0.02 || d < -0.02 {
					t.Errorf("share acting %v, want %v +- 0.02", share, tc.wantShare)
				}
			})
		}
	}
}

// itemBatches are the numbers of items forwarded at once in the tests: one,
// a quarter's (binomial inversion) and more than maxInversion (item by item).
var itemBatches = []int{1, 8, 400}

// forwardItems forwards items items of information about market m, batch at
// a time.
func forwardItems(w *World, ns *NetworkState, m, items, batch int) {
	for done := 0; done < items; done += batch {
		markets := make([]int8, min(batch, items-done))
		for k := range markets {
			markets[k] = int8(m)
		}
		w.forward(ns, markets)
	}
}

// Busy and non-ambitious members pay less attention to forwarded
// information (T4.4.2).
func TestForwardedInformationNeedsAttention(t *testing.T) {
	s := thesis(t)
	s.Firm.InfoUptake, s.Firm.BusyParticipation, s.Firm.NonAmbitiousParticipation = 1, 0.5, 0.25
	w, ns := steppedWorld(t, s)
	f := &w.Firms
	members := ns.Members[:ns.Joined]
	for k, i := range members {
		f.Relevance[i], f.InfoActed[i] = 1, 0
		f.Busy[i], f.Ambitious[i] = k%2 == 0, k%4 < 2
	}
	const items = 400
	forwardItems(w, ns, 1, items, 8)
	acted := map[[2]bool][2]float64{} // (busy, ambitious) -> (acted, items)
	for _, i := range members {
		key := [2]bool{f.Busy[i], f.Ambitious[i]}
		a := acted[key]
		acted[key] = [2]float64{a[0] + float64(f.InfoActed[i]), a[1] + items}
	}
	want := map[[2]bool]float64{{false, true}: 1, {true, true}: 0.5, {false, false}: 0.25, {true, false}: 0.125}
	for key, p := range want {
		a := acted[key]
		if a[1] == 0 {
			t.Fatalf("no member with busy=%v ambitious=%v", key[0], key[1])
		}
		if got := a[0] / a[1]; got < p-0.03 || got > p+0.03 {
			t.Errorf("busy=%v ambitious=%v: share acting %v, want %v +- 0.03", key[0], key[1], got, p)
		}
	}
}

// Outreach spends its share of the event budget on visits that raise the
// visited members' relevance, within budget.
func TestOutreachRaisesRelevanceWithinBudget(t *testing.T) {
	s := thesis(t)
	s.Networks[0].OutreachShare = 0.5
	w, ns := steppedWorld(t, s)
	f := &w.Firms
	rel := append([]float32(nil), f.Relevance...)
	before := append([]int32(nil), f.Visits...)
	ns.SpentNOK = 0
	w.outreach(ns)
	visits := 0
	for _, i := range ns.Members[:ns.Joined] {
		d := f.Visits[i] - before[i]
		visits += int(d)
		if d > 0 && f.Relevance[i] <= rel[i] && rel[i] < 1 {
			t.Errorf("member %d visited but relevance %v -> %v", i, rel[i], f.Relevance[i])
		}
	}
	want := ns.Budget * 0.5 / s.Public.OutreachVisitNOK
	if visits == 0 || float64(visits) > want+1 || ns.SpentNOK > ns.Budget {
		t.Errorf("%d visits costing %v of a %v budget; want about %v", visits, ns.SpentNOK, ns.Budget, want)
	}
}

// Comparison firms are observed from the step of the member at the same
// position, not from the start.
func TestComparisonFirmsObservedOverTheMembersWindow(t *testing.T) {
	s := thesis(t)
	s.Networks[1].NonMembers = 50
	w := newWorld(t, s, 1)
	ns := &w.Networks[1]
	f := &w.Firms
	late := 0
	for j, i := range ns.Comparison {
		m := ns.Members[j*len(ns.Members)/len(ns.Comparison)]
		if f.JoinStep[i] != f.JoinStep[m] {
			t.Fatalf("comparison firm %d observed from %d, its matching member joins at %d", j, f.JoinStep[i], f.JoinStep[m])
		}
		if int(f.JoinStep[i]) > ns.FoundedStep {
			late++
		}
		if w.counted(int(i), int(f.JoinStep[i])-1) {
			t.Fatalf("comparison firm %d counted before it is observed", j)
		}
	}
	if late == 0 {
		t.Error("every comparison firm observed from the founding: the members' windows are not matched")
	}
}

// The Interreg Nordic tilt acts on what members learn, not only on a weight:
// with a strong tilt, OREEC's members (Interreg-funded, T5.1) know the Nordic
// markets better at the end than without it.
func TestInterregTiltActsOnMembers(t *testing.T) {
	nordicKnowledge := func(bias float64) float64 {
		total := 0.0
		for seed := uint64(1); seed <= 4; seed++ {
			s := thesis(t)
			s.Public.InterregNearbyBias = bias
			w := newWorld(t, s, seed)
			for !w.Done() {
				w.Step()
			}
			f := &w.Firms
			for _, i := range w.Networks[0].Members {
				for m := range f.M {
					if w.nordic[m] {
						total += float64(f.Knowledge[int(i)*f.M+m])
					}
				}
			}
		}
		return total
	}
	if id := thesis(t).Networks[0].ID; id != "oreec" {
		t.Fatalf("network 0 is %s, want oreec", id)
	}
	none, strong := nordicKnowledge(0), nordicKnowledge(20)
	t.Logf("Nordic knowledge of OREEC members: %.1f without the tilt, %.1f with it", none, strong)
	if strong < none*1.1 {
		t.Errorf("Nordic knowledge of OREEC members: %v without the tilt, %v with a strong one; want at least 10 %% more", none, strong)
	}
}

// Events run in the network's order of preference: CWN's Nordic network
// project (Figure 5, T4.1.3) is held in 2015-16 on half a person's budget,
// before any joint stand could use the money up.
func TestCWNRunsItsNetworkProjectAfterArena(t *testing.T) {
	s := thesis(t)
	from := int(scenarios.NewQuarter(2015, 1) - s.Start)
	held := 0
	for seed := uint64(1); seed <= 3; seed++ {
		w := newWorld(t, s, seed)
		for !w.Done() {
			w.Step()
			if w.T-1 >= from {
				held += w.Networks[2].Events[NetworkProject]
			}
		}
		if w.Networks[2].ID != "cwn" {
			t.Fatalf("network 2 is %s, want cwn", w.Networks[2].ID)
		}
	}
	if held == 0 {
		t.Error("CWN held no network project in 2015-16 in three runs")
	}
}

// binomial's counts follow the binomial distribution on every path:
// inversion, the complement for p > 0.5, item by item past maxInversion,
// and the edge chances.
func TestBinomial(t *testing.T) {
	tests := []struct {
		n int
		p float64
	}{{1, 0.3}, {6, 0.05}, {6, 0.3}, {12, 0.5}, {12, 0.9}, {64, 0.999}, {200, 0.2}, {5, 0}, {5, 1}}
	const draws = 20000
	for _, tc := range tests {
		t.Run(fmt.Sprintf("n=%d/p=%v", tc.n, tc.p), func(t *testing.T) {
			src := &rng.Counter{}
			rng.Reseed(src, 7, 0, uint64(tc.n), 0)
			counts := make([]float64, tc.n+1)
			want := make([]float64, tc.n+1)
			for range draws {
				counts[binomial(tc.n, tc.p, src)]++
			}
			for k := range want {
				want[k] = draws * distuv.Binomial{N: float64(tc.n), P: tc.p}.Prob(float64(k))
			}
			if msg := fits(counts, want); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// TestOwnEventsDraw checks that one uniform for the first event and one per
// later event give the law of independent events: the 32 patterns of the
// five events are counted and compared with the products of the chances by
// Pearson's chi-square; a law with one chance 10 % off fails.
func TestOwnEventsDraw(t *testing.T) {
	tests := []struct {
		name  string
		p     [numOwnEvents]float64
		wrong bool // the counts are compared with a law 10 % off
	}{
		{"thesis-like", [numOwnEvents]float64{0.05, 0.39, 0.1, 0.05, 0.05}, false},
		{"busy ends", [numOwnEvents]float64{0.12, 0.03, 0.03, 0.03, 0.02}, false},
		{"certain and impossible", [numOwnEvents]float64{0, 1, 0.5, 0, 0.3}, false},
		{"none", [numOwnEvents]float64{}, false},
		{"wrong law", [numOwnEvents]float64{0.05, 0.39, 0.1, 0.05, 0.05}, true},
	}
	const draws = 200000
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newOwnEvents(tc.p)
			src := &rng.Counter{}
			rng.Reseed(src, 11, 0, 0, 0)
			var counts [1 << numOwnEvents]float64
			for range draws {
				counts[e.draw(src)]++
			}
			law := tc.p
			if tc.wrong {
				law[1] *= 1.1
			}
			want := make([]float64, len(counts))
			for set := range want {
				want[set] = float64(draws)
				for k, pk := range law {
					if set&(1<<k) != 0 {
						want[set] *= pk
					} else {
						want[set] *= 1 - pk
					}
				}
			}
			if msg := fits(counts[:], want); (msg != "") != tc.wrong {
				t.Errorf("rejected %v, want %v: %s", msg != "", tc.wrong, msg)
			}
		})
	}
}

// fits compares counts with expected counts by Pearson's chi-square over the
// cells expected at least 5 times (a rarer cell fails only if drawn far too
// often); the critical value is generous (p about 1e-4 for the degrees of
// freedom here), so a wrong law fails and a right one does not flake. It
// returns "" when the counts fit, else why not.
func fits(counts, want []float64) string {
	chi2, cells := 0.0, 0
	for k, got := range counts {
		if want[k] < 5 {
			if got > 5+want[k]*10 {
				return fmt.Sprintf("cell %d drawn %v times, expected %v", k, got, want[k])
			}
			continue
		}
		chi2 += (got - want[k]) * (got - want[k]) / want[k]
		cells++
	}
	if limit := float64(cells) + 5*math.Sqrt(2*float64(cells)) + 10; chi2 > limit {
		return fmt.Sprintf("chi-square %.1f over %d cells, above %.1f", chi2, cells, limit)
	}
	return ""
}

// Help among members substitutes for the network's events (T5.3): with
// peer.seek_when_served at 0 a member whose target an event served this
// quarter never asks a peer; at 1 it asks as an unserved member would.
// Every member is ambitious with target 0 and every peer has a contact
// there, so each ask that draws another member is a share.
func TestPeerHelpAndServedTargets(t *testing.T) {
	tests := []struct {
		name        string
		whenServed  float64
		served      bool
		wantSharing bool
	}{
		{"served target, help substitutes", 0, true, false},
		{"unserved target, help substitutes", 0, false, true},
		{"served target, help ignores channels", 1, true, true},
		{"unserved target, help ignores channels", 1, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := thesis(t)
			s.Peer.SeekProb, s.Peer.ShareProb, s.Peer.SeekWhenServed = 1, 1, tc.whenServed
			w, ns := steppedWorld(t, s)
			f := &w.Firms
			if ns.Joined < 3 {
				t.Fatalf("%d joined members; the test needs a few", ns.Joined)
			}
			for _, i := range ns.Members[:ns.Joined] {
				f.Ambitious[i], f.Target[i] = true, 0
				f.Contacts[int(i)*f.M] = 1
			}
			clear(ns.Served)
			ns.Served[0] = tc.served
			before := ns.PeerShares
			w.peerPhase(w.netWorkers[0], ns)
			if got := ns.PeerShares > before; got != tc.wantSharing {
				t.Errorf("peer shares %d -> %d among %d members; want sharing %v", before, ns.PeerShares, ns.Joined, tc.wantSharing)
			}
		})
	}
}

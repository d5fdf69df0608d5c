package sim

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
)

func thesisScenario(t testing.TB) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Builtin("thesis")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func indexOf[T any](t *testing.T, xs []T, id func(T) string, want string) int {
	t.Helper()
	for i, x := range xs {
		if id(x) == want {
			return i
		}
	}
	t.Fatalf("no %q", want)
	return -1
}

// handWorld is a world of one network, Oslo Medtech, with four members and
// one comparison firm whose state is set by hand, so that every count of
// TallyRun can be checked against a hand count.
func handWorld(t *testing.T) *Result {
	s := thesisScenario(t)
	k := indexOf(t, s.Networks, func(n scenarios.Network) string { return n.ID }, "oslo-medtech")
	s.Networks = s.Networks[k : k+1]
	s.Networks[0].Members, s.Networks[0].InitialMembers, s.Networks[0].NonMembers = 4, 4, 1
	w, err := model.New(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	f := &w.Firms
	arch := func(id string) uint8 {
		return uint8(indexOf(t, s.Archetypes, func(a scenarios.Archetype) string { return a.ID }, id))
	}
	mkt := func(id string) int { return indexOf(t, s.Markets, func(m scenarios.Market) string { return m.ID }, id) }
	for i := range f.N { // a blank state
		f.Active[i], f.Entries[i], f.Participations[i], f.BusyQuarters[i], f.BusyParticipations[i] = 0, 0, 0, 0, 0
		f.Ambitious[i], f.PriorEntry[i] = false, false
		for m := range f.M {
			f.EntryStep[i*f.M+m] = model.NoStep
		}
		for src := range model.NumSources {
			f.BySource[i*int(model.NumSources)+int(src)] = 0
		}
	}
	enter := func(i int, m string, step int16) {
		f.Active[i] |= 1 << mkt(m)
		f.EntryStep[i*f.M+mkt(m)] = step
	}
	if f.Group[4] != model.GroupComparison || f.JoinStep[0] != 8 {
		t.Fatalf("firm 4 is %v, firm 0 joins at %d; want comparison and 8 (2009Q1)", f.Group[4], f.JoinStep[0])
	}
	// Firm 0: engaged, ambitious, entered the USA (outside the EEA) as a
	// member, with a joint-stand contact; 16 events in 8 years.
	f.Archetype[0], f.Ambitious[0] = arch("engaged"), true
	enter(0, "usa", 20)
	f.Entries[0], f.Participations[0] = 1, 16
	f.BySource[0*int(model.NumSources)+int(model.SrcJointStand)] = 1
	// Firm 1: experienced, operated in Sweden before the run, entered China
	// before joining (not counted); busy 8 quarters with 1 event in them;
	// business-network contacts only.
	f.Archetype[1], f.PriorEntry[1] = arch("experienced"), true
	enter(1, "sweden", model.PriorStep)
	enter(1, "china", 5)
	f.Participations[1], f.BusyQuarters[1], f.BusyParticipations[1] = 2, 8, 1
	f.BySource[1*int(model.NumSources)+int(model.SrcBusiness)] = 3
	// Firm 2: novice without ambition, entered Germany (EEA) as a member; a
	// peer contact, which is not a network channel.
	f.Archetype[2] = arch("novice")
	enter(2, "germany", 30)
	f.Entries[2] = 1
	f.BySource[2*int(model.NumSources)+int(model.SrcPeer)] = 1
	// Firm 3: engaged, ambitious, joined in 2013Q1 (4 years), 8 events, not abroad.
	f.Archetype[3], f.Ambitious[3], f.JoinStep[3] = arch("engaged"), true, 24
	f.Participations[3] = 8
	// Firm 4, comparison: abroad outside the EEA, never counted.
	f.Archetype[4] = arch("engaged")
	enter(4, "usa", 10)
	f.Entries[4], f.Participations[4] = 1, 5
	f.BySource[4*int(model.NumSources)+int(model.SrcEmbassy)] = 1
	return &Result{Scenario: s, World: w}
}

func TestTallyRunHandCount(t *testing.T) {
	rt := TallyRun(handWorld(t))
	all, ok := rt.Sum("", "")
	if !ok {
		t.Fatal("Sum over all members failed")
	}
	want := Tally{Members: 4, Abroad: 3, OutsideEEA: 1, RINContact: 1, Entries: 2,
		Ambitious: 2, NonAmbitious: 2, NonAmbitiousEntering: 1,
		NoPrior: 3, Prior: 1, EntriesNoPrior: 2, EntriesPrior: 0,
		Participations: 26, Years: 8 + 8 + 8 + 4, BusyParticipations: 1, BusyYears: 2}
	if all != want {
		t.Errorf("all members:\n got %+v\nwant %+v", all, want)
	}
	if _, ok := rt.Sum("oreec", ""); ok {
		t.Error("Sum found a network the run does not have")
	}
	// Each baseline statistic against the hand count.
	for _, c := range []struct {
		stat, network, archetype string
		want                     float64
	}{
		{"share_abroad_end", "", "", 3.0 / 4},
		{"share_entering_outside_eea", "oslo-medtech", "", 1.0 / 4},
		{"share_ambitious", "", "", 2.0 / 4},
		{"share_non_ambitious_entering", "", "", 1.0 / 2},
		{"share_with_rin_contact", "", "", 1.0 / 4},
		{"attendance_per_year", "", "engaged", 24.0 / 12}, // firms 0 and 3: 16+8 events over 8+4 years
		{"attendance_per_year", "", "experienced", 2.0 / 8},
		{"attendance_per_busy_year", "", "experienced", 1.0 / 2},
		{"attendance_per_busy_year", "", "engaged", math.NaN()}, // never busy
	} {
		tl, ok := rt.Sum(c.network, c.archetype)
		if !ok {
			t.Fatalf("%s: no members of %q/%q", c.stat, c.network, c.archetype)
		}
		got := statistics[c.stat].Value(func(string) Tally { return tl })
		if !(got == c.want || math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("%s(%s/%s) = %v, want %v", c.stat, c.network, c.archetype, got, c.want)
		}
	}
}

// oneCell is a run tally with one network and archetype.
func oneCell(t Tally) *RunTally {
	return &RunTally{Networks: []string{"n"}, Archetypes: []string{"a"}, Cells: []Tally{t}}
}

// TestPairedStatistics checks the statistics that combine design points on
// tallies made by hand: two replications, each point with its own entries
// per member, so that a swapped point or sign changes the value.
func TestPairedStatistics(t *testing.T) {
	epm := func(points map[string][2]float64) map[string][]*RunTally {
		runs := map[string][]*RunTally{}
		for label, v := range points {
			for _, e := range v {
				runs[label] = append(runs[label], oneCell(Tally{Members: 10, Entries: 10 * e,
					NoPrior: 5, EntriesNoPrior: 5 * e * 1.5, Prior: 5, EntriesPrior: 5 * e * 0.5}))
			}
		}
		runs[PointBaseline] = runs[FundingPoint(1)]
		return runs
	}
	runs := epm(map[string][2]float64{
		FundingPoint(0): {1.0, 1.2}, FundingPoint(1): {1.5, 1.6}, FundingPoint(2): {1.7, 1.9},
		KnockoutPoint("no-contacts", 0): {1.0, 1.2}, KnockoutPoint("no-contacts", 1): {1.1, 1.5},
		KnockoutPoint("no-info-learning-cofunding", 0): {1.0, 1.2}, KnockoutPoint("no-info-learning-cofunding", 1): {1.4, 1.3},
	})
	for _, c := range []struct {
		stat string
		want [2]float64 // per replication, by hand
	}{
		{"funding_rise", [2]float64{1.7 - 1.0, 1.9 - 1.2}},
		{"funding_flattening", [2]float64{(1.5 - 1.0) - (1.7 - 1.5), (1.6 - 1.2) - (1.9 - 1.6)}},
		{"route_contacts_off_minus_info_off", [2]float64{(1.1 - 1.0) - (1.4 - 1.0), (1.5 - 1.2) - (1.3 - 1.2)}},
		// entries per member of firms without prior markets are 1.5 e, with
		// them 0.5 e: the difference of the RIN effects is 1.0 (e1 - e0).
		{"rin_effect_no_prior_minus_prior", [2]float64{1.0 * (1.5 - 1.0), 1.0 * (1.6 - 1.2)}},
	} {
		p := Pattern{ID: c.stat, Statistic: c.stat, Low: 0, High: math.Inf(1)}
		res := evaluatePattern(p, runs, 2)
		want := MeanCI(c.want[:], 0.95)
		if math.Abs(res.Value.Mean-want.Mean) > 1e-12 || math.Abs(res.Value.Low-want.Low) > 1e-9 || math.Abs(res.Value.High-want.High) > 1e-9 {
			t.Errorf("%s = %+v, want %+v", c.stat, res.Value, want)
		}
		if res.Verdict != Decide(p, want) {
			t.Errorf("%s: verdict %s, want %s", c.stat, res.Verdict, Decide(p, want))
		}
	}
}

func TestDecide(t *testing.T) {
	inf := math.Inf(1)
	nan := math.NaN()
	for _, c := range []struct {
		low, high float64 // band
		iv        Interval
		want      Verdict
	}{
		{0.35, 0.60, Interval{Low: 0.40, High: 0.50}, Within},
		{0.35, 0.60, Interval{Low: 0.35, High: 0.60}, Within}, // edges belong to the band
		{0.35, 0.60, Interval{Low: 0.30, High: 0.40}, Inconclusive},
		{0.35, 0.60, Interval{Low: 0.55, High: 0.65}, Inconclusive},
		{0.35, 0.60, Interval{Low: 0.30, High: 0.70}, Inconclusive}, // straddles both edges
		{0.35, 0.60, Interval{Low: 0.80, High: 0.90}, Outside},
		{0.35, 0.60, Interval{Low: 0.10, High: 0.20}, Outside},
		{-inf, 0.20, Interval{Low: -5, High: 0.1}, Within},
		{-inf, 0.20, Interval{Low: 0.25, High: 0.3}, Outside},
		{12, inf, Interval{Low: 1.8, High: 2.1}, Outside},
		{0, inf, Interval{Low: -0.01, High: 0.3}, Inconclusive},
		{0, inf, Interval{Mean: 0.5, Low: nan, High: nan}, Inconclusive}, // one replication
	} {
		if got := Decide(Pattern{Low: c.low, High: c.high}, c.iv); got != c.want {
			t.Errorf("band [%v, %v], interval [%v, %v]: %s, want %s", c.low, c.high, c.iv.Low, c.iv.High, got, c.want)
		}
	}
}

func TestValidationPoints(t *testing.T) {
	s := thesisScenario(t)
	labels := func(ps []Point) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Label)
		}
		return out
	}
	pts, aliases := ValidationPoints(s, DefaultPatterns())
	want := []string{"baseline", "funding-x0", "funding-x0.5", "funding-x1.5", "funding-x2",
		"no-contacts-funding-x0", "no-contacts-funding-x1", "no-info-learning-cofunding-funding-x0", "no-info-learning-cofunding-funding-x1"}
	if !slices.Equal(labels(pts), want) || aliases["funding-x1"] != "baseline" {
		t.Errorf("points %v, aliases %v; want %v and funding-x1 = baseline", labels(pts), aliases, want)
	}
	nc := pts[6].Set
	if len(nc) != 2*7+1 || nc[len(nc)-1] != "funding.scale=1" || !slices.Contains(nc, "channel.mentoring.commit_prob=0") {
		t.Errorf("no-contacts at x1 sets %v", nc)
	}
	// Only baseline patterns: only the baseline runs.
	level := DefaultPatterns()[:2]
	if pts, _ := ValidationPoints(s, level); !slices.Equal(labels(pts), []string{"baseline"}) {
		t.Errorf("level patterns need %v, want only the baseline", labels(pts))
	}
	// A base with other funding runs funding-x1 itself.
	s.Funding.Scale = 2
	if pts, aliases := ValidationPoints(s, DefaultPatterns()); !slices.Contains(labels(pts), "funding-x1") || len(aliases) != 0 {
		t.Errorf("funding.scale 2: points %v aliases %v; want funding-x1 run", labels(pts), aliases)
	}
}

func TestKnockouts(t *testing.T) {
	s := thesisScenario(t)
	sets := map[string][]string{}
	for _, k := range Knockouts {
		set, err := KnockoutSet(k.Name)
		if err != nil {
			t.Fatal(err)
		}
		c := s.Clone()
		if err := c.Resolve(set, "knockout "+k.Name); err != nil {
			t.Fatalf("%s: %v", k.Name, err)
		}
		sets[k.Name] = set
		ch := []scenarios.ChannelParams{c.Channel.Info, c.Channel.CrossRIN, c.Channel.JointStand, c.Channel.NetworkProject,
			c.Channel.Embassy, c.Channel.Survey, c.Channel.Mentoring}
		for i, cp := range ch {
			contacts := cp.ContactProb == 0 && cp.CommitProb == 0
			info := cp.Learning == 0 && cp.MarketLearning == 0 && cp.FundingNOK == 0
			if (k.Name != "no-info-learning-cofunding" && !contacts) || (k.Name != "no-contacts" && !info) || cp.FTE == 0 {
				t.Errorf("%s: channel %s = %+v", k.Name, model.ChannelNames()[i], cp)
			}
		}
	}
	union := append(append([]string{}, sets["no-contacts"]...), sets["no-info-learning-cofunding"]...)
	slices.Sort(union)
	inert := append([]string{}, sets["inert"]...)
	slices.Sort(inert)
	if !slices.Equal(union, inert) {
		t.Errorf("inert %v is not the union of the two routes %v", inert, union)
	}
	if _, err := KnockoutSet("nothing"); err == nil || !strings.Contains(err.Error(), "no-contacts") ||
		!strings.Contains(err.Error(), "peer-help-ignores-channels") {
		t.Errorf("unknown knockout: %v", err)
	}
	// The peer knockout turns the substitution off and leaves help on.
	set, err := KnockoutSet("peer-help-ignores-channels")
	if err != nil {
		t.Fatal(err)
	}
	c := s.Clone()
	if err := c.Resolve(set, "knockout peer-help-ignores-channels"); err != nil {
		t.Fatal(err)
	}
	if c.Peer.SeekWhenServed != 1 || c.Peer.SeekProb != s.Peer.SeekProb || s.Peer.SeekWhenServed != 0 {
		t.Errorf("peer-help-ignores-channels: peer rules %+v, calibrated %+v; want seek_when_served 0 -> 1 and the rest kept", c.Peer, s.Peer)
	}
}

// TestValidateSameForAnyWorkers: the results do not depend on the number of
// workers, and repeat with the same seed.
func TestValidateSameForAnyWorkers(t *testing.T) {
	s := thesisScenario(t)
	var got []*Validation
	for _, workers := range []int{1, 2} {
		v, err := Validate(context.Background(), s, DefaultPatterns(), 3, 5, &ExecOptions{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !reflect.DeepEqual(got[0].Results, got[1].Results) {
		t.Error("results differ between 1 and 2 workers")
	}
	for _, r := range got[0].Results {
		if r.Missing != "" || math.IsNaN(r.Value.Low) {
			t.Errorf("%s: %+v (%s)", r.ID, r.Value, r.Missing)
		}
	}
	if a, b := got[0].EntriesPerMember["funding-x1"], got[0].EntriesPerMember["baseline"]; a != b {
		t.Errorf("funding-x1 %+v is not the baseline %+v", a, b)
	}
}

func TestValidateMissingNetwork(t *testing.T) {
	s := thesisScenario(t)
	s.Networks = s.Networks[:1] // OREEC only
	v, err := Validate(context.Background(), s, DefaultPatterns()[:3], 2, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := v.Results[2]
	if r.ID != "oslo_medtech_ambition" || r.Verdict != Inconclusive || !strings.Contains(r.Missing, "oslo-medtech") || !math.IsNaN(r.Value.Mean) {
		t.Errorf("pattern on a missing network: %+v", r)
	}
	if v.Results[0].Missing != "" {
		t.Errorf("pattern over all members: %+v", v.Results[0])
	}
	if _, err := Validate(context.Background(), s, DefaultPatterns(), 1, 1, nil); err == nil {
		t.Error("one replication accepted")
	}
}

// BenchmarkTallyRun is the reduction of one default-scenario run to the
// patterns' counts, done once per run of the validation design.
func BenchmarkTallyRun(b *testing.B) {
	r, err := Run(context.Background(), thesisScenario(b), 1, nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		TallyRun(r)
	}
}

package sim

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
)

// The thesis's claims (the eight claims listed in docs/ODD.md, section 1.2)
// as statistical tests on model output. Each claim compares measures of
// paired replications (common random numbers) and holds when the 95 %
// interval of the effect lies on the side the thesis states. Each claim is
// also tested in its negative control: the same runs without the mechanism
// the thesis credits for it. A claim that holds there too is built into the
// model, not reproduced by it. Nothing here feeds back into the model.

// Verdicts of a claim.
const (
	ClaimReproduced   = "reproduced"        // holds, and does not hold in its control
	ClaimBuiltIn      = "built-in"          // holds in its control too
	ClaimInconclusive = "inconclusive"      // the interval contains zero
	ClaimContradicted = "contradicted"      // the interval lies on the other side
	ClaimInput        = "calibration input" // holds because the inputs say so
)

// Claim is one claim's test result.
type Claim struct {
	ID      int
	Text    string
	Section string // thesis section
	Measure string // what is measured, and the effect's sign that supports the claim
	Effect  Interval
	Holds   bool
	// Control names the negative control; ControlEffect is the same measure
	// there (NaN when the claim restates an input and has none).
	Control       string
	ControlEffect Interval
	ControlHolds  bool
	Input         bool // the claim restates calibration inputs
	Verdict       string
}

// verdict classifies a claim from its effect and its control.
func (c *Claim) verdict() string {
	switch {
	case c.Holds && c.Input:
		return ClaimInput
	case c.Holds && c.ControlHolds:
		return ClaimBuiltIn
	case c.Holds:
		return ClaimReproduced
	case c.Effect.High < 0:
		return ClaimContradicted
	}
	return ClaimInconclusive
}

// Controls are the worlds the claims are run in: the model as it is, and
// without one mechanism each. A world without doc is a knockout
// (knockouts.go), documented there.
var claimWorlds = []struct{ name, doc string }{
	{"", "the model as calibrated"},
	{"inert", ""},
	{"no-contacts", ""},
	{"no-info-learning-cofunding", ""},
	{"peer-help-ignores-channels", ""},
	{"no-distance-effect", "every market at the same psychic distance, the mean of the scenario's"},
}

// worldSet returns the overrides of a claim world for base.
func worldSet(base *scenarios.Scenario, world string) []string {
	switch world {
	case "":
		return nil
	case "no-distance-effect":
		mean := 0.0
		for _, m := range base.Markets {
			mean += m.PsychicDistance / float64(len(base.Markets))
		}
		var set []string
		for _, m := range base.Markets {
			set = append(set, fmt.Sprintf("market.%s.psychic_distance=%s", m.ID, strconv.FormatFloat(mean, 'g', -1, 64)))
		}
		return set
	}
	set, err := KnockoutSet(world)
	if err != nil {
		panic("sim: " + err.Error()) // claimWorlds lists only known knockouts
	}
	return set
}

// claimLevers are the funding variants the claims compare, by label.
func claimLevers(base *scenarios.Scenario) map[string][]string {
	return map[string][]string{
		"baseline":           nil,
		"funding-x0.5":       {"funding.scale=0.5"},
		"funding-x1.5":       {"funding.scale=1.5"},
		"no-network-funding": {"funding.scale=0"},
		"cwn-keeps-arena":    {fmt.Sprintf("network.cwn.stream.arena.to=%d", base.End.Year())},
	}
}

// claimRuns lists, per world, the funding variants the claims need there.
var claimRuns = []struct {
	world  string
	levers []string
}{
	{"", []string{"baseline", "funding-x0.5", "funding-x1.5", "no-network-funding", "cwn-keeps-arena"}},
	{"inert", []string{"baseline", "funding-x0.5", "funding-x1.5", "no-network-funding", "cwn-keeps-arena"}},
	{"no-contacts", []string{"baseline", "no-network-funding"}},
	{"no-info-learning-cofunding", []string{"baseline", "no-network-funding"}},
	{"peer-help-ignores-channels", []string{"funding-x0.5", "funding-x1.5"}},
	{"no-distance-effect", []string{"baseline"}},
}

// runLabel names a run: the lever, prefixed by the world if any.
func runLabel(world, lever string) string {
	if world == "" {
		return lever
	}
	return world + "/" + lever
}

// ClaimScenarios returns the scenarios of the claim tests for base: the
// baseline, funding halved and raised by half, no network funding at all,
// and CWN keeping its Arena programme to the last year, each in the worlds
// the claims and their controls need.
func ClaimScenarios(base *scenarios.Scenario) []Point {
	levers := claimLevers(base)
	var points []Point
	for _, r := range claimRuns {
		for _, l := range r.levers {
			set := append(append([]string{}, worldSet(base, r.world)...), levers[l]...)
			points = append(points, Point{Label: runLabel(r.world, l), Set: set})
		}
	}
	return points
}

// Measures are what the claims need from one run.
type Measures struct {
	ChannelsEnd       map[string]float64 // network -> channels in the last quarter
	EntriesPerMember  float64            // all members, entries during membership
	LowParticipation  float64            // share of members (a year or more) attending < 2 events a year
	EntriesNoPrior    float64            // entries per member without prior international experience
	EntriesPrior      float64            // ... with prior experience
	PeerPerMember     float64            // peer shares per member over the run
	FirstDistance     float64            // mean psychic distance of members' first entries
	LaterDistance     float64            // ... of their later entries
	CWNLateEntries    float64            // CWN entries per member, 2015Q1 to the end
	CWNChannelsBefore float64            // CWN channels in 2014Q4
	CWNChannelsAfter  float64            // CWN channels in 2015Q1
}

// Measure computes a run's Measures. Entry distances are read from
// distance, the psychic distances of the scenario under test, so that a
// control that changes distances is measured on the same scale.
func Measure(r *Result, distance []float64) Measures {
	w := r.World
	f := &w.Firms
	s := r.Scenario
	m := Measures{ChannelsEnd: map[string]float64{}}
	last := s.Steps() - 1
	arenaEnd := int(scenarios.NewQuarter(2014, 4) - s.Start)
	for _, st := range r.Steps {
		id := s.Networks[st.Network].ID
		if st.Group != model.GroupMember {
			continue
		}
		if st.Step == last {
			m.ChannelsEnd[id] = float64(st.Channels)
		}
		if id == "cwn" && st.Step == arenaEnd {
			m.CWNChannelsBefore = float64(st.Channels)
		}
		if id == "cwn" && st.Step == arenaEnd+1 {
			m.CWNChannelsAfter = float64(st.Channels)
		}
	}
	var members, yearMembers, low, noPrior, prior, nNoPrior, nPrior, peers float64
	var first, later []float64
	cwnLate, cwnMembers := 0.0, 0.0
	for i := range f.N {
		if f.Group[i] != model.GroupMember {
			continue
		}
		members++
		join := int(f.JoinStep[i])
		if years := float64(last+1-join) / 4; years >= 1 {
			yearMembers++
			if float64(f.Participations[i])/years < 2 {
				low++
			}
		}
		if f.PriorEntry[i] {
			prior += float64(f.Entries[i])
			nPrior++
		} else {
			noPrior += float64(f.Entries[i])
			nNoPrior++
		}
		peers += float64(f.PeerReceived[i])
		first, later = entryDistances(w, distance, i, join, first, later)
		if s.Networks[f.Network[i]].ID == "cwn" {
			cwnMembers++
			cwnLate += float64(entriesFrom(f, i, max(join, arenaEnd+1)))
		}
	}
	total := 0.0
	for i := range f.N {
		if f.Group[i] == model.GroupMember {
			total += float64(f.Entries[i])
		}
	}
	m.EntriesPerMember = total / members
	m.LowParticipation = ratio(low, int(yearMembers))
	m.EntriesNoPrior = ratio(noPrior, int(nNoPrior))
	m.EntriesPrior = ratio(prior, int(nPrior))
	m.PeerPerMember = peers / members
	m.FirstDistance = mean(first)
	m.LaterDistance = mean(later)
	m.CWNLateEntries = ratio(cwnLate, int(cwnMembers))
	return m
}

// entryDistances appends the psychic distance of member i's first counted
// entry to first and of its later counted entries to later.
func entryDistances(w *model.World, distance []float64, i, join int, first, later []float64) ([]float64, []float64) {
	f := &w.Firms
	firstStep := int(f.FirstEntry[i])
	if firstStep == model.NoStep {
		return first, later
	}
	for m := range f.M {
		st := int(f.EntryStep[i*f.M+m])
		if st < join || st < 0 {
			continue
		}
		d := distance[m]
		if m == int(f.FirstMarket[i]) {
			first = append(first, d)
		} else {
			later = append(later, d)
		}
	}
	return first, later
}

// entriesFrom counts member i's entries at or after step from.
func entriesFrom(f *model.Firms, i, from int) int {
	n := 0
	for m := range f.M {
		if int(f.EntryStep[i*f.M+m]) >= from {
			n++
		}
	}
	return n
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return sum(xs) / float64(len(xs))
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// ClaimRuns holds the measures of every claim scenario, per replication.
type ClaimRuns map[string][]Measures

// RunClaims runs the claim scenarios with reps replications on common random
// numbers and returns their measures. keep, if set, receives every outcome of
// the baseline (for output files and figures).
func RunClaims(ctx context.Context, base *scenarios.Scenario, reps int, seed uint64, opts *ExecOptions,
	keep func(rep int, r *Result) error) (ClaimRuns, error) {
	d := &Design{Base: base, Points: ClaimScenarios(base), Reps: reps, Seed: seed}
	scns, err := d.Scenarios()
	if err != nil {
		return nil, err
	}
	runs := ClaimRuns{}
	for _, p := range d.Points {
		runs[p.Label] = make([]Measures, reps)
	}
	distance := make([]float64, len(base.Markets))
	for m, mk := range base.Markets {
		distance[m] = mk.PsychicDistance
	}
	err = ExecuteResults(ctx, scns, d.Jobs(), opts, func(j Job, r *Result) error {
		label := d.Points[j.Point].Label
		runs[label][j.Rep] = Measure(r, distance)
		if label == "baseline" && keep != nil {
			return keep(j.Rep, r)
		}
		return nil
	})
	return runs, err
}

// Claims evaluates the eight claims and their controls on the runs.
func (cr ClaimRuns) Claims() []Claim {
	get := func(label string, f func(Measures) float64) []float64 {
		ms := cr[label]
		out := make([]float64, len(ms))
		for i, m := range ms {
			out[i] = f(m)
		}
		return out
	}
	// Effects of one measure, in world w (controls run the same measure
	// in their world).
	channelOrder := func(w string) Interval {
		return MeanCI(get(runLabel(w, "baseline"), func(m Measures) float64 {
			return math.Min(m.ChannelsEnd["oslo-medtech"]-m.ChannelsEnd["oreec"], m.ChannelsEnd["oreec"]-m.ChannelsEnd["cwn"])
		}), 0.95)
	}
	funding := func(w string) Interval {
		return PairedDiff(get(runLabel(w, "funding-x0.5"), entriesPerMember), get(runLabel(w, "funding-x1.5"), entriesPerMember), 0.95)
	}
	gap := func(m Measures) float64 { return m.EntriesNoPrior - m.EntriesPrior }
	inexperienced := func(w string) Interval {
		return PairedDiff(get(runLabel(w, "no-network-funding"), gap), get(runLabel(w, "baseline"), gap), 0.95)
	}
	// route is routeContrast per replication, contactWorld standing for
	// channel contacts off and infoWorld for information, learning and
	// co-funding off (the baseline is funding x1, no-network-funding x0).
	route := func(infoWorld, contactWorld string) Interval {
		c0, c1 := get(runLabel(contactWorld, "no-network-funding"), entriesPerMember), get(runLabel(contactWorld, "baseline"), entriesPerMember)
		i0, i1 := get(runLabel(infoWorld, "no-network-funding"), entriesPerMember), get(runLabel(infoWorld, "baseline"), entriesPerMember)
		out := make([]float64, len(c0))
		for r := range out {
			out[r] = routeContrast(c0[r], c1[r], i0[r], i1[r])
		}
		return MeanCI(out, 0.95)
	}
	peers := func(w string) Interval {
		return PairedDiff(get(runLabel(w, "funding-x1.5"), peerPerMember), get(runLabel(w, "funding-x0.5"), peerPerMember), 0.95)
	}
	uppsala := func(w string) Interval {
		return MeanCI(get(runLabel(w, "baseline"), func(m Measures) float64 { return m.LaterDistance - m.FirstDistance }), 0.95)
	}
	late := func(m Measures) float64 { return m.CWNLateEntries }
	arena := func(w string) Interval {
		return PairedDiff(get(runLabel(w, "baseline"), late), get(runLabel(w, "cwn-keeps-arena"), late), 0.95)
	}
	none := Interval{Mean: math.NaN(), Low: math.NaN(), High: math.NaN()}
	claims := []Claim{
		{ID: 1, Text: "RIN funding sets channel count: Oslo Medtech > OREEC > CWN", Section: "4.3, Figure 5; 5.2",
			Measure: "channels in the last quarter: min(Oslo Medtech - OREEC, OREEC - CWN) > 0",
			Effect:  channelOrder(""), Input: true, ControlEffect: none,
			Control: "none: restates the channels each network pursues (Figure 5) and the assumed funding amounts"},
		{ID: 2, Text: "More funding raises members' foreign-market entry", Section: "5.2; 5.5.3",
			Measure: "entries per member, funding x1.5 minus x0.5 (paired) > 0",
			Effect:  funding(""), Control: "inert", ControlEffect: funding("inert")},
		{ID: 3, Text: "Participation in RIN activities is low for most members", Section: "4.4.2; 5.5.1",
			Measure: "share of members (a year or more) attending fewer than 2 events a year, minus 0.5, > 0",
			Effect:  MeanCI(get("baseline", func(m Measures) float64 { return m.LowParticipation - 0.5 }), 0.95),
			Input:   true, ControlEffect: none,
			Control: "none: restates the assumed participation propensities of the archetypes"},
		{ID: 4, Text: "The RIN matters most for firms without international experience", Section: "5.4; 5.5",
			Measure: "RIN effect (baseline minus no network funding) on entries per member: firms without prior experience minus firms with it > 0",
			Effect:  inexperienced(""), Control: "inert", ControlEffect: inexperienced("inert")},
		{ID: 5, Text: "Members get information, learning and funding support more than contacts", Section: "5.4; 5.5.1",
			Measure: "funding effect on entries per member (x1 minus x0) left with channel contacts off, minus the effect left with information, learning and co-funding off, > 0",
			Effect:  route("no-info-learning-cofunding", "no-contacts"), Control: "no-info-learning-cofunding",
			ControlEffect: route("no-info-learning-cofunding", "inert")},
		{ID: 6, Text: "Fewer channels, more help among members", Section: "5.3",
			Measure: "peer shares per member, funding x0.5 minus x1.5 (paired) > 0",
			Effect:  peers(""), Control: "peer-help-ignores-channels", ControlEffect: peers("peer-help-ignores-channels")},
		{ID: 7, Text: "Uppsala path: first entries go to psychically close markets", Section: "2.1; 5.1",
			Measure: "psychic distance of members' later entries minus first entries > 0",
			Effect:  uppsala(""), Control: "no-distance-effect", ControlEffect: uppsala("no-distance-effect")},
		{ID: 8, Text: "CWN loses channels when Arena ends (2014) and its members' entry falls afterwards", Section: "3.5; 5.2",
			Measure: "CWN entries per member 2015-2016, keeping Arena minus baseline (paired; the years before are identical, so this is a difference in differences) > 0, with fewer channels in 2015Q1 than 2014Q4",
			Effect:  arena(""), Control: "inert", ControlEffect: arena("inert")},
	}
	for k := range claims {
		c := &claims[k]
		c.Holds = c.Effect.Low > 0
		c.ControlHolds = c.ControlEffect.Low > 0
	}
	lost := func(w string) bool {
		iv := MeanCI(get(runLabel(w, "baseline"), func(m Measures) float64 { return m.CWNChannelsBefore - m.CWNChannelsAfter }), 0.95)
		return iv.Mean > 0 && !(iv.Low <= 0)
	}
	claims[7].Holds = claims[7].Holds && lost("")
	claims[7].ControlHolds = claims[7].ControlHolds && lost("inert")
	for k := range claims {
		claims[k].Verdict = claims[k].verdict()
	}
	return claims
}

// ClaimControls documents the negative controls by name.
func ClaimControls() [][2]string {
	var out [][2]string
	for _, w := range claimWorlds[1:] {
		doc := w.doc
		if doc == "" {
			k, err := knockout(w.name)
			if err != nil {
				panic("sim: " + err.Error()) // claimWorlds lists only known knockouts
			}
			doc = k.Doc
		}
		out = append(out, [2]string{w.name, doc})
	}
	return out
}

func entriesPerMember(m Measures) float64 { return m.EntriesPerMember }
func peerPerMember(m Measures) float64    { return m.PeerPerMember }

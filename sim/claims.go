package sim

import (
	"context"
	"fmt"
	"math"

	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
)

// The thesis's claims (../shared/MODEL-BRIEF.md, section 5) as statistical
// tests on model output. Each claim compares measures of paired replications
// (common random numbers) and holds when the 95 % interval of the effect lies
// on the side the thesis states. Nothing here feeds back into the model.

// Claim is one claim's test result.
type Claim struct {
	ID      int
	Text    string
	Section string // thesis section
	Measure string // what is measured, and the effect's sign that supports the claim
	Effect  Interval
	Holds   bool
}

// ClaimScenarios returns the scenarios of the claim tests for base: the
// baseline, funding halved and raised by half, no network funding at all,
// and CWN keeping its Arena programme to the last year.
func ClaimScenarios(base *scenarios.Scenario) []Point {
	return []Point{
		{Label: "baseline"},
		{Label: "funding-x0.5", Set: []string{"funding.scale=0.5"}},
		{Label: "funding-x1.5", Set: []string{"funding.scale=1.5"}},
		{Label: "no-network-funding", Set: []string{"funding.scale=0"}},
		{Label: "cwn-keeps-arena", Set: []string{fmt.Sprintf("network.cwn.stream.arena.to=%d", base.End.Year())}},
	}
}

// Measures are what the claims need from one run.
type Measures struct {
	ChannelsEnd       map[string]float64 // network -> channels in the last quarter
	EntriesPerMember  float64            // all members, entries during membership
	LowParticipation  float64            // share of members (a year or more) attending < 2 events a year
	EntriesNoPrior    float64            // entries per member without prior international experience
	EntriesPrior      float64            // ... with prior experience
	InfoOrSupport     float64            // share of members receiving information or co-funding
	RINContact        float64            // share of members with a contact from a network channel
	PeerPerMember     float64            // peer shares per member over the run
	FirstDistance     float64            // mean psychic distance of members' first entries
	LaterDistance     float64            // ... of their later entries
	CWNLateEntries    float64            // CWN entries per member, 2015Q1 to the end
	CWNChannelsBefore float64            // CWN channels in 2014Q4
	CWNChannelsAfter  float64            // CWN channels in 2015Q1
}

// Measure computes a run's Measures.
func Measure(r *Result) Measures {
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
	var members, yearMembers, low, noPrior, prior, nNoPrior, nPrior, info, rinContact, peers float64
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
		if f.InfoReceived[i] > 0 || f.FundingReceived[i] > 0 {
			info++
		}
		if rinContacts(f, i) > 0 {
			rinContact++
		}
		peers += float64(f.PeerReceived[i])
		first, later = entryDistances(w, i, join, first, later)
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
	m.InfoOrSupport = info / members
	m.RINContact = rinContact / members
	m.PeerPerMember = peers / members
	m.FirstDistance = mean(first)
	m.LaterDistance = mean(later)
	m.CWNLateEntries = ratio(cwnLate, int(cwnMembers))
	return m
}

func rinContacts(f *model.Firms, i int) int {
	n := 0
	for src := range model.NumSources {
		if src.IsRIN() {
			n += int(f.BySource[i*int(model.NumSources)+int(src)])
		}
	}
	return n
}

// entryDistances appends the psychic distance of member i's first counted
// entry to first and of its later counted entries to later.
func entryDistances(w *model.World, i, join int, first, later []float64) ([]float64, []float64) {
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
		d := w.S.Markets[m].PsychicDistance
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
	err = ExecuteResults(ctx, scns, d.Jobs(), opts, func(j Job, r *Result) error {
		label := d.Points[j.Point].Label
		runs[label][j.Rep] = Measure(r)
		if label == "baseline" && keep != nil {
			return keep(j.Rep, r)
		}
		return nil
	})
	return runs, err
}

// Claims evaluates the eight claims on the runs.
func (cr ClaimRuns) Claims() []Claim {
	base, low, high, none, keeps := cr["baseline"], cr["funding-x0.5"], cr["funding-x1.5"], cr["no-network-funding"], cr["cwn-keeps-arena"]
	get := func(ms []Measures, f func(Measures) float64) []float64 {
		out := make([]float64, len(ms))
		for i, m := range ms {
			out[i] = f(m)
		}
		return out
	}
	claims := []Claim{
		{ID: 1, Text: "RIN funding sets channel count: Oslo Medtech > OREEC > CWN", Section: "4.3, Figure 5; 5.2",
			Measure: "channels in the last quarter: min(Oslo Medtech - OREEC, OREEC - CWN) > 0",
			Effect: MeanCI(get(base, func(m Measures) float64 {
				return math.Min(m.ChannelsEnd["oslo-medtech"]-m.ChannelsEnd["oreec"], m.ChannelsEnd["oreec"]-m.ChannelsEnd["cwn"])
			}), 0.95)},
		{ID: 2, Text: "More funding raises members' foreign-market entry", Section: "5.2; 5.5.3",
			Measure: "entries per member, funding x1.5 minus x0.5 (paired) > 0",
			Effect:  PairedDiff(get(low, entriesPerMember), get(high, entriesPerMember), 0.95)},
		{ID: 3, Text: "Participation in RIN activities is low for most members", Section: "4.4.2; 5.5.1",
			Measure: "share of members (a year or more) attending fewer than 2 events a year, minus 0.5, > 0",
			Effect:  MeanCI(get(base, func(m Measures) float64 { return m.LowParticipation - 0.5 }), 0.95)},
		{ID: 4, Text: "The RIN matters most for firms without international experience", Section: "5.4; 5.5",
			Measure: "RIN effect (baseline minus no network funding) on entries per member: firms without prior experience minus firms with it > 0",
			Effect: PairedDiff(get(none, func(m Measures) float64 { return m.EntriesNoPrior - m.EntriesPrior }),
				get(base, func(m Measures) float64 { return m.EntriesNoPrior - m.EntriesPrior }), 0.95)},
		{ID: 5, Text: "Members get information, learning and funding support more than contacts", Section: "5.4; 5.5.1",
			Measure: "share of members receiving information or co-funding minus share with a contact from a network channel > 0",
			Effect:  MeanCI(get(base, func(m Measures) float64 { return m.InfoOrSupport - m.RINContact }), 0.95)},
		{ID: 6, Text: "Fewer channels, more help among members", Section: "5.3",
			Measure: "peer shares per member, funding x0.5 minus x1.5 (paired) > 0",
			Effect:  PairedDiff(get(high, peerPerMember), get(low, peerPerMember), 0.95)},
		{ID: 7, Text: "Uppsala path: first entries go to psychically close markets", Section: "2.1; 5.1",
			Measure: "psychic distance of members' later entries minus first entries > 0",
			Effect:  MeanCI(get(base, func(m Measures) float64 { return m.LaterDistance - m.FirstDistance }), 0.95)},
		{ID: 8, Text: "CWN loses channels when Arena ends (2014) and its members' entry falls afterwards", Section: "3.5; 5.2",
			Measure: "CWN entries per member 2015-2016, keeping Arena minus baseline (paired) > 0, with fewer channels in 2015Q1 than 2014Q4",
			Effect:  PairedDiff(get(base, func(m Measures) float64 { return m.CWNLateEntries }), get(keeps, func(m Measures) float64 { return m.CWNLateEntries }), 0.95)},
	}
	for k := range claims {
		claims[k].Holds = claims[k].Effect.Low > 0
	}
	lost := MeanCI(get(base, func(m Measures) float64 { return m.CWNChannelsBefore - m.CWNChannelsAfter }), 0.95)
	claims[7].Holds = claims[7].Holds && lost.Mean > 0 && !(lost.Low <= 0)
	return claims
}

func entriesPerMember(m Measures) float64 { return m.EntriesPerMember }
func peerPerMember(m Measures) float64    { return m.PeerPerMember }

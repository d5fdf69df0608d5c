package sim

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
)

// Tally counts what the patterns need about one group of members in one
// run. Members are the firms that have joined their network by the last
// quarter; entries count after joining.
type Tally struct {
	Members    float64
	Abroad     float64 // at stage >= 1 in some market at the end
	OutsideEEA float64 // entered a market outside the EU/EEA while a member
	RINContact float64 // got a contact from a network channel
	Entries    float64 // market entries while a member

	Ambitious, NonAmbitious float64
	NonAmbitiousEntering    float64 // members without ambition with an entry

	NoPrior, Prior               float64 // members without / with prior markets
	EntriesNoPrior, EntriesPrior float64

	Participations, Years         float64 // events attended; years of membership
	BusyParticipations, BusyYears float64 // the same while busy
}

func (t *Tally) add(u *Tally) {
	t.Members += u.Members
	t.Abroad += u.Abroad
	t.OutsideEEA += u.OutsideEEA
	t.RINContact += u.RINContact
	t.Entries += u.Entries
	t.Ambitious += u.Ambitious
	t.NonAmbitious += u.NonAmbitious
	t.NonAmbitiousEntering += u.NonAmbitiousEntering
	t.NoPrior += u.NoPrior
	t.Prior += u.Prior
	t.EntriesNoPrior += u.EntriesNoPrior
	t.EntriesPrior += u.EntriesPrior
	t.Participations += u.Participations
	t.Years += u.Years
	t.BusyParticipations += u.BusyParticipations
	t.BusyYears += u.BusyYears
}

// RunTally is a run reduced to a Tally per network and archetype of its
// members.
type RunTally struct {
	Networks, Archetypes []string // ids, in scenario order
	Cells                []Tally  // network*len(Archetypes) + archetype
}

// TallyRun reduces a finished run.
func TallyRun(r *Result) *RunTally {
	w := r.World
	s := r.Scenario
	f := &w.Firms
	rt := &RunTally{}
	for _, n := range s.Networks {
		rt.Networks = append(rt.Networks, n.ID)
	}
	for _, a := range s.Archetypes {
		rt.Archetypes = append(rt.Archetypes, a.ID)
	}
	rt.Cells = make([]Tally, len(rt.Networks)*len(rt.Archetypes))
	steps := s.Steps()
	for i := range f.N {
		join := int(f.JoinStep[i])
		if f.Group[i] != model.GroupMember || join < 0 || join >= steps {
			continue
		}
		c := &rt.Cells[int(f.Network[i])*len(rt.Archetypes)+int(f.Archetype[i])]
		tallyMember(c, w, i, join, steps)
	}
	return rt
}

func tallyMember(c *Tally, w *model.World, i, join, steps int) {
	f := &w.Firms
	entries := float64(f.Entries[i])
	c.Members++
	c.Entries += entries
	if f.Active[i] != 0 {
		c.Abroad++
	}
	for m, mk := range w.S.Markets {
		if st := int(f.EntryStep[i*f.M+m]); st >= join && !mk.EEA {
			c.OutsideEEA++
			break
		}
	}
	if rinContacts(f, i) > 0 {
		c.RINContact++
	}
	if f.Ambitious[i] {
		c.Ambitious++
	} else {
		c.NonAmbitious++
		if entries > 0 {
			c.NonAmbitiousEntering++
		}
	}
	if f.PriorEntry[i] {
		c.Prior++
		c.EntriesPrior += entries
	} else {
		c.NoPrior++
		c.EntriesNoPrior += entries
	}
	c.Participations += float64(f.Participations[i])
	c.Years += float64(steps-join) / 4
	c.BusyParticipations += float64(f.BusyParticipations[i])
	c.BusyYears += float64(f.BusyQuarters[i]) / 4
}

// Sum adds the cells of the members of network and archetype ("" for all).
// ok is false if the run has no such network or archetype.
func (rt *RunTally) Sum(network, archetype string) (t Tally, ok bool) {
	nk, ak := -1, -1
	if network != "" {
		if nk = index(rt.Networks, network); nk < 0 {
			return t, false
		}
	}
	if archetype != "" {
		if ak = index(rt.Archetypes, archetype); ak < 0 {
			return t, false
		}
	}
	for n := range rt.Networks {
		for a := range rt.Archetypes {
			if (nk < 0 || n == nk) && (ak < 0 || a == ak) {
				t.add(&rt.Cells[n*len(rt.Archetypes)+a])
			}
		}
	}
	return t, true
}

func index(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// Design points of the validation. Funding points set funding.scale; the
// knockout points combine a knockout (Knockouts) with a funding point.
const (
	PointBaseline = "baseline"
)

// FundingPoint is the label of the design point with funding.scale = x.
func FundingPoint(x float64) string { return "funding-x" + strconv.FormatFloat(x, 'g', -1, 64) }

// KnockoutPoint is the label of the point with knockout k at funding.scale x.
func KnockoutPoint(k string, x float64) string { return k + "-" + FundingPoint(x) }

// doseScales are the funding levels of the dose-response statistics.
var doseScales = []float64{0, 0.5, 1, 1.5, 2}

func doseLabels() []string {
	out := make([]string, len(doseScales))
	for k, x := range doseScales {
		out[k] = FundingPoint(x)
	}
	return out
}

// Statistic is a pattern statistic: its value in one replication, given
// each design point's members (already restricted to the pattern's network
// and archetype).
type Statistic struct {
	Doc    string
	Points []string // design points it reads
	Value  func(at func(point string) Tally) float64
}

func baselineStat(doc string, f func(t Tally) float64) Statistic {
	return Statistic{Doc: doc, Points: []string{PointBaseline},
		Value: func(at func(string) Tally) float64 { return f(at(PointBaseline)) }}
}

func tallyEntries(t Tally) float64 { return frac(t.Entries, t.Members) }

// rinEffect is the change in y from funding.scale 0 to 1 under knockout k
// ("" none).
func rinEffect(at func(string) Tally, k string, y func(Tally) float64) float64 {
	p := func(x float64) string {
		if k == "" {
			return FundingPoint(x)
		}
		return KnockoutPoint(k, x)
	}
	return y(at(p(1))) - y(at(p(0)))
}

// routeContrast is the statistic of claim 5 and of the pattern
// route_information_over_contacts: the RIN effect on entries per member
// (funding.scale 1 minus 0) left with channel contacts off, minus the effect
// left with information, learning and co-funding off. Each argument is
// entries per member at one point of one replication.
func routeContrast(contactsOff0, contactsOff1, infoOff0, infoOff1 float64) float64 {
	return (contactsOff1 - contactsOff0) - (infoOff1 - infoOff0)
}

// statistics are the statistics patterns may name. Each is computed per
// replication; differences between points are paired by replication
// (common random numbers).
var statistics = map[string]Statistic{
	"share_abroad_end": baselineStat("share of members at stage >= 1 in some market in the last quarter",
		func(t Tally) float64 { return frac(t.Abroad, t.Members) }),
	"share_entering_outside_eea": baselineStat("share of members with an entry, while a member, into a market with eea = false",
		func(t Tally) float64 { return frac(t.OutsideEEA, t.Members) }),
	"share_ambitious": baselineStat("share of members with international ambition",
		func(t Tally) float64 { return frac(t.Ambitious, t.Members) }),
	"share_non_ambitious_entering": baselineStat("share of members without international ambition with an entry while a member",
		func(t Tally) float64 { return frac(t.NonAmbitiousEntering, t.NonAmbitious) }),
	"attendance_per_year": baselineStat("events attended per member-year (all members' participations over all their years of membership)",
		func(t Tally) float64 { return frac(t.Participations, t.Years) }),
	"attendance_per_busy_year": baselineStat("events attended while busy per member-year spent busy",
		func(t Tally) float64 { return frac(t.BusyParticipations, t.BusyYears) }),
	"share_with_rin_contact": baselineStat("share of members with at least one contact from a network channel",
		func(t Tally) float64 { return frac(t.RINContact, t.Members) }),
	"route_contacts_off_minus_info_off": {
		Doc: "RIN effect on entries per member (funding.scale 1 minus 0) under knockout no-contacts, minus that under no-info-learning-cofunding",
		Points: []string{KnockoutPoint("no-contacts", 0), KnockoutPoint("no-contacts", 1),
			KnockoutPoint("no-info-learning-cofunding", 0), KnockoutPoint("no-info-learning-cofunding", 1)},
		Value: func(at func(string) Tally) float64 {
			y := func(k string, x float64) float64 { return tallyEntries(at(KnockoutPoint(k, x))) }
			return routeContrast(y("no-contacts", 0), y("no-contacts", 1),
				y("no-info-learning-cofunding", 0), y("no-info-learning-cofunding", 1))
		}},
	"rin_effect_no_prior_minus_prior": {
		Doc:    "RIN effect on entries per member (funding.scale 1 minus 0) for members without prior markets minus members with them",
		Points: []string{FundingPoint(0), FundingPoint(1)},
		Value: func(at func(string) Tally) float64 {
			return rinEffect(at, "", func(t Tally) float64 { return frac(t.EntriesNoPrior, t.NoPrior) }) -
				rinEffect(at, "", func(t Tally) float64 { return frac(t.EntriesPrior, t.Prior) })
		}},
	"funding_rise": {
		Doc:    "entries per member at funding.scale 2 minus 0",
		Points: []string{FundingPoint(0), FundingPoint(2)},
		Value: func(at func(string) Tally) float64 {
			return tallyEntries(at(FundingPoint(2))) - tallyEntries(at(FundingPoint(0)))
		}},
	"funding_flattening": {
		Doc:    "increase of entries per member from funding.scale 0 to 1 minus the increase from 1 to 2",
		Points: []string{FundingPoint(0), FundingPoint(1), FundingPoint(2)},
		Value: func(at func(string) Tally) float64 {
			x0, x1, x2 := tallyEntries(at(FundingPoint(0))), tallyEntries(at(FundingPoint(1))), tallyEntries(at(FundingPoint(2)))
			return (x1 - x0) - (x2 - x1)
		}},
}

// Statistics returns the statistics patterns may name, by name.
func Statistics() map[string]Statistic { return statistics }

// StatisticNames lists the statistics' names in order.
func StatisticNames() []string { return sortedKeys(statistics) }

func frac(x, n float64) float64 {
	if n == 0 {
		return math.NaN()
	}
	return x / n
}

// Verdict is how a pattern's interval lies against its band.
type Verdict string

// Verdicts. The rule (Decide): within when the whole interval lies inside
// the band (edges included), outside when it lies wholly beyond one edge,
// inconclusive when it straddles an edge or has no bounds (fewer than two
// defined replications).
const (
	Within       Verdict = "within"
	Outside      Verdict = "outside"
	Inconclusive Verdict = "inconclusive"
)

// Decide returns the verdict of interval iv against pattern p's band.
func Decide(p Pattern, iv Interval) Verdict {
	if math.IsNaN(iv.Low) || math.IsNaN(iv.High) {
		return Inconclusive
	}
	switch {
	case iv.Low >= p.Low && iv.High <= p.High:
		return Within
	case iv.High < p.Low || iv.Low > p.High:
		return Outside
	}
	return Inconclusive
}

// PatternResult is one pattern's value, with its 95 % interval over the
// replications, and verdict.
type PatternResult struct {
	Pattern
	Value   Interval
	Verdict Verdict
	Missing string // why the value is missing (e.g. the scenario has no such network); "" if computed
}

// Validation is the outcome of Validate.
type Validation struct {
	Results []PatternResult
	Points  []Point // the design points run, baseline first
	// EntriesPerMember is the mean entries per member, with its interval, at
	// every design point, aliases included (e.g. funding-x1 = baseline).
	EntriesPerMember map[string]Interval
	// Effects are the RIN effects on entries per member (funding.scale 1
	// minus 0, paired by replication) with no knockout and under each
	// knockout that was run: how the funding effect splits between routes.
	Effects []Effect
	Reps    int
	Seed    uint64
}

// Effect is a named paired difference.
type Effect struct {
	Name  string
	Value Interval
}

// ValidationPoints returns the design points that patterns need, baseline
// first, and the aliases: funding-x1 is the baseline when the base scenario
// has funding.scale = 1, so it is not run twice. A pattern that reads any
// funding level brings in all five (0, 0.5, 1, 1.5, 2), the dose-response
// curve of the report.
func ValidationPoints(base *scenarios.Scenario, patterns []Pattern) ([]Point, map[string]string) {
	need := map[string]bool{}
	dose := false
	for _, p := range patterns {
		for _, pt := range statistics[p.Statistic].Points {
			need[pt] = true
			dose = dose || index(doseLabels(), pt) >= 0
		}
	}
	for _, pt := range doseLabels() {
		need[pt] = need[pt] || dose // the whole dose-response curve, for the report
	}
	aliases := map[string]string{}
	if base.Funding.Scale == 1 {
		aliases[FundingPoint(1)] = PointBaseline
	}
	points := []Point{{Label: PointBaseline}}
	add := func(label string, set []string) {
		if need[label] && aliases[label] == "" {
			points = append(points, Point{Label: label, Set: set})
		}
	}
	for _, x := range doseScales {
		add(FundingPoint(x), []string{fundingSet(x)})
	}
	for _, k := range Knockouts {
		for _, x := range []float64{0, 1} {
			add(KnockoutPoint(k.Name, x), append(k.Set(), fundingSet(x)))
		}
	}
	return points, aliases
}

func fundingSet(x float64) string { return "funding.scale=" + strconv.FormatFloat(x, 'g', -1, 64) }

// Validate runs the design the patterns need (ValidationPoints) with reps
// replications on common random numbers from the master seed, reduces each
// run to a RunTally, and returns each pattern's value, interval and verdict.
// opts.Progress, if set, sees every run; opts.Vary sees jobs whose Point
// indexes ValidationPoints(base, patterns).
func Validate(ctx context.Context, base *scenarios.Scenario, patterns []Pattern, reps int, seed uint64, opts *ExecOptions) (*Validation, error) {
	if reps < 2 {
		return nil, fmt.Errorf("validate: %d replications; an interval needs at least 2", reps)
	}
	points, aliases := ValidationPoints(base, patterns)
	d := &Design{Base: base, Points: points, Reps: reps, Seed: seed}
	scns, err := d.Scenarios()
	if err != nil {
		return nil, err
	}
	tallies := make([][]*RunTally, len(points))
	for k := range tallies {
		tallies[k] = make([]*RunTally, reps)
	}
	err = ExecuteResults(ctx, scns, d.Jobs(), opts, func(j Job, r *Result) error {
		tallies[j.Point][j.Rep] = TallyRun(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	runs := map[string][]*RunTally{}
	for k, p := range points {
		runs[p.Label] = tallies[k]
	}
	for alias, label := range aliases {
		runs[alias] = runs[label]
	}
	v := &Validation{Points: points, Reps: reps, Seed: seed, EntriesPerMember: map[string]Interval{}}
	for label, rts := range runs {
		xs := make([]float64, reps)
		for r, rt := range rts {
			t, _ := rt.Sum("", "")
			xs[r] = tallyEntries(t)
		}
		v.EntriesPerMember[label] = MeanCI(xs, 0.95)
	}
	for _, p := range patterns {
		v.Results = append(v.Results, evaluatePattern(p, runs, reps))
	}
	v.Effects = rinEffects(runs, reps)
	return v, nil
}

// evaluatePattern computes pattern p's statistic in every replication and decides.
func evaluatePattern(p Pattern, runs map[string][]*RunTally, reps int) PatternResult {
	res := PatternResult{Pattern: p}
	st := statistics[p.Statistic]
	xs := make([]float64, reps)
	for r := range reps {
		at, ok := tallyAt(runs, r, p.Network, p.Archetype)
		if !ok {
			res.Missing = missing(runs[PointBaseline][r], p)
			res.Value = Interval{Mean: math.NaN(), Low: math.NaN(), High: math.NaN()}
			res.Verdict = Inconclusive
			return res
		}
		xs[r] = st.Value(at)
	}
	res.Value = MeanCI(xs, 0.95)
	res.Verdict = Decide(p, res.Value)
	return res
}

// tallyAt returns replication r's members of network and archetype at each
// design point; ok is false if the scenario has no such network or
// archetype.
func tallyAt(runs map[string][]*RunTally, r int, network, archetype string) (func(string) Tally, bool) {
	if _, ok := runs[PointBaseline][r].Sum(network, archetype); !ok {
		return nil, false
	}
	return func(point string) Tally {
		rts, ok := runs[point]
		if !ok {
			panic("sim: statistic reads design point " + point + " that was not run")
		}
		t, _ := rts[r].Sum(network, archetype)
		return t
	}, true
}

func missing(rt *RunTally, p Pattern) string {
	if p.Network != "" && index(rt.Networks, p.Network) < 0 {
		return fmt.Sprintf("the scenario has no network %q", p.Network)
	}
	return fmt.Sprintf("the scenario has no archetype %q", p.Archetype)
}

// PointLabels returns the labels of v's design points and aliases, sorted
// as the design runs them, aliases after their target.
func (v *Validation) PointLabels() []string {
	var out []string
	for _, p := range v.Points {
		out = append(out, p.Label)
	}
	var aliases []string
	for label := range v.EntriesPerMember {
		if index(out, label) < 0 {
			aliases = append(aliases, label)
		}
	}
	sort.Strings(aliases)
	return append(out, aliases...)
}

// rinEffects returns the RIN effect on entries per member without and with
// each knockout whose points were run.
func rinEffects(runs map[string][]*RunTally, reps int) []Effect {
	var out []Effect
	add := func(name, lo, hi string) {
		a, b := runs[lo], runs[hi]
		if a == nil || b == nil {
			return
		}
		xs, ys := make([]float64, reps), make([]float64, reps)
		for r := range reps {
			ta, _ := a[r].Sum("", "")
			tb, _ := b[r].Sum("", "")
			xs[r], ys[r] = tallyEntries(ta), tallyEntries(tb)
		}
		out = append(out, Effect{Name: name, Value: PairedDiff(xs, ys, 0.95)})
	}
	add("all routes", FundingPoint(0), FundingPoint(1))
	for _, k := range Knockouts {
		add("knockout "+k.Name, KnockoutPoint(k.Name, 0), KnockoutPoint(k.Name, 1))
	}
	return out
}

// rinContacts is firm i's contacts from network channels.
func rinContacts(f *model.Firms, i int) int {
	n := 0
	for src := range model.NumSources {
		if src.IsRIN() {
			n += int(f.BySource[i*int(model.NumSources)+int(src)])
		}
	}
	return n
}

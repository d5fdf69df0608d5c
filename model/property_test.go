package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/scenarios"
)

// Property tests: random valid scenarios, drawn from every parameter's
// allowed range, must keep the world's state sane after every step. A
// failing case is shrunk to the parameters responsible and reported as a
// command line that reproduces it.

const (
	propScenarios = 40 // random scenarios (propShortScenarios under -short; CI runs all)
	// propShortScenarios keeps go test -short fast: the per-step checks of
	// every firm's step bound and every network's cached weights made the
	// full 40 cost about 30 s of the model package's 44.
	propShortScenarios = 10
	propSeeds          = 2 // model seeds per scenario
	propMaxFirms       = 200
)

// TestPropertyRandomScenarios steps random valid scenarios and checks the
// invariants after every step.
func TestPropertyRandomScenarios(t *testing.T) {
	base := thesis(t)
	g := newScenarioGen(base)
	reported := map[string]bool{} // one shrunk report per invariant
	failures := map[string]int{}
	n := propScenarios
	if testing.Short() {
		n = propShortScenarios
	}
	for c := range n {
		r := rand.New(rand.NewPCG(uint64(c), 0x9e3779b97f4a7c15))
		s, err := g.draw(r)
		if err != nil {
			t.Fatalf("case %d: %v", c, err)
		}
		for range propSeeds {
			seed := r.Uint64N(1 << 20)
			checkMembership(t, newWorld(t, s, seed))
			v := runProperties(s, seed)
			if v == nil {
				continue
			}
			failures[v.invariant]++
			if reported[v.invariant] {
				continue
			}
			reported[v.invariant] = true
			small, sv := shrink(base, overrides(base, s), seed, v)
			t.Errorf("case %d, seed %d: invariant %q broken\n  shrunk to %d of %d overrides; step %d (%s): %s\n  reproduce: rinsim run --seed %d%s",
				c, seed, v, len(small), len(overrides(base, s)), sv.step, sv.quarter, sv.detail, seed, setFlags(small))
		}
	}
	for inv, k := range failures {
		t.Logf("invariant %q failed in %d of %d runs", inv, k, n*propSeeds)
	}
}

// TestScenarioGenIsValidAndVaried: the generator's scenarios validate, stay
// small, and move every numeric parameter away from the thesis value in some
// scenario (so no parameter is left out of the test).
func TestScenarioGenIsValidAndVaried(t *testing.T) {
	base := thesis(t)
	g := newScenarioGen(base)
	changed := map[string]bool{}
	n := propScenarios
	if testing.Short() {
		n = propShortScenarios
	}
	for c := range n {
		r := rand.New(rand.NewPCG(uint64(c), 0x9e3779b97f4a7c15))
		s, err := g.draw(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate("generated"); err != nil {
			t.Fatalf("case %d: %v", c, err)
		}
		if n := s.Steps(); n < 12 || n > 20 {
			t.Errorf("case %d: %d steps", c, n)
		}
		for _, n := range s.Networks {
			if n.Members >= propMaxFirms || n.NonMembers >= propMaxFirms {
				t.Errorf("case %d: network %s has %d members, %d non-members", c, n.ID, n.Members, n.NonMembers)
			}
		}
		for _, kv := range overrides(base, s) {
			k, _, _ := strings.Cut(kv, "=")
			changed[k] = true
		}
	}
	for _, p := range base.Params() {
		if p.Kind == scenarios.QuarterKind || generated(p.Key) || changed[p.Key] {
			continue
		}
		// The first stage must stay at zero cost and activity.
		if strings.HasPrefix(p.Key, "stage.none.") && !strings.HasSuffix(p.Key, ".knowledge") {
			continue
		}
		t.Errorf("%s never varied", p.Key)
	}
}

// scenarioGen draws random valid scenarios around a base scenario.
type scenarioGen struct {
	base *scenarios.Scenario
	// ref is a typical positive value per kind of parameter (same doc and
	// unit: e.g. every channel's fee_nok), used for parameters whose base
	// value is 0: the geometric mean of the positive base values.
	ref map[string]float64
}

func newScenarioGen(base *scenarios.Scenario) *scenarioGen {
	logSum, n := map[string]float64{}, map[string]int{}
	for _, p := range base.Params() {
		if v := p.Value(); p.Kind == scenarios.Float && v > 0 {
			logSum[p.Doc+p.Unit] += math.Log(v)
			n[p.Doc+p.Unit]++
		}
	}
	g := &scenarioGen{base: base, ref: map[string]float64{}}
	for k, s := range logSum {
		g.ref[k] = math.Exp(s / float64(n[k]))
	}
	return g
}

// draw returns a valid random scenario: 12 to 20 quarters from the base's
// start, every other parameter drawn in its allowed range (log-uniformly
// within a factor 10 of the base value where the range is wider than 100
// times that value; one in eight at an end of that interval), firm counts
// below propMaxFirms and years within the run, then cross-field rules
// repaired. Invalid draws are drawn again.
func (g *scenarioGen) draw(r *rand.Rand) (*scenarios.Scenario, error) {
	var err error
	for range 100 {
		s := g.base.Clone()
		s.End = s.Start + scenarios.Quarter(11+r.IntN(9))
		y0, y1 := s.Start.Year(), s.End.Year()
		baseParams := g.base.Params()
		for i, p := range s.Params() {
			def := baseParams[i].Value()
			if err := p.Set(g.value(r, p, def, y0, y1)); err != nil {
				return nil, err
			}
		}
		repair(s)
		if err = s.Validate("generated"); err == nil {
			return s, nil
		}
	}
	return nil, fmt.Errorf("no valid scenario in 100 draws; last: %v", err)
}

func (g *scenarioGen) value(r *rand.Rand, p scenarios.Param, def float64, y0, y1 int) string {
	last := p.Key[strings.LastIndex(p.Key, ".")+1:]
	switch {
	case p.Kind == scenarios.QuarterKind || generated(p.Key):
		return p.String()
	case p.Kind == scenarios.Bool:
		return strconv.FormatBool(r.IntN(2) == 0)
	case last == "founded" || last == "from" || last == "to":
		return strconv.Itoa(y0 + r.IntN(y1-y0+1))
	case last == "members" || last == "initial_members":
		return strconv.Itoa(1 + r.IntN(propMaxFirms-1))
	case last == "non_members":
		return strconv.Itoa(r.IntN(propMaxFirms))
	}
	lo, hi := p.Min, p.Max
	wide := def > 0 && hi-lo > 100*def
	var x float64
	switch {
	case r.IntN(8) == 0:
		// An end of the interval, where bugs hide: zero rates, costs and
		// shares, certain probabilities.
		switch {
		case r.IntN(2) == 0 && (lo == 0 || !wide):
			x = lo
		case r.IntN(2) == 0 && wide:
			x = max(lo, def/10)
		case wide:
			x = min(hi, def*10)
		case def == 0 && hi-lo > 100:
			x = lo
		default:
			x = hi
		}
	case wide:
		x = logUniform(r, max(lo, def/10), min(hi, def*10))
	case def == 0 && hi-lo > 100:
		ref := g.ref[p.Doc+p.Unit]
		if r.IntN(2) == 0 || ref == 0 {
			x = max(lo, 0)
		} else {
			x = logUniform(r, max(lo, ref/10), min(hi, ref*10))
		}
	default:
		x = lo + r.Float64()*(hi-lo)
	}
	if p.Kind == scenarios.Int {
		return strconv.Itoa(int(math.Round(x)))
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// generated reports whether key asks for a generated population
// ([synthetic]): the scenario package expands it into networks before a run,
// so the model never sees it; the generator keeps the base's value.
func generated(key string) bool { return strings.HasPrefix(key, "synthetic.") }

func logUniform(r *rand.Rand, lo, hi float64) float64 {
	if lo <= 0 || hi <= lo {
		return max(lo, 0)
	}
	return math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo)))
}

// repair enforces the rules that tie fields together.
func repair(s *scenarios.Scenario) {
	for k := range s.Networks {
		n := &s.Networks[k]
		n.InitialMembers = min(n.InitialMembers, n.Members)
		for j := range n.Streams {
			st := &n.Streams[j]
			if st.To < st.From {
				st.From, st.To = st.To, st.From
			}
		}
	}
	// The first stage is no commitment; costs and required knowledge do not
	// decrease along the chain.
	var costs, know []float64
	for _, st := range s.Stages[1:] {
		costs = append(costs, st.CostNOK)
	}
	for _, st := range s.Stages {
		know = append(know, st.Knowledge)
	}
	sort.Float64s(costs)
	sort.Float64s(know)
	s.Stages[0].CostNOK, s.Stages[0].Activity = 0, 0
	for i := range s.Stages {
		if i > 0 {
			s.Stages[i].CostNOK = costs[i-1]
		}
		s.Stages[i].Knowledge = know[i]
	}
}

// overrides lists s's parameters that differ from base as key=value.
func overrides(base, s *scenarios.Scenario) []string {
	var out []string
	bp := base.Params()
	for i, p := range s.Params() {
		if p.String() != bp[i].String() {
			out = append(out, p.Key+"="+p.String())
		}
	}
	return out
}

func setFlags(kvs []string) string {
	var b strings.Builder
	for _, kv := range kvs {
		b.WriteString(" --set " + kv)
	}
	return b.String()
}

// violation is a broken invariant.
type violation struct {
	invariant string // which invariant, for grouping
	detail    string
	step      int
	quarter   scenarios.Quarter
}

func (v *violation) String() string { return v.invariant }

// runProperties runs s with seed to the end, checking after every step; it
// returns the first violation, nil if none.
func runProperties(s *scenarios.Scenario, seed uint64) *violation {
	w, err := New(s, seed)
	if err != nil {
		return &violation{invariant: "New fails", detail: err.Error()}
	}
	var rows []StepStats
	for !w.Done() {
		before := snap(&w.Firms)
		w.Step()
		rows = w.Collect(rows[:0])
		if inv, detail := checkProperties(w, before, rows); inv != "" {
			return &violation{invariant: inv, detail: detail, step: w.T - 1, quarter: s.Start + scenarios.Quarter(w.T-1)}
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// checkProperties checks the state after a step against the state before;
// it returns the name of the first broken invariant and what broke it.
func checkProperties(w *World, before snapshot, rows []StepStats) (string, string) {
	f := &w.Firms
	M := f.M
	floats := []struct {
		name   string
		xs     []float32
		lo, hi float64
	}{
		{"General", f.General, 0, 1},
		{"Knowledge", f.Knowledge, 0, 1},
		{"Relevance", f.Relevance, 0, 1},
		{"PartProb", f.PartProb, 0, 1},
		{"Budget", f.Budget, 0, math.Inf(1)},
		{"Committed", f.Committed, 0, math.Inf(1)},
		{"Grant", f.Grant, 0, math.Inf(1)},
		{"Spent", f.Spent, 0, math.Inf(1)},
		{"FundingReceived", f.FundingReceived, 0, math.Inf(1)},
	}
	for _, fl := range floats {
		for j, x := range fl.xs {
			if !finite(float64(x)) {
				return "finite firm state", fmt.Sprintf("%s[%d] = %v", fl.name, j, x)
			}
			if float64(x) < fl.lo || float64(x) > fl.hi {
				return fl.name + " in range", fmt.Sprintf("%s[%d] = %v outside [%v, %v]", fl.name, j, x, fl.lo, fl.hi)
			}
		}
	}
	counters := []struct {
		name string
		xs   []int32
	}{
		{"Entries", f.Entries}, {"Participations", f.Participations}, {"InfoReceived", f.InfoReceived},
		{"PeerReceived", f.PeerReceived}, {"PeerGiven", f.PeerGiven}, {"BySource", f.BySource},
	}
	for _, c := range counters {
		for j, x := range c.xs {
			if x < 0 {
				return "non-negative counters", fmt.Sprintf("%s[%d] = %d", c.name, j, x)
			}
		}
	}
	for k := range w.Networks {
		if inv, detail := checkWeights(w, &w.Networks[k]); inv != "" {
			return inv, detail
		}
	}
	for i := range f.N {
		if _, _, none, _ := w.stepChances(w.workers[0], i); 1-none > w.stepBound(i) {
			return "step chance <= stepBound", fmt.Sprintf("firm %d: chance of a step %v, bound %v", i, 1-none, w.stepBound(i))
		}
		if best, _ := w.target(i); 1-float64(f.General[i]) > float64(f.targetStop[i]) && int(f.Target[i]) != best {
			return "kept target is the target", fmt.Sprintf("firm %d: kept %d (stop %v, c %v), computed afresh %d", i, f.Target[i], f.targetStop[i], 1-f.General[i], best)
		}
		if o := w.opportunity(i); math.Abs(f.Opportunity[i]-o) > 1e-9*(1+o) {
			return "running Opportunity sum", fmt.Sprintf("firm %d: %v, computed afresh %v", i, f.Opportunity[i], o)
		}
		if f.Committed[i] > f.Budget[i]*(1+1e-6) {
			return "committed <= budget", fmt.Sprintf("firm %d committed %v, budget %v", i, f.Committed[i], f.Budget[i])
		}
		steps := 0
		committed := 0.0
		for m := range M {
			j := i*M + m
			d := int(f.Stage[j]) - int(before.stage[j])
			if d < 0 || d > 1 {
				return "stage moves up one at most", fmt.Sprintf("firm %d market %d: stage %d -> %d", i, m, before.stage[j], f.Stage[j])
			}
			steps += d
			committed += w.stageCost[f.Stage[j]]
			if f.Stage[j] > 0 && f.EntryStep[j] == NoStep {
				return "entry step set", fmt.Sprintf("firm %d market %d at stage %d without an entry step", i, m, f.Stage[j])
			}
		}
		if steps > 1 {
			return "one commitment step per quarter", fmt.Sprintf("firm %d: %d steps", i, steps)
		}
		// Committed is a float32 running sum: allow its rounding (checkState's
		// absolute 1 NOK is below float32 resolution above 2^24 NOK).
		if own := float64(f.Committed[i]) + float64(f.CoFunded[i]); math.Abs(committed-own) > 1+1e-5*committed {
			return "committed = sum of stage costs", fmt.Sprintf("firm %d committed %v + co-funded %v, stage costs %v", i, f.Committed[i], f.CoFunded[i], committed)
		}
		cash := (before.budget[i]-before.committed[i])/4 + before.grant[i] + (f.FundingReceived[i] - before.funding[i])
		if f.Spent[i] > cash*(1+1e-5)+1e-3 {
			return "spent <= cash", fmt.Sprintf("firm %d spent %v of %v available", i, f.Spent[i], cash)
		}
	}
	for _, ns := range w.Networks {
		for name, x := range map[string]float64{"FundingYear": ns.FundingYear, "Budget": ns.Budget, "SpentNOK": ns.SpentNOK, "FTE": ns.FTE, "Intensity": ns.Intensity} {
			if !finite(x) || x < 0 {
				return "finite non-negative network state", fmt.Sprintf("network %s: %s = %v", ns.ID, name, x)
			}
		}
		if ns.SpentNOK > ns.Budget*(1+1e-9)+1e-6 {
			return "network spent <= budget", fmt.Sprintf("network %s: spent %v of %v", ns.ID, ns.SpentNOK, ns.Budget)
		}
		if ns.PeerShares < 0 || ns.Joined < 0 || ns.Joined > len(ns.Members) {
			return "non-negative counters", fmt.Sprintf("network %s: peer shares %d, joined %d of %d", ns.ID, ns.PeerShares, ns.Joined, len(ns.Members))
		}
		joined := 0
		for _, i := range ns.Members {
			if int(f.JoinStep[i]) <= w.T-1 {
				joined++
			}
		}
		if joined != ns.Joined {
			return "joined members", fmt.Sprintf("network %s: Joined %d, want %d", ns.ID, ns.Joined, joined)
		}
		for c, n := range ns.Events {
			if n < 0 {
				return "non-negative counters", fmt.Sprintf("network %s: %d events of channel %d", ns.ID, n, c)
			}
		}
	}
	for _, st := range rows {
		counts := []int{st.Firms, st.Channels, st.Attended, st.Entries, st.NewEntrants, st.Entrants, st.PeerShares}
		counts = append(counts, st.Events[:]...)
		counts = append(counts, st.Contacts[:]...)
		counts = append(counts, st.StageCounts[:]...)
		for _, n := range counts {
			if n < 0 {
				return "non-negative stats", fmt.Sprintf("row %+v", st)
			}
		}
		if st.Attended > st.Firms || st.Entrants > st.Firms || st.NewEntrants > st.Entries || st.NewEntrants > st.Firms {
			return "stats counts consistent", fmt.Sprintf("firms %d attended %d entrants %d entries %d new entrants %d", st.Firms, st.Attended, st.Entrants, st.Entries, st.NewEntrants)
		}
		for _, x := range []float64{st.MeanGeneral, st.MeanMarkets, st.FundingNOK, st.BudgetNOK, st.SpentNOK, st.FTE, st.Intensity} {
			if !finite(x) || x < 0 {
				return "finite stats", fmt.Sprintf("row %+v", st)
			}
		}
		if st.MeanGeneral > 1 || st.MeanMarkets > float64(M) {
			return "stats means in range", fmt.Sprintf("mean general %v, mean markets %v", st.MeanGeneral, st.MeanMarkets)
		}
	}
	return "", ""
}

// shrink reverts overrides to the base's values, in chunks of halving size
// down to one at a time, keeping each revert that leaves the scenario valid
// and the same invariant broken, until no single revert does. It returns the
// remaining overrides and their violation.
func shrink(base *scenarios.Scenario, kvs []string, seed uint64, v *violation) ([]string, *violation) {
	try := func(kvs []string) *violation {
		s := base.Clone()
		if err := s.SetAll(kvs); err != nil || s.Validate("shrink") != nil {
			return nil
		}
		if got := runProperties(s, seed); got != nil && got.invariant == v.invariant {
			return got
		}
		return nil
	}
	for size := max(len(kvs)/2, 1); ; {
		changed := false
		for i := 0; i < len(kvs); i += size {
			cand := append(append([]string{}, kvs[:i]...), kvs[min(i+size, len(kvs)):]...)
			if got := try(cand); got != nil {
				kvs, v, changed = cand, got, true
				i -= size
			}
		}
		switch {
		case size > 1:
			size = max(size/2, 1)
		case !changed:
			return kvs, v
		}
	}
}

// checkWeights: a network's event market weights still marked fresh equal
// the weights computed afresh from its focus and priorities now.
func checkWeights(w *World, ns *NetworkState) (string, string) {
	for c, kind := range map[Channel]int{Info: weighFocus, Mentoring: weighMentoring, CrossRIN: weighPartners} {
		mw := ns.weights[kind]
		if !mw.fresh {
			continue
		}
		kept := append([]float64(nil), mw.w...)
		ns.weights[kind].fresh = false
		now := w.marketWeights(ns, c)
		if !slices.Equal(kept, now.w) || mw.total != now.total {
			return "fresh event weights", fmt.Sprintf("network %d, %v: kept %v (sum %v), now %v (sum %v)", ns.Index, c, kept, mw.total, now.w, now.total)
		}
	}
	return "", ""
}

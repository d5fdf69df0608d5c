package model

import (
	"math"
	"runtime"
	"testing"

	"github.com/rinsim/rinsim/scenarios"
)

func thesis(t testing.TB) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Builtin("thesis")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newWorld(t testing.TB, s *scenarios.Scenario, seed uint64) *World {
	t.Helper()
	w, err := New(s, seed)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

type snapshot struct {
	stage     []uint8
	committed []float32
	budget    []float32
	grant     []float32
	funding   []float32
}

func snap(f *Firms) snapshot {
	return snapshot{
		stage:     append([]uint8(nil), f.Stage...),
		committed: append([]float32(nil), f.Committed...),
		budget:    append([]float32(nil), f.Budget...),
		grant:     append([]float32(nil), f.Grant...),
		funding:   append([]float32(nil), f.FundingReceived...),
	}
}

// TestInvariants steps the thesis scenario and checks, after every step, the
// invariants every valid state must satisfy.
func TestInvariants(t *testing.T) {
	s := thesis(t)
	s.Networks[0].NonMembers = 30 // exercise the comparison group too
	for _, seed := range []uint64{1, 2, 3} {
		w := newWorld(t, s, seed)
		checkMembership(t, w)
		for !w.Done() {
			before := snap(&w.Firms)
			w.Step()
			checkState(t, w, before)
		}
	}
}

// checkMembership: every firm is in exactly one network list, once.
func checkMembership(t *testing.T, w *World) {
	t.Helper()
	seen := make([]int, w.Firms.N)
	for _, ns := range w.Networks {
		for _, i := range ns.Members {
			seen[i]++
			if w.Firms.Group[i] != GroupMember || int(w.Firms.Network[i]) != ns.Index {
				t.Fatalf("firm %d listed as member of %s but has group %v network %d", i, ns.ID, w.Firms.Group[i], w.Firms.Network[i])
			}
		}
		for _, i := range ns.Comparison {
			seen[i]++
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("firm %d appears %d times in network lists, want once", i, n)
		}
	}
}

func checkState(t *testing.T, w *World, before snapshot) {
	t.Helper()
	f := &w.Firms
	M := f.M
	step := w.T - 1
	for i := range f.N {
		if g := f.General[i]; !(g >= 0 && g <= 1) {
			t.Fatalf("step %d firm %d: general knowledge %v outside [0,1]", step, i, g)
		}
		steps := 0
		committed := 0.0
		for m := range M {
			j := i*M + m
			if k := f.Knowledge[j]; !(k >= 0 && k <= 1) {
				t.Fatalf("step %d firm %d market %d: knowledge %v outside [0,1]", step, i, m, k)
			}
			d := int(f.Stage[j]) - int(before.stage[j])
			if d < 0 || d > 1 {
				t.Fatalf("step %d firm %d market %d: stage %d -> %d; commitment moves one step up at most", step, i, m, before.stage[j], f.Stage[j])
			}
			steps += d
			committed += w.stageCost[f.Stage[j]]
			if f.Stage[j] > 0 && f.EntryStep[j] == NoStep {
				t.Fatalf("step %d firm %d market %d: at stage %d without an entry step", step, i, m, f.Stage[j])
			}
		}
		if steps > 1 {
			t.Fatalf("step %d firm %d: %d commitment steps in one quarter, want at most 1", step, i, steps)
		}
		if own := float64(f.Committed[i]) + float64(f.CoFunded[i]); math.Abs(committed-own) > 1+1e-5*committed { // float32 resolution
			t.Fatalf("step %d firm %d: committed %v + co-funded %v != sum of stage costs %v", step, i, f.Committed[i], f.CoFunded[i], committed)
		}
		if f.Committed[i] > f.Budget[i]*(1+1e-6) {
			t.Fatalf("step %d firm %d: committed %v exceeds budget %v", step, i, f.Committed[i], f.Budget[i])
		}
		cash := (before.budget[i]-before.committed[i])/4 + before.grant[i] + (f.FundingReceived[i] - before.funding[i])
		if f.Spent[i] > cash*(1+1e-5)+1e-3 {
			t.Fatalf("step %d firm %d: spent %v of %v available this quarter", step, i, f.Spent[i], cash)
		}
		if f.Grant[i] < 0 {
			t.Fatalf("step %d firm %d: negative grant %v", step, i, f.Grant[i])
		}
	}
	for _, ns := range w.Networks {
		if ns.SpentNOK > ns.Budget+1e-6 {
			t.Fatalf("step %d network %s: spent %v of a %v budget", step, ns.ID, ns.SpentNOK, ns.Budget)
		}
		joined := 0
		for _, i := range ns.Members {
			if int(f.JoinStep[i]) <= step {
				joined++
			}
		}
		if joined != ns.Joined {
			t.Fatalf("step %d network %s: Joined %d, want %d", step, ns.ID, ns.Joined, joined)
		}
	}
}

func TestContactsBySourceAddUp(t *testing.T) {
	w := newWorld(t, thesis(t), 5)
	for !w.Done() {
		w.Step()
	}
	f := &w.Firms
	for i := range f.N {
		var bySource, byMarket int
		for s := range NumSources {
			bySource += int(f.BySource[i*int(NumSources)+int(s)])
		}
		for m := range f.M {
			byMarket += int(f.Contacts[i*f.M+m])
		}
		if byMarket != bySource {
			t.Fatalf("firm %d: %d contacts by market, %d by source", i, byMarket, bySource)
		}
	}
}

func TestSameSeedSameWorld(t *testing.T) {
	s := thesis(t)
	a, b := newWorld(t, s, 42), newWorld(t, s, 42)
	c := newWorld(t, s, 43)
	for !a.Done() {
		a.Step()
		b.Step()
		c.Step()
	}
	if !equalFloats(a.Firms.Knowledge, b.Firms.Knowledge) || !equalFloats(a.Firms.General, b.Firms.General) {
		t.Fatal("same seed gave different states")
	}
	if equalFloats(a.Firms.General, c.Firms.General) {
		t.Fatal("different seeds gave identical general knowledge: streams are not seeded")
	}
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestChannelsFollowFunding: the channel count of each network follows its
// funding history (T3.5, Figure 5): CWN loses channels when Arena ends.
func TestChannelsFollowFunding(t *testing.T) {
	s := thesis(t)
	w := newWorld(t, s, 1)
	channels := map[string][]int{}
	for !w.Done() {
		w.Step()
		for _, ns := range w.Networks {
			n := 0
			for _, o := range ns.Offered {
				if o {
					n++
				}
			}
			channels[ns.ID] = append(channels[ns.ID], n)
		}
	}
	arena2014 := int(scenarios.NewQuarter(2014, 4) - s.Start)
	after := int(scenarios.NewQuarter(2015, 1) - s.Start)
	cwn := channels["cwn"]
	if !(cwn[after] < cwn[arena2014]) {
		t.Errorf("CWN channels: %d in 2014Q4, %d in 2015Q1; want fewer after Arena ended", cwn[arena2014], cwn[after])
	}
	end := len(cwn) - 1
	if !(channels["oslo-medtech"][end] > channels["oreec"][end] && channels["oreec"][end] > cwn[end]) {
		t.Errorf("channels at the end: medtech %d, oreec %d, cwn %d; want Oslo Medtech > OREEC > CWN",
			channels["oslo-medtech"][end], channels["oreec"][end], cwn[end])
	}
}

// TestStepDoesNotAllocate: the step loop allocates nothing in steady state.
func TestStepDoesNotAllocate(t *testing.T) {
	w := newWorld(t, thesis(t), 1)
	for range 4 {
		w.Step()
	}
	rows := make([]StepStats, 0, 4096)
	allocs := testing.AllocsPerRun(20, func() {
		w.Step()
		rows = w.Collect(rows[:0])
	})
	if allocs != 0 {
		t.Errorf("Step+Collect allocated %v times per step, want 0", allocs)
	}
}

// TestNetworksDoNotShareRandomNumbers: the model has no interaction between
// networks, and each firm and network draws from its own streams, so changing
// one network's funding leaves the other networks' firms exactly as they were
// (common random numbers across budget scenarios).
func TestNetworksDoNotShareRandomNumbers(t *testing.T) {
	base := thesis(t)
	changed := thesis(t)
	if err := changed.Set("funding.oreec.scale", "2"); err != nil {
		t.Fatal(err)
	}
	a, b := newWorld(t, base, 9), newWorld(t, changed, 9)
	for !a.Done() {
		a.Step()
		b.Step()
	}
	f, g := &a.Firms, &b.Firms
	M := f.M
	differ := 0
	for i := range f.N {
		same := f.General[i] == g.General[i] && f.Entries[i] == g.Entries[i] &&
			equalFloats(f.Knowledge[i*M:(i+1)*M], g.Knowledge[i*M:(i+1)*M])
		if a.Networks[f.Network[i]].ID == "oreec" {
			if !same {
				differ++
			}
			continue
		}
		if !same {
			t.Fatalf("firm %d of %s changed when only OREEC's funding did", i, a.Networks[f.Network[i]].ID)
		}
	}
	if differ == 0 {
		t.Error("doubling OREEC's funding changed none of its firms")
	}
}

// TestWorkersDoNotChangeResults: stepping with several goroutines gives the
// same world as stepping with one, bit for bit.
func TestWorkersDoNotChangeResults(t *testing.T) {
	s := scaled(t, 20_000) // several blocks of firms
	s.Networks[1].NonMembers = 500
	one, four := newWorld(t, s, 3), newWorld(t, s, 3)
	four.SetWorkers(4)
	defer four.Close()
	var rows1, rows4 []StepStats
	for !one.Done() {
		one.Step()
		four.Step()
		rows1 = one.Collect(rows1)
		rows4 = four.Collect(rows4)
	}
	f, g := &one.Firms, &four.Firms
	if !equalFloats(f.General, g.General) || !equalFloats(f.Knowledge, g.Knowledge) || !equalFloats(f.Spent, g.Spent) {
		t.Fatal("4 workers gave a different firm state than 1")
	}
	for k := range rows1 {
		if rows1[k] != rows4[k] {
			t.Fatalf("row %d differs: %+v vs %+v", k, rows1[k], rows4[k])
		}
	}
	for m := range one.MarketAcc {
		if one.MarketAcc[m] != four.MarketAcc[m] || one.MarketPresent[m] != four.MarketPresent[m] {
			t.Fatalf("market %d totals differ", m)
		}
	}
}

// TestParallelStepDoesNotAllocate: with a worker pool the step loop still
// allocates nothing in steady state.
func TestParallelStepDoesNotAllocate(t *testing.T) {
	w := newWorld(t, scaled(t, 10_000), 1)
	w.SetWorkers(2)
	defer w.Close()
	for range 4 {
		w.Step()
	}
	rows := make([]StepStats, 0, 64)
	allocs := testing.AllocsPerRun(10, func() {
		w.Step()
		rows = w.Collect(rows[:0])
	})
	if allocs != 0 {
		t.Errorf("parallel Step+Collect allocated %v times per step, want 0", allocs)
	}
}

// TestParallelSetUpGivesTheSamePopulation: setting firms up on several
// workers draws the same population as on one.
func TestParallelSetUpGivesTheSamePopulation(t *testing.T) {
	s := scaled(t, 20_000)
	one := newWorld(t, s, 5)
	three, err := NewWorkers(s, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer three.Close()
	f, g := &one.Firms, &three.Firms
	if !equalFloats(f.Budget, g.Budget) || !equalFloats(f.Relevance, g.Relevance) || !equalFloats(f.Knowledge, g.Knowledge) ||
		!equalFloats(f.General, g.General) || !equalFloats(f.Committed, g.Committed) {
		t.Fatal("3 workers set up a different population than 1")
	}
	for i := range f.N {
		if f.Archetype[i] != g.Archetype[i] || f.Ambitious[i] != g.Ambitious[i] || f.Active[i] != g.Active[i] {
			t.Fatalf("firm %d differs", i)
		}
	}
}

// TestDefaultWorkers: one worker for small populations, at most one per
// CPU, and one more per MinFirmsPerWorker firms.
func TestDefaultWorkers(t *testing.T) {
	cpus := runtime.GOMAXPROCS(0)
	for _, tc := range []struct{ firms, want int }{
		{0, 1},
		{310, 1},
		{MinFirmsPerWorker - 1, 1},
		{2 * MinFirmsPerWorker, min(2, cpus)},
		{1_000_000, cpus},
	} {
		if got := DefaultWorkers(tc.firms); got != tc.want {
			t.Errorf("DefaultWorkers(%d) = %d, want %d (%d CPUs)", tc.firms, got, tc.want, cpus)
		}
	}
}

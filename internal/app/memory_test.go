package app

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// liveHeap is the heap in use after a full collection.
func liveHeap() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}

func loadSet(t *testing.T, name string, sets ...string) *scenarios.Scenario {
	t.Helper()
	s, _, err := loadScenario(name, sets)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestMemoryEstimate checks runBytes, the memory the limits assume a run
// and a result waiting to be written take, against the heap that held
// results measurably take (runtime.MemStats after a collection), for
// populations, many networks and long horizons: the estimate may not be
// below the measured figure, nor more than 4 times it (it is rounded up to
// stand for the peak RSS, which includes the collector's headroom).
func TestMemoryEstimate(t *testing.T) {
	small := "testdata/small.toml"
	cases := []struct {
		name string
		s    *scenarios.Scenario
	}{
		{"thesis", loadSet(t, "thesis")},
		{"20,000 firms", loadSet(t, small, "network.alpha.members=10000", "network.alpha.non_members=10000")},
		// 194 years: the per-step rows outweigh the firms.
		{"776 quarters", loadSet(t, small, "end=2200Q4")},
		{"200 networks", loadSet(t, "thesis", "synthetic.smes=4000", "synthetic.networks=200")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const n = 4
			held := make([]*sim.Result, n)
			before := liveHeap()
			for k := range held {
				r, err := sim.Run(context.Background(), c.s, sim.RepSeed(1, k), nil)
				if err != nil {
					t.Fatal(err)
				}
				held[k] = r
			}
			measured := (liveHeap() - before) / n
			runtime.KeepAlive(held)
			est := runBytes(c.s)
			t.Logf("%d firms, %d networks, %d quarters: estimate %.0f B, measured %.0f B per held run (%.2fx)",
				population(c.s), len(c.s.Networks), c.s.Steps(), est, measured, est/measured)
			if est < measured || est > 4*measured {
				t.Errorf("estimate %.0f B per run, measured %.0f B: want between 1 and 4 times the measured figure", est, measured)
			}
		})
	}
}

// TestMemoryEstimateCoversBufferedResults holds the first result of an
// experiment in its emit while the others finish: the runs then held at
// once (sim.Window: running, or finished and waiting for their turn to be
// written) must fit the estimate memoryNeed makes for it (issue: it
// counted --workers runs, not the buffered ones).
func TestMemoryEstimateCoversBufferedResults(t *testing.T) {
	s := loadSet(t, "testdata/small.toml", "network.alpha.members=4000", "network.alpha.non_members=4000")
	const workers = 2
	window := sim.Window(workers)
	d := &sim.Design{Base: s, Points: []sim.Point{{Label: "baseline"}}, Reps: 3 * window, Seed: 1}
	scns, err := d.Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	var started atomic.Int64
	opts := &sim.ExecOptions{Workers: workers, Vary: func(_ sim.Job, s *scenarios.Scenario) (*scenarios.Scenario, error) {
		started.Add(1)
		return s, nil
	}}
	before := liveHeap()
	var peak float64
	var held int64
	err = sim.ExecuteResults(context.Background(), scns, d.Jobs(), opts, func(j sim.Job, r *sim.Result) error {
		if j.Rep != 0 {
			return nil
		}
		// Wait until every slot of the window has started and the heap
		// stops growing: the other runs are then finished and buffered.
		last := 0.0
		for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(100 * time.Millisecond) {
			h := liveHeap()
			if started.Load() == int64(window) && h == last {
				break
			}
			last = h
		}
		peak, held = liveHeap()-before, started.Load()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if held != int64(window) {
		t.Fatalf("%d runs started while the first waited, want the window of %d", held, window)
	}
	est := memoryNeed(s, window, d.Reps, 0) - bytesBase
	t.Logf("%d runs held at once: estimate %.0f B, measured %.0f B (%.2fx)", window, est, peak, est/peak)
	if est < peak || est > 4*peak {
		t.Errorf("estimate %.0f B for %d workers, measured %.0f B held: want between 1 and 4 times the measured figure", est, workers, peak)
	}
}

// TestMemoryEstimateOfKeptResults: what compare keeps of each run for
// compare.csv, measured on a design of 100,000 replications, is within the
// estimate compareBytes makes (the limits counted nothing for it, while a
// comparison of 10,000,000 runs kept gigabytes).
func TestMemoryEstimateOfKeptResults(t *testing.T) {
	s := loadSet(t, "thesis")
	const reps = 100_000
	d := &sim.Design{Base: s, Points: []sim.Point{{Label: "baseline"}}, Reps: reps, Seed: 1}
	scns, err := d.Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	var first sim.Outcome
	err = sim.Execute(context.Background(), scns, d.Jobs()[:1], nil, func(o sim.Outcome) error { first = o; return nil })
	if err != nil {
		t.Fatal(err)
	}
	before := liveHeap()
	acc := newCompareAcc(d)
	if err := acc.addOutcome(first); err != nil { // sizes every row's values for all replications
		t.Fatal(err)
	}
	measured := (liveHeap() - before) / reps
	runtime.KeepAlive(acc)
	est := compareBytes(s)
	t.Logf("compare keeps %.1f B per run, estimate %.0f B (%.2fx)", measured, est, est/measured)
	if est < measured || est > 4*measured {
		t.Errorf("estimate %.0f B kept per run, measured %.1f B: want between 1 and 4 times the measured figure", est, measured)
	}
}

// TestMemoryEstimateOfReproduce: what reproduce keeps per replication (the
// baseline's steps.csv and entries.csv rows as text, the claims' measures,
// compare.csv values), measured by holding its Reproduction, is within the
// estimate reproduceBytes makes (the limits counted none of it).
func TestMemoryEstimateOfReproduce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs reproduce")
	}
	s := loadSet(t, "thesis")
	const reps = 6
	ctx := cli.NewContext(nil, nil, nil)
	ctx.Context = context.Background()
	before := liveHeap()
	rp, err := Reproduce(ctx, s, reps, 1, 0, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Less the one run reproduce keeps whole for firms.csv.
	measured := (liveHeap() - before - runBytes(s)) / reps
	runtime.KeepAlive(rp)
	points := len(sim.ClaimScenarios(s)) + 3*len(s.Networks)
	est := reproduceBytes(s, points)
	t.Logf("reproduce keeps %.0f B per replication (%d points), estimate %.0f B (%.2fx)", measured, points, est, est/measured)
	if est < measured || est > 4*measured {
		t.Errorf("estimate %.0f B kept per replication, measured %.0f B: want between 1 and 4 times the measured figure", est, measured)
	}
}

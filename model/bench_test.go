package model

import (
	"fmt"
	"math/bits"
	"testing"

	"github.com/rinsim/rinsim/scenarios"
)

// scaled returns the thesis scenario with about n member firms, keeping each
// network's share and its founding/final member ratio.
func scaled(t testing.TB, n int) *scenarios.Scenario {
	s := thesis(t)
	total := 0
	for _, nw := range s.Networks {
		total += nw.Members
	}
	for k := range s.Networks {
		nw := &s.Networks[k]
		nw.InitialMembers = max(1, nw.InitialMembers*n/total)
		nw.Members = max(nw.InitialMembers, nw.Members*n/total)
	}
	if err := s.Validate("scaled"); err != nil {
		t.Fatal(err)
	}
	return s
}

// synthetic is the thesis scenario's synthetic population of n SMEs in
// networks of about 8,000 members (as the europe preset and
// `rinsim run --set synthetic.smes=N --set synthetic.networks=N/8000`).
func synthetic(t testing.TB, n int) *scenarios.Scenario {
	s := thesis(t)
	if err := s.Resolve([]string{fmt.Sprintf("synthetic.smes=%d", n),
		fmt.Sprintf("synthetic.networks=%d", max(1, n/8000))}, "synthetic"); err != nil {
		t.Fatal(err)
	}
	return s
}

// benchSizes are the populations of the per-phase and end-to-end benchmarks.
var benchSizes = []int{10_000, 100_000, 1_000_000}

// warm builds a world and steps it 20 quarters, so that the networks have
// been founded and members hold markets.
func warm(b *testing.B, s *scenarios.Scenario, workers int) *World {
	w, err := NewWorkers(s, 1, workers)
	if err != nil {
		b.Fatal(err)
	}
	for range 20 {
		w.Step()
	}
	return w
}

// benchStep measures one quarterly step after a warm-up of 20 quarters (the
// networks have been founded and members hold markets), and reports the
// cost per SME.
func benchStep(b *testing.B, s *scenarios.Scenario) { benchStepWorkers(b, s, 1) }

// benchStepWorkers is benchStep on the given number of workers.
func benchStepWorkers(b *testing.B, s *scenarios.Scenario, workers int) {
	w := warm(b, s, workers)
	defer w.Close()
	rows := make([]StepStats, 0, 16)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		w.Step()
		rows = w.Collect(rows[:0])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(w.Firms.N), "ns/SME")
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N)/float64(w.Firms.N), "cpu-ns/SME")
}

func BenchmarkStepThesis(b *testing.B) { benchStep(b, thesis(b)) }

func BenchmarkStep100k(b *testing.B) { benchStep(b, scaled(b, 100_000)) }

// BenchmarkNewThesis measures building the initial population.
func BenchmarkNewThesis(b *testing.B) {
	s := thesis(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(s, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// marketVisits counts, in the world's current state, the firm-market pairs
// each phase has to look at, whatever the implementation does: the firm
// phase's target choice, the markets of interest not yet entered; the
// commitment phase, the markets with contacts of firms that have not stepped
// this quarter plus the active markets they learn in; the statistics, the
// active markets. Rates per visited market are comparable with the
// per-market limit of BenchmarkLimit, unlike rates per firm and market.
func (w *World) marketVisits() map[string]int {
	f := &w.Firms
	v := map[string]int{}
	for i := range f.N {
		interest := uint32(0)
		M := f.M
		sec := int(f.Sector[i])
		for m := range M {
			if w.attr[sec*M+m] > 0 {
				interest |= 1 << m
			}
		}
		active := bits.OnesCount32(f.Active[i])
		v["firms"] += bits.OnesCount32(interest &^ f.Active[i])
		if !f.Stepped[i] {
			v["commit"] += bits.OnesCount32(f.Known[i])
		}
		v["commit"] += active
		v["collect"] += active
	}
	return v
}

// BenchmarkPhases measures each phase of a step after a warm-up of 20
// quarters, with one worker, at 10,000, 100,000 and 1,000,000 SMEs: ns per
// SME and, for the phases that loop over markets, visited markets per second
// (marketVisits), to be compared with BenchmarkLimit at the same size.
func BenchmarkPhases(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("smes=%d", size), func(b *testing.B) { benchPhases(b, size) })
	}
}

func benchPhases(b *testing.B, size int) {
	w := warm(b, synthetic(b, size), 1)
	defer w.Close()
	n := w.Firms.N
	visits := w.marketVisits()
	rows := make([]StepStats, 0, w.Rows())
	phases := []struct {
		name string
		run  func()
	}{
		{"fund", func() { w.fund(w.T) }},
		{"firms", func() { w.pool.run(w.workers, n, BlockSize, w.firmPhaseFn) }},
		{"networks", func() { w.pool.run(w.netWorkers, len(w.Networks), 1, w.networkPhaseFn) }},
		{"commit", func() { w.pool.run(w.workers, n, BlockSize, w.commitPhaseFn) }},
		{"collect", func() { rows = w.Collect(rows[:0]) }},
	}
	for _, ph := range phases {
		b.Run(ph.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				ph.run()
			}
			ns := float64((cpuTime() - cpu).Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/float64(n), "cpu-ns/SME")
			if v, ok := visits[ph.name]; ok {
				b.ReportMetric(float64(v)/float64(n), "markets/SME")
				b.ReportMetric(float64(v)/(ns/1e9), "visited-markets/cpu-s")
			}
		})
	}
}

// BenchmarkLimit is the physical limit of the per-market work on this
// machine: the same memory layout as the firms (float32 knowledge and uint8
// stages per firm and market, a 32-bit market set per firm with as many
// markets as the warmed-up population of BenchmarkPhases has active or known),
// and per visited market one read, a learning update and one write, nothing
// else. Its updates per second bound what the commitment and statistics
// phases can reach.
func BenchmarkLimit(b *testing.B) {
	for _, size := range benchSizes {
		const M = 13
		know := make([]float32, size*M)
		stage := make([]uint8, size*M)
		sets := make([]uint32, size)
		x := uint64(1)
		visits := 0
		for i := range sets {
			for m := range M {
				x = x*6364136223846793005 + 1442695040888963407
				if x>>61 < 4 { // about half the markets, as warmed-up firms with contacts
					sets[i] |= 1 << m
					stage[i*M+m] = 1
				}
			}
			visits += bits.OnesCount32(sets[i])
		}
		act := [4]float64{0, 0.2, 0.5, 1}
		b.Run(fmt.Sprintf("smes=%d", size), func(b *testing.B) {
			sum := 0.0
			cpu := cpuTime()
			for b.Loop() {
				for i, set := range sets {
					row := i * M
					for ; set != 0; set &= set - 1 {
						j := row + bits.TrailingZeros32(set)
						a := act[stage[j]]
						k := float64(know[j])
						know[j] = float32(k + 0.01*a*(1-k))
						sum += a
					}
				}
			}
			ns := float64((cpuTime() - cpu).Nanoseconds()) / float64(b.N)
			b.ReportMetric(float64(visits)/float64(size), "markets/SME")
			b.ReportMetric(float64(visits)/(ns/1e9), "updates/cpu-s")
			if sum < 0 {
				b.Fatal("unreachable")
			}
		})
	}
}

// BenchmarkRun is a whole run end to end: set-up of the population, 40
// quarters and the statistics of every quarter, at 10,000, 100,000 and
// 1,000,000 SMEs on one and two workers; ns per SME and quarter includes
// the set-up.
func BenchmarkRun(b *testing.B) {
	for _, size := range benchSizes {
		s := synthetic(b, size)
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("smes=%d/workers=%d", size, workers), func(b *testing.B) {
				var n int
				cpu := cpuTime()
				for b.Loop() {
					w, err := NewWorkers(s, 1, workers)
					if err != nil {
						b.Fatal(err)
					}
					rows := make([]StepStats, 0, w.Rows()*s.Steps())
					for !w.Done() {
						w.Step()
						rows = w.Collect(rows)
					}
					w.Close()
					n = w.Firms.N
				}
				quarters := float64(n) * float64(s.Steps()) * float64(b.N)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/quarters, "ns/SME-quarter")
				b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/quarters, "cpu-ns/SME-quarter")
			})
		}
	}
}

// BenchmarkStepWorkers compares one step of 1,000,000 SMEs on 1 and 2
// workers; the ratio of the two is the parallel speed-up.
func BenchmarkStepWorkers(b *testing.B) {
	s := scaled(b, 1_000_000)
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) { benchStepWorkers(b, s, n) })
	}
}

// BenchmarkStepScaling measures one step of synthetic populations from 1,000
// to 10,000,000 SMEs (networks of about 8,000 members, as in the europe
// preset) on 1 and 2 workers: the cost per SME should stay flat. Run with
// -bench StepScaling -benchtime 3x; the 10 M case needs about 3.5 GB.
func BenchmarkStepScaling(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000, 10_000_000} {
		w := warm(b, synthetic(b, n), 1)
		rows := make([]StepStats, 0, w.Rows())
		for _, workers := range []int{1, 2} {
			w.SetWorkers(workers)
			b.Run(fmt.Sprintf("smes=%d/workers=%d", n, workers), func(b *testing.B) {
				cpu := cpuTime()
				for b.Loop() {
					w.Step()
					rows = w.Collect(rows[:0])
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(w.Firms.N), "ns/SME")
				b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N)/float64(w.Firms.N), "cpu-ns/SME")
			})
		}
		w.Close()
	}
}

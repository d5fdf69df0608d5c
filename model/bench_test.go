package model

import (
	"fmt"
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

// benchStep measures one quarterly step after a warm-up of 20 quarters (the
// networks have been founded and members hold markets), and reports the
// cost per SME.
func benchStep(b *testing.B, s *scenarios.Scenario) { benchStepWorkers(b, s, 1) }

// benchStepWorkers is benchStep on the given number of workers.
func benchStepWorkers(b *testing.B, s *scenarios.Scenario, workers int) {
	w, err := NewWorkers(s, 1, workers)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	for range 20 {
		w.Step()
	}
	rows := make([]StepStats, 0, 16)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w.Step()
		rows = w.Collect(rows[:0])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(w.Firms.N), "ns/SME")
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

// BenchmarkPhases measures each phase of a step on 100,000 SMEs after a
// warm-up, with one worker: ns per SME, and for the commitment-and-learning
// phase, SME-market updates per second.
func BenchmarkPhases(b *testing.B) {
	w, err := New(scaled(b, 100_000), 1)
	if err != nil {
		b.Fatal(err)
	}
	for range 20 {
		w.Step()
	}
	n, markets := w.Firms.N, w.Firms.M
	rows := make([]StepStats, 0, 16)
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
			for b.Loop() {
				ph.run()
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/float64(n), "ns/SME")
			if ph.name == "commit" {
				b.ReportMetric(float64(n*markets)/(ns/1e9), "SME-market-updates/s")
			}
		})
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
		s := thesis(b)
		if err := s.Resolve([]string{fmt.Sprintf("synthetic.smes=%d", n),
			fmt.Sprintf("synthetic.networks=%d", max(1, n/8000))}, "scaling"); err != nil {
			b.Fatal(err)
		}
		w, err := New(s, 1)
		if err != nil {
			b.Fatal(err)
		}
		for range 20 {
			w.Step()
		}
		rows := make([]StepStats, 0, w.Rows())
		for _, workers := range []int{1, 2} {
			w.SetWorkers(workers)
			b.Run(fmt.Sprintf("smes=%d/workers=%d", n, workers), func(b *testing.B) {
				for b.Loop() {
					w.Step()
					rows = w.Collect(rows[:0])
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(w.Firms.N), "ns/SME")
			})
		}
		w.Close()
	}
}

package sim

import (
	"context"
	"fmt"
	"testing"

	"github.com/rinsim/rinsim/scenarios"
)

// BenchmarkRunThesis is one whole run of the default scenario.
func BenchmarkRunThesis(b *testing.B) {
	s, err := scenarios.Builtin("thesis")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(context.Background(), s, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExecute measures experiment throughput (runs per second of the
// default scenario) at 1 and 2 workers; compare the two in one run.
func BenchmarkExecute(b *testing.B) {
	s, err := scenarios.Builtin("thesis")
	if err != nil {
		b.Fatal(err)
	}
	d := &Design{Base: s, Points: []Point{{Label: "baseline"}}, Reps: 16, Seed: 1}
	scns, err := d.Scenarios()
	if err != nil {
		b.Fatal(err)
	}
	jobs := d.Jobs()
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				err := Execute(context.Background(), scns, jobs, &ExecOptions{Workers: workers}, func(Outcome) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(jobs)*b.N)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}

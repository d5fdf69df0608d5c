package sim

import (
	"context"
	"fmt"

	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
)

// Options tune a run; the zero value (or nil) runs silently.
type Options struct {
	// Progress, if set, is called after each step with the steps done and
	// the total.
	Progress func(done, total int)
}

// Result is a finished run.
type Result struct {
	Scenario *scenarios.Scenario
	Seed     uint64
	Steps    []model.StepStats // one row per step, network and group
	World    *model.World      // final state
}

// Run simulates scenario s with the master seed. It stops with ctx's error
// between steps when ctx is cancelled.
func Run(ctx context.Context, s *scenarios.Scenario, seed uint64, opts *Options) (*Result, error) {
	if opts == nil {
		opts = &Options{}
	}
	w, err := model.New(s, seed)
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	total := s.Steps()
	rows := make([]model.StepStats, 0, total*groups(s))
	for !w.Done() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w.Step()
		rows = w.Collect(rows)
		if opts.Progress != nil {
			opts.Progress(w.T, total)
		}
	}
	return &Result{Scenario: s, Seed: seed, Steps: rows, World: w}, nil
}

// groups counts the rows per step: one per network, plus one per network
// with comparison firms.
func groups(s *scenarios.Scenario) int {
	n := 0
	for _, nw := range s.Networks {
		n++
		if nw.NonMembers > 0 {
			n++
		}
	}
	return n
}

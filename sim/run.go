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
	// Workers is the number of goroutines that step the world (0 or 1: one).
	// Results do not depend on it.
	Workers int
}

// MarketRow is what happened in one foreign market in one quarter, over all
// members that have joined and all comparison firms.
type MarketRow struct {
	Step, Market               int
	Present, Entries, Contacts int
}

// Result is a finished run.
type Result struct {
	Scenario *scenarios.Scenario
	Seed     uint64
	Steps    []model.StepStats // one row per step, network and group
	Markets  []MarketRow       // one row per step and market
	World    *model.World      // final state
}

// Run simulates scenario s with the master seed. It stops with ctx's error
// between steps when ctx is cancelled.
func Run(ctx context.Context, s *scenarios.Scenario, seed uint64, opts *Options) (*Result, error) {
	if opts == nil {
		opts = &Options{}
	}
	w, err := model.NewWorkers(s, seed, max(opts.Workers, 1))
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	defer w.Close()
	total := s.Steps()
	res := &Result{Scenario: s, Seed: seed, World: w,
		Steps:   make([]model.StepStats, 0, total*w.Rows()),
		Markets: make([]MarketRow, 0, total*len(s.Markets))}
	for !w.Done() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w.Step()
		res.Steps = w.Collect(res.Steps)
		for m := range s.Markets {
			res.Markets = append(res.Markets, MarketRow{Step: w.T - 1, Market: m, Present: w.MarketPresent[m],
				Entries: w.MarketAcc[m].Entries, Contacts: w.MarketAcc[m].Contacts})
		}
		if opts.Progress != nil {
			opts.Progress(w.T, total)
		}
	}
	return res, nil
}

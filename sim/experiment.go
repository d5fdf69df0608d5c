package sim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"

	"golang.org/x/sync/errgroup"

	"github.com/rinsim/rinsim/internal/rng"
	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
)

// Point is one variant of the base scenario: a label and the overrides
// (`key=value`, as for --set) that make it.
type Point struct {
	Label string
	Set   []string
}

// Design is an experiment: points times replications of a base scenario.
type Design struct {
	Base   *scenarios.Scenario
	Points []Point
	Reps   int
	Seed   uint64 // master seed
	// Vary, if set, makes each job's scenario from its point's (e.g.
	// parameters drawn from a posterior, the same in every point).
	Vary VaryFunc
}

// VaryFunc makes job j's scenario from s, the scenario of j's point.
type VaryFunc func(j Job, s *scenarios.Scenario) (*scenarios.Scenario, error)

// Job is one run of a design: a point and a replication.
type Job struct {
	Index int // position in Design.Jobs order
	Point int
	Rep   int
	Seed  uint64
}

// RepSeed is the seed of replication rep. It does not depend on the point,
// so replication r of every point uses the same random streams (common
// random numbers): differences between points are paired.
// Seeds are below MaxSeed + 1 = 10^15.
func RepSeed(master uint64, rep int) uint64 {
	return rng.Derive(master, rng.KindRep, uint64(rep)) % (MaxSeed + 1)
}

// MaxSeed is the largest seed: seeds have at most 15 decimal digits, so
// that every reader of runs.csv holds them exactly (int64, R's and
// JavaScript's doubles, Excel's 15 significant digits). A uint64 seed up to
// 1.8e19 was rounded silently by R and Excel.
const MaxSeed = 999_999_999_999_999

// CheckSeed refuses a master seed above MaxSeed.
func CheckSeed(seed uint64) error {
	if seed > MaxSeed {
		return fmt.Errorf("--seed %d: want 0 to %d (15 digits, so that R, pandas and spreadsheets read every seed exactly)", seed, uint64(MaxSeed))
	}
	return nil
}

// Jobs lists every job, point-major: all replications of point 0, then of
// point 1, and so on. Output files follow this order.
func (d *Design) Jobs() []Job {
	jobs := make([]Job, 0, len(d.Points)*d.Reps)
	for p := range d.Points {
		for r := range d.Reps {
			jobs = append(jobs, Job{Index: len(jobs), Point: p, Rep: r, Seed: RepSeed(d.Seed, r)})
		}
	}
	return jobs
}

// Scenarios resolves and validates every point's scenario up front, so that
// a bad override fails before any run starts.
func (d *Design) Scenarios() ([]*scenarios.Scenario, error) {
	out := make([]*scenarios.Scenario, len(d.Points))
	for k, p := range d.Points {
		s := d.Base.Clone()
		if err := s.Resolve(p.Set, fmt.Sprintf("%s with point %q", d.Base.Name, p.Label)); err != nil {
			return nil, fmt.Errorf("point %q: %w", p.Label, err)
		}
		out[k] = s
	}
	return out, nil
}

// Outcome is a finished job.
type Outcome struct {
	Job       Job
	Summaries []Summary
	Steps     []model.StepStats // only when ExecOptions.KeepSteps
}

// ExecOptions tune Execute; nil means defaults.
type ExecOptions struct {
	Workers   int  // parallel runs; 0 means GOMAXPROCS
	KeepSteps bool // keep per-step rows in each Outcome
	// Progress, if set, is called after each emitted job with the jobs done
	// and the total.
	Progress func(done, total int)
	// Vary is Design.Vary.
	Vary VaryFunc
}

// ErrInternal marks a bug: a panic in a run, turned into an error so that
// the command exits with its own code instead of crashing.
var ErrInternal = errors.New("internal error (a bug in rinsim; please report it)")

// recoverInternal turns a panic of the calling goroutine into *err.
func recoverInternal(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v\n%s", ErrInternal, r, debug.Stack())
	}
}

// Execute runs jobs in parallel and calls emit once per job, in the order of
// jobs, whatever the number of workers: outputs written by emit are
// identical for any worker count. At most a few jobs per worker are held in
// memory while earlier ones finish. Execute stops at the first error from a
// run or from emit, or when ctx is cancelled.
func Execute(ctx context.Context, scns []*scenarios.Scenario, jobs []Job, opts *ExecOptions, emit func(Outcome) error) error {
	keep := opts != nil && opts.KeepSteps
	return ExecuteResults(ctx, scns, jobs, opts, func(j Job, r *Result) error {
		out := Outcome{Job: j, Summaries: Summarize(r)}
		if keep {
			out.Steps = r.Steps
		}
		return emit(out)
	})
}

// ExecuteResults is Execute handing each job's whole Result to emit.
func ExecuteResults(ctx context.Context, scns []*scenarios.Scenario, jobs []Job, opts *ExecOptions, emit func(Job, *Result) error) error {
	if opts == nil {
		opts = &ExecOptions{}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := Window(workers)
	g, gctx := errgroup.WithContext(ctx)
	slots := make(chan struct{}, window) // bounds jobs started but not yet emitted
	results := make(chan indexed, window)
	g.Go(func() error { return feed(gctx, g, scns, jobs, workers, opts.Vary, slots, results) })
	g.Go(func() error { return collect(gctx, jobs, slots, results, opts.Progress, emit) })
	return g.Wait()
}

// Window is the most runs ExecuteResults (and so Execute) holds in memory
// at once with workers goroutines (0: one per CPU): running, or finished and
// waiting for their turn to be emitted in job order.
func Window(workers int) int {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return 4 * workers
}

type indexed struct {
	k   int
	res *Result
}

// feed starts jobs in order as slots free up, on at most workers goroutines.
func feed(ctx context.Context, g *errgroup.Group, scns []*scenarios.Scenario, jobs []Job, workers int,
	vary VaryFunc, slots chan struct{}, results chan<- indexed) error {
	pool := make(chan struct{}, workers)
	for k, j := range jobs {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case pool <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		g.Go(func() (err error) {
			defer func() { <-pool }()
			defer recoverInternal(&err)
			s := scns[j.Point]
			if vary != nil {
				if s, err = vary(j, s); err != nil {
					return err
				}
			}
			res, err := Run(ctx, s, j.Seed, nil)
			if err != nil {
				return err
			}
			select {
			case results <- indexed{k, res}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}
	return nil
}

// collect emits results in job order, buffering those that finish early.
func collect(ctx context.Context, jobs []Job, slots <-chan struct{}, results <-chan indexed,
	progress func(int, int), emit func(Job, *Result) error) error {
	pending := map[int]*Result{}
	for next := 0; next < len(jobs); {
		select {
		case r := <-results:
			pending[r.k] = r.res
		case <-ctx.Done():
			return ctx.Err()
		}
		for {
			res, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if err := emit(jobs[next], res); err != nil {
				return err
			}
			<-slots
			next++
			if progress != nil {
				progress(next, len(jobs))
			}
		}
	}
	return nil
}

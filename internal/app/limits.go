package app

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// Limits checked before anything large is allocated (README, "Limits"), so
// that a typo such as --reps 9e18 is refused at once with exit code 2
// instead of dying of "out of memory" a minute later.
const (
	maxPoints = 1_000_000  // design points of a sweep, comparison or sensitivity analysis
	maxRuns   = 10_000_000 // design points x replications
	// Bootstrap resamples of a sensitivity analysis: each keeps one estimate
	// (8 bytes), and each draws --n units per index; 1e9 units take about
	// half a minute per index. --bootstrap 1e9 exhausted memory.
	maxBootstrap     = 100_000
	maxBootstrapWork = 1_000_000_000 // --bootstrap x --n
)

// Estimated memory of one run, measured with /usr/bin/time on `rinsim run`
// (peak RSS 56 MB for 100,000 firms and 339 MB for 1,000,000 in 100
// networks; 2.1 GB and growing for 100,000 networks) and checked against
// the heap a held result takes by TestMemoryEstimate; rounded up, since it
// only has to catch what cannot fit. A run's per-step rows (one per network
// and group, one per market) are counted apart, as they grow with its
// quarters.
const (
	bytesPerFirm    = 400
	bytesPerNetwork = 16 << 10 // its streams and channel state
	bytesBase       = 64 << 20
)

// Sizes of a run's per-step rows, which a run keeps until it is written.
var (
	stepRowBytes   = float64(unsafe.Sizeof(model.StepStats{}))
	marketRowBytes = float64(unsafe.Sizeof(sim.MarketRow{}))
)

// maxWorkers is the largest --workers: more goroutines than a few per CPU
// only add memory.
func maxWorkers() int { return max(64, 8*runtime.NumCPU()) }

func checkWorkers(w int) error {
	if w > maxWorkers() {
		return fmt.Errorf("--workers %d: at most %d (8 per CPU, at least 64) on this machine", w, maxWorkers())
	}
	return nil
}

// checkRuns refuses designs above maxPoints points or maxRuns runs; flag
// names what sets the number of points.
func checkRuns(points, reps int, flag string) error {
	if points > maxPoints {
		return fmt.Errorf("%s: %d design points, at most %d", flag, points, maxPoints)
	}
	if reps > maxRuns || points*reps > maxRuns {
		return fmt.Errorf("--reps %d: %d design points x %d replications is over the limit of %d runs", reps, points, reps, maxRuns)
	}
	return nil
}

// checkCalibrationRuns refuses a calibration whose generations cannot be
// run within maxRuns: each of gens generations accepts particles proposals,
// each fully evaluated on points design points x reps replications (early
// rejection runs fewer, more proposals than particles run more; this is the
// design's size, as for the other commands).
func checkCalibrationRuns(particles, gens, points, reps int) error {
	if n := product([]int{particles, gens, points, reps}, math.MaxInt/2); n > maxRuns {
		return fmt.Errorf("--particles %d x --generations %d x --reps %d x %d design points = %d runs, over the limit of %d runs",
			particles, gens, reps, points, n, maxRuns)
	}
	return nil
}

// product multiplies ns, stopping at limit+1 so that it cannot overflow.
func product(ns []int, limit int) int {
	p := 1
	for _, n := range ns {
		if n > 0 && p > limit/n {
			return limit + 1
		}
		p *= n
	}
	return p
}

// population is the number of firms of one run of s.
func population(s *scenarios.Scenario) int {
	n := 0
	for _, nw := range s.Networks {
		n += nw.Members + nw.NonMembers
	}
	return n
}

// checkSynthetic refuses a synthetic population that would not fit in
// memory, before Expand generates it: its networks, and with run its firms
// and per-step rows.
func checkSynthetic(s *scenarios.Scenario, run bool) error {
	sy := s.Synthetic
	if sy.SMEs == 0 {
		return nil
	}
	need := float64(sy.Networks)*bytesPerNetwork + bytesBase
	what := fmt.Sprintf("synthetic.networks = %d", sy.Networks)
	if run {
		need += float64(sy.SMEs)*bytesPerFirm + 2*float64(sy.Networks)*float64(max(s.Steps(), 0))*stepRowBytes
		what = fmt.Sprintf("synthetic.smes = %d firms in synthetic.networks = %d", sy.SMEs, sy.Networks)
	}
	return checkMemory(need, what)
}

// groupRows bounds the rows a run of s writes per step and per run: one
// per network for its members, one more where it has comparison firms
// (counted for every network: the estimate is rounded up).
func groupRows(s *scenarios.Scenario) int { return 2 * len(s.Networks) }

// runBytes is the estimated peak memory of one run of s, which a finished
// run keeps until its results are written: its firms and networks, and its
// per-step rows (per network and group, and per market).
func runBytes(s *scenarios.Scenario) float64 {
	rows := float64(groupRows(s))*stepRowBytes + float64(len(s.Markets))*marketRowBytes
	return float64(population(s))*bytesPerFirm + float64(len(s.Networks))*bytesPerNetwork + float64(s.Steps())*rows
}

// memoryNeed is the estimated peak memory of a command that runs s: held
// runs at once (running, or finished and buffered until their turn to be
// written in design order, see sim.Window), and keptPerRun bytes for each
// of runs runs (or replications, for reproduce) that it keeps until it
// writes its tables.
func memoryNeed(s *scenarios.Scenario, held, runs int, keptPerRun float64) float64 {
	return runBytes(s)*float64(held) + keptPerRun*float64(runs) + bytesBase
}

// compareBytes is what compare keeps of each run of s until it writes
// compare.csv: every metric of each of its rows.
func compareBytes(s *scenarios.Scenario) float64 {
	return float64(groupRows(s)) * float64(len(compareMetrics)) * 8
}

// tallyBytes is what validate keeps of each run of s: its sim.RunTally.
func tallyBytes(s *scenarios.Scenario) float64 {
	n, a := float64(len(s.Networks)), float64(len(s.Archetypes))
	return n*a*float64(unsafe.Sizeof(sim.Tally{})) + 16*(n+a) + 128
}

// Sizes of what reproduce keeps as text: a cell of a row (string header and
// a short number) and a row (its slice headers); entries per firm in a run
// of the thesis scenario (measured: TestMemoryEstimateOfKeptResults).
const (
	textCellBytes  = 32
	textRowBytes   = 48
	entriesPerFirm = 1
	measuresBytes  = 512 // a run's sim.Measures, its map included
)

// reproduceBytes is what reproduce keeps of each replication until it
// writes: the baseline run's steps.csv and entries.csv rows as text, and
// for each of points design points its claim measures and compare.csv
// values.
func reproduceBytes(s *scenarios.Scenario, points int) float64 {
	row := func(cols int) float64 { return float64(cols)*textCellBytes + textRowBytes }
	steps := float64(s.Steps()) * float64(groupRows(s)) * row(len(report.StepsHeader(s.Stages))+2)
	entries := float64(population(s)) * entriesPerFirm * row(len(report.EntriesHeader())+1)
	return steps + entries + float64(points)*(measuresBytes+compareBytes(s))
}

// checkPopulation refuses runs of s whose estimated peak memory (see
// memoryNeed) exceeds the machine's memory.
func checkPopulation(s *scenarios.Scenario, held, runs int, keptPerRun float64) error {
	what := fmt.Sprintf("scenario %s: %d firms in %d networks over %d quarters", s.Name, population(s), len(s.Networks), s.Steps())
	if held > 1 {
		what += fmt.Sprintf(", up to %d runs in memory at once (%d per worker: running, or waiting to be written)", held, sim.Window(1))
	}
	if keptPerRun > 0 && runs > 1 {
		what += fmt.Sprintf(", %s of results kept for the tables", gib(keptPerRun*float64(runs)))
	}
	return checkMemory(memoryNeed(s, held, runs, keptPerRun), what)
}

func checkMemory(need float64, what string) error {
	have := machineMemory()
	if have == 0 || need <= float64(have) {
		return nil
	}
	return fmt.Errorf("%s: needs about %s of memory, more than this machine's %s; lower the population (network.ID.members, synthetic.smes, synthetic.networks), --workers or --reps",
		what, gib(need), gib(float64(have)))
}

func gib(b float64) string {
	return strconv.FormatFloat(math.Ceil(b/(1<<30)*10)/10, 'f', -1, 64) + " GiB"
}

// machineMemory is the memory this process may use: the smaller of the
// physical memory and a cgroup limit, 0 if unknown (not Linux).
func machineMemory() uint64 {
	var total uint64
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ := strconv.ParseUint(f[1], 10, 64)
				total = kb << 10
			}
		}
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if lim, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && lim > 0 && (total == 0 || lim < total) {
			total = lim
		}
	}
	return total
}

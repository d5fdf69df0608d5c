package app

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/lock"
	"github.com/rinsim/rinsim/internal/progress"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// Bounds of calibrate's sizes, checked before anything runs (exit code 2).
const (
	maxParticles   = 100_000
	maxGenerations = 100
	maxCalibReps   = 1_000
	// maxIdentifiedWidth is above any width ratio (at most 1/0.9: the
	// posterior's 90 % interval lies in the prior's range), so it sets every
	// parameter to its median.
	maxIdentifiedWidth = 1.2
)

// calibrateFiles are the files calibrate writes, in order (figures besides).
var calibrateFiles = []string{"posterior.csv", "generations.csv", "calibrated.toml", "targets.toml", "report.md", "manifest.json"}

func calibrateCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "calibrate",
		Usage:     "Bayesian calibration (ABC-SMC) of invented parameters against the target patterns",
		UsageText: "rinsim calibrate [--scenario NAME|FILE] [--targets FILE] [--params key=lo:hi ...] [--particles N] [--generations G] [--quantile Q] [--reps R] [--workers W] [--seed S] [--identified-width W] [--out DIR]",
		Description: "Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009; Beaumont et al. 2009)\n" +
			"over parameters with uniform priors: by default the invented parameters the target patterns speak to\n" +
			"(sim.DefaultCalibrationKeys), each from a third to three times its value within its allowed range;\n" +
			"--params key=lo:hi (repeatable) names others. Each proposal runs the design the patterns need with\n" +
			"--reps replications on common random numbers; its distance is the root mean square over patterns of\n" +
			"the deviation of the pattern's mean from its band (0 inside), in units of the band's width (one-sided\n" +
			"bands: the edge's size, or a pattern's scale). Generation 0 samples the prior; each later one's\n" +
			"tolerance is the weighted --quantile (default: the median) of the previous distances. Writes\n" +
			"posterior.csv (every generation's particles), generations.csv, calibrated.toml (the base scenario\n" +
			"with each parameter the targets identify at its posterior median: one whose 90 % interval is\n" +
			"narrower than --identified-width of its prior's; the others keep their base values; intervals in its\n" +
			"comments), report.md, figures (marginals, pairs, tolerance) and manifest.json. Identical for any --workers;\n" +
			"killed, the same command resumes from the last finished generation.\n\n" +
			"Example:\n   rinsim calibrate --particles 200 --generations 4 --out out/calibrate",
		Flags: []cli.Flag{scenarioFlag, setFlag,
			&cli.StringFlag{Name: "targets", Usage: "patterns `FILE` (TOML) instead of the built-in targets"},
			&cli.StringSliceFlag{Name: "params", Usage: "calibrate parameter `key=lo:hi` with a uniform prior (repeatable; default: sim.DefaultCalibrationKeys)"},
			&cli.IntFlag{Name: "particles", Value: 1000, Usage: "particles `N` per generation"},
			&cli.IntFlag{Name: "generations", Value: 8, Usage: "generations `G`, the prior sample included"},
			&cli.Float64Flag{Name: "quantile", Value: 0.5, Usage: "each generation's tolerance is the weighted quantile `Q` of the previous generation's distances (0 < Q < 1; smaller: faster to a narrow posterior, more proposals per generation)"},
			&cli.Float64Flag{Name: "identified-width", Value: sim.IdentifiedWidth, Usage: "calibrated.toml sets a parameter to its posterior median when its 90 % interval is narrower than `W` of its prior's, and keeps its base value otherwise (0: keep every base value; 1.2: every parameter at its median)"},
			repsFlag(4), seedFlag, workersFlag,
			&cli.StringFlag{Name: "out", Usage: "output `DIR` (default out/calibrate-<scenario>-<seed>)"}, forceFlag, quietFlag},
		Action: func(c *cli.Context) error { return calibrateAction(c, stdout, stderr) },
	}
}

// calibration is what calibrate ran and found.
type calibration struct {
	cal     *sim.Calibration
	gens    []*sim.ABCGeneration
	source  string
	targets []byte
	reps    int
	seed    uint64
	stalled string // why it stopped early; "" if it did not
	// identified is the --identified-width rule: a parameter whose posterior
	// interval is narrower than this share of its prior's is set to its
	// median in calibrated.toml.
	identified float64
	quantile   float64 // --quantile: of the previous distances, the next tolerance
}

func calibrateAction(c *cli.Context, stdout, stderr io.Writer) error {
	base, source, err := loadScenario(c.String("scenario"), c.StringSlice("set"))
	if err != nil {
		return err
	}
	targets, patterns, err := loadTargets(c.String("targets"))
	if err != nil {
		return err
	}
	factors, err := calibrationFactors(base, c.StringSlice("params"))
	if err != nil {
		return err
	}
	particles, gens, reps, seed := c.Int("particles"), c.Int("generations"), c.Int("reps"), c.Uint64("seed")
	if err := checkCalibrationSize(particles, gens, reps, c.Int("workers")); err != nil {
		return err
	}
	quantile := c.Float64("quantile")
	if !(quantile > 0 && quantile < 1) { // NaN too
		return fmt.Errorf("--quantile %v: want a number between 0 and 1 (exclusive)", quantile)
	}
	identified := c.Float64("identified-width")
	if !(identified >= 0 && identified <= maxIdentifiedWidth) { // NaN too
		return fmt.Errorf("--identified-width %v: want 0 to %v (a share of the prior's 90 %% width)", identified, maxIdentifiedWidth)
	}
	if err := sim.CheckSeed(seed); err != nil {
		return err
	}
	cal, err := sim.NewCalibration(base, factors, patterns, reps)
	if err != nil {
		return err
	}
	if err := checkCalibrationRuns(particles, gens, len(cal.Points()), reps); err != nil {
		return err
	}
	if err := checkPopulation(base, workersOrCPUs(c.Int("workers")), 1, 0); err != nil {
		return err
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", "calibrate-"+base.Name+"-"+strconv.FormatUint(seed, 10))
	}
	l, err := lock.Acquire(out)
	if err != nil {
		return err
	}
	defer l.Release()
	if err := atomicdir.Check(out, c.Bool("force")); err != nil {
		return err
	}
	m, err := report.NewManifest("calibrate", source, base, seed, c.StringSlice("set"))
	if err != nil {
		return failure(err)
	}
	m.CommandLine = commandLine(c)
	m.Files = calibrateFiles
	// --identified-width changes only what is written from the posterior,
	// so a checkpoint is valid whatever it was.
	ck := checkpoint{dir: checkpointDir(out), key: checkpointKey(commandLine(c, "identified-width"), m.ScenarioHash, targets)}
	resume, err := ck.load(len(factors))
	if err != nil {
		return err
	}
	var bar *progress.Bar
	if !c.Bool("quiet") {
		bar = progress.New(stderr, "calibrate")
		if len(resume) > 0 {
			fmt.Fprintf(stderr, "resuming after generation %d from %s\n", len(resume)-1, ck.dir)
		}
	}
	res := &calibration{cal: cal, source: source, targets: targets, reps: reps, seed: seed, identified: identified, quantile: quantile}
	res.gens, err = sim.ABCSMC(c.Context, cal.Prior(), cal.Distance, sim.ABCSettings{
		Particles: particles, Generations: gens, Seed: seed, Workers: workersOrCPUs(c.Int("workers")), Quantile: quantile,
		Resume: resume, Done: ck.save,
		Progress: func(g, accepted, n int) { bar.Update(g*n+accepted, gens*n) },
	})
	bar.Done()
	if errors.Is(err, sim.ErrABCStalled) && len(res.gens) > 0 {
		res.stalled = err.Error()
		fmt.Fprintf(stderr, "warning: %v; writing the %d generations finished\n", err, len(res.gens))
	} else if err != nil {
		return failure(err)
	}
	err = atomicdir.Write(out, c.Bool("force"), func(tmp string) error { return writeCalibration(tmp, res, m) })
	if err != nil {
		return failure(err)
	}
	ck.remove()
	if !c.Bool("quiet") {
		printPosterior(stdout, res)
		fmt.Fprintf(stderr, "wrote %s: posterior.csv, generations.csv, calibrated.toml, report.md, figures and manifest.json\n", out)
	}
	return nil
}

func workersOrCPUs(w int) int {
	if w > 0 {
		return w
	}
	return runtime.GOMAXPROCS(0)
}

// calibrationFactors parses --params, or returns the default factors.
func calibrationFactors(s *scenarios.Scenario, specs []string) ([]sim.Factor, error) {
	if len(specs) == 0 {
		return sim.DefaultCalibrationFactors(s), nil
	}
	var out []sim.Factor
	seen := map[string]bool{}
	for _, spec := range specs {
		f, err := sim.ParseFactor(spec, s, false)
		if err != nil {
			return nil, err
		}
		if f.Lo == f.Hi {
			return nil, fmt.Errorf("--params %s: lo = hi = %v; a prior needs a range", f.Key, f.Lo)
		}
		if seen[f.Key] {
			return nil, fmt.Errorf("--params %s: given twice", f.Key)
		}
		seen[f.Key] = true
		out = append(out, f)
	}
	return out, nil
}

// checkCalibrationSize refuses sizes beyond the bounds (exit code 2).
func checkCalibrationSize(particles, gens, reps, workers int) error {
	switch {
	case particles < 2 || particles > maxParticles:
		return fmt.Errorf("--particles %d: want 2 to %d", particles, maxParticles)
	case gens < 1 || gens > maxGenerations:
		return fmt.Errorf("--generations %d: want 1 to %d (generation 0 is the prior sample)", gens, maxGenerations)
	case reps < 1 || reps > maxCalibReps:
		return fmt.Errorf("--reps %d: want 1 to %d replications per proposal", reps, maxCalibReps)
	}
	return checkWorkers(workers)
}

// checkpoint keeps finished generations beside the output folder, full
// precision, so that a killed calibration resumes where it stopped. The key
// (command line without --out and --workers, scenario and targets) must
// match, or the checkpoint is ignored and replaced.
type checkpoint struct {
	dir, key string
}

func checkpointDir(out string) string {
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".calibrate-checkpoint")
}

func checkpointKey(cmd, scenarioHash string, targets []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", cmd, scenarioHash)
	h.Write(targets)
	return hex.EncodeToString(h.Sum(nil))
}

func (ck checkpoint) genPath(t int) string {
	return filepath.Join(ck.dir, fmt.Sprintf("generation-%03d.csv", t))
}

// load returns the generations of a matching checkpoint, in order, up to
// the first missing or unreadable one.
func (ck checkpoint) load(dim int) ([]*sim.ABCGeneration, error) {
	key, err := os.ReadFile(filepath.Join(ck.dir, "key"))
	if err != nil || strings.TrimSpace(string(key)) != ck.key {
		return nil, nil
	}
	var gens []*sim.ABCGeneration
	for t := 0; ; t++ {
		g, err := readGeneration(ck.genPath(t), t, dim)
		if err != nil {
			return gens, nil
		}
		gens = append(gens, g)
	}
}

func (ck checkpoint) save(g *sim.ABCGeneration) error {
	if err := os.MkdirAll(ck.dir, 0o755); err != nil {
		return failure(err)
	}
	err := atomicdir.ReplaceFile(filepath.Join(ck.dir, "key"), func(w io.Writer) error {
		_, err := io.WriteString(w, ck.key+"\n")
		return err
	})
	if err != nil {
		return failure(err)
	}
	return atomicdir.ReplaceFile(ck.genPath(g.Index), func(w io.Writer) error { return writeGeneration(w, g) })
}

func (ck checkpoint) remove() { os.RemoveAll(ck.dir) }

func exact(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// writeGeneration writes a generation exactly: a header line with its
// numbers, then weight, distance and parameters per particle.
func writeGeneration(w io.Writer, g *sim.ABCGeneration) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%d,%s,%d,%d,%d\n", g.Index, exact(g.Tolerance), g.Proposals, g.Runs, g.Attempts)
	for i, th := range g.Theta {
		bw.WriteString(exact(g.Weights[i]) + "," + exact(g.Distances[i]))
		for _, x := range th {
			bw.WriteString("," + exact(x))
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}

func readGeneration(path string, t, dim int) (*sim.ABCGeneration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	bad := fmt.Errorf("checkpoint %s: malformed", path)
	head := strings.Split(lines[0], ",")
	if len(head) != 5 || head[0] != strconv.Itoa(t) {
		return nil, bad
	}
	g := &sim.ABCGeneration{Index: t}
	var ints [3]int
	for k := range ints {
		if ints[k], err = strconv.Atoi(head[2+k]); err != nil {
			return nil, bad
		}
	}
	g.Proposals, g.Runs, g.Attempts = ints[0], ints[1], ints[2]
	if g.Tolerance, err = strconv.ParseFloat(head[1], 64); err != nil {
		return nil, bad
	}
	for _, line := range lines[1:] {
		f := strings.Split(line, ",")
		if len(f) != 2+dim {
			return nil, bad
		}
		xs := make([]float64, len(f))
		for k, s := range f {
			if xs[k], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, bad
			}
		}
		g.Weights = append(g.Weights, xs[0])
		g.Distances = append(g.Distances, xs[1])
		g.Theta = append(g.Theta, xs[2:])
	}
	if len(g.Theta) < 2 || math.IsNaN(g.Tolerance) {
		return nil, bad
	}
	return g, nil
}

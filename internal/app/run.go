package app

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/lock"
	"github.com/rinsim/rinsim/internal/progress"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

var (
	scenarioFlag = &cli.StringFlag{Name: "scenario", Value: "thesis", Usage: "built-in scenario `NAME` or scenario FILE (.toml)"}
	setFlag      = &cli.StringSliceFlag{Name: "set", Usage: "override a parameter, `key=value` (repeatable); keys: rinsim scenarios show --params"}
)

func runCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "simulate one scenario with one seed and write its results",
		UsageText: "rinsim run [--scenario NAME|FILE] [--seed N] [--out DIR] [--set key=value ...] [--posterior FILE] [--force]",
		Description: "Prints a summary table per network and writes summary.csv, steps.csv, markets.csv,\n" +
			"firms.csv, entries.csv (per-firm files up to 100,000 firms unless --per-firm yes) and\n" +
			"manifest.json to DIR (default out/<scenario>-<seed>). The same scenario and seed give\n" +
			"byte-identical files, whatever --workers is. With --posterior (posterior.csv of rinsim calibrate)\n" +
			"the run's parameters are a particle drawn by weight from the posterior's last generation with a\n" +
			"stream of --seed, as replication r of an experiment draws with its seed (runs.csv): --seed set to\n" +
			"that seed reruns replication r; manifest.json names the file, its SHA-256 and the particle.\n\n" +
			"Example:\n   rinsim run --scenario thesis --seed 7 --set funding.cwn.scale=2 --out out/cwn-double",
		Flags: []cli.Flag{
			scenarioFlag,
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "master `SEED` of the random streams"},
			&cli.StringFlag{Name: "out", Usage: "output `DIR` (default out/<scenario>-<seed>)"},
			setFlag, posteriorFlag,
			&cli.BoolFlag{Name: "force", Usage: "replace DIR if it exists"},
			&cli.StringFlag{Name: "per-firm", Value: "auto", Usage: "write firms.csv and entries.csv: `auto` (up to 100,000 firms), yes or no"},
			&cli.IntFlag{Name: "workers", Usage: "goroutines stepping the model (0: one per CPU and per 8,192 SMEs, so one for small populations); results do not depend on it"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no summary table and no progress"},
		},
		Action: func(c *cli.Context) error { return runAction(c, stdout, stderr) },
	}
}

func runAction(c *cli.Context, stdout, stderr io.Writer) error {
	if c.NArg() > 0 {
		return fmt.Errorf("run: unexpected argument %q: give the scenario with --scenario (see rinsim run --help)", c.Args().First())
	}
	s, source, err := loadScenario(c.String("scenario"), c.StringSlice("set"))
	if err != nil {
		return err
	}
	seed := c.Uint64("seed")
	s, postRec, err := drawPosterior(c.String("posterior"), s, seed)
	if err != nil {
		return err
	}
	if err := checkPopulation(s, 1, 1, 0); err != nil {
		return err
	}
	perFirm, err := perFirmOutput(c.String("per-firm"), s)
	if err != nil {
		return err
	}
	workers := c.Int("workers")
	if workers <= 0 {
		workers = model.DefaultWorkers(population(s))
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", outLabel(source, s)+"-"+strconv.FormatUint(seed, 10))
	}
	l, err := claimOutput(out, c.Bool("force"), s.Name, source)
	if err != nil {
		return err
	}
	defer l.Release()
	quiet := c.Bool("quiet")
	var bar *progress.Bar
	if !quiet {
		bar = progress.New(stderr, "run "+s.Name)
	}
	res, err := sim.Run(c.Context, s, seed, &sim.Options{Progress: bar.Update, Workers: workers})
	bar.Done()
	if err != nil {
		return failure(err)
	}
	m, err := report.NewManifest("run", source, s, seed, c.StringSlice("set"))
	if err != nil {
		return failure(err)
	}
	m.CommandLine = commandLine(c)
	m.Posterior = postRec
	if err := atomicdir.Write(out, c.Bool("force"), func(tmp string) error { return report.WriteRun(tmp, res, m, perFirm) }); err != nil {
		return failure(err)
	}
	if !quiet {
		if err := report.PrintSummary(stdout, sim.Summarize(res)); err != nil {
			return failure(err)
		}
		if postRec != nil {
			fmt.Fprintf(stderr, "parameters of particle %d of %s (SHA-256 %.12s): %s\n", postRec.Particle, postRec.File, postRec.SHA256,
				strings.Join(drawnValues(s, postRec.Keys), ", "))
		}
		fmt.Fprintf(stderr, "wrote %s: %s\n", out, strings.Join(m.Files, ", "))
	}
	return nil
}

// drawPosterior returns s with the parameters of the particle that a run
// with seed draws from --posterior path (s itself without one), and the
// manifest's record of the draw.
func drawPosterior(path string, s *scenarios.Scenario, seed uint64) (*scenarios.Scenario, *report.PosteriorFile, error) {
	post, rec, err := loadPosterior(path, s)
	if post == nil || err != nil {
		return s, nil, err
	}
	i := post.Pick(seed)
	drawn, err := post.Apply(i, s, fmt.Sprintf("--posterior %s, particle %d", path, i+1))
	if err != nil {
		return nil, nil, err
	}
	rec.Particle = i + 1
	return drawn, rec, nil
}

// drawnValues lists keys with their values in s, as key=value.
func drawnValues(s *scenarios.Scenario, keys []string) []string {
	out := make([]string, len(keys))
	for k, key := range keys {
		p, err := s.Param(key)
		if err != nil {
			out[k] = key + "=?"
			continue
		}
		out[k] = key + "=" + p.String()
	}
	return out
}

// perFirmThreshold is the largest population whose per-firm files are
// written by default.
const perFirmThreshold = 100_000

func perFirmOutput(mode string, s *scenarios.Scenario) (bool, error) {
	switch mode {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	case "auto":
		n := 0
		for _, nw := range s.Networks {
			n += nw.Members + nw.NonMembers
		}
		return n <= perFirmThreshold, nil
	}
	return false, fmt.Errorf("--per-firm %q: want auto, yes or no", mode)
}

// outLabel names default output folders: a built-in scenario by its name,
// a scenario file by the file's name without its extension (my.toml: my),
// so that an edited copy of a built-in never lands in the built-in's folder.
func outLabel(source string, s *scenarios.Scenario) string {
	if slices.Contains(scenarios.BuiltinNames(), source) {
		return s.Name
	}
	base := filepath.Base(source)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// loadScenario resolves a name or file and applies --set overrides, then
// validates the result. Every error here is bad input (exit code 2).
func loadScenario(nameOrFile string, sets []string) (*scenarios.Scenario, string, error) {
	return resolveScenario(nameOrFile, sets, true)
}

// resolveScenario is loadScenario; with run false, a synthetic population
// is checked only for what generating it takes, not for running it.
func resolveScenario(nameOrFile string, sets []string, run bool) (*scenarios.Scenario, string, error) {
	s, err := scenarios.Load(nameOrFile)
	if err != nil {
		return nil, "", err
	}
	source := nameOrFile
	file := nameOrFile
	if len(sets) > 0 {
		file += " after --set"
	}
	if err := s.SetAll(sets); err != nil {
		return nil, "", err
	}
	if err := checkSynthetic(s, run); err != nil {
		return nil, "", err
	}
	if err := s.Resolve(nil, file); err != nil {
		return nil, "", err
	}
	return s, source, nil
}

// claimOutput takes the lock on an output folder for the whole command and
// checks, before any work, that the folder may be written: new, or --force
// on a folder rinsim wrote for the same scenario.
func claimOutput(out string, force bool, scenario, source string) (*lock.Lock, error) {
	l, err := lock.Acquire(out)
	if err != nil {
		return nil, err
	}
	if err := atomicdir.Check(out, force); err != nil {
		l.Release()
		return nil, err
	}
	if err := report.CheckSameScenario(out, scenario, source); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

package app

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/experiment"
	"github.com/rinsim/rinsim/internal/lock"
	"github.com/rinsim/rinsim/sim"
)

func sweepCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "sweep",
		Usage:     "run a parameter sweep (full factorial or Latin hypercube) with replications",
		UsageText: "rinsim sweep --param key=lo:hi:n ... [--lhs N] [--reps R] [--workers W] [--shard i/n] [--steps] [--out DIR]",
		Description: "Varies any numeric scenario parameter, by the same keys as --set. Without --lhs the design is\n" +
			"the full factorial of the --param grids (n evenly spaced values each, the first key slowest);\n" +
			"with --lhs N it is a Latin hypercube of N points over the ranges (key=lo:hi). runs.csv has one row\n" +
			"per design point, replication and network, with the varied values, the seed and the outcomes;\n" +
			"points.csv has per point, network, group and outcome the mean and 95 % interval over the\n" +
			"replications; --steps adds steps.csv; report.md describes the design (and the posterior, with\n" +
			"--posterior). Rows are written as runs finish and do not depend on --workers. Stop a\n" +
			"sweep and run the same command again to resume it. --shard i/n runs the points whose index\n" +
			"modulo n is i; `rinsim merge` combines the shards into what one run would give.\n\n" +
			"Example:\n   rinsim sweep --param funding.scale=0:2:5 --param peer.seek_prob=0:0.6:4 --reps 10 --out out/sweep",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "param", Usage: "varied parameter `key=lo:hi:n` (repeatable; key=lo:hi with --lhs)", Required: true},
			&cli.IntFlag{Name: "lhs", Usage: "Latin hypercube of `N` points instead of the full factorial"},
			scenarioFlag, setFlag, repsFlag(5), seedFlag, workersFlag,
			&cli.StringFlag{Name: "shard", Usage: "run part `i/n` of the design"},
			&cli.BoolFlag{Name: "steps", Usage: "also write per-step time series (steps.csv)"},
			&cli.StringFlag{Name: "out", Usage: "output `DIR` (default out/sweep-<scenario>-<seed>)"},
			posteriorFlag, forceFlag, quietFlag,
		},
		Action: func(c *cli.Context) error { return sweepAction(c, stderr) },
	}
}

func sweepAction(c *cli.Context, stderr io.Writer) error {
	base, source, err := loadScenario(c.String("scenario"), c.StringSlice("set"))
	if err != nil {
		return err
	}
	lhs := c.Int("lhs")
	if c.IsSet("lhs") && lhs < 1 {
		return fmt.Errorf("--lhs %d: need at least 1 point", lhs)
	}
	var factors []sim.Factor
	for _, spec := range c.StringSlice("param") {
		f, err := sim.ParseFactor(spec, base, lhs == 0)
		if err != nil {
			return err
		}
		factors = append(factors, f)
	}
	if err := uniqueFactors(factors); err != nil {
		return err
	}
	if c.Int("reps") < 1 {
		return fmt.Errorf("--reps %d: need at least 1", c.Int("reps"))
	}
	if lhs > 0 {
		err = checkRuns(lhs, c.Int("reps"), "--lhs")
	} else {
		var ns []int
		for _, f := range factors {
			ns = append(ns, f.N)
		}
		err = checkRuns(product(ns, maxPoints), c.Int("reps"), "--param (grid)")
	}
	if err != nil {
		return err
	}
	shard, err := experiment.ParseShard(c.String("shard"))
	if err != nil {
		return err
	}
	seed := c.Uint64("seed")
	var values [][]float64
	if lhs > 0 {
		values = sim.LatinHypercube(factors, lhs, seed)
	} else {
		values = sim.Grid(factors)
	}
	points := sim.PointsOf(factors, values)
	d := &sim.Design{Base: base, Points: points, Reps: c.Int("reps"), Seed: seed}
	post, postRec, err := loadPosterior(c.String("posterior"), base)
	if err != nil {
		return err
	}
	if post != nil {
		for _, f := range factors {
			if slices.Contains(post.Keys, f.Key) {
				return fmt.Errorf("--param %s: also a parameter of --posterior; a posterior draw would override the swept value", f.Key)
			}
		}
		d.Vary = post.Vary(points)
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", "sweep-"+outLabel(source, base)+"-"+strconv.FormatUint(seed, 10))
	}
	keys := []string{"point"}
	for _, f := range factors {
		keys = append(keys, f.Key)
	}
	design := "factorial"
	if lhs > 0 {
		design = "latin-hypercube"
	}
	summary := experiment.NewPoints(keys)
	cfg := &experiment.Config{Dir: out, Force: c.Bool("force"), Command: "sweep", CommandLine: commandLine(c),
		ExtraFiles: []string{experiment.PointsFile}, Source: source, Design: d,
		Shard: shard, Workers: c.Int("workers"), Steps: c.Bool("steps"), KeyColumns: keys,
		KeyValues: func(p int) []string {
			v := []string{points[p].Label}
			for k, f := range factors {
				v = append(v, f.Format(values[p][k]))
			}
			return v
		},
		Extra:     map[string]any{"design": design, "factors": factors},
		Posterior: postRec,
		OnRows:    summary.Add,
	}
	if !c.Bool("quiet") {
		cfg.Progress = stderr
	}
	l, err := lock.Acquire(out)
	if err != nil {
		return err
	}
	defer l.Release()
	n, err := runExperiment(c, cfg, 0)
	if err != nil {
		return err
	}
	pointsFile := filepath.Join(out, experiment.PointsFile)
	if err := atomicdir.ReplaceFile(pointsFile, func(w io.Writer) error { return summary.Write(w, keys) }); err != nil {
		return failure(err)
	}
	m, err := experiment.ReadManifest(out)
	if err != nil {
		return failure(err)
	}
	if err := atomicdir.ReplaceFile(filepath.Join(out, "report.md"), func(w io.Writer) error { return writeSweepReport(w, m) }); err != nil {
		return failure(err)
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(stderr, "%d design points x %d replications (%d run now, shard %s); wrote %s\n",
			len(points), d.Reps, n, shard, out)
	}
	return nil
}

func uniqueFactors(fs []sim.Factor) error {
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Key] {
			return fmt.Errorf("--param %s given twice", f.Key)
		}
		seen[f.Key] = true
	}
	if len(fs) == 0 {
		return fmt.Errorf("--param: at least one is needed")
	}
	return nil
}

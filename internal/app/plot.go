package app

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/fault"
	"github.com/rinsim/rinsim/internal/lock"
	"github.com/rinsim/rinsim/plots"
)

func plotCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "plot",
		Usage:     "redraw the figures of a run, compare, sweep, sensitivity, reproduce or validate output folder",
		UsageText: "rinsim plot [--out FIGDIR] [--force] DIR",
		Description: "Reads the CSV files in DIR (steps.csv, firms.csv, entries.csv, compare.csv, indices.csv,\n" +
			"patterns.csv, a " +
			"sweep's runs.csv) and writes each figure it allows as a 1200 px wide PNG and an SVG, without\n" +
			"rerunning anything. For a compare folder this includes each scenario's change from the\n" +
			"baseline (diff-<scenario>), custom scenarios of --scenarios FILE too. A sweep is drawn as its\n" +
			"design allows: one parameter as lines with 95 % bands, a two-parameter grid as a heatmap, a\n" +
			"two-parameter Latin hypercube as a scatter coloured by the outcome, more parameters as one\n" +
			"panel per parameter; sweep --steps as one line per design point. A sensitivity folder gives\n" +
			"the indices with their intervals and, for Morris, mu* against sigma.\n\n" +
			"Example:\n   rinsim run --out out/base && rinsim plot out/base",
		Flags: []cli.Flag{&cli.StringFlag{Name: "out", Usage: "figure `FIGDIR` (default DIR; created if missing)"},
			&cli.BoolFlag{Name: "force", Usage: "replace figures that exist in FIGDIR"}},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("plot: want one output folder, got %d arguments", c.NArg())
			}
			dir := c.Args().First()
			out := c.String("out")
			if out == "" {
				out = dir
			}
			l, err := lock.Acquire(out)
			if err != nil {
				return err
			}
			defer l.Release()
			figs, err := plots.FromDir(dir)
			if err != nil {
				return err
			}
			if err := checkFigures(figs, out, c.Bool("force")); err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return failure(err)
			}
			paths, err := saveFigures(figs, out)
			if err != nil {
				return failure(err)
			}
			for _, p := range paths {
				fmt.Fprintln(stdout, p)
			}
			return nil
		},
	}
}

// checkFigures refuses to overwrite figures in dir without force.
func checkFigures(figs []plots.Figure, dir string, force bool) error {
	if force {
		return nil
	}
	for _, f := range figs {
		for _, ext := range []string{".png", ".svg"} {
			if p := filepath.Join(dir, f.Name+ext); exists(p) {
				return fmt.Errorf("%s exists (use --force to redraw the figures, or --out for another folder)", p)
			}
		}
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func saveFigures(figs []plots.Figure, dir string) ([]string, error) {
	var all []string
	for _, f := range figs {
		paths, err := f.Save(dir)
		if err != nil {
			return nil, err
		}
		fault.At("saved " + f.Name)
		all = append(all, paths...)
	}
	return all, nil
}

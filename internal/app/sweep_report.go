package app

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/rinsim/rinsim/internal/experiment"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// writeSweepReport writes a sweep folder's report.md from its manifest
// alone, so that a shard and the folder `rinsim merge` makes of the shards
// describe themselves the same way: the design, how to read the files, the
// posterior the replications drew from (with --posterior) and how the
// folder was made.
func writeSweepReport(w io.Writer, m *experiment.Manifest) error {
	d := m.Design
	var b strings.Builder
	design, _ := d.Extra["design"].(string)
	fmt.Fprintf(&b, "# rinsim sweep: %s design\n\n", strings.ReplaceAll(design, "-", " "))
	fmt.Fprintf(&b, "Base scenario `%s`, master seed %d, %d design points x %d replications; rinsim %s (commit %s).", d.Scenario, d.Seed,
		len(d.Points), d.Reps, m.Version, m.Commit)
	if sh, err := experiment.ParseShard(d.Shard); err == nil && sh.N > 1 {
		fmt.Fprintf(&b, " This folder is shard %s: the points whose index modulo %d is %d; `rinsim merge` combines the shards into what one run would give.", sh, sh.N, sh.I)
	}
	var varied []string
	for _, key := range d.KeyColumns[1:] {
		varied = append(varied, fmt.Sprintf("`%s` (%s)", key, valueRange(d.Points, key)))
	}
	fmt.Fprintf(&b, "\n\n**What was varied.** Each design point sets %s on top of the base scenario; `points.csv` lists every point's values.\n\n",
		joinAnd(varied))
	fmt.Fprintf(&b, "**How to read this.** Replication r of every design point uses the same random numbers (common random numbers), so "+
		"differences between points are paired by replication. `points.csv` has, per point, network, group and outcome, the mean "+
		"and its 95 %% interval (Student t) over the %d replications; `runs.csv` has every replication", d.Reps)
	if d.Steps {
		b.WriteString(" and `steps.csv` every quarter")
	}
	b.WriteString(". `rinsim plot DIR` draws the figures.\n\n")
	refs := []string{report.RefCRN, report.RefStudentT}
	if d.Posterior != nil {
		b.WriteString(posteriorText(d.Posterior, "design point") + "\n\n")
		refs = append(refs, report.RefToni, report.RefBeaumont)
	}
	p := report.Provenance{CommandLine: m.CommandLine, Scenario: d.Scenario, Source: d.Source,
		Builtin: slices.Contains(scenarios.BuiltinNames(), d.Source), ScenarioHash: d.ScenarioHash, MasterSeed: d.Seed, References: refs}
	for r := range d.Reps {
		p.Seeds = append(p.Seeds, sim.RepSeed(d.Seed, r))
	}
	b.WriteString(p.Markdown())
	_, err := io.WriteString(w, b.String())
	return err
}

// valueRange describes the values key takes over the points: "3 values
// from 0 to 2", or the one value.
func valueRange(points []sim.Point, key string) string {
	var vals []float64
	for _, pt := range points {
		for _, s := range pt.Set {
			k, v, _ := strings.Cut(s, "=")
			if k != key {
				continue
			}
			if x, err := strconv.ParseFloat(v, 64); err == nil && !slices.Contains(vals, x) {
				vals = append(vals, x)
			}
		}
	}
	if len(vals) == 0 {
		return "no value"
	}
	lo, hi := slices.Min(vals), slices.Max(vals)
	if len(vals) == 1 {
		return report.Num(lo)
	}
	return fmt.Sprintf("%d values from %s to %s", len(vals), report.Num(lo), report.Num(hi))
}

// joinAnd joins items as "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

package app

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/progress"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/plots"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// patternsHeader is the header of patterns.csv.
var patternsHeader = []string{"pattern", "source", "statistic", "target_low", "target_high", "value", "ci_low", "ci_high", "verdict"}

// validateFiles are the files validate writes, in order.
var validateFiles = []string{"patterns.csv", "targets.toml", "report.md", "patterns.png", "patterns.svg", "manifest.json"}

func validateCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "compare the model's output with target patterns from the thesis and outside sources",
		UsageText: "rinsim validate [--scenario NAME|FILE] [--reps N] [--seed N] [--set key=value ...] [--targets FILE] [--strict] [--workers N] [--out DIR]",
		Description: "Runs the scenario with --reps replications on common random numbers, together with the variants\n" +
			"the patterns need (funding.scale 0, 0.5, 1.5, 2; funding.scale 0 and 1 with channel contacts off\n" +
			"and with information, learning and co-funding off), computes each pattern's statistic per\n" +
			"replication, its mean and 95 % Student-t interval, and compares the interval with the pattern's\n" +
			"target band: within (the whole interval inside the band), outside (wholly outside), inconclusive\n" +
			"(it straddles an edge). Prints the table and writes patterns.csv, report.md, the figure\n" +
			"patterns.png/.svg, the targets used (targets.toml) and manifest.json to DIR.\n\n" +
			"The targets are sim/patterns.toml, built in; --targets FILE replaces them with a file of the same\n" +
			"form ([[pattern]] with id, description, statistic, optional network and archetype, target_low\n" +
			"and/or target_high, source). Statistics: " + strings.Join(sim.StatisticNames(), ", ") + ".\n\n" +
			"Exit codes: 0, or 1 with --strict when a pattern is outside its band (the files are written).\n\n" +
			"Example:\n   rinsim validate --reps 30 --out out/validate",
		Flags: []cli.Flag{scenarioFlag, setFlag, repsFlag(30), seedFlag,
			&cli.StringFlag{Name: "targets", Usage: "patterns `FILE` (TOML) instead of the built-in targets"},
			&cli.BoolFlag{Name: "strict", Usage: "exit with code 1 when any pattern is outside its band"},
			workersFlag, posteriorFlag,
			&cli.StringFlag{Name: "out", Usage: "output `DIR` (default out/validate-<scenario>-<seed>)"}, forceFlag, quietFlag},
		Action: func(c *cli.Context) error { return validateAction(c, stdout, stderr) },
	}
}

// errStrict is returned with --strict when a pattern is outside its band.
var errStrict = errors.New("validate --strict")

func validateAction(c *cli.Context, stdout, stderr io.Writer) error {
	base, source, err := loadScenario(c.String("scenario"), c.StringSlice("set"))
	if err != nil {
		return err
	}
	targets, patterns, err := loadTargets(c.String("targets"))
	if err != nil {
		return err
	}
	reps, seed := c.Int("reps"), c.Uint64("seed")
	if reps < 2 {
		return fmt.Errorf("--reps %d: need at least 2 replications for an interval", reps)
	}
	points, _ := sim.ValidationPoints(base, patterns)
	if err := checkRuns(len(points), reps, "--targets"); err != nil {
		return err
	}
	runs := len(points) * reps
	if err := checkPopulation(base, min(sim.Window(c.Int("workers")), runs), runs, tallyBytes(base)); err != nil {
		return err
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", "validate-"+outLabel(source, base)+"-"+strconv.FormatUint(seed, 10))
	}
	l, err := claimOutput(out, c.Bool("force"), base.Name, source)
	if err != nil {
		return err
	}
	defer l.Release()
	var bar *progress.Bar
	if !c.Bool("quiet") {
		bar = progress.New(stderr, "validate")
	}
	opts := &sim.ExecOptions{Workers: c.Int("workers"), Progress: bar.Update}
	post, postRec, err := loadPosterior(c.String("posterior"), base)
	if err != nil {
		return err
	}
	if post != nil {
		points, _ := sim.ValidationPoints(base, patterns)
		opts.Vary = post.Vary(points)
	}
	v, err := sim.Validate(c.Context, base, patterns, reps, seed, opts)
	bar.Done()
	if err != nil {
		return failure(err)
	}
	m, err := report.NewManifest("validate", source, base, seed, c.StringSlice("set"))
	if err != nil {
		return failure(err)
	}
	m.CommandLine = commandLine(c)
	m.Posterior = postRec
	m.Files = validateFiles
	err = atomicdir.Write(out, c.Bool("force"), func(tmp string) error { return writeValidation(tmp, v, m, targets) })
	if err != nil {
		return failure(err)
	}
	if !c.Bool("quiet") {
		printPatterns(stdout, v)
		fmt.Fprintf(stderr, "wrote %s: patterns.csv, report.md, the figure and manifest.json\n", out)
	}
	return strictCheck(c.Bool("strict"), v)
}

// loadTargets reads --targets FILE, or the built-in patterns when path is
// empty, and returns the file's text with its patterns.
func loadTargets(path string) ([]byte, []sim.Pattern, error) {
	if path == "" {
		return sim.PatternsTOML(), sim.DefaultPatterns(), nil
	}
	data, err := scenarios.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("--targets: %w", err)
	}
	ps, err := sim.LoadPatterns(strings.NewReader(string(data)))
	if err != nil {
		return nil, nil, fmt.Errorf("--targets %s: %w", path, err)
	}
	return data, ps, nil
}

// strictCheck fails (exit code 1) when strict and a pattern is outside.
func strictCheck(strict bool, v *sim.Validation) error {
	if !strict {
		return nil
	}
	var out []string
	for _, r := range v.Results {
		if r.Verdict == sim.Outside {
			out = append(out, r.ID)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return failure(fmt.Errorf("%w: %d of %d patterns outside their band: %s", errStrict, len(out), len(v.Results), strings.Join(out, ", ")))
}

func writeValidation(dir string, v *sim.Validation, m *report.Manifest, targets []byte) error {
	files := map[string]func(io.Writer) error{
		"patterns.csv":  func(w io.Writer) error { return writePatterns(w, v) },
		"targets.toml":  func(w io.Writer) error { _, err := w.Write(targets); return err },
		"report.md":     func(w io.Writer) error { return writeValidationReport(w, v, m) },
		"manifest.json": m.Write,
	}
	for _, name := range validateFiles {
		if files[name] == nil {
			continue // the figure, drawn below
		}
		if err := atomicdir.WriteFile(filepath.Join(dir, name), files[name]); err != nil {
			return err
		}
	}
	// The figure is drawn from patterns.csv, as `rinsim plot DIR` redraws it.
	t, err := plots.ReadTable(filepath.Join(dir, "patterns.csv"))
	if err != nil {
		return err
	}
	_, err = plots.PatternBands(t).Save(dir)
	return err
}

// bound writes a band edge for patterns.csv: NA when the band is open there.
func bound(x float64, present bool) string {
	if !present {
		return "NA"
	}
	return report.Num(x)
}

func writePatterns(w io.Writer, v *sim.Validation) error {
	return report.WriteRows(w, patternsHeader, func(emit func([]string) error) error {
		for _, r := range v.Results {
			if err := emit([]string{r.ID, r.Source, r.Statistic, bound(r.Low, r.HasLow()), bound(r.High, r.HasHigh()),
				report.Num(r.Value.Mean), report.Num(r.Value.Low), report.Num(r.Value.High), string(r.Verdict)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// printPatterns prints one line per pattern and a count of verdicts.
func printPatterns(w io.Writer, v *sim.Validation) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "pattern\ttarget\tvalue [95% CI]\tverdict")
	counts := map[sim.Verdict]int{}
	for _, r := range v.Results {
		counts[r.Verdict]++
		val := effectText(r.Value)
		if r.Missing != "" {
			val = "NA (" + r.Missing + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Band(), val, r.Verdict)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d within, %d outside, %d inconclusive; %d replications, master seed %d\n",
		counts[sim.Within], counts[sim.Outside], counts[sim.Inconclusive], v.Reps, v.Seed)
}

func writeValidationReport(w io.Writer, v *sim.Validation, m *report.Manifest) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# rinsim: target patterns\n\n")
	fmt.Fprintf(&b, "Scenario `%s` (SHA-256 `%s`), master seed %d, %d replications per design point on common random numbers; rinsim %s (commit %s).\n\n",
		m.Scenario, m.ScenarioHash, m.Seed, v.Reps, m.Version, m.Commit)
	fmt.Fprintf(&b, "Command: `%s`\n\n", m.CommandLine)
	fmt.Fprintf(&b, "Each pattern's statistic is computed in every replication; the value is its mean with a 95 %% Student-t interval over the replications (differences between design points are paired by replication). ")
	fmt.Fprintf(&b, "Verdict: **within** when the whole interval lies inside the target band (edges included), **outside** when it lies wholly outside, **inconclusive** when it straddles a band edge or cannot be computed. Verdicts are computed, never written in.\n\n")
	fmt.Fprintf(&b, "| pattern | target | value [95 %% CI] | verdict | description | source |\n|---|---|---|---|---|---|\n")
	for _, r := range v.Results {
		val := effectText(r.Value)
		if r.Missing != "" {
			val = "NA: " + r.Missing
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.ID, r.Band(), val, r.Verdict, mdCell(r.Description), mdCell(r.Source))
	}
	b.WriteString("\n![each pattern's value and 95 % interval against its target band](patterns.png)\n\n")
	refs := []string{report.RefThesis, report.RefCRN, report.RefStudentT}
	if m.Posterior != nil {
		b.WriteString(posteriorText(m.Posterior, "design point") + "\n\n")
		refs = append(refs, report.RefToni, report.RefBeaumont)
	}
	writeStatistics(&b, v)
	writeDesign(&b, v)
	fmt.Fprintf(&b, "## Seeds\n\nReplication r runs with seed RepSeed(%d, r) at every design point:", m.Seed)
	for r := range v.Reps {
		fmt.Fprintf(&b, " %d", sim.RepSeed(m.Seed, r))
	}
	b.WriteString(".\n\nmanifest.json holds every parameter and the resolved scenario; targets.toml the patterns used.\n\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return report.WriteReferences(w, refs...)
}

// mdCell makes text safe inside a Markdown table cell.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func writeStatistics(b *strings.Builder, v *sim.Validation) {
	b.WriteString("## Statistics\n\nMembers are the firms that have joined their network by the last quarter; entries count after joining. ")
	b.WriteString("A pattern with a network or archetype restricts the members to it.\n\n")
	var order []string
	uses := map[string][]string{}
	for _, r := range v.Results {
		if _, ok := uses[r.Statistic]; !ok {
			order = append(order, r.Statistic)
		}
		if sel := strings.TrimSpace(selection(r.Pattern)); sel != "" {
			uses[r.Statistic] = append(uses[r.Statistic], r.ID+": "+sel)
		} else {
			uses[r.Statistic] = append(uses[r.Statistic], r.ID)
		}
	}
	stats := sim.Statistics()
	for _, name := range order {
		fmt.Fprintf(b, "- `%s`: %s (%s).\n", name, stats[name].Doc, strings.Join(uses[name], "; "))
	}
	b.WriteString("\n")
}

func writeDesign(b *strings.Builder, v *sim.Validation) {
	b.WriteString("## Design points\n\nEntries per member (all members) at each design point, mean [95 % CI]:\n\n| point | overrides | entries per member |\n|---|---|---|\n")
	sets := map[string]string{}
	for _, p := range v.Points {
		sets[p.Label] = pointText(p)
	}
	for _, label := range v.PointLabels() {
		set, ok := sets[label]
		if !ok {
			set = "the baseline's runs"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", label, set, effectText(v.EntriesPerMember[label]))
	}
	if len(v.Effects) > 0 {
		b.WriteString("\nRIN effect on entries per member, funding.scale 1 minus 0 (paired), by the routes left open:\n\n| routes | effect [95 % CI] |\n|---|---|\n")
		for _, e := range v.Effects {
			fmt.Fprintf(b, "| %s | %s |\n", e.Name, effectText(e.Value))
		}
		b.WriteString("\nKnockouts (sim/knockouts.go): ")
		for k, ko := range sim.Knockouts {
			if k > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(b, "%s: %s", ko.Name, ko.Doc)
		}
		b.WriteString(".\n")
	}
	b.WriteString("\n")
}

// pointText describes a design point's overrides, a knockout by its name.
func pointText(p sim.Point) string {
	for _, k := range sim.Knockouts {
		if n := len(k.Set()); len(p.Set) == n+1 && strings.HasPrefix(p.Label, k.Name+"-") {
			return "knockout " + k.Name + ", " + p.Set[n]
		}
	}
	if len(p.Set) == 0 {
		return "none"
	}
	return strings.Join(p.Set, " ")
}

// selection names the members a pattern is restricted to.
func selection(p sim.Pattern) string {
	var parts []string
	if p.Network != "" {
		parts = append(parts, "network "+p.Network)
	}
	if p.Archetype != "" {
		parts = append(parts, "archetype "+p.Archetype)
	}
	return strings.Join(parts, ", ")
}

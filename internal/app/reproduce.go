package app

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
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

func reproduceCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "reproduce",
		Usage:     "test the thesis's claims on model output and write a table, a report and figures",
		UsageText: "rinsim reproduce [--reps N] [--seed N] [--robust N [--robust-reps R] | --posterior FILE] [--workers N] [--out DIR]",
		Description: "Runs the default scenario and its counterfactuals (funding x0.5 and x1.5, no network funding,\n" +
			"CWN keeping Arena; each network's funding x0.5, x1.5, x2 for the dose-response figure) with\n" +
			"common random numbers, tests each claim of the thesis as a paired effect with a 95 % interval,\n" +
			"and tests it again in its negative control, the runs without the mechanism the thesis credits.\n" +
			"Verdicts: reproduced (holds, not in its control), built-in (holds in its control too),\n" +
			"calibration input (restates inputs), inconclusive (interval contains 0), contradicted.\n" +
			"Writes claims.csv, report.md, the figures (PNG and SVG) and the data behind them (steps.csv,\n" +
			"firms.csv, entries.csv, compare.csv) to DIR; `rinsim plot --force DIR` redraws the figures.\n" +
			"--robust N reruns every claim at N Latin-hypercube points within +-20 % of the calibrated\n" +
			"values of the invented (assumed) parameters and writes robust.csv: the share of points\n" +
			"where each claim gets each verdict. --posterior FILE (posterior.csv of rinsim calibrate) runs\n" +
			"replication r with a parameter vector drawn from the posterior instead, the same draw for every\n" +
			"claim and negative control of r (paired; a control's own overrides win), so the intervals carry\n" +
			"parameter uncertainty as well as noise.\n\n" +
			"Example:\n   rinsim reproduce --reps 30 --out out/reproduce\n   rinsim reproduce --robust 20 --robust-reps 10",
		Flags: []cli.Flag{scenarioFlag, setFlag, repsFlag(30), seedFlag, workersFlag,
			&cli.IntFlag{Name: "robust", Usage: "rerun the claims at `N` points within +-20 % of the invented parameters (0: off; at most 500)"},
			&cli.IntFlag{Name: "robust-reps", Value: 10, Usage: "replications per robustness point (`R`, 2 to 100)"},
			posteriorFlag,
			&cli.StringFlag{Name: "out", Usage: "output `DIR` (default out/reproduce-<scenario>-<seed>)"}, forceFlag, quietFlag},
		Action: func(c *cli.Context) error { return reproduceAction(c, stdout, stderr) },
	}
}

func reproduceAction(c *cli.Context, stdout, stderr io.Writer) error {
	base, source, err := loadScenario(c.String("scenario"), c.StringSlice("set"))
	if err != nil {
		return err
	}
	reps, seed := c.Int("reps"), c.Uint64("seed")
	if reps < 2 {
		return fmt.Errorf("--reps %d: need at least 2 replications for an interval", reps)
	}
	robust, robustReps := c.Int("robust"), c.Int("robust-reps")
	if robust < 0 || robust > 500 {
		return fmt.Errorf("--robust %d: allowed 0 to 500 points", robust)
	}
	if robustReps < 2 || robustReps > 100 {
		return fmt.Errorf("--robust-reps %d: allowed 2 to 100 replications", robustReps)
	}
	post, postRec, err := loadPosterior(c.String("posterior"), base)
	if err != nil {
		return err
	}
	if post != nil && robust > 0 {
		return fmt.Errorf("--robust %d with --posterior: choose one; --robust varies the invented parameters around their values, --posterior draws them from a calibration", robust)
	}
	points := len(sim.ClaimScenarios(base)) + 3*len(base.Networks)
	if err := checkRuns(points, reps, "--reps"); err != nil {
		return err
	}
	if err := checkPopulation(base, min(sim.Window(c.Int("workers")), points*reps), reps, reproduceBytes(base, points)); err != nil {
		return err
	}
	for _, id := range []string{"oreec", "oslo-medtech", "cwn"} {
		if !hasNetwork(base, id) {
			return fmt.Errorf("reproduce: scenario %s has no network %q; the claims are about the thesis networks", base.Name, id)
		}
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", "reproduce-"+outLabel(source, base)+"-"+strconv.FormatUint(seed, 10))
	}
	l, err := claimOutput(out, c.Bool("force"), base.Name, source)
	if err != nil {
		return err
	}
	defer l.Release()
	var bar *progress.Bar
	if !c.Bool("quiet") {
		bar = progress.New(stderr, "reproduce")
	}
	rp, err := Reproduce(c, base, reps, seed, c.Int("workers"), post, bar)
	bar.Done()
	if err != nil {
		return failure(err)
	}
	if robust > 0 {
		var rbar *progress.Bar
		if !c.Bool("quiet") {
			rbar = progress.New(stderr, "robust")
		}
		opts := &sim.ExecOptions{Workers: c.Int("workers")}
		rp.robust, err = sim.RunRobust(c.Context, base, robust, robustReps, seed, opts, rbar.Update)
		rbar.Done()
		if err != nil {
			return failure(err)
		}
	}
	m, err := report.NewManifest("reproduce", source, base, seed, c.StringSlice("set"))
	if err != nil {
		return failure(err)
	}
	m.CommandLine = commandLine(c)
	m.Posterior = postRec
	m.Files = []string{"claims.csv", "claims.md", "report.md", "steps.csv", "firms.csv", "entries.csv", "compare.csv"}
	if rp.robust != nil {
		m.Files = append(m.Files, "robust.csv")
	}
	err = atomicdir.Write(out, c.Bool("force"), func(tmp string) error { return rp.write(tmp, m, reps) })
	if err != nil {
		return failure(err)
	}
	if !c.Bool("quiet") {
		printClaims(stdout, rp.Claims)
		fmt.Fprintf(stderr, "wrote %s: claims.csv, report.md, figures and their data\n", out)
	}
	return nil
}

func hasNetwork(s *scenarios.Scenario, id string) bool {
	for _, n := range s.Networks {
		if n.ID == id {
			return true
		}
	}
	return false
}

// Reproduction is what reproduce computes before writing.
type Reproduction struct {
	Claims  []sim.Claim
	steps   [][]string // baseline steps.csv rows, all replications
	firms   *sim.Result
	entries [][]string
	doses   []CompareRow
	base    *scenarios.Scenario
	robust  *sim.Robustness // nil unless --robust
}

// Reproduce runs the claim scenarios and the dose-response scenarios; with
// post, replication r of every scenario draws the same particle.
func Reproduce(c *cli.Context, base *scenarios.Scenario, reps int, seed uint64, workers int, post *sim.Posterior, bar *progress.Bar) (*Reproduction, error) {
	rp := &Reproduction{base: base}
	total := (len(sim.ClaimScenarios(base)) + 3*len(base.Networks)) * reps
	done := 0
	tick := func() { done++; bar.Update(done, total) }
	keep := func(rep int, r *sim.Result) error {
		tick()
		prefix := []string{strconv.Itoa(rep), strconv.FormatUint(sim.RepSeed(seed, rep), 10)}
		for _, st := range r.Steps {
			rp.steps = append(rp.steps, append(append([]string{}, prefix...), report.StepRecord(r.Scenario, st)...))
		}
		if rep == 0 {
			rp.firms = r
		}
		rows, err := entryRows(r)
		for _, row := range rows {
			rp.entries = append(rp.entries, append([]string{strconv.Itoa(rep)}, row...))
		}
		return err
	}
	opts := &sim.ExecOptions{Workers: workers, Progress: func(int, int) {}}
	if post != nil {
		opts.Vary = post.Vary(sim.ClaimScenarios(base))
	}
	runs, err := sim.RunClaims(c.Context, base, reps, seed, opts, func(rep int, r *sim.Result) error { return keep(rep, r) })
	if err != nil {
		return nil, err
	}
	done = len(sim.ClaimScenarios(base)) * reps
	rp.Claims = runs.Claims()
	rp.doses, err = doseResponse(c, base, reps, seed, workers, post, tick)
	return rp, err
}

// doseResponse runs each network's funding at x0.5, x1.5 and x2 and
// tabulates them with the baseline, as compare.csv does.
func doseResponse(c *cli.Context, base *scenarios.Scenario, reps int, seed uint64, workers int, post *sim.Posterior, tick func()) ([]CompareRow, error) {
	points := []sim.Point{{Label: "baseline"}}
	for _, p := range BudgetScenarios(base) {
		if strings.Contains(p.Label, "-x") {
			points = append(points, p)
		}
	}
	d := &sim.Design{Base: base, Points: points, Reps: reps, Seed: seed}
	if post != nil {
		d.Vary = post.Vary(points)
	}
	scns, err := d.Scenarios()
	if err != nil {
		return nil, err
	}
	acc := newCompareAcc(d)
	err = sim.Execute(c.Context, scns, d.Jobs(), &sim.ExecOptions{Workers: workers, Vary: d.Vary}, func(o sim.Outcome) error {
		if o.Job.Point > 0 {
			tick()
		}
		return acc.addOutcome(o)
	})
	return acc.table(), err
}

// entryRows renders a run's entries.csv rows.
func entryRows(r *sim.Result) ([][]string, error) {
	var b strings.Builder
	if err := report.WriteEntries(&b, r); err != nil {
		return nil, err
	}
	t, err := plots.ParseTable(b.String())
	if err != nil {
		return nil, err
	}
	return t.Rows, nil
}

func (rp *Reproduction) write(dir string, m *report.Manifest, reps int) error {
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"claims.csv", rp.writeClaims},
		{"claims.md", func(w io.Writer) error { _, err := io.WriteString(w, ClaimsTable(claimRows(rp.Claims))); return err }},
		{"steps.csv", func(w io.Writer) error {
			return writeTable(w, append([]string{"rep", "seed"}, report.StepsHeader(rp.base.Stages)...), rp.steps)
		}},
		{"firms.csv", func(w io.Writer) error { return report.WriteFirms(w, rp.firms) }},
		{"entries.csv", func(w io.Writer) error {
			return writeTable(w, append([]string{"rep"}, report.EntriesHeader()...), rp.entries)
		}},
		{"compare.csv", func(w io.Writer) error { return writeCompare(w, rp.doses) }},
		{"manifest.json", m.Write},
	}
	if rp.robust != nil {
		files = append(files, struct {
			name  string
			write func(io.Writer) error
		}{"robust.csv", rp.writeRobust})
	}
	for _, f := range files {
		if err := atomicdir.WriteFile(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	figs, err := plots.FromDir(dir)
	if err != nil {
		return err
	}
	// The dose-response figure shows the budget scenarios; their one-by-one
	// differences belong to compare's report.
	figs = slices.DeleteFunc(figs, func(f plots.Figure) bool { return strings.HasPrefix(f.Name, "diff-") })
	if _, err := saveFigures(figs, dir); err != nil {
		return err
	}
	return atomicdir.WriteFile(filepath.Join(dir, "report.md"), func(w io.Writer) error { return rp.writeReport(w, m, reps, figs) })
}

func writeTable(w io.Writer, header []string, rows [][]string) error {
	return report.WriteRows(w, header, func(emit func([]string) error) error {
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// claimsHeader is claims.csv's header.
var claimsHeader = []string{"claim", "section", "measure", "effect", "ci_low", "ci_high", "holds",
	"control", "control_effect", "control_ci_low", "control_ci_high", "verdict"}

// claimRows are claims.csv's rows.
func claimRows(claims []sim.Claim) [][]string {
	rows := make([][]string, len(claims))
	for k, c := range claims {
		rows[k] = []string{strconv.Itoa(c.ID) + ". " + c.Text, c.Section, c.Measure,
			report.Num(c.Effect.Mean), report.Num(c.Effect.Low), report.Num(c.Effect.High), strconv.FormatBool(c.Holds),
			controlName(c), report.Num(c.ControlEffect.Mean), report.Num(c.ControlEffect.Low), report.Num(c.ControlEffect.High),
			c.Verdict}
	}
	return rows
}

func (rp *Reproduction) writeClaims(w io.Writer) error {
	return writeTable(w, claimsHeader, claimRows(rp.Claims))
}

// ClaimsTable renders rows of claims.csv as the Markdown table that
// report.md and the README show, so the two cannot differ.
func ClaimsTable(rows [][]string) string {
	var b strings.Builder
	b.WriteString("| claim | thesis section | effect [95 % CI] | negative control | control effect [95 % CI] | verdict |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r[0], r[1], csvInterval(r[3], r[4], r[5]), r[7], csvInterval(r[8], r[9], r[10]), r[11])
	}
	return b.String()
}

// csvInterval formats an effect and its interval from CSV fields with three
// significant digits.
func csvInterval(mean, lo, hi string) string {
	f := func(s string) string {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) {
			return "NA"
		}
		return strconv.FormatFloat(x, 'g', 3, 64)
	}
	if f(mean) == "NA" {
		return "NA"
	}
	if f(lo) == "NA" {
		return f(mean)
	}
	return fmt.Sprintf("%s [%s, %s]", f(mean), f(lo), f(hi))
}

// robustVerdicts are robust.csv's verdict columns, in order.
var robustVerdicts = []string{sim.ClaimReproduced, sim.ClaimBuiltIn, sim.ClaimInput, sim.ClaimInconclusive, sim.ClaimContradicted}

func (rp *Reproduction) writeRobust(w io.Writer) error {
	header := []string{"claim", "points"}
	for _, v := range robustVerdicts {
		header = append(header, "share_"+strings.ReplaceAll(v, " ", "_"))
	}
	return report.WriteRows(w, header, func(emit func([]string) error) error {
		for _, c := range rp.Claims {
			row := []string{strconv.Itoa(c.ID) + ". " + c.Text, strconv.Itoa(rp.robust.Points)}
			for _, v := range robustVerdicts {
				row = append(row, report.Num(rp.robust.Share(c.ID, v)))
			}
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	})
}

func printClaims(w io.Writer, claims []sim.Claim) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "claim\tthesis\teffect [95% CI]\tcontrol\tcontrol effect [95% CI]\tverdict")
	for _, c := range claims {
		fmt.Fprintf(tw, "%d. %s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Text, c.Section, effectText(c.Effect), controlName(c), effectText(c.ControlEffect), c.Verdict)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nMeasures:")
	for _, c := range claims {
		fmt.Fprintf(w, "  %d. %s\n", c.ID, c.Measure)
	}
}

// controlName is the control's short name for tables.
func controlName(c sim.Claim) string {
	if c.Input {
		return "none (restates inputs)"
	}
	return c.Control
}

func effectText(iv sim.Interval) string {
	if math.IsNaN(iv.Mean) {
		return "NA"
	}
	if math.IsNaN(iv.Low) {
		return fmt.Sprintf("%.4f", iv.Mean)
	}
	return fmt.Sprintf("%.4f [%.4f, %.4f]", iv.Mean, iv.Low, iv.High)
}

func (rp *Reproduction) writeReport(w io.Writer, m *report.Manifest, reps int, figs []plots.Figure) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# rinsim: the thesis's claims on model output\n\n")
	fmt.Fprintf(&b, "Scenario `%s` (SHA-256 `%.12s`), master seed %d, %d replications per run with common random numbers; rinsim %s (commit %s, %s).\n\n",
		m.Scenario, m.ScenarioHash, m.Seed, reps, m.Version, m.Commit, m.GoVersion)
	fmt.Fprintf(&b, "Regenerate: `%s`; redraw the figures: `rinsim plot --force DIR`.\n\n", m.CommandLine)
	b.WriteString("The claims are those the master thesis makes about the three networks (see References). Each is measured on the " +
		"runs as a paired effect with its 95 % t interval. It **holds** when the interval lies above zero. Each claim is measured " +
		"again in its **negative control**, the same runs without the mechanism the thesis credits for it. Verdicts: " +
		"**reproduced** (holds, and does not hold in its control); **built-in** (holds in its control too, so the model assumes " +
		"it rather than explains it); **calibration input** (the claim restates inputs of the scenario); **inconclusive** " +
		"(the interval contains zero); **contradicted** (the interval lies below zero). Verdicts are computed, never written in.\n\n")
	refs := []string{report.RefThesis, report.RefUppsala, report.RefUppsala2009, report.RefODD, report.RefCRN, report.RefStudentT, report.RefOkabeIto}
	if m.Posterior != nil {
		b.WriteString(posteriorText(m.Posterior, "claim scenario and negative control") + "\n\n")
		refs = append(refs, report.RefToni, report.RefBeaumont)
	}
	b.WriteString(ClaimsTable(claimRows(rp.Claims)))
	b.WriteString("\n## Measures\n\n")
	for _, c := range rp.Claims {
		fmt.Fprintf(&b, "%d. %s\n", c.ID, c.Measure)
	}
	if rp.robust != nil {
		fmt.Fprintf(&b, "\n## Robustness\n\nEvery claim rerun at %d Latin-hypercube points within +-%.0f %% of the calibrated values of the %d invented parameters (robust.csv): share of points with each verdict.\n\n",
			rp.robust.Points, 100*sim.RobustSpread, len(sim.InventedParams(rp.base)))
		b.WriteString("| claim | " + strings.Join(robustVerdicts, " | ") + " |\n|---|" + strings.Repeat("---|", len(robustVerdicts)) + "\n")
		for _, c := range rp.Claims {
			fmt.Fprintf(&b, "| %d. %s |", c.ID, c.Text)
			for _, v := range robustVerdicts {
				fmt.Fprintf(&b, " %.2f |", rp.robust.Share(c.ID, v))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n## Negative controls\n\n")
	for _, ctl := range sim.ClaimControls() {
		fmt.Fprintf(&b, "- `%s`: %s\n", ctl[0], ctl[1])
	}
	fmt.Fprintf(&b, "\n## Seeds\n\nEvery run of replication r uses the same seed in every scenario (common random numbers):\n\n| replication | seed |\n|---|---|\n")
	for r := range reps {
		fmt.Fprintf(&b, "| %d | %d |\n", r, sim.RepSeed(m.Seed, r))
	}
	if len(m.Overrides) > 0 {
		fmt.Fprintf(&b, "\nOverrides of the scenario: `%s`.\n", strings.Join(m.Overrides, "`, `"))
	}
	b.WriteString("\nmanifest.json holds every parameter of the scenario.\n\n## Figures\n\n")
	for _, f := range figs {
		fmt.Fprintf(&b, "### %s\n\n![%s](%s.png)\n\n", f.Title, f.Title, f.Name)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return report.WriteReferences(w, refs...)
}

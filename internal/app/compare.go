package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/BurntSushi/toml"
	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/experiment"
	"github.com/rinsim/rinsim/internal/lock"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/plots"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// Flags shared by the experiment commands.
var (
	repsFlag = func(def int) *cli.IntFlag {
		return &cli.IntFlag{Name: "reps", Value: def, Usage: "replications `R` per scenario or design point"}
	}
	workersFlag = &cli.IntFlag{Name: "workers", Value: 0, Usage: "parallel runs `W` (0: one per CPU); results do not depend on it"}
	seedFlag    = &cli.Uint64Flag{Name: "seed", Value: 1, Usage: "master `SEED`; replication r uses the same streams in every scenario"}
	forceFlag   = &cli.BoolFlag{Name: "force", Usage: "replace DIR if it holds another experiment"}
	quietFlag   = &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no table and no progress"}
)

// compareMetrics are the outcomes compared between scenarios: summary.csv
// columns, then totals over the group that cost per extra entry needs
// (entries and entrants are the per-member rates times members).
var compareMetrics = []string{"entrant_share", "entries_per_member", "mean_quarters_to_first_entry", "channels",
	"peer_shares_per_member", "mean_channels", "funding_total_nok", "members", "entries", "entrants"}

// derivedMetrics are compareMetrics computed from two runs.csv columns as a product.
var derivedMetrics = map[string][2]string{
	"entries":  {"entries_per_member", "members"},
	"entrants": {"entrant_share", "members"},
}

func compareCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "compare budget scenarios with replications, common random numbers and 95 % intervals",
		UsageText: "rinsim compare [--scenario NAME|FILE] [--scenarios FILE] [--reps N] [--seed N] [--workers N] [--out DIR]",
		Description: "Runs a set of named scenarios, each a list of key=value overrides of the base scenario:\n" +
			"the built-in set (baseline; each network's funding at 0.5x, 1.5x, 2x; a network keeping its\n" +
			"Arena/NCE programme to the end; all networks losing their national programmes) plus those of\n" +
			"--scenarios FILE. Replication r uses the same seed in every scenario, so differences from the\n" +
			"baseline are paired. Writes runs.csv (one row per scenario, replication and network),\n" +
			"compare.csv (mean, 95 % interval and paired difference from the baseline), report.md (the\n" +
			"policy report: effects in words, NOK per additional entry, figures) and the figures. Rerun the same\n" +
			"command to resume after an interruption.\n\n" +
			"A --scenarios FILE is TOML:\n   [[scenario]]\n   name = \"medtech-cut\"\n   set = [\"funding.oslo-medtech.scale=0.5\"]\n\n" +
			"Example:\n   rinsim compare --reps 30 --workers 2 --out out/compare",
		Flags: []cli.Flag{scenarioFlag, &cli.StringFlag{Name: "scenarios", Usage: "TOML `FILE` of extra named scenarios"},
			setFlag, repsFlag(30), seedFlag, workersFlag,
			&cli.StringFlag{Name: "out", Usage: "output `DIR` (default out/compare-<scenario>-<seed>)"},
			&cli.BoolFlag{Name: "builtin", Value: true, Usage: "include the built-in scenario set (--builtin=false: baseline and FILE only)"},
			posteriorFlag, forceFlag, quietFlag},
		Action: func(c *cli.Context) error { return compareAction(c, stdout, stderr) },
	}
}

func compareAction(c *cli.Context, stdout, stderr io.Writer) error {
	base, source, err := loadScenario(c.String("scenario"), c.StringSlice("set"))
	if err != nil {
		return err
	}
	points := []sim.Point{{Label: "baseline"}}
	if c.Bool("builtin") {
		points = append(points, BudgetScenarios(base)...)
	}
	if f := c.String("scenarios"); f != "" {
		extra, err := readScenarioSet(f)
		if err != nil {
			return err
		}
		points = append(points, extra...)
	}
	if err := uniqueLabels(points); err != nil {
		return err
	}
	if c.Int("reps") < 2 {
		return fmt.Errorf("--reps %d: need at least 2 replications for an interval", c.Int("reps"))
	}
	if err := checkRuns(len(points), c.Int("reps"), "--scenarios"); err != nil {
		return err
	}
	d := &sim.Design{Base: base, Points: points, Reps: c.Int("reps"), Seed: c.Uint64("seed")}
	post, postRec, err := loadPosterior(c.String("posterior"), base)
	if err != nil {
		return err
	}
	if post != nil {
		d.Vary = post.Vary(points)
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", "compare-"+outLabel(source, base)+"-"+strconv.FormatUint(d.Seed, 10))
	}
	acc := newCompareAcc(d)
	ranks := newRankAcc(d)
	cfg := &experiment.Config{Dir: out, Force: c.Bool("force"), Command: "compare", CommandLine: commandLine(c), Source: source, Design: d,
		Shard: experiment.Shard{I: 0, N: 1}, Workers: c.Int("workers"), KeyColumns: []string{"scenario"}, Posterior: postRec,
		KeyValues: func(p int) []string { return []string{points[p].Label} },
		OnRows: func(j sim.Job, rows [][]string) error {
			ranks.add(j, rows)
			return acc.add(j, rows)
		}}
	if !c.Bool("quiet") {
		cfg.Progress = stderr
	}
	l, err := lock.Acquire(out)
	if err != nil {
		return err
	}
	defer l.Release()
	if _, err := runExperiment(c, cfg, compareBytes(base)); err != nil {
		return err
	}
	rows := acc.table()
	if err := atomicdir.ReplaceFile(filepath.Join(out, "compare.csv"), func(w io.Writer) error { return writeCompare(w, rows) }); err != nil {
		return failure(err)
	}
	prov, err := provenance(c, source, base, d)
	if err != nil {
		return failure(err)
	}
	prov.References = []string{report.RefCRN, report.RefStudentT}
	rep := &compareReport{Scenario: base.Name, Seed: d.Seed, Reps: d.Reps, Points: points, Rows: rows, Effects: acc.effects(),
		Provenance: prov}
	if post != nil {
		rep.Posterior = ranks.text(c.String("posterior"), post)
		rep.Provenance.References = append(rep.Provenance.References, report.RefToni, report.RefBeaumont)
	}
	if err := writeCompareReport(out, rep); err != nil {
		return failure(err)
	}
	if post != nil {
		if err := atomicdir.ReplaceFile(filepath.Join(out, "ranks.csv"), ranks.write); err != nil {
			return failure(err)
		}
	}
	if !c.Bool("quiet") {
		printCompare(stdout, rows)
		if post != nil {
			ranks.print(stdout)
		}
		fmt.Fprintf(stderr, "wrote %s: report.md, runs.csv, compare.csv, manifest.json and %d figures\n", out, len(rep.Figures))
	}
	return nil
}

// writeCompareReport draws the figures of a compare folder and writes its
// report.md.
func writeCompareReport(dir string, rep *compareReport) error {
	figs, err := plots.FromDir(dir)
	if err != nil {
		return err
	}
	if _, err := saveFigures(figs, dir); err != nil {
		return err
	}
	rep.Figures = figs
	return atomicdir.ReplaceFile(filepath.Join(dir, "report.md"), rep.write)
}

// provenance is the "How this was made" of an experiment's report.md.
func provenance(c *cli.Context, source string, base *scenarios.Scenario, d *sim.Design) (report.Provenance, error) {
	hash, err := report.ScenarioHash(base)
	if err != nil {
		return report.Provenance{}, err
	}
	p := report.Provenance{CommandLine: commandLine(c), Scenario: base.Name, Source: source,
		Builtin: slices.Contains(scenarios.BuiltinNames(), source), ScenarioHash: hash, MasterSeed: d.Seed}
	for r := range d.Reps {
		p.Seeds = append(p.Seeds, sim.RepSeed(d.Seed, r))
	}
	return p, nil
}

// runExperiment runs cfg and sorts its errors: design and directory
// problems are input errors; failures during the runs are runtime errors.
// keptPerRun is what the command keeps of each run for its tables (bytes),
// for the memory check.
func runExperiment(c *cli.Context, cfg *experiment.Config, keptPerRun float64) (int, error) {
	scns, err := cfg.Design.Scenarios()
	if err != nil {
		return 0, err
	}
	largest := scns[0]
	for _, s := range scns {
		if population(s) > population(largest) {
			largest = s
		}
	}
	runs := len(scns) * cfg.Design.Reps
	if err := checkPopulation(largest, min(sim.Window(cfg.Workers), runs), runs, keptPerRun); err != nil {
		return 0, err
	}
	n, err := experiment.Run(c.Context, cfg)
	if errors.Is(err, experiment.ErrOutput) {
		return n, err
	}
	return n, failure(err)
}

// BudgetScenarios is the built-in comparison set for base: each network's
// funding at 0.5x, 1.5x and 2x; each network keeping an Arena or NCE
// programme that ends early to the last year; and all networks without their
// national cluster programmes (VRI, Arena, NCE; T3.5).
func BudgetScenarios(base *scenarios.Scenario) []sim.Point {
	var ps []sim.Point
	for _, n := range base.Networks {
		for _, f := range []string{"0.5", "1.5", "2"} {
			ps = append(ps, sim.Point{Label: n.ID + "-x" + f, Set: []string{"funding." + n.ID + ".scale=" + f}})
		}
	}
	end := base.End.Year()
	var cut []string
	for _, n := range base.Networks {
		for _, st := range n.Streams {
			if !nationalProgramme(st.Source) {
				continue
			}
			cut = append(cut, fmt.Sprintf("network.%s.stream.%s.nok_per_year=0", n.ID, st.ID))
			if (st.Source == "arena" || st.Source == "nce") && st.To < end {
				ps = append(ps, sim.Point{Label: n.ID + "-keeps-" + st.ID,
					Set: []string{fmt.Sprintf("network.%s.stream.%s.to=%d", n.ID, st.ID, end)}})
			}
		}
	}
	if len(cut) > 0 {
		ps = append(ps, sim.Point{Label: "no-national-programmes", Set: cut})
	}
	return ps
}

func nationalProgramme(source string) bool {
	return source == "vri" || source == "arena" || source == "nce"
}

func readScenarioSet(path string) ([]sim.Point, error) {
	b, err := scenarios.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--scenarios: %w", err)
	}
	return parseScenarioSet(b, path)
}

// parseScenarioSet parses the text b of --scenarios path, which
// scenarios.ReadFile has checked for size and depth.
func parseScenarioSet(b []byte, path string) ([]sim.Point, error) {
	var f struct {
		Scenario []struct {
			Name string   `toml:"name"`
			Set  []string `toml:"set"`
		} `toml:"scenario"`
	}
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&f)
	if err != nil {
		return nil, fmt.Errorf("--scenarios %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("--scenarios %s: unknown field %q (want [[scenario]] with name and set)", path, und[0].String())
	}
	var ps []sim.Point
	for k, s := range f.Scenario {
		if s.Name == "" || strings.ContainsAny(s.Name, ",\"") || strings.ContainsFunc(s.Name, unicode.IsControl) {
			return nil, fmt.Errorf("--scenarios %s: scenario %d: name %q must be non-empty, without commas, quotes or newlines", path, k+1, s.Name)
		}
		if len(s.Name) > maxLabelBytes {
			return nil, fmt.Errorf("--scenarios %s: scenario %d: name of %d bytes, at most %d (it labels tables and names a figure file)", path, k+1, len(s.Name), maxLabelBytes)
		}
		ps = append(ps, sim.Point{Label: s.Name, Set: s.Set})
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("--scenarios %s: no [[scenario]] entries", path)
	}
	return ps, nil
}

// maxLabelBytes is the longest scenario name: names head table rows and,
// made safe by plots.FileName, name figure files, which file systems limit
// to 255 bytes.
const maxLabelBytes = 100

// uniqueLabels refuses a scenario name used twice, and two names that give
// one figure file (plots.FileName maps "my cut" and "my_cut" alike), whose
// difference figures would overwrite each other.
func uniqueLabels(ps []sim.Point) error {
	seen := map[string]bool{}
	files := map[string]string{}
	for _, p := range ps {
		if seen[p.Label] {
			return fmt.Errorf("scenario name %q is used twice", p.Label)
		}
		seen[p.Label] = true
		name := plots.FileName(p.Label)
		if other, ok := files[name]; ok {
			return fmt.Errorf("scenario names %q and %q both give the figure file diff-%s.png; rename one", other, p.Label, name)
		}
		files[name] = p.Label
	}
	return nil
}

// compareAcc keeps, per scenario, group row and metric, one value per replication.
type compareAcc struct {
	d      *sim.Design
	cols   [][2]int               // per metric: its runs.csv column, or the two whose product it is (else -1)
	values map[[2]int][][]float64 // (point, row in job) -> metric -> rep
	labels map[[2]int]string      // "network/group"
	rows   int
}

func newCompareAcc(d *sim.Design) *compareAcc {
	h := experiment.RunsHeader([]string{"scenario"})
	a := &compareAcc{d: d, values: map[[2]int][][]float64{}, labels: map[[2]int]string{}}
	for _, m := range compareMetrics {
		if f, ok := derivedMetrics[m]; ok {
			i, _ := report.Column(h, f[0], "runs.csv")
			j, _ := report.Column(h, f[1], "runs.csv")
			a.cols = append(a.cols, [2]int{i, j})
			continue
		}
		i, _ := report.Column(h, m, "runs.csv")
		a.cols = append(a.cols, [2]int{i, -1})
	}
	return a
}

// addOutcome adds a finished job run outside an experiment folder, as
// runs.csv would hold it.
func (a *compareAcc) addOutcome(o sim.Outcome) error {
	rows := make([][]string, len(o.Summaries))
	for k, s := range o.Summaries {
		rows[k] = append([]string{a.d.Points[o.Job.Point].Label, strconv.Itoa(o.Job.Rep), strconv.FormatUint(o.Job.Seed, 10)}, report.SummaryRecord(s)...)
	}
	return a.add(o.Job, rows)
}

func cell(s string) float64 {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN() // "NA"
	}
	return x
}

func (a *compareAcc) add(j sim.Job, rows [][]string) error {
	h := experiment.RunsHeader([]string{"scenario"})
	netCol, _ := report.Column(h, "network", "runs.csv")
	grpCol, _ := report.Column(h, "group", "runs.csv")
	for r, row := range rows {
		key := [2]int{j.Point, r}
		if _, ok := a.values[key]; !ok {
			vals := make([][]float64, len(compareMetrics))
			for m := range vals {
				vals[m] = make([]float64, a.d.Reps)
				for k := range vals[m] {
					vals[m][k] = math.NaN()
				}
			}
			a.values[key] = vals
			a.labels[key] = row[netCol] + "/" + row[grpCol]
		}
		for m, col := range a.cols {
			x := cell(row[col[0]])
			if col[1] >= 0 {
				x *= cell(row[col[1]])
			}
			a.values[key][m][j.Rep] = x
		}
		a.rows = max(a.rows, r+1)
	}
	return nil
}

// CompareRow is one line of compare.csv.
type CompareRow struct {
	Scenario, Network, Group, Metric string
	Value, Diff                      sim.Interval
}

func (a *compareAcc) table() []CompareRow {
	var out []CompareRow
	for p, pt := range a.d.Points {
		for r := 0; r < a.rows; r++ {
			vals, ok := a.values[[2]int{p, r}]
			if !ok {
				continue
			}
			base := a.values[[2]int{0, r}]
			net, grp, _ := strings.Cut(a.labels[[2]int{p, r}], "/")
			for m, name := range compareMetrics {
				row := CompareRow{Scenario: pt.Label, Network: net, Group: grp, Metric: name,
					Value: sim.MeanCI(vals[m], 0.95)}
				if base != nil && a.labels[[2]int{0, r}] == a.labels[[2]int{p, r}] {
					row.Diff = sim.PairedDiff(base[m], vals[m], 0.95)
				} else {
					row.Diff = sim.Interval{Mean: math.NaN(), Low: math.NaN(), High: math.NaN()}
				}
				out = append(out, row)
			}
		}
	}
	return out
}

func writeCompare(w io.Writer, rows []CompareRow) error {
	num := report.Num
	var b strings.Builder
	b.WriteString("scenario,network,group,metric,mean,ci_low,ci_high,n,diff,diff_ci_low,diff_ci_high,n_pairs\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%d,%s,%s,%s,%d\n", r.Scenario, r.Network, r.Group, r.Metric,
			num(r.Value.Mean), num(r.Value.Low), num(r.Value.High), r.Value.N,
			num(r.Diff.Mean), num(r.Diff.Low), num(r.Diff.High), r.Diff.N)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// printCompare prints one line per scenario, network and group: the mean
// entrant share and entries per member with the paired difference from the
// baseline and its 95 % interval, then a note on how to read it.
func printCompare(w io.Writer, rows []CompareRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tnetwork\tentrant share\tchange [95 % interval]\tentries/member\tchange [95 % interval]\tquarters to 1st entry\tchannels")
	reps := 0
	for k := 0; k+len(compareMetrics) <= len(rows); k += len(compareMetrics) {
		r := rows[k : k+len(compareMetrics)]
		net := r[0].Network
		if r[0].Group != "member" {
			net += " (" + r[0].Group + ")"
		}
		reps = max(reps, r[0].Value.N)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r[0].Scenario, net, report.Fixed(r[0].Value.Mean, 3), signed(r[0].Diff),
			report.Fixed(r[1].Value.Mean, 3), signed(r[1].Diff), report.Fixed(r[2].Value.Mean, 1), report.Fixed(r[3].Value.Mean, 1))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nMeans over %d replications. \"change\": the scenario minus the baseline, paired by replication\n"+
		"(both use the same random numbers), with its 95 %% interval. The intervals of the means are in compare.csv.\n", reps)
}

func signed(iv sim.Interval) string {
	if math.IsNaN(iv.Mean) || math.IsNaN(iv.Low) {
		return "NA"
	}
	return fmt.Sprintf("%+.3f [%+.3f, %+.3f]", iv.Mean, iv.Low, iv.High)
}

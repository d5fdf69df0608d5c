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
	"github.com/rinsim/rinsim/internal/experiment"
	"github.com/rinsim/rinsim/internal/lock"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/internal/suggest"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

func sensitivityCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "sensitivity",
		Usage:     "global sensitivity analysis: Morris elementary effects or Sobol indices with bootstrap intervals",
		UsageText: "rinsim sensitivity --method morris|sobol --param key=lo:hi ... [--n N] [--second-order] [--reps R] [--outcome COLUMN] [--network ID|all]",
		Description: "Morris (--n trajectories, default 20): mu*, mu and sigma of the elementary effects per parameter,\n" +
			"with a bootstrap interval for mu*; (k+1) x n design points. Sobol (--n base samples, default 256):\n" +
			"first-order S1 (Saltelli et al. 2010) and total ST (Jansen 1999) indices, with --second-order also\n" +
			"S2 per pair of parameters, by Saltelli sampling from a Sobol' sequence (randomly shifted by --seed)\n" +
			"with percentile bootstrap intervals; (k+2) x n\n" +
			"design points, (2k+2) x n with S2. Indices that show the design is too small (S1 above ST beyond\n" +
			"the interval, negative, above 1, interval wider than 0.3) are flagged on stderr and in the\n" +
			"warning column of indices.csv. Each point runs --reps replications (common random numbers)\n" +
			"and the outcome is their mean: a summary.csv column, averaged over the members of all networks\n" +
			"(--network all, weighted by members) or of one network. Writes runs.csv and indices.csv; rerun\n" +
			"the same command to resume.\n\n" +
			"Example:\n   rinsim sensitivity --method sobol --param funding.scale=0.5:2 --param peer.seek_prob=0:0.6 \\\n" +
			"      --param firm.step_rate=0.1:0.4 --n 1024 --reps 4 --outcome entrant_share --out out/sobol",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "method", Usage: "`morris` or `sobol`", Required: true},
			&cli.StringSliceFlag{Name: "param", Usage: "parameter `key=lo:hi` (repeatable)", Required: true},
			&cli.IntFlag{Name: "n", Usage: "Morris trajectories or Sobol base samples `N` (default 20 or 256)"},
			&cli.IntFlag{Name: "levels", Value: 4, Usage: "Morris grid `levels`"},
			&cli.BoolFlag{Name: "second-order", Usage: "Sobol: also second-order indices S2 (doubles the design)"},
			&cli.IntFlag{Name: "bootstrap", Value: 1000, Usage: "bootstrap resamples `B` for the intervals"},
			&cli.StringFlag{Name: "outcome", Value: "entries_per_member", Usage: "summary.csv `COLUMN` to analyse"},
			&cli.StringFlag{Name: "network", Value: "all", Usage: "network `ID`, or all"},
			scenarioFlag, setFlag, repsFlag(3), seedFlag, workersFlag,
			&cli.StringFlag{Name: "out", Usage: "output `DIR` (default out/<method>-<scenario>-<seed>)"},
			forceFlag, quietFlag,
		},
		Action: func(c *cli.Context) error { return sensitivityAction(c, stdout, stderr) },
	}
}

type sensitivitySpec struct {
	method  string
	factors []sim.Factor
	n, reps int
	outcome string
	network string
	unit    [][]float64 // design in the unit cube
	values  [][]float64 // design in parameter units
	boot    int
	levels  int
	second  bool // Sobol: S2 as well
	seed    uint64
	cols    struct{ network, group, members, outcome int } // in runs.csv
}

func parseSensitivity(c *cli.Context) (*sensitivitySpec, error) {
	sp := &sensitivitySpec{method: c.String("method"), n: c.Int("n"), reps: c.Int("reps"), outcome: c.String("outcome"),
		network: c.String("network"), boot: c.Int("bootstrap"), levels: c.Int("levels"), second: c.Bool("second-order"), seed: c.Uint64("seed")}
	switch sp.method {
	case "morris":
		if sp.n == 0 {
			sp.n = 20
		}
		if sp.levels < 2 {
			return nil, fmt.Errorf("--levels %d: need at least 2", sp.levels)
		}
		if sp.second {
			return nil, fmt.Errorf("--second-order: only with --method sobol")
		}
	case "sobol":
		if sp.n == 0 {
			sp.n = 256
		}
	default:
		return nil, fmt.Errorf("--method %q: want morris or sobol", sp.method)
	}
	if sp.n < 2 || sp.reps < 1 || sp.boot < 0 {
		return nil, fmt.Errorf("--n %d, --reps %d, --bootstrap %d: need n >= 2, reps >= 1, bootstrap >= 0", sp.n, sp.reps, sp.boot)
	}
	if sp.boot > maxBootstrap {
		return nil, fmt.Errorf("--bootstrap %d: at most %d resamples (1,000 to 10,000 give a 95 %% percentile interval)", sp.boot, maxBootstrap)
	}
	if product([]int{sp.boot, sp.n}, math.MaxInt/2) > maxBootstrapWork {
		return nil, fmt.Errorf("--bootstrap %d x --n %d: over the limit of %d resampled units per index; lower --bootstrap", sp.boot, sp.n, maxBootstrapWork)
	}
	if sp.method == "sobol" && len(c.StringSlice("param")) < 2 {
		return nil, fmt.Errorf("--method sobol: need at least 2 --param")
	}
	if outcomes := numericOutcomes(); !slices.Contains(outcomes, sp.outcome) {
		return nil, fmt.Errorf("--outcome %q: want a numeric summary.csv column%s: %s", sp.outcome, didYouMean(sp.outcome, outcomes), strings.Join(outcomes, ", "))
	}
	return sp, nil
}

func sensitivityAction(c *cli.Context, stdout, stderr io.Writer) error {
	base, source, err := loadScenario(c.String("scenario"), c.StringSlice("set"))
	if err != nil {
		return err
	}
	sp, err := parseSensitivity(c)
	if err != nil {
		return err
	}
	if ids := networkIDs(base); sp.network != "all" && !slices.Contains(ids, sp.network) {
		return fmt.Errorf("--network %q: not a network of scenario %s%s; want all or one of: %s",
			sp.network, base.Name, didYouMean(sp.network, ids), strings.Join(ids, ", "))
	}
	for _, spec := range c.StringSlice("param") {
		f, err := sim.ParseFactor(spec, base, false)
		if err != nil {
			return err
		}
		if f.Lo == f.Hi {
			return fmt.Errorf("--param %s: lo = hi leaves nothing to vary", f.Key)
		}
		sp.factors = append(sp.factors, f)
	}
	if err := uniqueFactors(sp.factors); err != nil {
		return err
	}
	k := len(sp.factors)
	perN := k + 1 // Morris: a trajectory has k+1 points
	if sp.method == "sobol" {
		perN = k + 2
		if sp.second {
			perN = 2*k + 2
		}
	}
	if err := checkRuns(product([]int{sp.n, perN}, maxPoints), sp.reps, "--n"); err != nil {
		return err
	}
	if sp.method == "morris" {
		sp.unit = sim.MorrisDesign(k, sp.n, sp.levels, sp.seed)
	} else {
		sp.unit = sim.SaltelliDesign(k, sp.n, sp.second, sp.seed)
	}
	for _, u := range sp.unit {
		v := make([]float64, k)
		for i, f := range sp.factors {
			v[i] = f.Value(u[i])
		}
		sp.values = append(sp.values, v)
	}
	points := sim.PointsOf(sp.factors, sp.values)
	d := &sim.Design{Base: base, Points: points, Reps: sp.reps, Seed: sp.seed}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", sp.method+"-"+outLabel(source, base)+"-"+strconv.FormatUint(sp.seed, 10))
	}
	keys := []string{"point"}
	for _, f := range sp.factors {
		keys = append(keys, f.Key)
	}
	header := experiment.RunsHeader(keys)
	sp.cols.network = slices.Index(header, "network")
	sp.cols.group = slices.Index(header, "group")
	sp.cols.members = slices.Index(header, "members")
	sp.cols.outcome = slices.Index(header, sp.outcome)
	y := newOutcomeAcc(len(points), sp)
	cfg := &experiment.Config{Dir: out, Force: c.Bool("force"), Command: "sensitivity", CommandLine: commandLine(c), Source: source, Design: d,
		Shard: experiment.Shard{I: 0, N: 1}, Workers: c.Int("workers"), KeyColumns: keys,
		KeyValues: func(p int) []string {
			v := []string{points[p].Label}
			for i, f := range sp.factors {
				v = append(v, f.Format(sp.values[p][i]))
			}
			return v
		},
		Extra: map[string]any{"method": sp.method, "factors": sp.factors, "n": sp.n, "levels": sp.levels, "second_order": sp.second,
			"outcome": sp.outcome, "network": sp.network},
		OnRows: y.add,
	}
	if !c.Bool("quiet") {
		cfg.Progress = stderr
	}
	l, err := lock.Acquire(out)
	if err != nil {
		return err
	}
	defer l.Release()
	if _, err := runExperiment(c, cfg, 0); err != nil {
		return err
	}
	idx := sp.indices(y.means())
	if err := atomicdir.ReplaceFile(filepath.Join(out, "indices.csv"), func(w io.Writer) error { return writeIndices(w, sp, idx) }); err != nil {
		return failure(err)
	}
	warnSmallDesign(stderr, sp, idx)
	if !c.Bool("quiet") {
		printIndices(stdout, sp, idx)
		fmt.Fprintf(stderr, "%d design points x %d replications; wrote %s: runs.csv, indices.csv, manifest.json\n", len(points), sp.reps, out)
	}
	return nil
}

// numericOutcomes are the summary.csv columns --outcome takes: all but the
// text columns network and group.
func numericOutcomes() []string {
	var out []string
	for _, c := range report.SummaryHeader() {
		if c != "network" && c != "group" {
			out = append(out, c)
		}
	}
	return out
}

func networkIDs(s *scenarios.Scenario) []string {
	ids := make([]string, len(s.Networks))
	for i, n := range s.Networks {
		ids[i] = n.ID
	}
	return ids
}

// didYouMean is " (did you mean "x"?)" for the candidate nearest to word,
// or "" when none is near.
func didYouMean(word string, candidates []string) string {
	if near := suggest.Nearest(word, candidates); near != "" {
		return fmt.Sprintf(" (did you mean %q?)", near)
	}
	return ""
}

func (sp *sensitivitySpec) indices(y []float64) []sim.Index {
	if sp.method == "morris" {
		return sim.MorrisIndices(sp.unit, y, len(sp.factors), sp.boot, 0.95, sp.seed)
	}
	return sim.SobolIndices(y, len(sp.factors), sp.second, sp.boot, 0.95, sp.seed)
}

// outcomeAcc averages the outcome per design point over replications.
type outcomeAcc struct {
	sum []float64
	n   []int
	sp  *sensitivitySpec
}

func newOutcomeAcc(points int, sp *sensitivitySpec) *outcomeAcc {
	return &outcomeAcc{sum: make([]float64, points), n: make([]int, points), sp: sp}
}

// add takes one run's rows: the members' outcome of one network, or the
// members-weighted mean over all networks.
func (a *outcomeAcc) add(j sim.Job, rows [][]string) error {
	c := a.sp.cols
	var num, den float64
	for _, r := range rows {
		if r[c.group] != "member" || (a.sp.network != "all" && r[c.network] != a.sp.network) {
			continue
		}
		x, err := strconv.ParseFloat(r[c.outcome], 64)
		w, _ := strconv.ParseFloat(r[c.members], 64)
		if err != nil || math.IsNaN(x) {
			continue
		}
		num += w * x
		den += w
	}
	if den > 0 {
		a.sum[j.Point] += num / den
		a.n[j.Point]++
	}
	return nil
}

func (a *outcomeAcc) means() []float64 {
	y := make([]float64, len(a.sum))
	for i := range y {
		y[i] = a.sum[i] / float64(a.n[i]) // NaN if a point never had a value
	}
	return y
}

// paramOf names an index's parameter and, for S2, its second parameter.
func (sp *sensitivitySpec) paramOf(ix sim.Index) (string, string) {
	p2 := ""
	if ix.Factor2 >= 0 {
		p2 = sp.factors[ix.Factor2].Key
	}
	return sp.factors[ix.Factor].Key, p2
}

func writeIndices(w io.Writer, sp *sensitivitySpec, idx []sim.Index) error {
	return report.WriteRows(w, []string{"method", "outcome", "network", "param", "param2", "index", "estimate", "ci_low", "ci_high", "warning"},
		func(emit func([]string) error) error {
			for _, ix := range idx {
				p, p2 := sp.paramOf(ix)
				rec := []string{sp.method, sp.outcome, sp.network, p, p2, ix.Name,
					report.Num(ix.Estimate), report.Num(ix.Low), report.Num(ix.High), ix.Warning}
				if err := emit(rec); err != nil {
					return err
				}
			}
			return nil
		})
}

// warnSmallDesign writes one line per index whose values show that the
// design is too small, even with --quiet: the numbers are not to be trusted.
func warnSmallDesign(w io.Writer, sp *sensitivitySpec, idx []sim.Index) {
	n := 0
	for _, ix := range idx {
		if ix.Warning == "" {
			continue
		}
		p, p2 := sp.paramOf(ix)
		if p2 != "" {
			p += " x " + p2
		}
		fmt.Fprintf(w, "warning: %s of %s = %s [%s, %s]: %s\n", ix.Name, p, report.Num(ix.Estimate), report.Num(ix.Low), report.Num(ix.High), ix.Warning)
		n++
	}
	if n > 0 {
		fmt.Fprintf(w, "warning: %d of %d indices suggest the design is too small: increase --n (now %d) or --reps (now %d)\n", n, len(idx), sp.n, sp.reps)
	}
}

func printIndices(w io.Writer, sp *sensitivitySpec, idx []sim.Index) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s indices of %s (%s), 95%% bootstrap intervals\n", sp.method, sp.outcome, sp.network)
	fmt.Fprintln(tw, "parameter\tindex\testimate\tinterval\twarning")
	for _, ix := range idx {
		iv := "-"
		if !math.IsNaN(ix.Low) {
			iv = fmt.Sprintf("[%.4f, %.4f]", ix.Low, ix.High)
		}
		p, p2 := sp.paramOf(ix)
		if p2 != "" {
			p += " x " + p2
		}
		fmt.Fprintf(tw, "%s\t%s\t%.4f\t%s\t%s\n", p, ix.Name, ix.Estimate, iv, ix.Warning)
	}
	tw.Flush()
}

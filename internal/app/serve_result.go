package app

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/plots"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// webResult is a finished comparison as the page shows it.
type webResult struct {
	Label    string
	Sets     []string
	Reps     int
	Seed     uint64
	Networks []string // networks the scenario changes (all, if none)
	Effects  []Effect // changed networks, then all members when several change
	Rows     []CompareRow
	Figures  []webFigure
	Table    [][]string // the copyable table, header first
	TSV      string
	Command  string // the same comparison on the command line
	Elapsed  time.Duration

	overTime []plots.Figure
}

type webFigure struct {
	Title string
	SVG   template.URL
}

// Lines are an effect's plain-language sentences.
func (r *webResult) Lines(e Effect) []string { return e.Lines() }

// compareWeb runs the baseline and the scenario of f on common random
// numbers with the same machinery as `rinsim compare`, within lim.
// With post, replication r runs with a parameter vector drawn from the
// posterior as `rinsim compare --posterior` draws it (postPath names the file
// in the equivalent command).
func compareWeb(ctx context.Context, base *scenarios.Scenario, f *form, lim Limits, post *sim.Posterior, postPath string) (*webResult, error) {
	start := time.Now()
	d := &sim.Design{Base: base, Points: []sim.Point{{Label: "baseline"}, {Label: f.Name.Value, Set: f.sets}}, Reps: f.reps, Seed: f.seed}
	if post != nil {
		d.Vary = post.Vary(d.Points)
	}
	scns, err := d.Scenarios()
	if err != nil {
		return nil, limitError{err.Error()}
	}
	for _, sc := range scns {
		if n := firms(sc); n > lim.MaxFirms {
			return nil, limitError{fmt.Sprintf("the scenario has %d firms; this server runs at most %d (start it with a larger --max-firms)", n, lim.MaxFirms)}
		}
		if n := stepRows(sc) * d.Reps; n > maxStepRows {
			return nil, limitError{fmt.Sprintf("the comparison would keep %d rows of quarterly results per scenario; this server keeps at most %d: ask for fewer replications, fewer quarters or fewer networks", n, maxStepRows)}
		}
	}
	acc := newCompareAcc(d)
	steps := &plots.Table{Header: report.StepsHeader(base.Stages)}
	netCol := slices.Index(steps.Header, "network")
	err = sim.Execute(ctx, scns, d.Jobs(), &sim.ExecOptions{KeepSteps: true, Vary: d.Vary}, func(o sim.Outcome) error {
		label := d.Points[o.Job.Point].Label
		for _, st := range o.Steps {
			rec := report.StepRecord(scns[o.Job.Point], st)
			rec[netCol] += " · " + label // one series per network and scenario
			steps.Rows = append(steps.Rows, rec)
		}
		return acc.addOutcome(o)
	})
	if err != nil {
		return nil, err
	}
	res := &webResult{Label: f.Name.Value, Sets: f.sets, Reps: d.Reps, Seed: d.Seed, Rows: acc.table()}
	res.Command = compareCommandLine(base.Name, f)
	if post != nil {
		res.Command += " --posterior " + report.CommandLine([]string{postPath})
	}
	changed := map[string]bool{}
	for _, e := range acc.effects() {
		if e.Network != "all" && e.Changed() {
			changed[e.Network] = true
			res.Effects = append(res.Effects, e)
		} else if e.Network == "all" && len(changed) > 1 {
			res.Effects = append(res.Effects, e)
		}
	}
	for _, n := range base.Networks {
		if changed[n.ID] || len(changed) == 0 {
			res.Networks = append(res.Networks, n.ID)
		}
	}
	if err := res.figures(steps); err != nil {
		return nil, err
	}
	res.table()
	res.Elapsed = time.Since(start).Round(time.Millisecond)
	return res, nil
}

// maxStepRows bounds the quarterly rows a comparison keeps in memory per
// scenario (about 1 kB each): the thesis scenario with 30 replications
// keeps 3,600.
const maxStepRows = 100_000

// stepRows is the number of quarterly rows one run of s gives: one per
// step, network and group.
func stepRows(s *scenarios.Scenario) int {
	rows := 0
	for _, n := range s.Networks {
		rows++
		if n.NonMembers > 0 {
			rows++
		}
	}
	return rows * s.Steps()
}

func firms(s *scenarios.Scenario) int {
	n := 0
	for _, nw := range s.Networks {
		n += nw.Members + nw.NonMembers
	}
	return n
}

// compareCommandLine is the CLI command that gives the same numbers.
func compareCommandLine(scenario string, f *form) string {
	var b strings.Builder
	fmt.Fprintf(&b, "printf '[[scenario]]\\nname = %q\\nset = [", f.Name.Value)
	for k, s := range f.sets {
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", s)
	}
	fmt.Fprintf(&b, "]\\n' > scenario-set.toml\nrinsim compare --scenario %s --builtin=false --scenarios scenario-set.toml --reps %d --seed %d", scenario, f.reps, f.seed)
	return b.String()
}

// figures draws entry and channels over time for the networks shown, and
// the change per network, with the CLI's figure builders.
func (r *webResult) figures(steps *plots.Table) error {
	shown := &plots.Table{Header: steps.Header}
	ni := steps.Col("network")
	for _, row := range steps.Rows {
		net, _, _ := strings.Cut(row[ni], " · ")
		if slices.Contains(r.Networks, net) {
			shown.Rows = append(shown.Rows, slices.Clone(row))
		}
	}
	if len(r.Networks) == 1 { // one network: the legend needs only the scenario
		for _, row := range shown.Rows {
			_, row[ni], _ = strings.Cut(row[ni], " · ")
		}
	}
	entry := plots.EntrantShareOverTime(shown)
	entry.Title = "Members with a foreign-market entry (95 % bands)"
	if len(r.Networks) == 1 {
		entry.Title = plots.NetworkName(r.Networks[0]) + ": members with a foreign-market entry"
	}
	channels := plots.ChannelsOverTime(shown)
	channels.Title = "Channels offered by the network (95 % bands)"
	if len(r.Networks) == 1 {
		channels.Title = plots.NetworkName(r.Networks[0]) + ": channels offered"
	}
	r.overTime = []plots.Figure{plots.EntrantShareOverTime(steps), plots.ChannelsOverTime(steps)}
	var csv strings.Builder
	if err := writeCompare(&csv, r.Rows); err != nil {
		return err
	}
	cmp, err := plots.ParseTable(csv.String())
	if err != nil {
		return err
	}
	diff := plots.DifferenceFromBaseline(cmp, r.Label)
	for _, fig := range []plots.Figure{entry, diff, channels} {
		uri, err := svgURI(fig)
		if err != nil {
			return err
		}
		r.Figures = append(r.Figures, webFigure{Title: fig.Title, SVG: uri})
	}
	return nil
}

// table is the copyable table: one row per scenario and network.
func (r *webResult) table() {
	r.Table = [][]string{{"scenario", "network", "entrant share", "change", "95 % interval", "entries per member", "change", "95 % interval",
		"channels", "public funding NOK", "extra NOK", "NOK per additional entry"}}
	for k := 0; k+len(compareMetrics) <= len(r.Rows); k += len(compareMetrics) {
		row := r.Rows[k : k+len(compareMetrics)]
		if row[0].Group != "member" {
			continue
		}
		extra, cost := "", ""
		for _, e := range r.Effects {
			if e.Network == row[0].Network && row[0].Scenario == r.Label && e.ExtraNOK != 0 {
				extra = fmt.Sprintf("%.0f", e.ExtraNOK)
				if e.ExtraNOK > 0 && e.Entries.Mean > 0 {
					cost = fmt.Sprintf("%.0f", e.ExtraNOK/e.Entries.Mean)
				}
			}
		}
		fund := row[metricIndex("funding_total_nok")].Value.Mean
		r.Table = append(r.Table, []string{row[0].Scenario, row[0].Network,
			report.Fixed(row[0].Value.Mean, 3), fmt.Sprintf("%+.3f", row[0].Diff.Mean), interval(row[0].Diff),
			report.Fixed(row[1].Value.Mean, 3), fmt.Sprintf("%+.3f", row[1].Diff.Mean), interval(row[1].Diff),
			report.Fixed(row[3].Value.Mean, 1), fmt.Sprintf("%.0f", fund), extra, cost})
	}
	var b strings.Builder
	for _, row := range r.Table {
		b.WriteString(strings.Join(row, "\t") + "\n")
	}
	r.TSV = b.String()
}

func interval(iv sim.Interval) string {
	if math.IsNaN(iv.Low) {
		return "NA"
	}
	return fmt.Sprintf("%.3f to %.3f", iv.Low, iv.High)
}

// writeOverTime writes the figures' series over time for every network:
// scenario, network, quarter (as a year), metric, mean and 95 % interval.
func (r *webResult) writeOverTime(w io.Writer) error {
	var b strings.Builder
	b.WriteString("scenario,network,year,metric,mean,ci_low,ci_high\n")
	for k, fig := range r.overTime {
		metric := []string{"entrant_share", "channels"}[k]
		for _, s := range fig.Series {
			net, label, _ := strings.Cut(s.Name, " · ")
			for i := range s.X {
				lo, hi := math.NaN(), math.NaN()
				if len(s.Lo) == len(s.X) {
					lo, hi = s.Lo[i], s.Hi[i]
				}
				fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", label, net, report.Num(s.X[i]), metric, report.Num(s.Y[i]), report.Num(lo), report.Num(hi))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

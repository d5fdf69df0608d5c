package app

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/plots"
	"github.com/rinsim/rinsim/sim"
)

// Effect is what a scenario changes for one network's members, or with
// Network "all" for all members together, paired against the baseline.
type Effect struct {
	Scenario, Network string
	Name              string       // the network's display name ("" for all members)
	Members           float64      // members at the end (mean over replications)
	Share, PerMember  sim.Interval // change in entrant share and in entries per member
	Entries, Entrants sim.Interval // change in entries and in entrant firms, totals over members
	ExtraNOK          float64      // change in public funding over the run, NOK
}

func metricIndex(name string) int {
	i := slices.Index(compareMetrics, name)
	if i < 0 {
		panic("app: unknown compare metric " + name)
	}
	return i
}

// effects lists, for every scenario but the baseline, one Effect per
// network and one for all members.
func (a *compareAcc) effects() []Effect {
	share, epm, nok := metricIndex("entrant_share"), metricIndex("entries_per_member"), metricIndex("funding_total_nok")
	members, entries, entrants := metricIndex("members"), metricIndex("entries"), metricIndex("entrants")
	var out []Effect
	for p := 1; p < len(a.d.Points); p++ {
		label := a.d.Points[p].Label
		sums := [2][4][]float64{} // baseline, scenario x entries, entrants, funding, members per rep
		for i := range sums {
			for k := range sums[i] {
				sums[i][k] = make([]float64, a.d.Reps)
			}
		}
		for r := 0; r < a.rows; r++ {
			vals, base := a.values[[2]int{p, r}], a.values[[2]int{0, r}]
			lbl := a.labels[[2]int{p, r}]
			net, grp, _ := strings.Cut(lbl, "/")
			if vals == nil || base == nil || grp != "member" || a.labels[[2]int{0, r}] != lbl {
				continue
			}
			out = append(out, Effect{Scenario: label, Network: net, Name: a.networkName(net), Members: sim.MeanCI(vals[members], 0.95).Mean,
				Share: sim.PairedDiff(base[share], vals[share], 0.95), PerMember: sim.PairedDiff(base[epm], vals[epm], 0.95),
				Entries: sim.PairedDiff(base[entries], vals[entries], 0.95), Entrants: sim.PairedDiff(base[entrants], vals[entrants], 0.95),
				ExtraNOK: sim.PairedDiff(base[nok], vals[nok], 0.95).Mean})
			for i, v := range [2][][]float64{base, vals} {
				for k, m := range []int{entries, entrants, nok, members} {
					for rep, x := range v[m] {
						sums[i][k][rep] += x
					}
				}
			}
		}
		all := Effect{Scenario: label, Network: "all", Members: sim.MeanCI(sums[1][3], 0.95).Mean,
			Entries: sim.PairedDiff(sums[0][0], sums[1][0], 0.95), Entrants: sim.PairedDiff(sums[0][1], sums[1][1], 0.95),
			ExtraNOK: sim.PairedDiff(sums[0][2], sums[1][2], 0.95).Mean}
		perMember := func(k int) sim.Interval {
			d := make([]float64, a.d.Reps)
			for rep := range d {
				d[rep] = (sums[1][k][rep] - sums[0][k][rep]) / sums[1][3][rep]
			}
			return sim.MeanCI(d, 0.95)
		}
		all.PerMember, all.Share = perMember(0), perMember(1)
		out = append(out, all)
	}
	return out
}

func (a *compareAcc) networkName(id string) string {
	for _, n := range a.d.Base.Networks {
		if n.ID == id && n.Name != "" && n.Name != id {
			return n.Name
		}
	}
	return ""
}

// Changed reports whether the scenario changes anything for these members.
func (e Effect) Changed() bool {
	return e.ExtraNOK != 0 || e.PerMember.Mean != 0 || e.Share.Mean != 0 || e.PerMember.High != e.PerMember.Low
}

// ChangeText puts a paired change in words: "+0.080 entries per member,
// 95 % interval 0.050 to 0.110".
func ChangeText(iv sim.Interval, what string, prec int) string {
	if math.IsNaN(iv.Mean) {
		return what + " not available"
	}
	s := fmt.Sprintf("%+.*f %s", prec, iv.Mean, what)
	if !math.IsNaN(iv.Low) {
		s += fmt.Sprintf(", 95 %% interval %.*f to %.*f", prec, iv.Low, prec, iv.High)
	}
	return s
}

// Verdict says whether a change is clear: its interval excludes zero.
func Verdict(iv sim.Interval) string {
	switch {
	case iv.Low > 0:
		return "clearly more"
	case iv.High < 0:
		return "clearly fewer"
	case iv.Low == 0 && iv.High == 0 && iv.Mean == 0:
		return "no change"
	}
	return "no clear change"
}

// MNOK writes an amount of NOK in millions with about three significant digits.
func MNOK(x float64) string { return mnum(x) + " M NOK" }

func mnum(x float64) string {
	m := x / 1e6
	switch a := math.Abs(m); {
	case a >= 100:
		return fmt.Sprintf("%.0f", m)
	case a >= 10:
		return fmt.Sprintf("%.1f", m)
	}
	return fmt.Sprintf("%.2f", m)
}

// CostText is the public money per additional entry (or entrant firm):
// the extra funding over the change, with the interval that the change's
// interval gives; when funding falls, the money saved per entry lost.
// units is the plural of unit.
func CostText(nok float64, d sim.Interval, unit, units string) string {
	if nok == 0 || math.IsNaN(d.Mean) {
		return ""
	}
	sign := 1.0
	verb := "per additional " + unit
	if nok < 0 {
		sign, verb = -1, "saved per "+unit+" lost"
	}
	n, mean, lo, hi := sign*nok, sign*d.Mean, sign*d.Low, sign*d.High
	if lo > hi {
		lo, hi = hi, lo
	}
	if mean <= 0 {
		if sign > 0 {
			return fmt.Sprintf("no additional %s on average", units)
		}
		return fmt.Sprintf("no %s lost on average", units)
	}
	s := fmt.Sprintf("%s %s", MNOK(n/mean), verb)
	switch {
	case math.IsNaN(lo):
	case lo > 0:
		s += fmt.Sprintf(" (95 %% interval %s to %s)", mnum(n/hi), MNOK(n/lo))
	default:
		s += fmt.Sprintf(" (95 %% interval from %s up: the change in %s may be zero)", MNOK(n/hi), units)
	}
	return s
}

// Lines puts an effect in plain language, one sentence per line.
func (e Effect) Lines() []string {
	who := "Members of " + e.Network
	if e.Name != "" {
		who = "Members of " + e.Name + " (" + e.Network + ")"
	}
	if e.Network == "all" {
		who = "All members"
	}
	lines := []string{fmt.Sprintf("%s: %s (%s); %s.", who, ChangeText(e.PerMember, "entries per member", 3),
		Verdict(e.PerMember), ChangeText(e.Share, "in entrant share", 3))}
	lines = append(lines, fmt.Sprintf("In all %s and %s.", ChangeText(e.Entries, "entries", 1), ChangeText(e.Entrants, "entrant firms", 1)))
	if e.ExtraNOK != 0 {
		word := "Extra"
		if e.ExtraNOK < 0 {
			word = "Less"
		}
		lines = append(lines, fmt.Sprintf("%s public funding over the run: %s; %s; %s.", word, MNOK(math.Abs(e.ExtraNOK)),
			CostText(e.ExtraNOK, e.Entries, "entry", "entries"), CostText(e.ExtraNOK, e.Entrants, "entrant firm", "entrant firms")))
	}
	return lines
}

// compareReport is the policy report of a compare folder: how to read it,
// each scenario's effects in words with its figure, the table, and the
// other figures.
type compareReport struct {
	Scenario string
	Seed     uint64
	Reps     int
	Points   []sim.Point
	Rows     []CompareRow
	Effects  []Effect
	Figures  []plots.Figure
	// Provenance makes the report self-contained: command, scenario,
	// seeds and references.
	Provenance report.Provenance
	// Posterior, if set, says how replications drew parameters from a
	// calibration's posterior and which scenario ranks first how often.
	Posterior string
}

func (r *compareReport) write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# rinsim compare: policy scenarios against the baseline\n\n")
	fmt.Fprintf(&b, "Base scenario `%s`, master seed %d, %d replications per scenario; rinsim %s (commit %s).\n\n",
		r.Scenario, r.Seed, r.Reps, report.Version, report.Commit())
	fmt.Fprintf(&b, "**How to read this.** Every scenario is run %d times, and replication r of every scenario uses the same random "+
		"numbers as replication r of the baseline. A change is the scenario minus the baseline, paired by replication, with its "+
		"95 %% interval (Student t over the %d pairs). A change is clear when its interval excludes zero (\"clearly more\" or \"clearly fewer\"); "+
		"otherwise the scenario may change nothing. Extra public funding is the "+
		"difference in public money paid to the network over the whole run; NOK per additional entry divides it by the change in "+
		"foreign-market entries by all its members (an entry is a firm's first commitment step in a market).\n\n", r.Reps, r.Reps)
	if r.Posterior != "" {
		b.WriteString(r.Posterior + "\n\n")
	}
	for _, p := range r.Points[1:] {
		fmt.Fprintf(&b, "## %s\n\n", p.Label)
		if len(p.Set) > 0 {
			fmt.Fprintf(&b, "Settings: `%s`\n\n", strings.Join(p.Set, "` `"))
		}
		any := 0
		for _, e := range r.Effects {
			if e.Scenario != p.Label || !e.Changed() || e.Network == "all" && any < 2 {
				continue
			}
			any++
			for k, l := range e.Lines() {
				if k == 0 {
					fmt.Fprintf(&b, "- %s", l)
				} else {
					fmt.Fprintf(&b, " %s", l)
				}
			}
			b.WriteString("\n")
		}
		if any == 0 {
			b.WriteString("- No network's members change.\n")
		}
		fmt.Fprintf(&b, "\n![%s minus the baseline](diff-%s.svg)\n\n", p.Label, plots.FileName(p.Label))
	}
	b.WriteString("## Table\n\n")
	writeMarkdownTable(&b, r.Rows, r.Effects)
	b.WriteString("\n## Other figures\n\n")
	for _, f := range r.Figures {
		if !strings.HasPrefix(f.Name, "diff-") {
			fmt.Fprintf(&b, "### %s\n\n![%s](%s.svg)\n\n", f.Title, f.Title, f.Name)
		}
	}
	fmt.Fprintf(&b, "Data: `compare.csv` (every metric with its interval), `runs.csv` (every replication). Redraw the figures with `rinsim plot --force DIR`.\n\n")
	b.WriteString(r.Provenance.Markdown())
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMarkdownTable writes one row per scenario and network (members):
// means, changes with intervals and the cost per additional entry.
func writeMarkdownTable(b *strings.Builder, rows []CompareRow, effects []Effect) {
	b.WriteString("| scenario | network | entrant share | change [95 % interval] | entries per member | change [95 % interval] | extra public funding | per additional entry |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for k := 0; k+len(compareMetrics) <= len(rows); k += len(compareMetrics) {
		r := rows[k : k+len(compareMetrics)]
		if r[0].Group != "member" {
			continue
		}
		cost, extra := "", ""
		for _, e := range effects {
			if e.Scenario == r[0].Scenario && e.Network == r[0].Network && e.ExtraNOK != 0 {
				extra = MNOK(e.ExtraNOK)
				cost = CostText(e.ExtraNOK, e.Entries, "entry", "entries")
			}
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r[0].Scenario, r[0].Network, report.Fixed(r[0].Value.Mean, 3),
			signed(r[0].Diff), report.Fixed(r[1].Value.Mean, 3), signed(r[1].Diff), extra, cost)
	}
}

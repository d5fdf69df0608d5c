package plots

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rinsim/rinsim/sim"
)

// Table is a CSV file: a header and rows of text.
type Table struct {
	Header []string
	Rows   [][]string
}

// ReadTable reads a CSV file with a header line.
func ReadTable(path string) (*Table, error) {
	// Only regular files: a device or pipe (a link to /dev/zero) never ends.
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := ParseTable(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// ParseTable parses CSV text with a header line. Every row must have the
// header's columns, and a column that mostly holds numbers must hold
// numbers (or NA) throughout: a truncated or damaged file is an error
// naming the line.
func ParseTable(text string) (*Table, error) {
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("empty table")
	}
	t := &Table{Header: recs[0], Rows: recs[1:]}
	for c := range t.Header {
		nums := 0
		for _, r := range t.Rows {
			if isNumber(r[c]) {
				nums++
			}
		}
		if 2*nums <= len(t.Rows) {
			continue // a text column
		}
		for k, r := range t.Rows {
			if !isNumber(r[c]) && r[c] != "NA" && r[c] != "" {
				return nil, fmt.Errorf("line %d: column %s: %q is not a number", k+2, t.Header[c], r[c])
			}
		}
	}
	return t, nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// Col is the index of a column, -1 if absent.
func (t *Table) Col(name string) int { return slices.Index(t.Header, name) }

// Has reports whether every named column exists.
func (t *Table) Has(names ...string) bool {
	for _, n := range names {
		if t.Col(n) < 0 {
			return false
		}
	}
	return true
}

func num(s string) float64 {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return x
}

// meanCI is the mean and 95 % Student-t interval of the non-NaN values.
func meanCI(xs []float64) (mean, lo, hi float64) {
	iv := sim.MeanCI(xs, 0.95)
	return iv.Mean, iv.Low, iv.High
}

// quarterX turns "2009Q3" into 2009.5 for a time axis in years.
func quarterX(q string) float64 {
	y, n, ok := strings.Cut(q, "Q")
	if !ok {
		return math.NaN()
	}
	return num(y) + (num(n)-1)/4
}

// overTime averages column col of member rows per network and quarter over
// replications (and any other rows sharing them), with 95 % intervals when
// there are several.
func overTime(steps *Table, col string, scale func(row []string) float64) []Series {
	ni, gi, qi, ci := steps.Col("network"), steps.Col("group"), steps.Col("quarter"), steps.Col(col)
	type key struct{ net, q string }
	vals := map[key][]float64{}
	var nets, quarters []string
	for _, r := range steps.Rows {
		if r[gi] != "member" {
			continue
		}
		k := key{r[ni], r[qi]}
		if _, ok := vals[k]; !ok {
			if !slices.Contains(nets, r[ni]) {
				nets = append(nets, r[ni])
			}
			if !slices.Contains(quarters, r[qi]) {
				quarters = append(quarters, r[qi])
			}
		}
		x := num(r[ci])
		if scale != nil {
			x *= scale(r)
		}
		vals[k] = append(vals[k], x)
	}
	sort.Slice(quarters, func(a, b int) bool { return quarterX(quarters[a]) < quarterX(quarters[b]) })
	var out []Series
	for _, n := range nets {
		s := networkSeries(n)
		for _, q := range quarters {
			v, ok := vals[key{n, q}]
			if !ok {
				continue
			}
			m, lo, hi := meanCI(v)
			if math.IsNaN(m) {
				continue
			}
			s.X, s.Y, s.Lo, s.Hi = append(s.X, quarterX(q)), append(s.Y, m), append(s.Lo, lo), append(s.Hi, hi)
		}
		if allNaN(s.Lo) {
			s.Lo, s.Hi = nil, nil
		}
		out = append(out, s)
	}
	return out
}

// networkSeries is an empty series for network id, with the network's look
// and display name.
func networkSeries(id string) Series {
	lk := NetworkLook(id)
	return Series{Name: NetworkName(id), Look: &lk}
}

// NetworkName is how figures name a network: the thesis networks by their
// names, any other by its id.
func NetworkName(id string) string {
	if n, ok := networkNames[id]; ok {
		return n
	}
	return id
}

var networkNames = map[string]string{"oreec": "OREEC", "oslo-medtech": "Oslo Medtech", "cwn": "CWN"}

func allNaN(xs []float64) bool {
	for _, x := range xs {
		if !math.IsNaN(x) {
			return false
		}
	}
	return true
}

// EntrantShareOverTime is figure 1: the share of members with a foreign-market
// entry, per network, with 95 % bands over replications.
func EntrantShareOverTime(steps *Table) Figure {
	return Figure{Name: "fig1-entrant-share", Kind: Lines,
		Title:  "Members with a foreign-market entry since joining",
		XLabel: "year", YLabel: "share of members (0-1)",
		Series: overTime(steps, "entrant_share", nil)}
}

// ChannelsOverTime is figure 3: channels offered per network (the thesis's
// Figure 5 over time).
func ChannelsOverTime(steps *Table) Figure {
	return Figure{Name: "fig3-channels", Kind: Lines,
		Title:  "Internationalisation channels offered (thesis Figure 5 over time)",
		XLabel: "year", YLabel: "channels offered (0-7)",
		Series: overTime(steps, "channels", nil)}
}

// StagesOverTime is figure 5b: members' markets at each commitment stage per
// member, all networks together.
func StagesOverTime(steps *Table) Figure {
	var stages []string
	for _, h := range steps.Header {
		if strings.HasPrefix(h, "stage_") {
			stages = append(stages, h)
		}
	}
	fi, qi, gi := steps.Col("firms"), steps.Col("quarter"), steps.Col("group")
	f := Figure{Name: "fig5b-stages", Kind: Lines, Title: "Commitment along the establishment chain",
		XLabel: "year", YLabel: "markets at the stage per member"}
	for _, st := range stages {
		ci := steps.Col(st)
		sums, firms := map[string]float64{}, map[string]float64{}
		var qs []string
		for _, r := range steps.Rows {
			if r[gi] != "member" {
				continue
			}
			if _, ok := firms[r[qi]]; !ok {
				qs = append(qs, r[qi])
			}
			sums[r[qi]] += num(r[ci])
			firms[r[qi]] += num(r[fi])
		}
		sort.Slice(qs, func(a, b int) bool { return quarterX(qs[a]) < quarterX(qs[b]) })
		s := Series{Name: strings.ReplaceAll(strings.TrimPrefix(st, "stage_"), "_", " ")}
		for _, q := range qs {
			if firms[q] > 0 {
				s.X, s.Y = append(s.X, quarterX(q)), append(s.Y, sums[q]/firms[q])
			}
		}
		f.Series = append(f.Series, s)
	}
	return f
}

// SharingVsChannels is figure 6: contacts and invitations passed between
// members per member and quarter, against the channels the network offered
// that quarter; one point per network and channel count, averaged.
func SharingVsChannels(steps *Table) Figure {
	ni, gi, ci, pi, fi := steps.Col("network"), steps.Col("group"), steps.Col("channels"), steps.Col("peer_shares"), steps.Col("firms")
	type key struct {
		net string
		ch  float64
	}
	vals := map[key][]float64{}
	var nets []string
	for _, r := range steps.Rows {
		if r[gi] != "member" || num(r[fi]) == 0 {
			continue
		}
		if !slices.Contains(nets, r[ni]) {
			nets = append(nets, r[ni])
		}
		k := key{r[ni], num(r[ci])}
		vals[k] = append(vals[k], num(r[pi])/num(r[fi]))
	}
	f := Figure{Name: "fig6-sharing-vs-channels", Kind: Points,
		Title:  "Help among members against channels offered, by quarter",
		XLabel: "channels offered by the network (0-7)", YLabel: "peer shares per member and quarter"}
	for _, n := range nets {
		s := networkSeries(n)
		for ch := 0.0; ch <= 7; ch++ {
			if v, ok := vals[key{n, ch}]; ok {
				m, lo, hi := meanCI(v)
				s.X, s.Y, s.Lo, s.Hi = append(s.X, ch), append(s.Y, m), append(s.Lo, nanTo(lo, m)), append(s.Hi, nanTo(hi, m))
			}
		}
		f.Series = append(f.Series, s)
	}
	return f
}

// SharingVsChannelsByBudget is figure 6 from budget scenarios (compare.csv):
// for each network, peer shares per member over the run against the channels
// it offers at the end, as its funding goes from x0.5 to x2.
func SharingVsChannelsByBudget(cmp *Table) Figure {
	si, ni, gi, mi := cmp.Col("scenario"), cmp.Col("network"), cmp.Col("group"), cmp.Col("metric")
	mean, lo, hi := cmp.Col("mean"), cmp.Col("ci_low"), cmp.Col("ci_high")
	type pt struct{ ch, y, lo, hi float64 }
	byNet := map[string]map[float64]*pt{} // network -> dose -> point
	var nets []string
	for _, r := range cmp.Rows {
		if r[gi] != "member" || (r[mi] != "mean_channels" && r[mi] != "peer_shares_per_member") {
			continue
		}
		dose := doseOf(r[si], r[ni])
		if math.IsNaN(dose) {
			continue
		}
		if byNet[r[ni]] == nil {
			byNet[r[ni]] = map[float64]*pt{}
			nets = append(nets, r[ni])
		}
		p := byNet[r[ni]][dose]
		if p == nil {
			p = &pt{}
			byNet[r[ni]][dose] = p
		}
		if r[mi] == "mean_channels" {
			p.ch = num(r[mean])
		} else {
			p.y, p.lo, p.hi = num(r[mean]), nanTo(num(r[lo]), num(r[mean])), nanTo(num(r[hi]), num(r[mean]))
		}
	}
	f := Figure{Name: "fig6-sharing-vs-channels", Kind: Points,
		Title:  "Fewer channels, more help among members (funding x0.5 to x2)",
		XLabel: "channels offered by the network, mean per quarter (0-7)", YLabel: "peer shares per member over the run"}
	for _, n := range nets {
		// Doses in order first, so that equal channel counts keep one
		// order and the figure is the same on every run.
		var pts []*pt
		for _, d := range slices.Sorted(maps.Keys(byNet[n])) {
			pts = append(pts, byNet[n][d])
		}
		sort.SliceStable(pts, func(a, b int) bool { return pts[a].ch < pts[b].ch })
		s := networkSeries(n)
		for _, p := range pts {
			s.X, s.Y, s.Lo, s.Hi = append(s.X, p.ch), append(s.Y, p.y), append(s.Lo, p.lo), append(s.Hi, p.hi)
		}
		f.Series = append(f.Series, s)
	}
	return f
}

func nanTo(x, def float64) float64 {
	if math.IsNaN(x) {
		return def
	}
	return x
}

// ContactsBySource is figure 4: where members' foreign contacts come from,
// per firm type (the thesis's Figure 6 as a chart).
func ContactsBySource(firms *Table) Figure {
	groups := []struct {
		name string
		cols []string
	}{
		{"network channels", []string{"contacts_rin_info", "contacts_rin_cross_rin", "contacts_rin_joint_stand", "contacts_rin_network_project", "contacts_rin_embassy", "contacts_rin_survey", "contacts_rin_mentoring"}},
		{"business network", []string{"contacts_business_network"}},
		{"social network", []string{"contacts_social_network"}},
		{"own channels", []string{"contacts_other_channels"}},
		{"inbound", []string{"contacts_inbound"}},
		{"other members", []string{"contacts_peer"}},
	}
	ai, gi := firms.Col("archetype"), firms.Col("group")
	var types []string
	for _, r := range firms.Rows {
		if r[gi] == "member" && !slices.Contains(types, r[ai]) {
			types = append(types, r[ai])
		}
	}
	sort.Strings(types)
	labels := make([]string, len(types))
	for i, ty := range types {
		labels[i] = strings.ReplaceAll(ty, "_", " ")
	}
	f := Figure{Name: "fig4-contacts-by-source", Kind: Bars, Categories: labels,
		Title:  "Foreign contacts by source and firm type (thesis Figure 6)",
		XLabel: "firm type (interviewed firm archetype)", YLabel: "contacts per firm over the run"}
	for _, g := range groups {
		s := Series{Name: g.name}
		for _, ty := range types {
			var v []float64
			for _, r := range firms.Rows {
				if r[gi] != "member" || r[ai] != ty {
					continue
				}
				x := 0.0
				for _, c := range g.cols {
					if ci := firms.Col(c); ci >= 0 { // older outputs lack newer sources
						x += num(r[ci])
					}
				}
				v = append(v, x)
			}
			m, lo, hi := meanCI(v)
			s.X, s.Y, s.Lo, s.Hi = append(s.X, float64(len(s.X))), append(s.Y, m), append(s.Lo, nanTo(lo, m)), append(s.Hi, nanTo(hi, m))
		}
		f.Series = append(f.Series, s)
	}
	return f
}

// UppsalaPath is figure 5a: psychic distance of the first, second, third ...
// foreign-market entries made during the run.
func UppsalaPath(entries *Table) Figure {
	oi, di, ci := entries.Col("order"), entries.Col("psychic_distance"), entries.Col("counted")
	byOrder := map[int][]float64{}
	maxOrder := 0
	for _, r := range entries.Rows {
		if ci >= 0 && r[ci] != "true" {
			continue
		}
		o := min(int(num(r[oi])), 5)
		byOrder[o] = append(byOrder[o], num(r[di]))
		maxOrder = max(maxOrder, o)
	}
	s := Series{Name: "all members"}
	for o := 1; o <= maxOrder; o++ {
		if v, ok := byOrder[o]; ok {
			m, lo, hi := meanCI(v)
			s.X, s.Y, s.Lo, s.Hi = append(s.X, float64(o)), append(s.Y, m), append(s.Lo, nanTo(lo, m)), append(s.Hi, nanTo(hi, m))
		}
	}
	return Figure{Name: "fig5a-uppsala-path", Kind: Points, Series: []Series{s},
		Title:  "Uppsala path: later entries go to more distant markets",
		XLabel: "entry order during the run (5 = fifth or later)", YLabel: "psychic distance of the market (0-1)"}
}

var doseLabel = regexp.MustCompile(`^(.+)-x([0-9.]+)$`)

// doseOf is the funding multiplier of a budget scenario for network: 1 for
// the baseline, f for "<network>-x<f>", NaN for any other scenario.
func doseOf(scenario, network string) float64 {
	if scenario == "baseline" {
		return 1
	}
	if m := doseLabel.FindStringSubmatch(scenario); m != nil && m[1] == network {
		return num(m[2])
	}
	return math.NaN()
}

// DoseResponse is figure 2: entrant share against each network's funding
// multiplier, from a compare.csv with the built-in budget scenarios.
func DoseResponse(cmp *Table, metric string) Figure {
	si, ni, gi, mi := cmp.Col("scenario"), cmp.Col("network"), cmp.Col("group"), cmp.Col("metric")
	mean, lo, hi := cmp.Col("mean"), cmp.Col("ci_low"), cmp.Col("ci_high")
	points := map[string]map[float64][3]float64{}
	var nets []string
	for _, r := range cmp.Rows {
		if r[gi] != "member" || r[mi] != metric {
			continue
		}
		dose := doseOf(r[si], r[ni])
		if math.IsNaN(dose) {
			continue
		}
		if points[r[ni]] == nil {
			points[r[ni]] = map[float64][3]float64{}
			nets = append(nets, r[ni])
		}
		points[r[ni]][dose] = [3]float64{num(r[mean]), num(r[lo]), num(r[hi])}
	}
	f := Figure{Name: "fig2-dose-response", Kind: Points,
		Title:  "Budget scenarios: " + strings.ReplaceAll(metric, "_", " ") + " against funding",
		XLabel: "network's funding relative to the thesis calibration (x)", YLabel: strings.ReplaceAll(metric, "_", " ") + " of members"}
	for _, n := range nets {
		var doses []float64
		for d := range points[n] {
			doses = append(doses, d)
		}
		sort.Float64s(doses)
		s := networkSeries(n)
		for _, d := range doses {
			p := points[n][d]
			s.X, s.Y, s.Lo, s.Hi = append(s.X, d), append(s.Y, p[0]), append(s.Lo, nanTo(p[1], p[0])), append(s.Hi, nanTo(p[2], p[0]))
		}
		f.Series = append(f.Series, s)
	}
	return f
}

// SensitivityBars is figure 7b: first-order and total Sobol indices, or
// Morris mu*, per parameter with their bootstrap intervals. S2 rows are left
// to indices.csv; flagged rows are counted in the note.
func SensitivityBars(indices *Table) Figure {
	pi, ii, ei, li, hi, wi := indices.Col("param"), indices.Col("index"), indices.Col("estimate"), indices.Col("ci_low"), indices.Col("ci_high"), indices.Col("warning")
	var params, names []string
	flagged := 0
	for _, r := range indices.Rows {
		if wi >= 0 && r[wi] != "" {
			flagged++
		}
		if r[ii] == "mu" || r[ii] == "sigma" || r[ii] == "S2" {
			continue // Morris: bars show mu*, the usual screening measure
		}
		if !slices.Contains(params, r[pi]) {
			params = append(params, r[pi])
		}
		if !slices.Contains(names, r[ii]) {
			names = append(names, r[ii])
		}
	}
	method, outcome := "", ""
	if len(indices.Rows) > 0 {
		method, outcome = indices.Rows[0][indices.Col("method")], indices.Rows[0][indices.Col("outcome")]
	}
	f := Figure{Name: "fig7b-sensitivity", Kind: Bars, Categories: params,
		Title:  fmt.Sprintf("Sensitivity of %s (%s)", strings.ReplaceAll(outcome, "_", " "), method),
		Note:   "bars: estimates; whiskers: 95 % percentile bootstrap intervals",
		XLabel: "parameter", YLabel: indexLabel(method)}
	if flagged > 0 {
		f.Note += fmt.Sprintf("; %d indices flagged as from too small a design (indices.csv, warning)", flagged)
	}
	for _, n := range names {
		s := Series{Name: indexNames[n]}
		if s.Name == "" {
			s.Name = n
		}
		for _, p := range params {
			for _, r := range indices.Rows {
				if r[pi] == p && r[ii] == n {
					e := num(r[ei])
					s.X, s.Y, s.Lo, s.Hi = append(s.X, float64(len(s.X))), append(s.Y, e), append(s.Lo, nanTo(num(r[li]), e)), append(s.Hi, nanTo(num(r[hi]), e))
				}
			}
		}
		f.Series = append(f.Series, s)
	}
	return f
}

var indexNames = map[string]string{"S1": "first order S1", "ST": "total ST", "mu_star": "mu*"}

func indexLabel(method string) string {
	if method == "morris" {
		return "mu*: mean absolute elementary effect (outcome per unit of the range)"
	}
	return "Sobol index (share of output variance)"
}

// MorrisMuSigma is figure 7c: each parameter's mu* (with its bootstrap
// interval) against sigma, the standard deviation of its elementary effects.
// Lines mark sigma/mu* = 0.1, 0.5 and 1: below 0.1 the effect is almost
// linear, above 1 it is non-linear or interacts with others (Garcia Sanchez
// et al. 2014).
func MorrisMuSigma(indices *Table) Figure {
	pi, ii, ei, li, hi := indices.Col("param"), indices.Col("index"), indices.Col("estimate"), indices.Col("ci_low"), indices.Col("ci_high")
	type ms struct{ star, lo, hi, sigma float64 }
	vals := map[string]*ms{}
	var params []string
	for _, r := range indices.Rows {
		if r[ii] != "mu_star" && r[ii] != "sigma" {
			continue
		}
		v := vals[r[pi]]
		if v == nil {
			v = &ms{}
			vals[r[pi]] = v
			params = append(params, r[pi])
		}
		if r[ii] == "sigma" {
			v.sigma = num(r[ei])
		} else {
			v.star, v.lo, v.hi = num(r[ei]), nanTo(num(r[li]), num(r[ei])), nanTo(num(r[hi]), num(r[ei]))
		}
	}
	outcome := ""
	if len(indices.Rows) > 0 {
		outcome = strings.ReplaceAll(indices.Rows[0][indices.Col("outcome")], "_", " ")
	}
	s := Series{Name: "parameters", Look: &Look{Colour: Palette[7]}}
	top := 0.0
	for _, p := range params {
		v := vals[p]
		s.X, s.Y, s.XLo, s.XHi = append(s.X, v.star), append(s.Y, v.sigma), append(s.XLo, v.lo), append(s.XHi, v.hi)
		s.Labels = append(s.Labels, p)
		top = math.Max(top, math.Max(v.hi, v.sigma))
	}
	f := Figure{Name: "fig7c-morris", Kind: Scatter, Series: []Series{s},
		Title:  "Morris screening of " + outcome + ": mu* against sigma",
		Note:   "whiskers: 95 % bootstrap intervals of mu*; dashed: sigma/mu* = 0.1, 0.5, 1 (Garcia Sanchez et al. 2014)",
		XLabel: "mu*: mean absolute elementary effect", YLabel: "sigma: standard deviation of the elementary effects"}
	for _, ratio := range []float64{0.1, 0.5, 1} {
		x := top
		if ratio*x > top {
			x = top / ratio
		}
		f.Refs = append(f.Refs, Series{Name: fmt.Sprint(ratio), X: []float64{0, x}, Y: []float64{0, ratio * x}})
	}
	return f
}

// Scaling is the performance figure: cost per SME and step against the
// number of SMEs, on log-log axes, from scaling.csv (columns smes and
// ns_per_sme, one row per measurement; several workers give several series).
func Scaling(t *Table) Figure {
	si, ci, wi := t.Col("smes"), t.Col("ns_per_sme"), t.Col("workers")
	byWorkers := map[string]*Series{}
	var order []string
	for _, r := range t.Rows {
		w := "1"
		if wi >= 0 {
			w = r[wi]
		}
		s, ok := byWorkers[w]
		if !ok {
			s = &Series{Name: w + " worker(s)"}
			byWorkers[w] = s
			order = append(order, w)
		}
		s.X, s.Y = append(s.X, num(r[si])), append(s.Y, num(r[ci]))
	}
	f := Figure{Name: "perf-scaling", Kind: Points, LogLog: true,
		Title:  "Cost per SME and step is flat in population size",
		XLabel: "SMEs (log scale)", YLabel: "ns per SME and step (log scale)"}
	for _, w := range order {
		f.Series = append(f.Series, *byWorkers[w])
	}
	return f
}

// FromDir builds every figure the CSV files in dir allow: steps.csv,
// firms.csv, entries.csv (run, reproduce), compare.csv, runs.csv of a
// two-parameter sweep, indices.csv.
func FromDir(dir string) ([]Figure, error) {
	// A file that is there but damaged is an error naming it, never a
	// figure silently left out or drawn from garbage.
	for _, name := range []string{"compare.csv", "steps.csv", "firms.csv", "entries.csv", "indices.csv", "runs.csv", "scaling.csv"} {
		if _, err := ReadTable(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	var figs []Figure
	found := false
	cmp, cerr := ReadTable(filepath.Join(dir, "compare.csv"))
	budgets := cerr == nil && cmp.Has("scenario", "metric", "mean") && slices.ContainsFunc(cmp.Rows, func(r []string) bool {
		return r[cmp.Col("metric")] == "peer_shares_per_member"
	})
	if t, err := ReadTable(filepath.Join(dir, "steps.csv")); err == nil && t.Col("point") == 0 && t.Col("rep") > 1 {
		found = true // sweep --steps: one line per design point, never pooled
		figs = append(figs, PerPointOverTime(t, "fig1-entrant-share", "entrant_share", "Members with a foreign-market entry since joining", "share of members (0-1)"),
			PerPointOverTime(t, "fig3-channels", "channels", "Internationalisation channels offered", "channels offered (0-7)"))
	} else if err == nil && t.Has("quarter", "network", "group", "entrant_share", "channels", "peer_shares") {
		found = true
		figs = append(figs, EntrantShareOverTime(t), ChannelsOverTime(t), StagesOverTime(t))
		if !budgets {
			figs = append(figs, SharingVsChannels(t))
		}
	}
	if t, err := ReadTable(filepath.Join(dir, "firms.csv")); err == nil && t.Has("archetype", "group", "contacts_peer") {
		found = true
		figs = append(figs, ContactsBySource(t))
	}
	if t, err := ReadTable(filepath.Join(dir, "entries.csv")); err == nil && t.Has("order", "psychic_distance") {
		found = true
		figs = append(figs, UppsalaPath(t))
	}
	if cerr == nil && cmp.Has("scenario", "metric", "mean") {
		found = true
		figs = append(figs, DoseResponse(cmp, "entrant_share"))
		if budgets {
			figs = append(figs, SharingVsChannelsByBudget(cmp))
		}
		if cmp.Has("diff", "diff_ci_low", "diff_ci_high") {
			figs = append(figs, Differences(cmp)...)
		}
	}
	if t, err := ReadTable(filepath.Join(dir, "indices.csv")); err == nil && t.Has("param", "index", "estimate") {
		found = true
		figs = append(figs, SensitivityBars(t))
		if slices.ContainsFunc(t.Rows, func(r []string) bool { return r[t.Col("index")] == "sigma" }) {
			figs = append(figs, MorrisMuSigma(t))
		}
	}
	_, noIndices := os.Stat(filepath.Join(dir, "indices.csv"))
	if t, err := ReadTable(filepath.Join(dir, "runs.csv")); err == nil && t.Col("point") == 0 && t.Col("rep") > 1 && noIndices != nil {
		found = true // point, the varied keys, rep: a sweep (a sensitivity design has indices.csv)
		figs = append(figs, SweepFigure(t, "entrant_share", labelsOf(dir)))
	}
	if t, err := ReadTable(filepath.Join(dir, "patterns.csv")); err == nil && t.Has("pattern", "target_low", "target_high", "value", "ci_low", "ci_high", "verdict") {
		found = true
		figs = append(figs, PatternBands(t))
	}
	if t, err := ReadTable(filepath.Join(dir, "scaling.csv")); err == nil && t.Has("smes", "ns_per_sme") {
		found = true
		figs = append(figs, Scaling(t))
	}
	if !found {
		return nil, fmt.Errorf("%s: no rinsim output to plot (want steps.csv, firms.csv, entries.csv, compare.csv, indices.csv or a two-parameter sweep's runs.csv)", dir)
	}
	return figs, nil
}

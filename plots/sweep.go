package plots

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/rinsim/rinsim/scenarios"
)

// Labeller turns a parameter key into an axis label.
type Labeller func(key string) string

// KeyLabel labels an axis with the key alone.
func KeyLabel(key string) string { return key }

// ScenarioLabels labels a parameter's axis with its key, unit and the
// first clause of its description, as the scenario documents them.
func ScenarioLabels(s *scenarios.Scenario) Labeller {
	return func(key string) string {
		p, err := s.Param(key)
		if err != nil {
			return key
		}
		doc := shortDoc(p.Doc)
		if doc == "" {
			return fmt.Sprintf("%s (%s)", key, p.Unit)
		}
		return fmt.Sprintf("%s (%s): %s", key, p.Unit, doc)
	}
}

// parenthetical matches a source or remark in parentheses: one with a space
// or a thesis section (T2.1); "(1-risk)" is part of the meaning and stays.
var parenthetical = regexp.MustCompile(`\s*\((?:[^()]* [^()]*|T\d[^()]*)\)`)

// shortDoc is a parameter description without sources in parentheses,
// without what follows a semicolon, without a "policy lever:" style
// prefix, and at most about 70 characters.
func shortDoc(doc string) string {
	doc = parenthetical.ReplaceAllString(doc, "")
	doc, _, _ = strings.Cut(doc, ";")
	if pre, rest, ok := strings.Cut(doc, ": "); ok && len(strings.Fields(pre)) <= 3 {
		doc = rest
	}
	doc = strings.TrimSpace(doc)
	if len(doc) > 70 {
		cut := strings.LastIndex(doc[:70], " ")
		doc = doc[:cut] + " ..."
	}
	return doc
}

// labelsOf reads the scenario from dir's manifest.json for axis labels.
// Units and descriptions are the scenario format's, not the file's, so the
// built-in thesis scenario stands in when the manifest is missing or was
// written by another version; without either, keys label the axes.
func labelsOf(dir string) Labeller {
	var m struct {
		TOML string `json:"scenario_toml"`
	}
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err == nil && json.Unmarshal(b, &m) == nil && m.TOML != "" {
		if s, err := scenarios.Parse([]byte(m.TOML), "manifest.json"); err == nil {
			return ScenarioLabels(s)
		}
	}
	if s, err := scenarios.Builtin("thesis"); err == nil {
		return ScenarioLabels(s)
	}
	return KeyLabel
}

// sweepPoint is one design point of a sweep: its values and, per network
// and replication, the members' outcome.
type sweepPoint struct {
	label  string
	values []float64
	byNet  map[string]map[string]float64 // network -> rep -> outcome
	pooled map[string][2]float64         // rep -> members-weighted sum, members
}

// sweepData reads a sweep's runs.csv: the varied keys (the columns between
// point and rep) and the points in file order.
type sweepData struct {
	keys   []string
	points []*sweepPoint
	nets   []string
}

func readSweep(runs *Table, outcome string) *sweepData {
	ri := runs.Col("rep")
	d := &sweepData{keys: runs.Header[1:ri]}
	oi, mi, gi, ni := runs.Col(outcome), runs.Col("members"), runs.Col("group"), runs.Col("network")
	byLabel := map[string]*sweepPoint{}
	for _, r := range runs.Rows {
		if r[gi] != "member" {
			continue
		}
		p := byLabel[r[0]]
		if p == nil {
			p = &sweepPoint{label: r[0], byNet: map[string]map[string]float64{}, pooled: map[string][2]float64{}}
			for i := range d.keys {
				p.values = append(p.values, num(r[1+i]))
			}
			byLabel[r[0]] = p
			d.points = append(d.points, p)
		}
		if !slices.Contains(d.nets, r[ni]) {
			d.nets = append(d.nets, r[ni])
		}
		x, w := num(r[oi]), num(r[mi])
		if math.IsNaN(x) {
			continue
		}
		if p.byNet[r[ni]] == nil {
			p.byNet[r[ni]] = map[string]float64{}
		}
		p.byNet[r[ni]][r[ri]] = x
		acc := p.pooled[r[ri]]
		p.pooled[r[ri]] = [2]float64{acc[0] + w*x, acc[1] + w}
	}
	return d
}

// pooledMean is the point's outcome over all members: the mean over
// replications of the members-weighted mean over networks, with its 95 %
// interval.
func (p *sweepPoint) pooledMean() (float64, float64, float64) {
	var v []float64
	for _, acc := range p.pooled {
		if acc[1] > 0 {
			v = append(v, acc[0]/acc[1])
		}
	}
	sort.Float64s(v) // map order must not change the sum's rounding
	return meanCI(v)
}

func (p *sweepPoint) netMean(net string) (float64, float64, float64) {
	var v []float64
	for _, x := range p.byNet[net] {
		v = append(v, x)
	}
	sort.Float64s(v)
	return meanCI(v)
}

// grid reports whether the points lie on a grid (a factorial design, maybe
// a shard of one) rather than a Latin hypercube, in which every point has
// its own value of every key.
func (d *sweepData) grid() bool {
	for i := range d.keys {
		if len(d.distinct(i)) < len(d.points) {
			return true
		}
	}
	return len(d.points) < 2
}

func (d *sweepData) distinct(i int) []float64 {
	var vs []float64
	for _, p := range d.points {
		if !slices.Contains(vs, p.values[i]) {
			vs = append(vs, p.values[i])
		}
	}
	sort.Float64s(vs)
	return vs
}

// SweepFigure is figure 7a, drawn as the design allows: one varied key, a
// line per network with its 95 % band over replications; two keys on a
// grid, a heatmap; two keys otherwise (Latin hypercube), a scatter of the
// design points coloured by the outcome; three or more, one panel per key
// with the design points and their mean over the other keys.
func SweepFigure(runs *Table, outcome string, label Labeller) Figure {
	d := readSweep(runs, outcome)
	name := strings.ReplaceAll(outcome, "_", " ")
	switch {
	case len(d.keys) == 1:
		return d.line(outcome, label)
	case len(d.keys) == 2 && d.grid():
		return d.heatmap(outcome, label)
	case len(d.keys) == 2:
		f := Figure{Name: "fig7a-sweep-scatter", Kind: ColourScatter, ZLabel: name + " (members)",
			Title: "Sweep: " + name + " of members over " + fmt.Sprint(len(d.points)) + " design points",
			Note:  "colour: mean over replications and all networks' members", XLabel: label(d.keys[0]), YLabel: label(d.keys[1]),
			Cloud: &Cloud{}}
		for _, p := range d.points {
			m, _, _ := p.pooledMean()
			f.Cloud.X, f.Cloud.Y, f.Cloud.Z = append(f.Cloud.X, p.values[0]), append(f.Cloud.Y, p.values[1]), append(f.Cloud.Z, m)
		}
		return f
	}
	return d.panels(outcome, label)
}

func (d *sweepData) line(outcome string, label Labeller) Figure {
	name := strings.ReplaceAll(outcome, "_", " ")
	f := Figure{Name: "fig7a-sweep-line", Kind: Lines, XLabel: label(d.keys[0]), YLabel: name + " of members",
		Title: "Sweep: " + name + " against " + d.keys[0], Note: "lines: mean over replications; bands: 95 % intervals"}
	pts := slices.Clone(d.points)
	slices.SortStableFunc(pts, func(a, b *sweepPoint) int { return cmpFloat(a.values[0], b.values[0]) })
	add := func(s Series, mean func(p *sweepPoint) (float64, float64, float64)) {
		for _, p := range pts {
			m, lo, hi := mean(p)
			if !math.IsNaN(m) {
				s.X, s.Y, s.Lo, s.Hi = append(s.X, p.values[0]), append(s.Y, m), append(s.Lo, nanTo(lo, m)), append(s.Hi, nanTo(hi, m))
			}
		}
		f.Series = append(f.Series, s)
	}
	if len(d.nets) > 6 { // too many lines to tell apart: all members together
		add(Series{Name: "all members", Look: &AllMembers}, (*sweepPoint).pooledMean)
		return f
	}
	for _, n := range d.nets {
		add(networkSeries(n), func(p *sweepPoint) (float64, float64, float64) { return p.netMean(n) })
	}
	return f
}

func (d *sweepData) heatmap(outcome string, label Labeller) Figure {
	name := strings.ReplaceAll(outcome, "_", " ")
	xs, ys := d.distinct(0), d.distinct(1)
	g := &Grid{Xs: xs, Ys: ys, Zs: make([][]float64, len(ys))}
	for r := range ys {
		g.Zs[r] = slices.Repeat([]float64{math.NaN()}, len(xs))
	}
	for _, p := range d.points {
		m, _, _ := p.pooledMean()
		g.Zs[slices.Index(ys, p.values[1])][slices.Index(xs, p.values[0])] = m
	}
	return Figure{Name: "fig7a-sweep-heatmap", Kind: Heatmap, Grid: g, ZLabel: name + " (members)",
		Title: "Sweep: " + name + " of members", Note: "colour: mean over replications and all networks' members (weighted by members); grey: no runs",
		XLabel: label(d.keys[0]), YLabel: label(d.keys[1])}
}

// panels draws, per key, every design point's outcome against the key and
// the mean over the points in each of up to eight bins of the key: the
// key's main effect averaged over the others (a partial-dependence plot).
func (d *sweepData) panels(outcome string, label Labeller) Figure {
	name := strings.ReplaceAll(outcome, "_", " ")
	f := Figure{Name: "fig7a-sweep-panels", Kind: Panels,
		Title: fmt.Sprintf("Sweep: %s of members against each of %d parameters", name, len(d.keys)),
		Note:  "dots: design points (mean over replications); line and band: mean over the other parameters with 95 % interval"}
	for i, key := range d.keys {
		dots := Series{Name: "design points", Dots: true, Look: &Look{Colour: refColor}}
		for _, p := range d.points {
			if m, _, _ := p.pooledMean(); !math.IsNaN(m) {
				dots.X, dots.Y = append(dots.X, p.values[i]), append(dots.Y, m)
			}
		}
		short, _, _ := strings.Cut(label(key), ": ") // key and unit: a panel has no room for more
		f.Panels = append(f.Panels, Figure{Name: f.Name, Kind: Lines, XLabel: short, YLabel: name + " of members",
			Series: []Series{dots, binnedMean(dots, d.distinct(i))}})
	}
	return f
}

// binnedMean averages ys in bins of xs: one bin per distinct value when
// there are at most eight, else eight of equal width.
func binnedMean(s Series, distinct []float64) Series {
	out := Series{Name: "mean", Look: &Look{Colour: Palette[7]}}
	if s.Len() == 0 {
		return out
	}
	edges := distinct
	equal := len(distinct) > 8
	if equal {
		lo, hi := distinct[0], distinct[len(distinct)-1]
		edges = make([]float64, 9)
		for b := range edges {
			edges[b] = lo + (hi-lo)*float64(b)/8
		}
	}
	nb := len(edges)
	if equal {
		nb = 8
	}
	bins := make([][]float64, nb)
	for i := range s.Len() {
		b := slices.Index(edges, s.X[i])
		if equal {
			b = min(nb-1, sort.SearchFloat64s(edges, s.X[i]+1e-12)-1)
			b = max(b, 0)
		}
		if b >= 0 {
			bins[b] = append(bins[b], s.Y[i])
		}
	}
	for b, v := range bins {
		if len(v) == 0 {
			continue
		}
		x := edges[b]
		if equal {
			x = (edges[b] + edges[b+1]) / 2
		}
		m, lo, hi := meanCI(v)
		out.X, out.Y, out.Lo, out.Hi = append(out.X, x), append(out.Y, m), append(out.Lo, nanTo(lo, m)), append(out.Hi, nanTo(hi, m))
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// PerPointOverTime draws a sweep's steps.csv (sweep --steps): col over time,
// one panel per network (all members together if there are more than six),
// one line per design point averaged over replications, never pooled over
// points. At most eight points are drawn, evenly spaced in design order;
// the note says so when there are more.
func PerPointOverTime(steps *Table, name, col, title, ylabel string) Figure {
	pi, ni, gi, qi, ci, fi := steps.Col("point"), steps.Col("network"), steps.Col("group"), steps.Col("quarter"), steps.Col(col), steps.Col("firms")
	keys := steps.Header[pi+1 : steps.Col("rep")]
	var points, nets []string
	values := map[string]string{}
	for _, r := range steps.Rows {
		if !slices.Contains(points, r[pi]) {
			points = append(points, r[pi])
			var kv []string
			for i, k := range keys {
				kv = append(kv, k+" = "+r[pi+1+i])
			}
			values[r[pi]] = strings.Join(kv, ", ")
		}
		if r[gi] == "member" && !slices.Contains(nets, r[ni]) {
			nets = append(nets, r[ni])
		}
	}
	shown := points
	if len(points) > 8 {
		shown = nil
		for k := range 8 {
			shown = append(shown, points[k*(len(points)-1)/7])
		}
	}
	pooled := len(nets) > 6
	if pooled {
		nets = []string{"all"}
	}
	type key struct{ point, net, q string }
	sums := map[key][2]float64{} // value sum (firms-weighted when pooled), weight
	var quarters []string
	for _, r := range steps.Rows {
		if r[gi] != "member" || !slices.Contains(shown, r[pi]) {
			continue
		}
		net, w := r[ni], 1.0
		if pooled {
			net, w = "all", num(r[fi])
		}
		x := num(r[ci])
		if math.IsNaN(x) || w == 0 {
			continue
		}
		k := key{r[pi], net, r[qi]}
		acc := sums[k]
		sums[k] = [2]float64{acc[0] + w*x, acc[1] + w}
		if !slices.Contains(quarters, r[qi]) {
			quarters = append(quarters, r[qi])
		}
	}
	sort.Slice(quarters, func(a, b int) bool { return quarterX(quarters[a]) < quarterX(quarters[b]) })
	f := Figure{Name: name, Kind: Panels, SameX: true, Title: title + ", per design point of the sweep",
		Note: "lines: mean over replications of each design point"}
	if len(shown) < len(points) {
		f.Note += fmt.Sprintf("; %d of %d design points, evenly spaced in design order", len(shown), len(points))
	}
	cm := NewSeqMap(0, float64(max(1, len(shown)-1)))
	for _, n := range nets {
		panel := Figure{Name: name, Kind: Lines, Title: NetworkName(n), XLabel: "year", YLabel: ylabel}
		if n == "all" {
			panel.Title = "all members"
		}
		for k, p := range shown {
			c, _ := cm.At(float64(k))
			s := Series{Name: values[p], Look: &Look{Colour: c, Style: 0}}
			for _, q := range quarters {
				if acc, ok := sums[key{p, n, q}]; ok && acc[1] > 0 {
					s.X, s.Y = append(s.X, quarterX(q)), append(s.Y, acc[0]/acc[1])
				}
			}
			panel.Series = append(panel.Series, s)
		}
		f.Panels = append(f.Panels, panel)
	}
	return f
}

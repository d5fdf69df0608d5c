package plots

import (
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// drawing is what a figure drew, from a recording of its drawing calls.
type drawing struct {
	fills   []coloured // filled paths with their colour
	strokes []coloured
	texts   []*recorder.FillString
}

type coloured struct {
	c    color.Color
	path vg.Path
}

func record(t *testing.T, f Figure) (*drawing, *layout) {
	t.Helper()
	rec := &recorder.Canvas{}
	c := draw.NewCanvas(rec, Width, Height)
	if err := f.Draw(c); err != nil {
		t.Fatal(err)
	}
	l, err := f.layout(draw.NewCanvas(&recorder.Canvas{}, Width, Height), true)
	if err != nil {
		t.Fatal(err)
	}
	d := &drawing{}
	var cur color.Color
	rotated := 0
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			cur = a.Color
		case *recorder.Push:
			rotated++ // only rotated text pushes; its coordinates are not absolute
		case *recorder.Pop:
			rotated--
		case *recorder.Fill:
			d.fills = append(d.fills, coloured{cur, a.Path})
		case *recorder.Stroke:
			d.strokes = append(d.strokes, coloured{cur, a.Path})
		case *recorder.FillString:
			if rotated == 0 {
				d.texts = append(d.texts, a)
			}
		}
	}
	return d, l
}

func bounds(p vg.Path) vg.Rectangle {
	r := vg.Rectangle{Min: vg.Point{X: vg.Length(math.Inf(1)), Y: vg.Length(math.Inf(1))}, Max: vg.Point{X: vg.Length(math.Inf(-1)), Y: vg.Length(math.Inf(-1))}}
	for _, c := range p {
		if c.Type == vg.MoveComp || c.Type == vg.LineComp {
			r.Min.X, r.Min.Y = min(r.Min.X, c.Pos.X), min(r.Min.Y, c.Pos.Y)
			r.Max.X, r.Max.Y = max(r.Max.X, c.Pos.X), max(r.Max.Y, c.Pos.Y)
		}
	}
	return r
}

func sameColour(a, b color.Color) bool {
	if a == nil || b == nil {
		return false
	}
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

func within(r vg.Rectangle, p vg.Point) bool {
	return p.X >= r.Min.X && p.X <= r.Max.X && p.Y >= r.Min.Y && p.Y <= r.Max.Y
}

// TestErrorBarsOnBarCentres draws grouped bars and finds, for every bar in
// the data area, a vertical error-bar stroke at the bar's centre (the bug
// was error bars shifted in data units beside bars shifted in points).
func TestErrorBarsOnBarCentres(t *testing.T) {
	for _, n := range []int{1, 2, 3, 6} {
		f := Figure{Name: "bars", Kind: Bars, Categories: []string{"approached", "engaged", "experienced", "novice"}}
		for k := range n {
			s := Series{Name: string(rune('a' + k))}
			for i := range 4 {
				y := float64(1 + (i+k)%3)
				s.X, s.Y, s.Lo, s.Hi = append(s.X, float64(i)), append(s.Y, y), append(s.Lo, y-0.3), append(s.Hi, y+0.4)
			}
			f.Series = append(f.Series, s)
		}
		d, l := record(t, f)
		data := l.plot.DataCanvas(l.plotC).Rectangle
		var centres []vg.Length
		for _, fl := range d.fills {
			b := bounds(fl.path)
			isBar := false
			for k, s := range f.Series {
				isBar = isBar || sameColour(s.look(k).Colour, fl.c)
			}
			if within(data, b.Min) && within(data, b.Max) && isBar {
				centres = append(centres, (b.Min.X+b.Max.X)/2)
			}
		}
		if len(centres) != 4*n {
			t.Fatalf("%d series: found %d bars, want %d", n, len(centres), 4*n)
		}
		var bars []vg.Length
		for _, s := range d.strokes {
			b := bounds(s.path)
			if sameColour(s.c, errorColor) && b.Min.X == b.Max.X && b.Max.Y > b.Min.Y {
				bars = append(bars, b.Min.X)
			}
		}
		if len(bars) != len(centres) {
			t.Fatalf("%d series: %d vertical error bars for %d bars", n, len(bars), len(centres))
		}
		for _, c := range centres {
			if !slices.ContainsFunc(bars, func(x vg.Length) bool { return math.Abs(float64(x-c)) < 0.01 }) {
				t.Errorf("%d series: no error bar at the centre %.2f of a bar (error bars at %v)", n, c, bars)
			}
		}
	}
}

// TestLegendDoesNotCoverData draws the figures that had legends over their
// lines (fig2, fig3, fig4, fig5a, fig7b) and checks that every legend text
// lies outside the data area and that no data point lies inside the legend.
func TestLegendDoesNotCoverData(t *testing.T) {
	steps, cmp := table(t, stepsCSV), table(t, compareCSV)
	idx := table(t, `method,outcome,network,param,index,estimate,ci_low,ci_high
sobol,entrant_share,all,a,S1,0.3,0.2,0.4
sobol,entrant_share,all,a,ST,0.5,0.4,0.6
sobol,entrant_share,all,b,S1,0.1,0.05,0.2
sobol,entrant_share,all,b,ST,0.2,0.1,0.3`)
	entries := table(t, "firm,order,psychic_distance,counted\n0,1,0.1,true\n0,2,0.3,true\n1,1,0.2,true")
	for _, f := range []Figure{DoseResponse(cmp, "entrant_share"), ChannelsOverTime(steps), EntrantShareOverTime(steps),
		UppsalaPath(entries), SensitivityBars(idx), StagesOverTime(steps)} {
		d, l := record(t, f)
		data := l.plot.DataCanvas(l.plotC).Rectangle
		names := 0
		for _, s := range f.Series {
			for _, tx := range d.texts {
				if tx.String == s.Name {
					names++
					if within(data, tx.Point) {
						t.Errorf("%s: legend entry %q drawn at %v inside the data area %v", f.Name, s.Name, tx.Point, data)
					}
				}
			}
		}
		if len(f.Series) > 1 && names < len(f.Series) {
			t.Errorf("%s: %d of %d legend entries drawn", f.Name, names, len(f.Series))
		}
		if l.legend == nil {
			continue
		}
		box := l.legend.Rectangle(l.legendC)
		dc := l.plot.DataCanvas(l.plotC)
		trX, trY := l.plot.Transforms(&dc)
		for _, s := range f.Series {
			for i := range s.Len() {
				if p := (vg.Point{X: trX(s.X[i]), Y: trY(s.Y[i])}); within(box, p) {
					t.Errorf("%s: point %d of %s at %v inside the legend %v", f.Name, i, s.Name, p, box)
				}
			}
		}
		if box.Max.X > Width || box.Min.Y < 0 {
			t.Errorf("%s: legend %v leaves the figure", f.Name, box)
		}
	}
}

// TestNetworkColourSameInEveryFigure builds figures from files that list the
// networks in different orders: each network keeps its colour and mark.
func TestNetworkColourSameInEveryFigure(t *testing.T) {
	steps := table(t, `rep,network,group,quarter,firms,entrant_share,channels,peer_shares
0,cwn,member,2007Q1,10,0.1,2,1
0,oreec,member,2007Q1,10,0.3,4,3
0,oslo-medtech,member,2007Q1,10,0.2,6,0`)
	cmp := table(t, `scenario,network,group,metric,mean,ci_low,ci_high
baseline,oslo-medtech,member,entrant_share,0.5,0.4,0.6
baseline,oreec,member,entrant_share,0.5,0.4,0.6
baseline,cwn,member,entrant_share,0.5,0.4,0.6
oreec-x2,oreec,member,entrant_share,0.6,0.5,0.7
cwn-x2,cwn,member,entrant_share,0.6,0.5,0.7
oslo-medtech-x2,oslo-medtech,member,entrant_share,0.6,0.5,0.7`)
	looks := map[string]Look{}
	for _, f := range []Figure{EntrantShareOverTime(steps), ChannelsOverTime(steps), SharingVsChannels(steps), DoseResponse(cmp, "entrant_share")} {
		if len(f.Series) != 3 {
			t.Fatalf("%s: %d series, want 3", f.Name, len(f.Series))
		}
		for k, s := range f.Series {
			lk := s.look(k)
			if prev, ok := looks[s.Name]; ok && (!sameColour(prev.Colour, lk.Colour) || prev.Style != lk.Style) {
				t.Errorf("%s: %s drawn as %v, elsewhere as %v", f.Name, s.Name, lk, prev)
			}
			looks[s.Name] = lk
		}
	}
	if sameColour(looks["OREEC"].Colour, looks["CWN"].Colour) || sameColour(looks["CWN"].Colour, looks["Oslo Medtech"].Colour) ||
		sameColour(looks["OREEC"].Colour, looks["Oslo Medtech"].Colour) {
		t.Errorf("thesis networks share a colour: %v", looks)
	}
	if a, b := NetworkLook("net-17"), NetworkLook("net-17"); !sameColour(a.Colour, b.Colour) {
		t.Error("a synthetic network's colour is not a function of its id")
	}
}

// TestHeatmapHasScaleAndNoWhiteCell: the maximum cell is not white (it read
// as a missing cell) and a colour bar is drawn beside the grid.
func TestHeatmapHasScaleAndNoWhiteCell(t *testing.T) {
	f := Figure{Name: "heat", Kind: Heatmap, ZLabel: "entrant share",
		Grid: &Grid{Xs: []float64{0, 1}, Ys: []float64{0, 1}, Zs: [][]float64{{0.1, 0.2}, {0.3, math.NaN()}}}}
	cm, err := f.colourMap()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{0.1, 0.3} {
		c, err := cm.At(v)
		if err != nil {
			t.Fatal(err)
		}
		r, g, b, _ := c.RGBA()
		if lum := (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff; lum > 0.85 || lum < 0.03 {
			t.Errorf("value %v has luminance %.2f: reads as background or black", v, lum)
		}
		if sameColour(c, missingColor) {
			t.Errorf("value %v coloured as missing", v)
		}
	}
	d, l := record(t, f)
	if l.scale == nil || l.scaleC.Min.X < l.plotC.Max.X {
		t.Fatalf("no colour scale beside the plot")
	}
	found := false
	for _, tx := range d.texts {
		found = found || (num(tx.String) == 0.3 && within(l.scaleC.Rectangle, tx.Point))
	}
	if !found {
		t.Error("colour scale has no tick label 0.3 at the maximum")
	}
}

func TestSavedPNGIs1200PixelsWide(t *testing.T) {
	dir := t.TempDir()
	f := EntrantShareOverTime(table(t, stepsCSV))
	paths, err := f.Save(dir)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open(filepath.Join(dir, f.Name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	cfg, err := png.DecodeConfig(fh)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 1200 || len(paths) != 2 || filepath.Ext(paths[1]) != ".svg" {
		t.Errorf("PNG %dx%d, paths %v; want 1200 wide plus an SVG", cfg.Width, cfg.Height, paths)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []string
		n      int
	}{
		{0, 1.8, []string{"0.0", "0.5", "1.0", "1.5"}, 0}, // was 0, 0.9, 1.8
		{2007, 2016.75, []string{"2008", "2010", "2012", "2014", "2016"}, 0},
		{0, 0.0037, []string{"0.000", "0.001", "0.002", "0.003"}, 0},
		{-1, 1, []string{"-1.0", "-0.5", "0.0", "0.5", "1.0"}, 0},
		{0, 20, []string{"0", "5", "10", "15", "20"}, 0},
		{0.05, 1.95, []string{"0.5", "1.0", "1.5"}, 3},      // narrow panel: step 1 would label 1 alone
		{0.1, 0.9, []string{"0.2", "0.4", "0.6", "0.8"}, 3}, // step 0.5 would label 0.5 alone
	} {
		var got []string
		for _, tk := range (NiceTicks{N: c.n}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("ticks on [%v, %v] = %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
}

// TestColourScatterColoursByOutcome: every design point is filled with the
// colour map's colour of its outcome, and the colour scale is drawn.
func TestColourScatterColoursByOutcome(t *testing.T) {
	f := Figure{Name: "lhs", Kind: ColourScatter, ZLabel: "entrant share",
		Cloud: &Cloud{X: []float64{0.1, 0.5, 0.9}, Y: []float64{0.7, 0.2, 0.4}, Z: []float64{0.3, 0.6, 0.45}}}
	cm, err := f.colourMap()
	if err != nil {
		t.Fatal(err)
	}
	d, l := record(t, f)
	data := l.plot.DataCanvas(l.plotC).Rectangle
	data.Min.X, data.Min.Y, data.Max.X, data.Max.Y = data.Min.X-10, data.Min.Y-10, data.Max.X+10, data.Max.Y+10 // markers' outlines
	for i, z := range f.Cloud.Z {
		want, _ := cm.At(z)
		if !slices.ContainsFunc(d.fills, func(fl coloured) bool { return sameColour(fl.c, want) && within(data, bounds(fl.path).Min) }) {
			t.Errorf("point %d (z = %v) not filled with its colour", i, z)
		}
	}
	if l.scale == nil {
		t.Error("no colour scale")
	}
}

// TestPanelsShareAxes: panels of different ranges are drawn on one y axis
// (and one x axis over time), with the y label once per row.
func TestPanelsShareAxes(t *testing.T) {
	f := Figure{Name: "p", Kind: Panels, SameX: true}
	for k := range 4 {
		f.Panels = append(f.Panels, Figure{Kind: Lines, YLabel: "y", Series: []Series{
			{Name: "a", X: []float64{float64(k), float64(k) + 1}, Y: []float64{float64(k), 2 * float64(k)}},
			{Name: "b", X: []float64{0, 1}, Y: []float64{1, 1}}}})
	}
	var ranges [][4]float64
	for i, pf := range f.panelFigures(3) {
		p, err := pf.Plot()
		if err != nil {
			t.Fatal(err)
		}
		ranges = append(ranges, [4]float64{p.X.Min, p.X.Max, p.Y.Min, p.Y.Max})
		if (pf.YLabel != "") != (i%3 == 0) {
			t.Errorf("panel %d y label %q: want it on the first of each row only", i, pf.YLabel)
		}
	}
	for i, r := range ranges {
		if r != ranges[0] {
			t.Errorf("panel %d axes %v, panel 0 %v: want shared", i, r, ranges[0])
		}
	}
	if ranges[0][2] > 0 || ranges[0][3] < 6 || ranges[0][1] < 4 {
		t.Errorf("shared axes %v do not cover all panels' data (y 0..6, x 0..4)", ranges[0])
	}
	if _, err := f.Save(t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

// TestMorrisFigureLabelsEveryParameter: each parameter's name is written
// beside its point, and mu* has a horizontal interval.
func TestMorrisFigureLabelsEveryParameter(t *testing.T) {
	f := Figure{Name: "m", Kind: Scatter, Series: []Series{{Name: "parameters",
		X: []float64{0.1, 0.12, 0.8}, Y: []float64{0.05, 0.06, 0.3}, XLo: []float64{0.05, 0.1, 0.7}, XHi: []float64{0.15, 0.14, 0.9},
		Labels: []string{"funding.scale", "peer.seek_prob", "firm.step_rate"}}}}
	d, l := record(t, f)
	data := l.plot.DataCanvas(l.plotC).Rectangle
	for _, name := range f.Series[0].Labels {
		if !slices.ContainsFunc(d.texts, func(tx *recorder.FillString) bool { return tx.String == name }) {
			t.Errorf("label %s not drawn", name)
		}
	}
	horizontal := 0
	for _, s := range d.strokes {
		if b := bounds(s.path); b.Min.Y == b.Max.Y && b.Max.X-b.Min.X > 5 && within(data, b.Min) {
			horizontal++
		}
	}
	if horizontal < 3 {
		t.Errorf("%d horizontal interval strokes, want one per parameter", horizontal)
	}
}

package plots

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// barLayout holds a grouped bar chart's bars and error bars, whose widths
// and offsets (in points) are set together once the data area is known, so
// that every error bar sits on the centre of its bar.
type barLayout struct {
	bars   []*plotter.BarChart
	errors []*barErrors // nil where a series has no interval
}

func (f Figure) addBars(p *plot.Plot) (*barLayout, error) {
	bl := &barLayout{}
	for k, s := range f.Series {
		bars, err := plotter.NewBarChart(plotter.Values(s.Y), vg.Points(10))
		if err != nil {
			return nil, err
		}
		bars.Color = s.look(k).Colour
		bars.LineStyle.Width = 0
		p.Add(plainBars{bars})
		p.Legend.Add(s.Name, bars)
		bl.bars = append(bl.bars, bars)
		var eb *barErrors
		if s.hasInterval() {
			eb = &barErrors{s: s}
			p.Add(eb)
		}
		bl.errors = append(bl.errors, eb)
	}
	p.NominalX(f.Categories...)
	// Half a category of room on either side; bar widths then depend on
	// the data area only, not the other way round.
	p.X.Min, p.X.Max, p.X.Padding = -0.5, float64(len(f.Categories))-0.5, 0
	p.X.Tick.Width = 0 // categories need no tick marks
	// Slant the category labels if they would not fit side by side in
	// about two thirds of the figure's width.
	room := 0.65 * Width / vg.Length(max(1, len(f.Categories)))
	for _, c := range f.Categories {
		if p.X.Tick.Label.Rectangle(c).Size().X > 0.9*room {
			p.X.Tick.Label.Rotation = math.Pi / 8
			p.X.Tick.Label.XAlign = draw.XRight
			p.X.Tick.Label.YAlign = draw.YTop
			break
		}
	}
	return bl, nil
}

// plainBars is a bar chart without glyph boxes, so that its width does not
// change the padding of the data area it is sized to.
type plainBars struct{ b *plotter.BarChart }

func (p plainBars) Plot(c draw.Canvas, plt *plot.Plot) { p.b.Plot(c, plt) }

func (p plainBars) DataRange() (xmin, xmax, ymin, ymax float64) { return p.b.DataRange() }

// fit sizes the bars to fill 80 % of each category's width in data area c.
func (bl *barLayout) fit(p *plot.Plot, c draw.Canvas) {
	n := len(bl.bars)
	if n == 0 {
		return
	}
	trX, _ := p.Transforms(&c)
	width := 0.8 * (trX(1) - trX(0)) / vg.Length(n)
	for k, b := range bl.bars {
		b.Width = width
		b.Offset = vg.Length(float64(k)-float64(n-1)/2) * width
		if e := bl.errors[k]; e != nil {
			e.offset, e.cap = b.Offset, 0.4*width
		}
	}
}

// barErrors draws a series' intervals at category i shifted by offset
// points: the same shift as its bars (plotter.YErrorBars can only shift in
// data units, which put the bars' error bars beside them).
type barErrors struct {
	s           Series
	offset, cap vg.Length
}

// Plot implements plot.Plotter.
func (e *barErrors) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: errorColor, Width: vg.Points(1)}
	for i := range e.s.Len() {
		if math.IsNaN(e.s.Lo[i]) || math.IsNaN(e.s.Hi[i]) {
			continue
		}
		x := trX(float64(i)) + e.offset
		lo, hi := trY(e.s.Lo[i]), trY(e.s.Hi[i])
		c.StrokeLine2(sty, x, lo, x, hi)
		c.StrokeLine2(sty, x-e.cap/2, lo, x+e.cap/2, lo)
		c.StrokeLine2(sty, x-e.cap/2, hi, x+e.cap/2, hi)
	}
}

// DataRange implements plot.DataRanger: the intervals must fit on the axis.
func (e *barErrors) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for i := range e.s.Len() {
		for _, v := range []float64{e.s.Lo[i], e.s.Hi[i], e.s.Y[i]} {
			if !math.IsNaN(v) {
				ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
			}
		}
	}
	return 0, float64(e.s.Len() - 1), ymin, ymax
}

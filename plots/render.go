package plots

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Size of saved figures: 1200 x 750 pixels at DPI, a 16 cm wide figure in
// print, the width of a two-column journal figure.
const (
	DPI    = 192
	Width  = 1200 * vg.Inch / DPI
	Height = 750 * vg.Inch / DPI
)

var (
	titleFont  = font.From(plot.DefaultFont, 13)
	noteFont   = font.From(plot.DefaultFont, 9)
	errorColor = color.Gray{0x33} // error bars: dark grey on any bar colour
	refColor   = color.Gray{0x99}
	pad        = vg.Points(6)
)

// layout is where the parts of a figure go on a canvas: the plot (axes and
// data), the legend and the colour scale each get their own area, so that a
// legend can never cover data.
type layout struct {
	plot    *plot.Plot
	plotC   draw.Canvas
	legend  *plot.Legend // nil: no legend
	legendC draw.Canvas
	scale   *plot.Plot // colour scale; nil: none
	scaleC  draw.Canvas
	bars    *barLayout // Bars: widths set once the data area is known
}

// Draw renders the figure onto c.
func (f Figure) Draw(c draw.Canvas) error {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	if f.Kind == Panels {
		return f.drawPanels(c)
	}
	if f.Kind == BandRows {
		return f.drawBands(c)
	}
	l, err := f.layout(c, true)
	if err != nil {
		return err
	}
	l.plot.Draw(l.plotC)
	if l.legend != nil {
		l.legend.Draw(l.legendC)
	}
	if l.scale != nil {
		l.scale.Draw(l.scaleC)
	}
	return nil
}

// drawTitle writes the title and note centred at the top of c and returns
// the rest of c.
func drawTitle(c draw.Canvas, title, note string, size vg.Length) draw.Canvas {
	for _, part := range []struct {
		text string
		face font.Font
	}{{title, titleFont}, {note, noteFont}} {
		if part.text == "" {
			continue
		}
		face := part.face
		if part.face == titleFont {
			face.Size = size
		}
		sty := text.Style{Font: face, Handler: plot.DefaultTextHandler, XAlign: draw.XCenter, YAlign: draw.YTop}
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, part.text)
		c.Max.Y -= sty.Rectangle(part.text).Size().Y + vg.Points(3)
	}
	c.Max.Y -= vg.Points(2)
	return c
}

// layout builds the plot and places it, its legend and its colour scale in c.
// withLegend false leaves the legend out (panels after the first share it).
func (f Figure) layout(c draw.Canvas, withLegend bool) (*layout, error) {
	l := &layout{}
	p, err := f.plot(l)
	if err != nil {
		return nil, fmt.Errorf("plots: %s: %w", f.Name, err)
	}
	l.plot = p
	titleSize := titleFont.Size
	if f.Kind == Panels || c.Size().X < Width/2 {
		titleSize = vg.Points(11)
	}
	c = drawTitle(c, f.Title, f.Note, titleSize)
	right := pad
	leg := p.Legend
	p.Legend = plot.NewLegend()
	if withLegend && len(f.Series) > 1 {
		leg.Top, leg.Left = true, true
		l.legend = &leg
		right += leg.Rectangle(c).Size().X + 2*pad
	}
	if f.Kind == Heatmap || f.Kind == ColourScatter {
		sp, err := f.colourScale()
		if err != nil {
			return nil, fmt.Errorf("plots: %s: %w", f.Name, err)
		}
		l.scale = sp
		right += scaleWidth
	}
	l.plotC = draw.Crop(c, 0, -right, 0, 0)
	// gonum shrinks the data area to fit an axis label longer than its
	// axis: wrap labels to the room they have instead.
	p.X.Label.Text = wrap(p.X.Label.TextStyle, p.X.Label.Text, 0.9*l.plotC.Size().X)
	p.Y.Label.Text = wrap(p.Y.Label.TextStyle, p.Y.Label.Text, 0.8*l.plotC.Size().Y)
	data := p.DataCanvas(l.plotC)
	if l.bars != nil {
		l.bars.fit(p, data)
	}
	x := l.plotC.Max.X + pad
	if l.legend != nil {
		l.legendC = draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: data.Min.Y}, Max: vg.Point{X: x + leg.Rectangle(c).Size().X, Y: data.Max.Y}}}
		x = l.legendC.Max.X + pad
	}
	if l.scale != nil {
		l.scaleC = draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: data.Min.Y - vg.Points(4)}, Max: vg.Point{X: c.Max.X, Y: data.Max.Y}}}
	}
	return l, nil
}

// wrap breaks s into lines at spaces so that each fits in width w.
func wrap(sty text.Style, s string, w vg.Length) string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && sty.Rectangle(line+" "+word).Size().X > w {
				lines = append(lines, line)
				line = word
				continue
			}
			line = strings.TrimSpace(line + " " + word)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// plot builds the gonum plot without title: axes, data and legend entries.
func (f Figure) plot(l *layout) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	p.X.Tick.Marker, p.Y.Tick.Marker = NiceTicks{}, NiceTicks{}
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = color.Gray{0xDD}, color.Gray{0xDD}
	if f.Kind == Bars {
		grid.Vertical.Width = 0 // categories need no vertical lines
	}
	if f.Kind != Heatmap {
		p.Add(grid)
	}
	for _, r := range f.Refs {
		line, err := plotter.NewLine(r)
		if err != nil {
			return nil, err
		}
		line.Color, line.Width, line.Dashes = refColor, vg.Points(0.8), []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(line)
	}
	var err error
	switch f.Kind {
	case Lines, Points, Scatter:
		err = f.addXY(p)
	case Bars:
		l.bars, err = f.addBars(p)
	case Heatmap:
		err = f.addHeatmap(p)
	case ColourScatter:
		err = f.addCloud(p)
	default:
		err = fmt.Errorf("unknown kind %d", f.Kind)
	}
	if err != nil {
		return nil, err
	}
	if f.xTicks > 0 {
		p.X.Tick.Marker = NiceTicks{N: f.xTicks}
	}
	if f.yRange != nil {
		p.Y.Min, p.Y.Max = f.yRange[0], f.yRange[1]
	}
	if f.xRange != nil {
		p.X.Min, p.X.Max = f.xRange[0], f.xRange[1]
	}
	if f.LogLog {
		p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
		// Whole decades, so that the log ticks carry labels.
		p.Y.Min = math.Pow(10, math.Floor(math.Log10(p.Y.Min)))
		p.Y.Max = math.Pow(10, math.Ceil(math.Log10(p.Y.Max)))
	}
	return p, nil
}

func (f Figure) addXY(p *plot.Plot) error {
	dodge := f.dodge()
	for k, s := range f.Series {
		if s.Len() == 0 {
			continue
		}
		lk := s.look(k)
		var to adder = p
		if d := dodge(k); d != 0 {
			to = &dodgingPlot{p, d} // series k's line, markers and error bars move sideways together
		}
		var thumbs []plot.Thumbnailer
		if s.Dots {
			sc, err := plotter.NewScatter(s)
			if err != nil {
				return err
			}
			sc.Color, sc.Shape, sc.Radius = lk.Colour, draw.CircleGlyph{}, vg.Points(1.5)
			to.Add(sc)
			p.Legend.Add(s.Name, sc)
			continue
		}
		if f.Kind == Lines && s.hasInterval() {
			band, err := bandPolygon(s)
			if err != nil {
				return err
			}
			band.Color = translucent(lk.Colour, 0x40)
			band.LineStyle.Width = 0
			to.Add(band)
			thumbs = append(thumbs, band)
		}
		if f.Kind != Scatter {
			line, err := plotter.NewLine(s)
			if err != nil {
				return err
			}
			line.Color, line.Width = lk.Colour, vg.Points(1.8)
			line.Dashes = dashes(lk.Style)
			to.Add(line)
			thumbs = append(thumbs, line)
		}
		if f.Kind != Lines {
			sc, err := plotter.NewScatter(s)
			if err != nil {
				return err
			}
			sc.Color, sc.Shape, sc.Radius = lk.Colour, shape(lk.Style), vg.Points(3)
			to.Add(sc)
			thumbs = append(thumbs, sc)
		}
		if f.Kind != Lines && s.hasInterval() {
			eb, err := plotter.NewYErrorBars(s)
			if err != nil {
				return err
			}
			eb.Color = lk.Colour
			to.Add(eb)
		}
		if f.Kind == Scatter && s.hasXInterval() {
			eb, err := plotter.NewXErrorBars(s)
			if err != nil {
				return err
			}
			eb.Color = lk.Colour
			to.Add(eb)
		}
		if len(s.Labels) == s.Len() {
			if err := addLabels(to, s); err != nil {
				return err
			}
		}
		p.Legend.Add(s.Name, thumbs...)
	}
	return nil
}

// dodge is how far series k is moved sideways, in points: on figures with
// error bars, several series at the same x would hide each other's bars.
func (f Figure) dodge() func(k int) vg.Length {
	n := len(f.Series)
	if f.Kind != Points || n < 2 {
		return func(int) vg.Length { return 0 }
	}
	return func(k int) vg.Length { return vg.Points(4) * vg.Length(float64(k)-float64(n-1)/2) }
}

type adder interface{ Add(...plot.Plotter) }

// dodgingPlot adds plotters to a plot moved sideways by a canvas length.
type dodgingPlot struct {
	*plot.Plot
	by vg.Length
}

func (d *dodgingPlot) Add(ps ...plot.Plotter) {
	for _, p := range ps {
		d.Plot.Add(dodged{p, d.by})
	}
}

// dodged draws a plotter moved sideways by a canvas length; axes still fit
// its data.
type dodged struct {
	p  plot.Plotter
	by vg.Length
}

func (d dodged) Plot(c draw.Canvas, p *plot.Plot) {
	c.Rectangle.Min.X += d.by
	c.Rectangle.Max.X += d.by
	d.p.Plot(c, p)
}

func (d dodged) DataRange() (xmin, xmax, ymin, ymax float64) {
	if r, ok := d.p.(plot.DataRanger); ok {
		return r.DataRange()
	}
	return math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
}

func (d dodged) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	g, ok := d.p.(plot.GlyphBoxer)
	if !ok {
		return nil
	}
	bs := g.GlyphBoxes(p)
	for i := range bs { // the data area is padded for where glyphs are drawn
		bs[i].Rectangle = bs[i].Rectangle.Add(vg.Point{X: d.by})
	}
	return bs
}

// addLabels writes each point's label beside it, alternately above and
// below in order of x, so that neighbours' labels do not run into each other.
func addLabels(p adder, s Series) error {
	order := make([]int, s.Len())
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(s.X[a], s.X[b]) })
	for parity, dy := range []vg.Length{vg.Points(4), vg.Points(-14)} {
		var lab plotter.XYLabels
		for k, i := range order {
			if k%2 == parity {
				lab.XYs = append(lab.XYs, plotter.XY{X: s.X[i], Y: s.Y[i]})
				lab.Labels = append(lab.Labels, s.Labels[i])
			}
		}
		if len(lab.Labels) == 0 {
			continue
		}
		lb, err := plotter.NewLabels(lab)
		if err != nil {
			return err
		}
		lb.Offset = vg.Point{X: vg.Points(5), Y: dy}
		p.Add(lb)
	}
	return nil
}

// bandPolygon is the closed outline Lo then Hi backwards.
func bandPolygon(s Series) (*plotter.Polygon, error) {
	pts := make(plotter.XYs, 0, 2*s.Len())
	for i := range s.Len() {
		if !math.IsNaN(s.Lo[i]) {
			pts = append(pts, plotter.XY{X: s.X[i], Y: s.Lo[i]})
		}
	}
	for i := s.Len() - 1; i >= 0; i-- {
		if !math.IsNaN(s.Hi[i]) {
			pts = append(pts, plotter.XY{X: s.X[i], Y: s.Hi[i]})
		}
	}
	return plotter.NewPolygon(pts)
}

// dashes and shape tell series apart without colour.
func dashes(k int) []vg.Length {
	switch k % 4 {
	case 1:
		return []vg.Length{vg.Points(6), vg.Points(3)}
	case 2:
		return []vg.Length{vg.Points(2), vg.Points(2)}
	case 3:
		return []vg.Length{vg.Points(8), vg.Points(2), vg.Points(2), vg.Points(2)}
	}
	return nil
}

func shape(k int) draw.GlyphDrawer {
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PlusGlyph{}, draw.CrossGlyph{}, draw.RingGlyph{}}
	return shapes[k%len(shapes)]
}

// drawPanels draws the panels (up to three per row) under the figure's
// title, with one legend right of them all: panels show the same series.
func (f Figure) drawPanels(c draw.Canvas) error {
	c = drawTitle(c, f.Title, f.Note, titleFont.Size)
	n := len(f.Panels)
	if n == 0 {
		return fmt.Errorf("plots: %s: no panels", f.Name)
	}
	if first := f.Panels[0]; len(first.Series) > 1 {
		l := &layout{}
		p, err := first.plot(l)
		if err != nil {
			return err
		}
		leg := p.Legend
		leg.Top, leg.Left = true, true
		w := leg.Rectangle(c).Size().X
		leg.Draw(draw.Crop(c, c.Size().X-w-pad, -pad, 0, -vg.Points(20)))
		c = draw.Crop(c, 0, -w-2*pad, 0, 0)
	}
	cols := min(n, 3)
	tiles := draw.Tiles{Cols: cols, Rows: (n + cols - 1) / cols, PadX: vg.Points(8), PadY: vg.Points(8)}
	for i, pf := range f.panelFigures(cols) {
		l, err := pf.layout(tiles.At(c, i%cols, i/cols), false)
		if err != nil {
			return err
		}
		l.plot.Draw(l.plotC)
		if l.scale != nil {
			l.scale.Draw(l.scaleC)
		}
	}
	return nil
}

// panelFigures are the panels as drawn: one y range (and with SameX one x
// range) for all, so that panels compare at a glance; the y label once per
// row of cols panels.
func (f Figure) panelFigures(cols int) []Figure {
	yr, xr := sharedY(f.Panels), sharedX(f.Panels)
	out := slices.Clone(f.Panels)
	for i := range out {
		out[i].yRange, out[i].xTicks = yr, 3 // room for 3 labelled x ticks
		if f.SameX {
			out[i].xRange = xr
		} else if r := niceRange(out[i].Series); r != nil {
			out[i].xRange = r // ends on labelled ticks: a narrow panel then needs only 3 labels
		}
		if i%cols != 0 {
			out[i].YLabel = ""
		}
	}
	return out
}

// niceRange is the x range of the series widened to multiples of a nice
// step giving about 3 intervals.
func niceRange(series []Series) *[2]float64 {
	r := sharedX([]Figure{{Series: series}})
	if r == nil || !(r[1] > r[0]) {
		return r
	}
	step := niceStep((r[1] - r[0]) / 3)
	return &[2]float64{math.Floor(r[0]/step+1e-9) * step, math.Ceil(r[1]/step-1e-9) * step}
}

// sharedY is the y range of all panels' data and intervals.
func sharedY(panels []Figure) *[2]float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, pf := range panels {
		for _, s := range pf.Series {
			for _, ys := range [][]float64{s.Y, s.Lo, s.Hi} {
				for _, y := range ys {
					if !math.IsNaN(y) {
						lo, hi = math.Min(lo, y), math.Max(hi, y)
					}
				}
			}
		}
	}
	if !(hi >= lo) {
		return nil
	}
	pad := 0.03 * (hi - lo)
	return &[2]float64{lo - pad, hi + pad}
}

func sharedX(panels []Figure) *[2]float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, pf := range panels {
		for _, s := range pf.Series {
			for _, x := range s.X {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	if !(hi >= lo) {
		return nil
	}
	return &[2]float64{lo, hi}
}

// Save writes DIR/NAME.png (1200 pixels wide) and DIR/NAME.svg, each through
// a temporary file, and returns their paths.
func (f Figure) Save(dir string) ([]string, error) {
	height := Height
	if f.Kind == BandRows {
		height = f.bandsHeight() // one row per pattern
	}
	png := vgimg.NewWith(vgimg.UseWH(Width, height), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
	svg := vgsvg.New(Width, height)
	var paths []string
	for _, out := range []struct {
		ext string
		c   vg.CanvasWriterTo
	}{{".png", vgimg.PngCanvas{Canvas: png}}, {".svg", svg}} {
		if err := f.Draw(draw.New(out.c)); err != nil {
			return nil, err
		}
		path := filepath.Join(dir, f.Name+out.ext)
		if err := writeFile(path, out.c); err != nil {
			return nil, fmt.Errorf("plots: save %s: %w", path, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// writeFile writes through a temporary file, so a figure is never half written.
func writeFile(path string, w io.WriterTo) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	fh, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = w.WriteTo(fh)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// Plot builds the figure's gonum plot alone: axes, data and legend entries,
// without title, legend area or colour scale (Draw places those).
func (f Figure) Plot() (*plot.Plot, error) {
	if f.Kind == Panels || f.Kind == BandRows {
		return nil, fmt.Errorf("plots: %s: panels and pattern rows have no single plot", f.Name)
	}
	return f.plot(&layout{})
}

package plots

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Band is one row of a BandRows figure: a pattern's value with its interval
// against its target band. The patterns have different units, so each row
// has its own scale, labelled with the band's edges and the value.
type Band struct {
	Label             string
	Low, High         float64 // band edges; -Inf / +Inf when open
	Value, CILo, CIHi float64 // NaN when missing
	Verdict           string  // within, outside or inconclusive
}

// verdictLooks: colour and mark by verdict, so that the verdict shows in
// grey print too (Okabe and Ito colours).
var verdictLooks = map[string]Look{
	"within":       {Palette[2], 0}, // bluish green, circle
	"outside":      {Palette[4], 4}, // vermillion, cross
	"inconclusive": {Palette[0], 2}, // orange, triangle
}

var bandFill = translucent(Palette[1], 0x55)

// PatternBands is the figure of `rinsim validate`: every pattern of
// patterns.csv with its mean and 95 % interval against its target band.
func PatternBands(t *Table) Figure {
	f := Figure{Name: "patterns", Title: "Target patterns: model value and 95 % interval against the target band",
		Note: "shaded: target band; mark: mean, bar: 95 % interval; circle within, cross outside, triangle inconclusive",
		Kind: BandRows}
	edge := func(s string, open float64) float64 {
		if x := num(s); !math.IsNaN(x) {
			return x
		}
		return open
	}
	for _, r := range t.Rows {
		f.Bands = append(f.Bands, Band{Label: r[t.Col("pattern")],
			Low: edge(r[t.Col("target_low")], math.Inf(-1)), High: edge(r[t.Col("target_high")], math.Inf(1)),
			Value: num(r[t.Col("value")]), CILo: num(r[t.Col("ci_low")]), CIHi: num(r[t.Col("ci_high")]),
			Verdict: r[t.Col("verdict")]})
	}
	return f
}

// bandRowHeight is the height of one pattern's row.
const bandRowHeight = 0.46 * vg.Inch

// bandsHeight is the height a BandRows figure needs.
func (f Figure) bandsHeight() vg.Length {
	return max(Height, vg.Length(len(f.Bands))*bandRowHeight+0.8*vg.Inch)
}

// Range is the scale of a row: the band's finite edges and the interval,
// with a margin, so that the band and the interval always show.
func (b Band) Range() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range []float64{b.Low, b.High, b.Value, b.CILo, b.CIHi} {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	if lo > hi {
		return 0, 1
	}
	span := hi - lo
	if span == 0 {
		span = math.Max(math.Abs(lo), 1)
	}
	return lo - 0.25*span, hi + 0.25*span
}

func (f Figure) drawBands(c draw.Canvas) error {
	if len(f.Bands) == 0 {
		return fmt.Errorf("plots: %s: no patterns", f.Name)
	}
	c = drawTitle(c, f.Title, f.Note, titleFont.Size)
	labelW := c.Size().X * 0.34
	verdictW := c.Size().X * 0.12
	rowH := c.Size().Y / vg.Length(len(f.Bands))
	for k, b := range f.Bands {
		top := c.Max.Y - vg.Length(k)*rowH
		row := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: top - rowH}, Max: vg.Point{X: c.Max.X, Y: top}}}
		drawBandRow(row, b, labelW, verdictW)
	}
	return nil
}

var (
	labelFont = font.From(plot.DefaultFont, 8)
	smallFont = font.From(plot.DefaultFont, 6.5)
)

func textStyle(f font.Font, c color.Color, x draw.XAlignment, y draw.YAlignment) text.Style {
	return text.Style{Font: f, Color: c, Handler: plot.DefaultTextHandler, XAlign: x, YAlign: y}
}

// drawBandRow draws one pattern: its name on the left, the track with the
// band, interval and value in the middle, the verdict on the right.
func drawBandRow(c draw.Canvas, b Band, labelW, verdictW vg.Length) {
	midY := c.Min.Y + c.Size().Y*0.55
	c.FillText(textStyle(labelFont, color.Black, draw.XLeft, draw.YCenter), vg.Point{X: c.Min.X + pad, Y: midY}, b.Label)
	look, ok := verdictLooks[b.Verdict]
	if !ok {
		look = Look{Palette[7], 3}
	}
	c.FillText(textStyle(labelFont, look.Colour, draw.XLeft, draw.YCenter), vg.Point{X: c.Max.X - verdictW + pad, Y: midY}, b.Verdict)
	x0, x1 := c.Min.X+labelW, c.Max.X-verdictW-pad
	lo, hi := b.Range()
	at := func(v float64) vg.Length {
		v = math.Max(lo, math.Min(hi, v))
		return x0 + vg.Length((v-lo)/(hi-lo))*(x1-x0)
	}
	h := c.Size().Y * 0.28
	band := vg.Rectangle{Min: vg.Point{X: at(b.Low), Y: midY - h}, Max: vg.Point{X: at(b.High), Y: midY + h}}
	c.SetColor(bandFill)
	c.Fill(band.Path())
	grey := draw.LineStyle{Color: refColor, Width: vg.Points(0.5)}
	c.StrokeLine2(grey, x0, midY, x1, midY)
	small := textStyle(smallFont, color.Gray{0x44}, draw.XCenter, draw.YTop)
	for _, e := range []float64{b.Low, b.High} {
		if !math.IsInf(e, 0) {
			c.StrokeLine2(draw.LineStyle{Color: Palette[3], Width: vg.Points(0.8)}, at(e), midY-h, at(e), midY+h)
			c.FillText(small, vg.Point{X: at(e), Y: midY - h - vg.Points(1)}, num6(e))
		}
	}
	if math.IsNaN(b.Value) {
		c.FillText(textStyle(smallFont, color.Gray{0x44}, draw.XCenter, draw.YCenter), vg.Point{X: (x0 + x1) / 2, Y: midY}, "no value")
		return
	}
	ink := draw.LineStyle{Color: look.Colour, Width: vg.Points(1.5)}
	if !math.IsNaN(b.CILo) && !math.IsNaN(b.CIHi) {
		cap := h * 0.6
		c.StrokeLine2(ink, at(b.CILo), midY, at(b.CIHi), midY)
		c.StrokeLine2(ink, at(b.CILo), midY-cap, at(b.CILo), midY+cap)
		c.StrokeLine2(ink, at(b.CIHi), midY-cap, at(b.CIHi), midY+cap)
	}
	gs := draw.GlyphStyle{Color: look.Colour, Radius: vg.Points(3), Shape: shape(look.Style)}
	c.DrawGlyph(gs, vg.Point{X: at(b.Value), Y: midY})
	c.FillText(textStyle(smallFont, color.Black, draw.XCenter, draw.YBottom), vg.Point{X: at(b.Value), Y: midY + h + vg.Points(1)}, num6(b.Value))
}

// num6 writes a number with up to four significant digits.
func num6(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }

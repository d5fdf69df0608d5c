package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// scaleWidth is the room a colour scale takes beside the plot.
const scaleWidth = 2.6 * vg.Centimeter

// missingColor marks heatmap cells without runs; no value of the colour map
// is grey.
var missingColor = color.Gray{0xD0}

// SeqMap is the sequential colour map of heatmaps and coloured scatters:
// Moreland's Kindlmann map (perceptually uniform, colour-blind safe) without
// its near-black start and near-white end, so that no value reads as
// background or as missing.
type SeqMap struct {
	min, max float64
	base     palette.ColorMap
}

// Kindlmann fractions kept: from dark purple to light yellow.
const seqFrom, seqTo = 0.08, 0.86

// NewSeqMap returns the map for values in [lo, hi].
func NewSeqMap(lo, hi float64) *SeqMap {
	if !(hi > lo) {
		lo, hi = lo-0.5, lo+0.5
	}
	base := moreland.Kindlmann()
	base.SetMin(0)
	base.SetMax(1)
	return &SeqMap{min: lo, max: hi, base: base}
}

// At implements palette.ColorMap.
func (m *SeqMap) At(v float64) (color.Color, error) {
	if math.IsNaN(v) {
		return nil, palette.ErrNaN
	}
	t := (v - m.min) / (m.max - m.min)
	if t < -1e-12 {
		return nil, palette.ErrUnderflow
	}
	if t > 1+1e-12 {
		return nil, palette.ErrOverflow
	}
	return m.base.At(seqFrom + math.Min(1, math.Max(0, t))*(seqTo-seqFrom))
}

// Max implements palette.ColorMap.
func (m *SeqMap) Max() float64 { return m.max }

// SetMax implements palette.ColorMap.
func (m *SeqMap) SetMax(v float64) { m.max = v }

// Min implements palette.ColorMap.
func (m *SeqMap) Min() float64 { return m.min }

// SetMin implements palette.ColorMap.
func (m *SeqMap) SetMin(v float64) { m.min = v }

// Alpha implements palette.ColorMap.
func (m *SeqMap) Alpha() float64 { return 1 }

// SetAlpha implements palette.ColorMap; the map is always opaque.
func (m *SeqMap) SetAlpha(float64) {}

// Palette implements palette.ColorMap: n colours evenly over the range.
func (m *SeqMap) Palette(n int) palette.Palette {
	cs := make([]color.Color, n)
	for i := range cs {
		v := m.min
		if n > 1 {
			v += (m.max - m.min) * float64(i) / float64(n-1)
		}
		cs[i], _ = m.At(v)
	}
	return colours(cs)
}

type colours []color.Color

// Colors implements palette.Palette.
func (c colours) Colors() []color.Color { return c }

// colourMap is the figure's map over the range of its values.
func (f Figure) colourMap() (*SeqMap, error) {
	var zs []float64
	switch {
	case f.Grid != nil:
		for _, row := range f.Grid.Zs {
			zs = append(zs, row...)
		}
	case f.Cloud != nil:
		zs = f.Cloud.Z
	default:
		return nil, fmt.Errorf("colour figure without data")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, z := range zs {
		if !math.IsNaN(z) {
			lo, hi = math.Min(lo, z), math.Max(hi, z)
		}
	}
	if math.IsInf(lo, 1) {
		return nil, fmt.Errorf("no values to colour")
	}
	return NewSeqMap(lo, hi), nil
}

func (f Figure) addHeatmap(p *plot.Plot) error {
	if f.Grid == nil {
		return fmt.Errorf("heatmap without grid")
	}
	cm, err := f.colourMap()
	if err != nil {
		return err
	}
	h := plotter.NewHeatMap(f.Grid, cm.Palette(256))
	h.Min, h.Max = cm.Min(), cm.Max()
	h.NaN = missingColor
	p.Add(h)
	return nil
}

func (f Figure) addCloud(p *plot.Plot) error {
	if f.Cloud == nil {
		return fmt.Errorf("coloured scatter without points")
	}
	cm, err := f.colourMap()
	if err != nil {
		return err
	}
	cl := f.Cloud
	sc, err := plotter.NewScatter(cloudXY{cl})
	if err != nil {
		return err
	}
	sc.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		c, err := cm.At(cl.Z[i])
		if err != nil {
			c = missingColor
		}
		return draw.GlyphStyle{Color: c, Radius: vg.Points(4.5), Shape: draw.CircleGlyph{}}
	}
	p.Add(sc)
	return nil
}

type cloudXY struct{ *Cloud }

func (c cloudXY) Len() int                    { return len(c.X) }
func (c cloudXY) XY(i int) (float64, float64) { return c.X[i], c.Y[i] }

// colourScale is a narrow plot holding the vertical colour bar, labelled
// with what colour means.
func (f Figure) colourScale() (*plot.Plot, error) {
	cm, err := f.colourMap()
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.HideX()
	p.Y.Tick.Marker = NiceTicks{}
	p.Y.Label.Text = f.ZLabel
	p.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	return p, nil
}

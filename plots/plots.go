// Package plots draws rinsim's figures with gonum/plot. A Figure is a plain
// description (title, axes, series); Plot renders it and Save writes PNG and
// SVG. Figure builders in figures.go turn output tables into Figures, so
// tests can check what a figure shows without looking at pixels.
package plots

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Kind is how a figure's series are drawn.
type Kind int

// Figure kinds.
const (
	Lines   Kind = iota // lines, with a shaded band where Lo/Hi are set
	Points              // markers with error bars where Lo/Hi are set, joined by lines
	Scatter             // markers only
	Bars                // grouped bars over Categories, with error bars where Lo/Hi are set
	Heatmap             // Grid
)

// Series is one named data series. It satisfies plotter.XYer, so gonum/plot
// reads it directly.
type Series struct {
	Name   string
	X, Y   []float64
	Lo, Hi []float64 // optional interval around Y, same length
}

// Len implements plotter.XYer.
func (s Series) Len() int { return len(s.Y) }

// XY implements plotter.XYer.
func (s Series) XY(i int) (float64, float64) { return s.X[i], s.Y[i] }

// YError implements plotter.YErrorer: distances from Y to Lo and Hi.
func (s Series) YError(i int) (float64, float64) { return s.Y[i] - s.Lo[i], s.Hi[i] - s.Y[i] }

func (s Series) hasInterval() bool {
	return len(s.Lo) == len(s.Y) && len(s.Hi) == len(s.Y) && len(s.Y) > 0
}

// Grid is a heatmap's data: Z[r][c] at (X[c], Y[r]). It satisfies plotter.GridXYZ.
type Grid struct {
	Xs, Ys []float64
	Zs     [][]float64
}

// Dims implements plotter.GridXYZ.
func (g Grid) Dims() (int, int) { return len(g.Xs), len(g.Ys) }

// Z implements plotter.GridXYZ.
func (g Grid) Z(c, r int) float64 { return g.Zs[r][c] }

// X implements plotter.GridXYZ.
func (g Grid) X(c int) float64 { return g.Xs[c] }

// Y implements plotter.GridXYZ.
func (g Grid) Y(r int) float64 { return g.Ys[r] }

// Figure describes one chart.
type Figure struct {
	Name       string // file name without extension
	Title      string
	XLabel     string // with unit
	YLabel     string // with unit
	Kind       Kind
	Series     []Series
	Categories []string // Bars: the groups along x
	Grid       *Grid    // Heatmap
	ZLabel     string   // Heatmap: what colour means
	LogLog     bool     // logarithmic x and y axes
}

// Palette is the Okabe and Ito (2008) colour-blind-safe palette, black last.
var Palette = []color.Color{
	color.RGBA{0xE6, 0x9F, 0x00, 0xFF}, // orange
	color.RGBA{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	color.RGBA{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	color.RGBA{0x00, 0x72, 0xB2, 0xFF}, // blue
	color.RGBA{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	color.RGBA{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	color.RGBA{0xF0, 0xE4, 0x42, 0xFF}, // yellow
	color.RGBA{0x00, 0x00, 0x00, 0xFF}, // black
}

func colour(i int) color.Color { return Palette[i%len(Palette)] }

func translucent(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), alpha}
}

// Plot renders the figure.
func (f Figure) Plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Legend.Top = true
	p.Legend.Left = f.Kind == Lines // time series rise to the right
	p.Add(plotter.NewGrid())
	var err error
	switch f.Kind {
	case Lines, Points, Scatter:
		err = f.addXY(p)
	case Bars:
		err = f.addBars(p)
	case Heatmap:
		err = f.addHeatmap(p)
	default:
		err = fmt.Errorf("plots: unknown kind %d", f.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("plots: %s: %w", f.Name, err)
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
	for k, s := range f.Series {
		if s.Len() == 0 {
			continue
		}
		c := colour(k)
		if f.Kind == Lines && s.hasInterval() {
			band, err := bandPolygon(s)
			if err != nil {
				return err
			}
			band.Color = translucent(c, 0x40)
			band.LineStyle.Width = 0
			p.Add(band)
		}
		if f.Kind != Scatter {
			line, err := plotter.NewLine(s)
			if err != nil {
				return err
			}
			line.Color, line.Width = c, vg.Points(1.8)
			line.Dashes = dashes(k)
			p.Add(line)
			p.Legend.Add(s.Name, line)
		}
		if f.Kind != Lines {
			sc, err := plotter.NewScatter(s)
			if err != nil {
				return err
			}
			sc.Color, sc.Shape, sc.Radius = c, shape(k), vg.Points(3)
			p.Add(sc)
			if f.Kind == Scatter {
				p.Legend.Add(s.Name, sc)
			}
		}
		if f.Kind == Points && s.hasInterval() {
			eb, err := plotter.NewYErrorBars(s)
			if err != nil {
				return err
			}
			eb.Color = c
			p.Add(eb)
		}
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

func (f Figure) addBars(p *plot.Plot) error {
	n := len(f.Series)
	if n == 0 {
		return nil
	}
	width := vg.Points(math.Max(4, 60/float64(n)))
	for k, s := range f.Series {
		bars, err := plotter.NewBarChart(plotter.Values(s.Y), width)
		if err != nil {
			return err
		}
		bars.Color = colour(k)
		bars.LineStyle.Width = 0
		bars.Offset = vg.Length(float64(k)-float64(n-1)/2) * width
		p.Add(bars)
		p.Legend.Add(s.Name, bars)
		if s.hasInterval() {
			eb, err := plotter.NewYErrorBars(categorySeries{s})
			if err != nil {
				return err
			}
			p.Add(shifted{eb, bars.Offset})
		}
	}
	p.NominalX(f.Categories...)
	for _, c := range f.Categories {
		if len(c) > 12 { // long parameter keys: slant them so they do not overlap
			p.X.Tick.Label.Rotation = math.Pi / 10
			p.X.Tick.Label.XAlign = draw.XRight
			p.X.Tick.Label.YAlign = draw.YCenter
			break
		}
	}
	return nil
}

// categorySeries puts value i at category i, where its bar group stands.
type categorySeries struct{ Series }

func (c categorySeries) XY(i int) (float64, float64) { return float64(i), c.Y[i] }

// shifted draws a plotter moved sideways by a canvas length, the way a bar
// chart's Offset moves its bars, so error bars sit on their bar.
type shifted struct {
	*plotter.YErrorBars // also its DataRange, so the axes include the bars
	by                  vg.Length
}

func (s shifted) Plot(c draw.Canvas, p *plot.Plot) {
	c.Rectangle.Min.X += s.by
	c.Rectangle.Max.X += s.by
	s.YErrorBars.Plot(c, p)
}

func (f Figure) addHeatmap(p *plot.Plot) error {
	if f.Grid == nil {
		return fmt.Errorf("heatmap without grid")
	}
	cm := moreland.Kindlmann() // perceptually uniform, colour-blind safe
	lo, hi := gridRange(f.Grid)
	if lo == hi {
		hi = lo + 1
	}
	cm.SetMin(lo)
	cm.SetMax(hi)
	h := plotter.NewHeatMap(f.Grid, cm.Palette(64))
	p.Add(h)
	p.Title.Text += fmt.Sprintf("\n(colour: %s, %.3g to %.3g)", f.ZLabel, lo, hi)
	return nil
}

func gridRange(g *Grid) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range g.Zs {
		for _, z := range row {
			if !math.IsNaN(z) {
				lo, hi = math.Min(lo, z), math.Max(hi, z)
			}
		}
	}
	return lo, hi
}

// Size of saved figures: readable at README width.
const (
	Width  = 16 * vg.Centimeter
	Height = 10 * vg.Centimeter
)

// Save writes DIR/NAME.png and DIR/NAME.svg, each through a temporary file,
// and returns their paths.
func (f Figure) Save(dir string) ([]string, error) {
	p, err := f.Plot()
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, ext := range []string{".png", ".svg"} {
		path := filepath.Join(dir, f.Name+ext)
		tmp := filepath.Join(dir, "."+f.Name+".tmp"+ext)
		if err := p.Save(Width, Height, tmp); err != nil {
			os.Remove(tmp)
			return nil, fmt.Errorf("plots: save %s: %w", path, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

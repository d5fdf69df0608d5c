// Package plots draws rinsim's figures with gonum/plot. A Figure is a plain
// description (title, axes, series); Draw renders it and Save writes PNG and
// SVG. Figure builders in figures.go turn output tables into Figures, so
// tests can check what a figure shows without looking at pixels.
package plots

import (
	"hash/fnv"
	"image/color"
)

// Kind is how a figure's series are drawn.
type Kind int

// Figure kinds.
const (
	Lines         Kind = iota // lines, with a shaded band where Lo/Hi are set
	Points                    // markers with error bars where Lo/Hi are set, joined by lines
	Scatter                   // markers only, with error bars where Lo/Hi or XLo/XHi are set
	Bars                      // grouped bars over Categories, with error bars where Lo/Hi are set
	Heatmap                   // Grid, with a colour scale
	ColourScatter             // Cloud: markers at (X, Y) coloured by Z, with a colour scale
	Panels                    // Panels side by side (small multiples)
	BandRows                  // Bands: one row per pattern, value and interval against a target band (bands.go)
)

// Series is one named data series. It satisfies plotter.XYer, so gonum/plot
// reads it directly.
type Series struct {
	Name     string
	X, Y     []float64
	Lo, Hi   []float64 // optional interval around Y, same length
	XLo, XHi []float64 // optional interval around X (Scatter)
	Labels   []string  // optional text beside each point (Scatter)
	Dots     bool      // small markers only, whatever the figure's kind: raw data behind a summary
	Look     *Look     // colour and mark; nil: by position among the figure's series
}

// Look fixes how a series is drawn, so that the same thing (a network) has
// the same colour, dash and marker in every figure.
type Look struct {
	Colour color.Color
	Style  int // index of the dash pattern and marker
}

// Len implements plotter.XYer.
func (s Series) Len() int { return len(s.Y) }

// XY implements plotter.XYer.
func (s Series) XY(i int) (float64, float64) { return s.X[i], s.Y[i] }

// YError implements plotter.YErrorer: distances from Y to Lo and Hi.
func (s Series) YError(i int) (float64, float64) { return s.Y[i] - s.Lo[i], s.Hi[i] - s.Y[i] }

// XError implements plotter.XErrorer: distances from X to XLo and XHi.
func (s Series) XError(i int) (float64, float64) { return s.X[i] - s.XLo[i], s.XHi[i] - s.X[i] }

func (s Series) hasInterval() bool {
	return len(s.Lo) == len(s.Y) && len(s.Hi) == len(s.Y) && len(s.Y) > 0
}

func (s Series) hasXInterval() bool {
	return len(s.XLo) == len(s.X) && len(s.XHi) == len(s.X) && len(s.X) > 0
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

// Cloud is a coloured scatter's data: a marker at (X[i], Y[i]) coloured by Z[i].
type Cloud struct {
	X, Y, Z []float64
}

// Figure describes one chart, or a row of panels.
type Figure struct {
	Name       string // file name without extension
	Title      string
	Note       string // second title line in smaller type: what was averaged, what was left out
	XLabel     string // with unit
	YLabel     string // with unit
	Kind       Kind
	Series     []Series
	Refs       []Series // reference lines, thin and grey, not in the legend
	Categories []string // Bars: the groups along x
	Grid       *Grid    // Heatmap
	Cloud      *Cloud   // ColourScatter
	ZLabel     string   // Heatmap, ColourScatter: what colour means
	LogLog     bool     // logarithmic x and y axes
	Panels     []Figure // Panels: each drawn as a figure of its own kind
	Bands      []Band   // BandRows

	yRange *[2]float64 // fixed y axis (panels share one)
	xRange *[2]float64 // fixed x axis
	SameX  bool        // Panels: one x axis range for all (time)
	xTicks int         // labelled x ticks wanted (0: about 5)
}

// Palette is the Okabe and Ito (2008) colour-blind-safe palette, black last.
// Yellow is left out of series colours: it is unreadable as a line on white.
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

var seriesColours = []color.Color{Palette[0], Palette[1], Palette[2], Palette[3], Palette[4], Palette[5], Palette[7]}

// networkLooks fixes the thesis networks' looks: green for clean tech
// (OREEC), vermillion for medical technology (Oslo Medtech), blue for water
// (Clean Water Norway).
var networkLooks = map[string]Look{
	"oreec":        {Palette[2], 0},
	"oslo-medtech": {Palette[4], 1},
	"cwn":          {Palette[3], 2},
}

// AllMembers is the look of a series that pools every network.
var AllMembers = Look{Palette[7], 3}

// NetworkLook is the colour and mark of a network in every figure: fixed for
// the thesis networks, derived from the id for any other, never from the
// order in which networks happen to appear in a file.
func NetworkLook(id string) Look {
	if l, ok := networkLooks[id]; ok {
		return l
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	k := int(h.Sum32() % uint32(len(seriesColours)-1)) // not black: that is AllMembers
	return Look{seriesColours[k], k}
}

// look is the series' own look or the k-th by order.
func (s Series) look(k int) Look {
	if s.Look != nil {
		return *s.Look
	}
	return Look{seriesColours[k%len(seriesColours)], k}
}

func translucent(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), alpha}
}

package app

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/rinsim/rinsim/plots"
)

// saveMarginals draws one small plot per parameter (the posterior's
// weighted histogram as a density, the uniform prior as a dashed grey
// line), three per row, 1200 pixels wide and as tall as the rows need:
// with a dozen parameters plots.Panels' fixed 750 pixels leave no room.
func saveMarginals(dir string, r *calibration) error {
	g := r.last()
	n := len(r.cal.Factors)
	cols := min(n, 3)
	rows := (n + cols - 1) / cols
	w := plots.Width
	tileH := 260 * vg.Inch / plots.DPI
	head := 70 * vg.Inch / plots.DPI
	h := head + vg.Length(rows)*tileH
	var ps []*plot.Plot
	for k, fac := range r.cal.Factors {
		x, y := weightedDensity(column(g, k), g.Weights, fac.Lo, fac.Hi, 12)
		p := plot.New()
		p.Title.Text = fac.Key
		p.X.Label.Text = ""
		p.Y.Label.Text = "density"
		p.X.Min, p.X.Max = fac.Lo, fac.Hi
		p.Y.Min = 0
		steps := make(plotter.XYs, 0, 2*len(x)+2)
		width := (fac.Hi - fac.Lo) / float64(len(x))
		for b := range x {
			steps = append(steps, plotter.XY{X: x[b] - width/2, Y: y[b]}, plotter.XY{X: x[b] + width/2, Y: y[b]})
		}
		post, err := plotter.NewLine(steps)
		if err != nil {
			return err
		}
		post.Color, post.Width = plots.Palette[3], vg.Points(1.5)
		prior, err := plotter.NewLine(plotter.XYs{{X: fac.Lo, Y: 1 / (fac.Hi - fac.Lo)}, {X: fac.Hi, Y: 1 / (fac.Hi - fac.Lo)}})
		if err != nil {
			return err
		}
		prior.Color, prior.Dashes = color.Gray{Y: 0x80}, []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(post, prior)
		ps = append(ps, p)
	}
	title := fmt.Sprintf("Posterior marginals (blue, generation %d, %d particles) against the uniform priors (grey)", g.Index, len(g.Theta))
	render := func(c draw.Canvas) {
		c.FillText(draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, 11),
			XAlign: draw.XCenter, YAlign: draw.YTop, Handler: plot.DefaultTextHandler},
			vg.Point{X: c.Center().X, Y: c.Max.Y - vg.Points(6)}, title)
		body := draw.Crop(c, 0, 0, 0, -head)
		tiles := draw.Tiles{Cols: cols, Rows: rows, PadX: vg.Points(10), PadY: vg.Points(6), PadLeft: vg.Points(4), PadRight: vg.Points(8)}
		for i, p := range ps {
			p.Draw(tiles.At(body, i%cols, i/cols))
		}
	}
	png := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(plots.DPI), vgimg.UseBackgroundColor(color.White))
	render(draw.New(png))
	svg := vgsvg.New(w, h)
	render(draw.New(svg))
	if err := writeCanvas(filepath.Join(dir, "marginals.png"), vgimg.PngCanvas{Canvas: png}); err != nil {
		return err
	}
	return writeCanvas(filepath.Join(dir, "marginals.svg"), svg)
}

func writeCanvas(path string, c vg.CanvasWriterTo) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(fh); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

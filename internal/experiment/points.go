package experiment

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/sim"
)

// PointsFile is the per-point summary of a sweep: for every design point,
// network, group and outcome, the mean over replications with its 95 %
// Student-t interval.
const PointsFile = "points.csv"

// PointsHeader is the header of points.csv for the given key columns.
func PointsHeader(keys []string) []string {
	return append(append([]string{}, keys...), "network", "group", "metric", "mean", "ci_low", "ci_high", "n")
}

// Points accumulates runs.csv rows into points.csv. Rows arrive in job
// order, which is point-major, so only the current point's values are held.
type Points struct {
	keys    int
	metrics []string
	cols    []int // of metrics in runs.csv
	net     int
	group   int
	point   int
	cells   [][][]float64 // [row in job][metric][rep]
	labels  [][]string    // key values, network and group per row in job
	out     [][]string
}

// NewPoints summarises the numeric summary.csv columns of runs.csv rows
// whose first len(keys) columns identify the point.
func NewPoints(keys []string) *Points {
	h := RunsHeader(keys)
	p := &Points{keys: len(keys), point: -1}
	for i, c := range h {
		switch {
		case i < len(keys)+2: // keys, rep, seed
		case c == "network":
			p.net = i
		case c == "group":
			p.group = i
		default:
			p.metrics = append(p.metrics, c)
			p.cols = append(p.cols, i)
		}
	}
	return p
}

// Add takes one job's runs.csv rows (use it as, or in, Config.OnRows).
func (p *Points) Add(j sim.Job, rows [][]string) error {
	if j.Point != p.point {
		p.flush()
		p.point = j.Point
	}
	for r, row := range rows {
		if r == len(p.cells) {
			p.cells = append(p.cells, make([][]float64, len(p.metrics)))
			p.labels = append(p.labels, append(append([]string{}, row[:p.keys]...), row[p.net], row[p.group]))
		}
		for m, c := range p.cols {
			x, err := strconv.ParseFloat(row[c], 64)
			if err != nil {
				x = math.NaN() // NA: undefined in this replication
			}
			p.cells[r][m] = append(p.cells[r][m], x)
		}
	}
	return nil
}

func (p *Points) flush() {
	for r, cell := range p.cells {
		for m, xs := range cell {
			iv := sim.MeanCI(xs, 0.95)
			rec := append(append([]string{}, p.labels[r]...), p.metrics[m],
				report.Num(iv.Mean), report.Num(iv.Low), report.Num(iv.High), strconv.Itoa(iv.N))
			p.out = append(p.out, rec)
		}
	}
	p.cells, p.labels = nil, nil
}

// Write writes points.csv with the given key columns' header.
func (p *Points) Write(w io.Writer, keys []string) error {
	p.flush()
	if len(keys) != p.keys {
		return fmt.Errorf("points.csv: %d key columns, want %d", len(keys), p.keys)
	}
	return report.WriteRows(w, PointsHeader(keys), func(emit func([]string) error) error {
		for _, rec := range p.out {
			if err := emit(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

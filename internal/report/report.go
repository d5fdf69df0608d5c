// Package report writes the results of a run: summary.csv, steps.csv,
// markets.csv, firms.csv, entries.csv, manifest.json and the summary table
// printed to the terminal, and streams the rows of experiments.
package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/sim"
)

// Files are the names of a run's output files with per-firm output, in the
// order written.
var Files = RunFiles(true)

// RunFiles lists a run's output files; per-firm files (firms.csv,
// entries.csv) only when perFirm.
func RunFiles(perFirm bool) []string {
	if perFirm {
		return []string{"summary.csv", "steps.csv", "markets.csv", "firms.csv", "entries.csv", "manifest.json"}
	}
	return []string{"summary.csv", "steps.csv", "markets.csv", "manifest.json"}
}

// WriteRun writes every output file of a run into dir, which should be a
// fresh folder (see atomicdir.Write). Per-firm files stream row by row from
// the final state.
func WriteRun(dir string, r *sim.Result, m *Manifest, perFirm bool) error {
	sums := sim.Summarize(r)
	writers := map[string]func(io.Writer) error{
		"summary.csv":   func(w io.Writer) error { return WriteSummary(w, sums) },
		"steps.csv":     func(w io.Writer) error { return WriteSteps(w, r) },
		"markets.csv":   func(w io.Writer) error { return WriteMarkets(w, r) },
		"firms.csv":     func(w io.Writer) error { return WriteFirms(w, r) },
		"entries.csv":   func(w io.Writer) error { return WriteEntries(w, r) },
		"manifest.json": m.Write,
	}
	m.Files = RunFiles(perFirm)
	for _, name := range m.Files {
		if err := atomicdir.WriteFile(filepath.Join(dir, name), writers[name]); err != nil {
			return err
		}
	}
	return nil
}

// Num formats a float for CSV: six significant digits, NA for NaN.
func Num(x float64) string { return num(x) }

func num(x float64) string {
	if math.IsNaN(x) {
		return "NA"
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

func itoa(n int) string { return strconv.Itoa(n) }

// table writes a header and rows through encoding/csv and reports the first error.
func table(w io.Writer, header []string, rows func(emit func([]string))) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	var werr error
	rows(func(rec []string) {
		if werr == nil {
			werr = cw.Write(rec)
		}
	})
	if werr != nil {
		return werr
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

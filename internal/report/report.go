// Package report writes the results of a run: summary.csv, steps.csv,
// firms.csv, manifest.json and the summary table printed to the terminal.
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

// Files are the names of a run's output files, in the order written.
var Files = []string{"summary.csv", "steps.csv", "firms.csv", "entries.csv", "manifest.json"}

// WriteRun writes every output file of a run into dir, which should be a
// fresh folder (see atomicdir.Write).
func WriteRun(dir string, r *sim.Result, m *Manifest) error {
	sums := sim.Summarize(r)
	writers := []func(io.Writer) error{
		func(w io.Writer) error { return WriteSummary(w, sums) },
		func(w io.Writer) error { return WriteSteps(w, r) },
		func(w io.Writer) error { return WriteFirms(w, r) },
		func(w io.Writer) error { return WriteEntries(w, r) },
		m.Write,
	}
	for k, write := range writers {
		if err := atomicdir.WriteFile(filepath.Join(dir, Files[k]), write); err != nil {
			return err
		}
	}
	return nil
}

// num formats a float for CSV: six significant digits, NA for NaN.
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

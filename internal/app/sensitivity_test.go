package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/plots"
)

// TestSobolSecondOrderAndWarnings: a deliberately tiny Sobol design writes
// S2 rows naming both parameters, and flags its indices on stderr and in
// indices.csv, even with --quiet.
func TestSobolSecondOrderAndWarnings(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sobol")
	_, stderr, code := execute(t, context.Background(), "sensitivity", "--method", "sobol", "--second-order",
		"--param", "funding.scale=0.5:2", "--param", "peer.seek_prob=0:0.6", "--n", "4", "--reps", "1",
		"--bootstrap", "50", "--quiet", "--scenario", "testdata/small.toml", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tb, err := plots.ReadTable(filepath.Join(out, "indices.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !tb.Has("param", "param2", "index", "estimate", "warning") {
		t.Fatalf("indices.csv header %v", tb.Header)
	}
	var s2, warned int
	for _, r := range tb.Rows {
		if r[tb.Col("index")] == "S2" {
			s2++
			if r[tb.Col("param")] != "funding.scale" || r[tb.Col("param2")] != "peer.seek_prob" {
				t.Errorf("S2 row %v, want the pair funding.scale, peer.seek_prob", r)
			}
		}
		if r[tb.Col("warning")] != "" {
			warned++
		}
	}
	if s2 != 1 || len(tb.Rows) != 5 {
		t.Errorf("%d rows with %d S2, want S1 and ST of 2 parameters and one S2", len(tb.Rows), s2)
	}
	if warned == 0 || !strings.Contains(stderr, "warning:") || !strings.Contains(stderr, "increase --n") {
		t.Errorf("4 base samples: %d flagged rows, stderr %q; want warnings in both", warned, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "runs.csv")); err != nil {
		t.Error(err)
	}
	_, stderr, code = execute(t, context.Background(), "sensitivity", "--method", "morris", "--second-order",
		"--param", "funding.scale=0.5:2", "--quiet", "--scenario", "testdata/small.toml", "--out", out+"-m")
	if code != 2 || !strings.Contains(stderr, "only with --method sobol") {
		t.Errorf("morris --second-order: exit %d, %q", code, stderr)
	}
}

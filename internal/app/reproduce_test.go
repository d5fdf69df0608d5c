package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/internal/report"
)

// TestReproduceClaimsHold runs `rinsim reproduce` at reduced replications
// (16 instead of 30) and asserts that every claim of the thesis holds under
// the default calibration. Claim 8 (CWN after Arena) is the weakest effect;
// if a model change breaks a claim, fix the mechanism, not this test.
func TestReproduceClaimsHold(t *testing.T) {
	out := filepath.Join(t.TempDir(), "repro")
	stdout := mustRun(t, "reproduce", "--quiet=false", "--reps", "16", "--seed", "1", "--out", out)
	_, rows, err := report.ReadCSV(filepath.Join(out, "claims.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 {
		t.Fatalf("claims.csv has %d claims, want 8", len(rows))
	}
	for _, r := range rows {
		if r[6] != "true" {
			t.Errorf("claim does not hold: %s: effect %s [%s, %s] (%s)", r[0], r[3], r[4], r[5], r[2])
		}
	}
	if !strings.Contains(stdout, "holds") || strings.Contains(stdout, "does not hold") {
		t.Errorf("printed table disagrees with claims.csv:\n%s", stdout)
	}
	figures, _ := filepath.Glob(filepath.Join(out, "fig*.png"))
	svgs, _ := filepath.Glob(filepath.Join(out, "fig*.svg"))
	if len(figures) != 7 || len(svgs) != 7 {
		t.Errorf("%d PNG and %d SVG figures, want 7 of each (figures 1-6, 5 in two parts)", len(figures), len(svgs))
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil || !strings.Contains(string(md), "| 8. CWN") || !strings.Contains(string(md), "fig2-dose-response.png") {
		t.Errorf("report.md lacks the claims table or figures: %v", err)
	}
	// rinsim plot redraws the same figures from the CSV files.
	redrawn := filepath.Join(t.TempDir(), "figs")
	os.Mkdir(redrawn, 0o755)
	mustRun(t, "plot", "--out", redrawn, out)
	again, _ := filepath.Glob(filepath.Join(redrawn, "fig*.png"))
	if len(again) != len(figures) {
		t.Errorf("plot redrew %d figures, reproduce drew %d", len(again), len(figures))
	}
}

// TestReproduceVerdictsAreComputed: without any help among members the
// claim that fewer channels mean more help cannot hold.
func TestReproduceVerdictsAreComputed(t *testing.T) {
	out := filepath.Join(t.TempDir(), "repro")
	mustRun(t, "reproduce", "--reps", "4", "--set", "peer.seek_prob=0", "--out", out)
	_, rows, err := report.ReadCSV(filepath.Join(out, "claims.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if r := rows[5]; !strings.HasPrefix(r[0], "6.") || r[6] != "false" || r[3] != "0" {
		t.Errorf("claim 6 without peer help: %v, want effect 0 and holds false", r)
	}
}

func TestPlotBadInput(t *testing.T) {
	if _, stderr, code := execute(t, context.Background(), "plot", t.TempDir()); code != ExitUsage || !strings.Contains(stderr, "no rinsim output") {
		t.Errorf("plot of an empty folder: exit %d: %s", code, stderr)
	}
}

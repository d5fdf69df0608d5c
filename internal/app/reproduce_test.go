package app

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/sim"
)

// TestReproduceVerdicts runs `rinsim reproduce` at reduced replications
// (16 instead of 30) and checks each claim's verdict under the default
// calibration: the strong effects are reproduced (they hold, and do not in
// their negative control), claims 1 and 3 restate inputs. Claim 8 (CWN after
// Arena) is the weakest effect: at 16 replications it may be inconclusive,
// but never contradicted or built in. If a model change breaks a verdict,
// look at the mechanism, not at this test.
func TestReproduceVerdicts(t *testing.T) {
	out := filepath.Join(t.TempDir(), "repro")
	stdout := mustRun(t, "reproduce", "--quiet=false", "--reps", "16", "--seed", "1", "--out", out)
	h, rows, err := report.ReadCSV(filepath.Join(out, "claims.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"claim", "section", "measure", "effect", "ci_low", "ci_high", "holds", "control", "control_effect", "control_ci_low", "control_ci_high", "verdict"}
	if strings.Join(h, ",") != strings.Join(want, ",") {
		t.Fatalf("claims.csv header %v, want %v", h, want)
	}
	if len(rows) != 8 {
		t.Fatalf("claims.csv has %d claims, want 8", len(rows))
	}
	wantVerdict := map[int]string{1: "calibration input", 2: "reproduced", 3: "calibration input", 4: "reproduced",
		5: "reproduced", 6: "reproduced", 7: "reproduced"}
	for k, r := range rows {
		v := r[11]
		if w, ok := wantVerdict[k+1]; ok && v != w {
			t.Errorf("%s: verdict %s, want %s (effect %s [%s, %s], control %s: %s [%s, %s])", r[0], v, w, r[3], r[4], r[5], r[7], r[8], r[9], r[10])
		}
		if k+1 == 8 && v != "reproduced" && v != "inconclusive" {
			t.Errorf("%s: verdict %s, want reproduced or inconclusive", r[0], v)
		}
		if !strings.Contains(stdout, v) {
			t.Errorf("printed table lacks verdict %q of %s:\n%s", v, r[0], stdout)
		}
	}
	figures, _ := filepath.Glob(filepath.Join(out, "fig*.png"))
	svgs, _ := filepath.Glob(filepath.Join(out, "fig*.svg"))
	if len(figures) != 7 || len(svgs) != 7 {
		t.Errorf("%d PNG and %d SVG figures, want 7 of each (figures 1-6, 5 in two parts)", len(figures), len(svgs))
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil || !strings.Contains(string(md), "| 8. CWN") || !strings.Contains(string(md), "fig2-dose-response.png") ||
		!strings.Contains(string(md), "## References") || strings.Contains(string(md), "../") {
		t.Errorf("report.md lacks the claims table, figures or references, or cites a path outside the output: %v", err)
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

// TestReproduceInertRIN: with every channel's effect switched off, the
// claims that credit the network's channels (2, 4, 5 and 8) are not
// reproduced (issue 9).
func TestReproduceInertRIN(t *testing.T) {
	out := filepath.Join(t.TempDir(), "repro")
	inert, err := sim.KnockoutSet("inert")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"reproduce", "--reps", "8", "--seed", "2", "--out", out}
	for _, kv := range inert {
		args = append(args, "--set", kv)
	}
	mustRun(t, args...)
	_, rows, err := report.ReadCSV(filepath.Join(out, "claims.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{2, 4, 5, 8} {
		if r := rows[k-1]; r[11] == "reproduced" {
			t.Errorf("inert RIN: %s reproduced (effect %s [%s, %s])", r[0], r[3], r[4], r[5])
		}
	}
}

// TestReproduceVerdictsAreComputed: without any help among members the
// claim that fewer channels mean more help cannot hold.
func TestReproduceVerdictsAreComputed(t *testing.T) {
	out := filepath.Join(t.TempDir(), "repro")
	mustRun(t, "reproduce", "--reps", "4", "--set", "peer.seek_prob=0", "--robust", "2", "--robust-reps", "2", "--out", out)
	_, rows, err := report.ReadCSV(filepath.Join(out, "claims.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if r := rows[5]; !strings.HasPrefix(r[0], "6.") || r[6] != "false" || r[3] != "0" || r[11] == "reproduced" {
		t.Errorf("claim 6 without peer help: %v, want effect 0, holds false, not reproduced", r)
	}
	_, robust, err := report.ReadCSV(filepath.Join(out, "robust.csv"))
	if err != nil || len(robust) != 8 {
		t.Fatalf("robust.csv: %d rows, %v; want 8", len(robust), err)
	}
	for _, r := range robust {
		total := 0.0
		for _, v := range r[2:] {
			x, _ := strconv.ParseFloat(v, 64)
			total += x
		}
		if r[1] != "2" || math.Abs(total-1) > 1e-9 {
			t.Errorf("robust row %v: points %s, shares sum to %v; want 2 and 1", r, r[1], total)
		}
	}
}

func TestPlotBadInput(t *testing.T) {
	if _, stderr, code := execute(t, context.Background(), "plot", t.TempDir()); code != ExitUsage || !strings.Contains(stderr, "no rinsim output") {
		t.Errorf("plot of an empty folder: exit %d: %s", code, stderr)
	}
}

// TestREADMEClaimsTable: the README's claims table is the one rendered from
// docs/img/claims.csv, the output of `rinsim reproduce` that docs/gallery.sh
// copies there, so the README cannot say what the tool does not.
func TestREADMEClaimsTable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := report.ReadCSV(filepath.Join("..", "..", "docs", "img", "claims.csv"))
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "<!-- claims table: docs/gallery.sh -->\n", "<!-- end of claims table -->"
	text := string(readme)
	i, j := strings.Index(text, start), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("README lacks the claims table markers %q ... %q", start, end)
	}
	if got, want := text[i+len(start):j], ClaimsTable(rows); got != want {
		t.Errorf("README claims table differs from docs/img/claims.csv (run docs/gallery.sh):\n got:\n%s\nwant:\n%s", got, want)
	}
}

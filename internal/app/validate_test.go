package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/sim"
)

// TestValidateSmallGolden: validate on the small fixture with 3
// replications writes patterns.csv with the columns of issue 9, one row per
// built-in pattern in file order, and the same table on stdout. The fixture
// has no Oslo Medtech, so its two patterns are inconclusive with NA values.
func TestValidateSmallGolden(t *testing.T) {
	out := filepath.Join(t.TempDir(), "v")
	stdout, stderr, code := execute(t, context.Background(), "validate", "--scenario", "testdata/small.toml", "--reps", "3", "--seed", "2", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	csv := read(t, filepath.Join(out, "patterns.csv"))
	golden(t, "validate_small.golden.csv", csv)
	header, rows, err := report.ReadCSV(filepath.Join(out, "patterns.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(header, ",") != "pattern,source,statistic,target_low,target_high,value,ci_low,ci_high,verdict" {
		t.Fatalf("header %v", header)
	}
	ps := sim.DefaultPatterns()
	if len(rows) != len(ps) {
		t.Fatalf("%d rows, want %d patterns", len(rows), len(ps))
	}
	for k, r := range rows {
		if r[0] != ps[k].ID || r[1] != ps[k].Source || r[2] != ps[k].Statistic {
			t.Errorf("row %d is %v, want pattern %s", k, r[:3], ps[k].ID)
		}
		if !slices.Contains([]string{"within", "outside", "inconclusive"}, r[8]) {
			t.Errorf("%s: verdict %q", r[0], r[8])
		}
		if !strings.Contains(stdout, r[0]) || !strings.Contains(stdout, r[8]) {
			t.Errorf("%s missing from the printed table", r[0])
		}
		if strings.HasPrefix(r[0], "oslo_medtech") && (r[5] != "NA" || r[8] != "inconclusive") {
			t.Errorf("%s on a scenario without Oslo Medtech: %v", r[0], r)
		}
	}
	// Open band edges are NA: attendance_engaged has only a lower edge.
	if r := rows[4]; r[0] != "attendance_engaged" || r[3] != "12" || r[4] != "NA" {
		t.Errorf("attendance_engaged edges %v", r[3:5])
	}
	md := string(read(t, filepath.Join(out, "report.md")))
	for _, want := range []string{"rinsim validate --scenario testdata/small.toml --reps 3 --seed 2", "Lederman, D., Olarreaga, M. & Payton, L. (2010)",
		"EIM Business & Policy Research (2010)", "## References", "Master thesis (2016)", "funding-x0.5", "knockout no-contacts",
		" " + strconv.FormatUint(sim.RepSeed(2, 2), 10) + "."} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if strings.Contains(md, "shared") {
		t.Error("report.md cites a path outside the repository")
	}
	for _, f := range []string{"patterns.png", "patterns.svg", "manifest.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	if !bytes.Equal(read(t, filepath.Join(out, "targets.toml")), sim.PatternsTOML()) {
		t.Error("targets.toml is not the built-in patterns file")
	}
}

// TestValidateWorkersAndStrict: files are identical for 1 and 2 workers;
// --strict exits 1 when a pattern is outside (files still written) and 0
// when none is.
func TestValidateWorkersAndStrict(t *testing.T) {
	dir := t.TempDir()
	targets := filepath.Join(dir, "targets.toml")
	writeTargets := func(low string) {
		text := "[[pattern]]\nid = \"ambition\"\ndescription = \"d\"\nstatistic = \"share_ambitious\"\ntarget_low = 0\ntarget_high = 1\nsource = \"s\"\n" +
			"[[pattern]]\nid = \"abroad\"\ndescription = \"d\"\nstatistic = \"share_abroad_end\"\ntarget_low = " + low + "\nsource = \"s\"\n"
		if err := os.WriteFile(targets, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(name string, extra ...string) (string, int) {
		out := filepath.Join(dir, name)
		args := append([]string{"validate", "--scenario", "testdata/small.toml", "--reps", "3", "--targets", targets, "--out", out, "--quiet"}, extra...)
		_, _, code := execute(t, context.Background(), args...)
		return out, code
	}
	writeTargets("0") // a share is never below 0: both within
	if _, code := run("strict", "--strict"); code != 0 {
		t.Fatalf("--strict with every pattern within: exit %d", code)
	}
	a, _ := run("a", "--workers", "1")
	b, _ := run("b", "--workers", "2")
	for _, f := range []string{"patterns.csv", "report.md", "targets.toml"} {
		if !bytes.Equal(read(t, filepath.Join(a, f)), read(t, filepath.Join(b, f))) {
			t.Errorf("%s differs between 1 and 2 workers", f)
		}
	}
	writeTargets("2") // a share is never above 1: outside
	c, code := run("c", "--strict")
	if code != ExitFailure {
		t.Errorf("--strict with a pattern outside: exit %d, want 1", code)
	}
	if _, rows, err := report.ReadCSV(filepath.Join(c, "patterns.csv")); err != nil || rows[1][8] != "outside" {
		t.Errorf("patterns.csv after --strict failure: %v %v", rows, err)
	}
	if _, code := run("d"); code != 0 {
		t.Errorf("without --strict a pattern outside exits %d, want 0", code)
	}
}

// TestValidateBadTargets: a bad targets file is an input error (exit 2)
// naming the file, line and field, and nothing is written.
func TestValidateBadTargets(t *testing.T) {
	dir := t.TempDir()
	targets := filepath.Join(dir, "bad.toml")
	os.WriteFile(targets, []byte("[[pattern]]\nid = \"a\"\ndescription = \"d\"\nstatistic = \"share_abroad_end\"\ntarget_low = 0.7\ntarget_high = 0.6\nsource = \"s\"\n"), 0o644)
	out := filepath.Join(dir, "v")
	_, stderr, code := execute(t, context.Background(), "validate", "--reps", "2", "--targets", targets, "--out", out)
	if code != ExitUsage || !strings.Contains(stderr, "bad.toml") || !strings.Contains(stderr, "line 6") || !strings.Contains(stderr, "target_high") {
		t.Errorf("exit %d, stderr %q; want 2 naming bad.toml, line 6 and target_high", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output folder written after an input error: %v", err)
	}
	if _, stderr, code := execute(t, context.Background(), "validate", "--reps", "1", "--out", out); code != ExitUsage || !strings.Contains(stderr, "--reps") {
		t.Errorf("--reps 1: exit %d %q", code, stderr)
	}
}

func TestValidateHelp(t *testing.T) {
	stdout, _, code := execute(t, context.Background(), "validate", "--help")
	if code != 0 || !strings.Contains(stdout, "Example") || !strings.Contains(stdout, "attendance_per_year") || !strings.Contains(stdout, "--strict") {
		t.Errorf("validate --help: exit %d\n%s", code, stdout)
	}
}

package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rinsim/rinsim/internal/experiment"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/sim"
)

// sweepArgs is a small sweep: 3 x 2 points, 3 replications, on the small fixture.
var sweepArgs = []string{"sweep", "--quiet", "--scenario", "testdata/small.toml",
	"--param", "funding.scale=0:2:3", "--param", "peer.seek_prob=0:0.6:2", "--reps", "3", "--steps"}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, code := execute(t, context.Background(), args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	return stdout
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameFiles(t *testing.T, a, b string, names ...string) {
	t.Helper()
	for _, n := range names {
		if x, y := read(t, filepath.Join(a, n)), read(t, filepath.Join(b, n)); !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s", n, a, b)
		}
	}
}

func TestSweepIdenticalForAnyWorkerCount(t *testing.T) {
	dir := t.TempDir()
	one, four := filepath.Join(dir, "w1"), filepath.Join(dir, "w4")
	mustRun(t, append(sweepArgs, "--workers", "1", "--out", one)...)
	mustRun(t, append(sweepArgs, "--workers", "4", "--out", four)...)
	sameFiles(t, one, four, "runs.csv", "steps.csv", "points.csv", "manifest.json")
	_, rows, err := report.ReadCSV(filepath.Join(one, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// 6 points x 3 replications x 3 groups (alpha members, alpha comparison, beta)
	if len(rows) != 6*3*3 {
		t.Errorf("runs.csv has %d rows, want 54", len(rows))
	}
}

func TestShardsMergeToTheUnshardedRun(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	mustRun(t, append(sweepArgs, "--out", full)...)
	var shards []string
	for _, sh := range []string{"1/3", "0/3", "2/3"} { // any order
		out := filepath.Join(dir, "shard-"+strings.ReplaceAll(sh, "/", "of"))
		mustRun(t, append(sweepArgs, "--shard", sh, "--out", out)...)
		shards = append(shards, out)
	}
	merged := filepath.Join(dir, "merged")
	// As the README writes it, flags after the shard folders (issue 12).
	mustRun(t, append(append([]string{"merge"}, shards...), "--out", merged)...)
	sameFiles(t, full, merged, "runs.csv", "steps.csv", "points.csv", "manifest.json")

	if _, stderr, code := execute(t, context.Background(), append([]string{"merge", "--out", filepath.Join(dir, "m2")}, shards[:2]...)...); code != ExitUsage {
		t.Errorf("merge of 2 of 3 shards: exit %d, want 2: %s", code, stderr)
	}
}

// TestResumeAfterInterruptionEqualsUninterrupted stops a sweep after a few
// runs (as Ctrl-C does), damages the end of its partial file as a kill in
// mid-write would, and reruns the same command.
func TestResumeAfterInterruptionEqualsUninterrupted(t *testing.T) {
	dir := t.TempDir()
	full, cut := filepath.Join(dir, "full"), filepath.Join(dir, "cut")
	mustRun(t, append(sweepArgs, "--out", full)...)

	ctx, cancel := context.WithCancel(context.Background())
	var runs atomic.Int32
	stop := func(sim.Job, [][]string) error {
		if runs.Add(1) == 7 {
			cancel()
		}
		return nil
	}
	cfg := sweepConfig(t, cut, stop)
	if _, err := experiment.Run(ctx, cfg); err == nil {
		t.Fatal("interrupted sweep reported success")
	}
	if _, err := os.Stat(filepath.Join(cut, "runs.csv")); !os.IsNotExist(err) {
		t.Fatal("an interrupted sweep left a runs.csv that looks complete")
	}
	partial := filepath.Join(cut, "runs.csv"+report.PartialSuffix)
	f, err := os.OpenFile(partial, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("p3,2,0.6,1,123,alpha,30,6,0.3") // a row cut off by a kill
	f.Close()

	ran, err := experiment.Run(context.Background(), sweepConfig(t, cut, func(sim.Job, [][]string) error { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	// At least the 7 runs written before the interruption are kept.
	if ran < 1 || ran > 18-7 {
		t.Errorf("resume ran %d of 18 runs; want only those not finished before the interruption", ran)
	}
	sameFiles(t, full, cut, "runs.csv", "steps.csv", "manifest.json")
	if _, err := os.Stat(partial); !os.IsNotExist(err) {
		t.Error("partial file left after completion")
	}
	// Running a finished sweep again runs nothing and changes nothing.
	mustRun(t, append(sweepArgs, "--out", cut)...)
	sameFiles(t, full, cut, "runs.csv")
}

// sweepConfig builds the experiment of sweepArgs directly, to interrupt it.
func sweepConfig(t *testing.T, out string, onRows func(sim.Job, [][]string) error) *experiment.Config {
	t.Helper()
	base, source, err := loadScenario("testdata/small.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	var fs []sim.Factor
	for _, spec := range []string{"funding.scale=0:2:3", "peer.seek_prob=0:0.6:2"} {
		f, err := sim.ParseFactor(spec, base, true)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	values := sim.Grid(fs)
	points := sim.PointsOf(fs, values)
	return &experiment.Config{Dir: out, Command: "sweep", Source: source, Shard: experiment.Shard{I: 0, N: 1},
		Design: &sim.Design{Base: base, Points: points, Reps: 3, Seed: 1}, Workers: 2, Steps: true,
		KeyColumns: []string{"point", fs[0].Key, fs[1].Key},
		KeyValues: func(p int) []string {
			return []string{points[p].Label, fs[0].Format(values[p][0]), fs[1].Format(values[p][1])}
		},
		Extra:  map[string]any{"design": "factorial", "factors": fs},
		OnRows: onRows, ExtraFiles: []string{experiment.PointsFile},
		CommandLine: "rinsim sweep --param funding.scale=0:2:3 --param peer.seek_prob=0:0.6:2 --scenario testdata/small.toml --reps 3 --seed 1 --steps"}
}

func TestResumeRefusesAnotherDesign(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	mustRun(t, append(sweepArgs, "--out", out)...)
	args := append(append([]string{}, sweepArgs...), "--seed", "9", "--out", out)
	if _, stderr, code := execute(t, context.Background(), args...); code != ExitUsage || !strings.Contains(stderr, "different experiment") {
		t.Errorf("another design into the same folder: exit %d, %q", code, stderr)
	}
	mustRun(t, append(args, "--force")...)
}

func TestExperimentBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown key", []string{"sweep", "--param", "firm.step_rat=0:1:2"}, "firm.step_rate"},
		{"lo > hi", []string{"sweep", "--param", "funding.scale=2:1:3"}, "lo 2 > hi 1"},
		{"n < 1", []string{"sweep", "--param", "funding.scale=0:1:0"}, "n \"0\""},
		{"missing n", []string{"sweep", "--param", "funding.scale=0:1"}, "key=lo:hi:n"},
		{"outside allowed range", []string{"sweep", "--param", "firm.step_rate=0:3:2"}, "[0, 1]"},
		{"not numeric", []string{"sweep", "--param", "funding.scale=a:1:2"}, "lo \"a\""},
		{"bad shard", []string{"sweep", "--param", "funding.scale=0:1:2", "--shard", "3/3"}, "--shard"},
		{"bad shard form", []string{"sweep", "--param", "funding.scale=0:1:2", "--shard", "1-3"}, "--shard"},
		{"reps < 1", []string{"sweep", "--param", "funding.scale=0:1:2", "--reps", "0"}, "--reps"},
		{"lhs < 1", []string{"sweep", "--param", "funding.scale=0:1", "--lhs", "0"}, "--lhs"},
		{"compare reps", []string{"compare", "--reps", "1"}, "--reps"},
		{"compare bad file", []string{"compare", "--scenarios", "testdata/small.toml"}, "unknown field"},
		{"sensitivity method", []string{"sensitivity", "--method", "fast", "--param", "funding.scale=0:1"}, "morris or sobol"},
		{"sensitivity outcome", []string{"sensitivity", "--method", "morris", "--param", "funding.scale=0:1", "--outcome", "profit"}, "--outcome"},
		{"sobol needs two", []string{"sensitivity", "--method", "sobol", "--param", "funding.scale=0:1"}, "at least 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			_, stderr, code := execute(t, context.Background(), append(tc.args, "--out", out)...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want 2, with %q in: %s", code, tc.want, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("bad input created the output folder")
			}
		})
	}
}

func TestCompareTablesAndPairedDifferences(t *testing.T) {
	dir := t.TempDir()
	extra := filepath.Join(dir, "set.toml")
	os.WriteFile(extra, []byte("[[scenario]]\nname = \"alpha-cut\"\nset = [\"funding.alpha.scale=0\"]\n"), 0o644)
	one, two := filepath.Join(dir, "c1"), filepath.Join(dir, "c2")
	args := []string{"compare", "--quiet", "--scenario", "testdata/small.toml", "--reps", "4", "--scenarios", extra}
	mustRun(t, append(args, "--workers", "1", "--out", one)...)
	mustRun(t, append(args, "--workers", "3", "--out", two)...)
	sameFiles(t, one, two, "runs.csv", "compare.csv", "manifest.json")
	_, rows, err := report.ReadCSV(filepath.Join(one, "compare.csv"))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, r := range rows {
		found[r[0]] = true
		// The baseline's difference from itself is exactly zero.
		if r[0] == "baseline" && r[8] != "0" {
			t.Errorf("baseline diff %s for %v", r[8], r)
		}
		// Without funding alpha offers no channel: the paired difference in
		// channels is minus the baseline's.
		if r[0] == "alpha-cut" && r[1] == "alpha" && r[2] == "member" && r[3] == "channels" && (r[4] != "0" || r[8] == "0") {
			t.Errorf("alpha-cut channels row %v: want mean 0 and a negative difference", r)
		}
	}
	for _, want := range []string{"baseline", "alpha-x0.5", "beta-x2", "beta-keeps-arena", "no-national-programmes", "alpha-cut"} {
		if !found[want] {
			t.Errorf("compare.csv has no scenario %q", want)
		}
	}
}

// points.csv has, per point, network, group and outcome, the mean of the
// replications in runs.csv (issue 12: sweeps had no per-point summary).
func TestSweepPointSummary(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	mustRun(t, append(sweepArgs, "--out", out)...)
	rh, runs, err := report.ReadCSV(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	ph, points, err := report.ReadCSV(filepath.Join(out, "points.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "point,funding.scale,peer.seek_prob,network,group,metric,mean,ci_low,ci_high,n"; strings.Join(ph, ",") != want {
		t.Fatalf("points.csv header %v, want %s", ph, want)
	}
	metrics := len(rh) - 7 // runs.csv: 3 key columns, rep, seed, network, group and the metrics
	// 6 points x 3 groups (alpha members, alpha comparison, beta) x metrics
	if len(points) != 6*3*metrics {
		t.Errorf("points.csv has %d rows, want %d", len(points), 6*3*metrics)
	}
	col := func(h []string, name string) int {
		i, err := report.Column(h, name, "csv")
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	share := col(rh, "entrant_share")
	for _, p := range points {
		if p[0] != "p4" || p[3] != "beta" || p[5] != "entrant_share" {
			continue
		}
		var sum float64
		var n int
		for _, r := range runs {
			if r[0] == "p4" && r[col(rh, "network")] == "beta" {
				x, _ := strconv.ParseFloat(r[share], 64)
				sum += x
				n++
			}
		}
		if got := report.Num(sum / float64(n)); p[6] != got || p[9] != strconv.Itoa(n) || n != 3 {
			t.Errorf("p4 beta entrant_share: mean %s over n %s, want %s over 3", p[6], p[9], got)
		}
		lo, _ := strconv.ParseFloat(p[7], 64)
		hi, _ := strconv.ParseFloat(p[8], 64)
		if !(lo <= sum/float64(n) && sum/float64(n) <= hi) {
			t.Errorf("interval [%v, %v] does not hold the mean", lo, hi)
		}
	}
}

// The manifest's command_line, run again, writes the same files: it holds
// every option that decides them (issue 12: experiment manifests lacked
// the command line and the Go version).
func TestManifestCommandLineReproduces(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first")
	mustRun(t, append(sweepArgs, "--set", "funding.alpha.scale=1.5", "--seed", "4", "--workers", "2", "--out", first)...)
	m, err := experiment.ReadManifest(first)
	if err != nil {
		t.Fatal(err)
	}
	if m.GoVersion != runtime.Version() {
		t.Errorf("go_version %q, want %q", m.GoVersion, runtime.Version())
	}
	args := strings.Fields(m.CommandLine)
	if len(args) < 2 || args[0] != "rinsim" || args[1] != "sweep" || !strings.Contains(m.CommandLine, "--set funding.alpha.scale=1.5") ||
		!strings.Contains(m.CommandLine, "--seed 4") || strings.Contains(m.CommandLine, "--workers") {
		t.Fatalf("command_line %q", m.CommandLine)
	}
	again := filepath.Join(dir, "again")
	mustRun(t, append(args[1:], "--quiet", "--out", again)...)
	sameFiles(t, first, again, "runs.csv", "steps.csv", "points.csv", "manifest.json")
}

package app

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/scenarios"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// execute runs the command line and returns stdout, stderr and the exit code.
func execute(t *testing.T, ctx context.Context, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := Execute(ctx, append([]string{"rinsim"}, args...), &stdout, &stderr)
	if err != nil {
		stderr.WriteString(err.Error())
	}
	return stdout.String(), stderr.String(), ExitCode(err)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/app -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (if the change is intended: go test ./internal/app -update)\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestRunSmallGolden(t *testing.T) {
	out := filepath.Join(t.TempDir(), "small")
	stdout, stderr, code := execute(t, context.Background(), "run", "--scenario", "testdata/small.toml", "--seed", "3", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "run_small.golden", []byte(stdout))
	summary, err := os.ReadFile(filepath.Join(out, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "summary_small.golden.csv", summary)
	for _, f := range report.Files {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output file: %v", err)
		}
	}
}

func TestRunIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	run := func(name, seed string) string {
		out := filepath.Join(dir, name)
		if _, stderr, code := execute(t, context.Background(), "run", "--quiet", "--seed", seed, "--out", out); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return out
	}
	a, b, c := run("a", "11"), run("b", "11"), run("c", "12")
	for _, f := range report.Files {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: same scenario and seed gave different bytes", f)
		}
	}
	x, _ := os.ReadFile(filepath.Join(a, "firms.csv"))
	z, _ := os.ReadFile(filepath.Join(c, "firms.csv"))
	if bytes.Equal(x, z) {
		t.Error("seeds 11 and 12 gave identical firms.csv")
	}
}

func TestBadInputExitsWithTwoAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	malformed := write("malformed.toml", "base = \"thesis\"\n[funding\nscale = 1\n")
	outOfOrder := write("order.toml", "base = \"thesis\"\nstart = \"2016Q1\"\nend = \"2007Q4\"\n")
	badType := write("type.toml", "base = \"thesis\"\n[funding]\nscale = \"lots\"\n")
	unknownField := write("unknown.toml", "base = \"thesis\"\n[firm]\nstep_rat = 0.1\n")
	tests := []struct {
		name string
		args []string
		want []string // fragments the message must contain
	}{
		{"unknown scenario", []string{"--scenario", "atlantis"}, []string{"atlantis", "thesis"}},
		{"unknown --set key", []string{"--set", "firm.step_rat=0.1"}, []string{"firm.step_rat", "firm.step_rate"}},
		{"non-numeric --set", []string{"--set", "funding.scale=lots"}, []string{"funding.scale", "lots", "[0, 100]"}},
		{"negative funding", []string{"--set", "network.cwn.stream.arena.nok_per_year=-5"}, []string{"network.cwn.stream.arena.nok_per_year", "-5", "NOK/year"}},
		{"zero members", []string{"--set", "network.oreec.members=0"}, []string{"network.oreec.members", "[1, 1e+08]"}},
		{"stream dates out of order", []string{"--set", "network.cwn.stream.arena.to=2008"}, []string{"network.cwn.stream.arena.to", "before from 2009"}},
		{"missing =", []string{"--set", "funding.scale"}, []string{"key=value"}},
		{"malformed file", []string{"--scenario", malformed}, []string{malformed, "line"}},
		{"scenario dates out of order", []string{"--scenario", outOfOrder}, []string{outOfOrder, "end", "before start"}},
		{"wrong type in file", []string{"--scenario", badType}, []string{badType, "funding.scale"}},
		{"unknown field in file", []string{"--scenario", unknownField}, []string{"firm.step_rat", "step_rate"}},
		{"unknown flag", []string{"--sead", "3"}, []string{"sead"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+strings.ReplaceAll(tc.name, " ", "-"))
			args := append([]string{"run", "--out", out}, tc.args...)
			_, stderr, code := execute(t, context.Background(), args...)
			if code != ExitUsage {
				t.Errorf("exit code %d, want %d; stderr: %s", code, ExitUsage, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("message does not name %q:\n%s", w, stderr)
				}
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("output folder was created despite the error")
			}
		})
	}
}

func TestExistingOutputIsKeptWithoutForce(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	if _, stderr, code := execute(t, context.Background(), "run", "--quiet", "--out", out); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	marker := filepath.Join(out, "summary.csv")
	before, _ := os.ReadFile(marker)
	_, stderr, code := execute(t, context.Background(), "run", "--quiet", "--seed", "2", "--out", out)
	if code != ExitUsage || !strings.Contains(stderr, "--force") {
		t.Fatalf("second run without --force: exit %d, stderr %q; want 2 and a hint to use --force", code, stderr)
	}
	if after, _ := os.ReadFile(marker); !bytes.Equal(before, after) {
		t.Fatal("existing results were changed without --force")
	}
	if _, stderr, code := execute(t, context.Background(), "run", "--quiet", "--seed", "2", "--out", out, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	if after, _ := os.ReadFile(marker); bytes.Equal(before, after) {
		t.Fatal("--force did not replace the results")
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("temporary folders left behind: %v", entries)
	}
}

func TestInterruptedRunExits130AndWritesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "run")
	_, _, code := execute(t, ctx, "run", "--quiet", "--out", out)
	if code != ExitInterrupted {
		t.Errorf("exit code %d, want %d", code, ExitInterrupted)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Error("an interrupted run left an output folder")
	}
}

func TestScenariosListAndShow(t *testing.T) {
	stdout, _, code := execute(t, context.Background(), "scenarios", "list")
	if code != 0 || !strings.Contains(stdout, "thesis") {
		t.Fatalf("list: exit %d, output %q", code, stdout)
	}
	stdout, _, code = execute(t, context.Background(), "scenarios", "show", "--set", "funding.cwn.scale=2", "thesis")
	if code != 0 {
		t.Fatalf("show: exit %d", code)
	}
	s, err := scenarios.Parse([]byte(stdout), "shown")
	if err != nil {
		t.Fatalf("shown scenario does not parse back: %v", err)
	}
	if p, _ := s.Param("funding.cwn.scale"); p.Value() != 2 {
		t.Errorf("shown scenario lost the override: funding.cwn.scale = %v", p.Value())
	}
	stdout, _, code = execute(t, context.Background(), "scenarios", "show", "--params", "thesis")
	if code != 0 || !strings.Contains(stdout, "network.cwn.stream.arena.to") || !strings.Contains(stdout, "NOK/year") {
		t.Fatalf("show --params: exit %d, missing keys or units", code)
	}
	if _, _, code = execute(t, context.Background(), "scenarios", "show"); code != ExitUsage {
		t.Errorf("show without a name: exit %d, want 2", code)
	}
}

func TestHelpHasExamples(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"generate", "--help"}, {"compare", "--help"},
		{"sweep", "--help"}, {"sensitivity", "--help"}, {"merge", "--help"}, {"reproduce", "--help"}, {"plot", "--help"},
		{"scenarios", "--help"}, {"scenarios", "list", "--help"}, {"scenarios", "show", "--help"}} {
		stdout, _, code := execute(t, context.Background(), args...)
		if code != 0 || !strings.Contains(stdout, "Example") {
			t.Errorf("%v: exit %d, no example in:\n%s", args, code, stdout)
		}
	}
}

// TestExecuteConcurrently runs commands in goroutines at once, as the fault
// table's parallel subtests do: under go test -race they raced on flag
// values several commands share (--scenario, --set) and on urfave/cli's
// help flag and command; the results are also each the same.
func TestExecuteConcurrently(t *testing.T) {
	dir := t.TempDir()
	outs := make([]string, 4)
	var wg sync.WaitGroup
	for k := range outs {
		outs[k] = filepath.Join(dir, "out"+strconv.Itoa(k))
		wg.Go(func() {
			_, stderr, code := execute(t, context.Background(), "run", "--quiet", "--scenario", "testdata/small.toml",
				"--set", "funding.scale=1.5", "--out", outs[k])
			if code != 0 {
				t.Errorf("exit %d: %s", code, stderr)
			}
		})
	}
	wg.Wait()
	for _, out := range outs[1:] {
		sameFiles(t, outs[0], out, "summary.csv", "steps.csv")
	}
}

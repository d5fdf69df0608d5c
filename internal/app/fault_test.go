package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rinsim/rinsim/internal/fault"
)

// TestMain lets tests run rinsim as a child process of the test binary
// itself (no go build): with RINSIM_TEST_MAIN set, the arguments are
// rinsim's.
func TestMain(m *testing.M) {
	if os.Getenv("RINSIM_TEST_MAIN") != "" {
		err := Execute(context.Background(), append([]string{"rinsim"}, os.Args[1:]...), os.Stdout, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "rinsim:", err)
		}
		os.Exit(ExitCode(err))
	}
	code := m.Run()
	if plain.dir != "" {
		os.RemoveAll(plain.dir)
	}
	os.Exit(code)
}

// plain is a build of cmd/rinsim without the race detector, made once.
var plain struct {
	once      sync.Once
	dir, path string
	err       error
}

// childBinary is what child runs: the test binary itself, or under the race
// detector a plain build of cmd/rinsim. Hundreds of race-instrumented child
// processes made the fault table alone take over ten minutes on two busy
// cores (go test -race timed out); the race detector still checks the same
// commands in this process's own tests.
func childBinary(t *testing.T) string {
	t.Helper()
	if !raceEnabled {
		return os.Args[0]
	}
	plain.once.Do(func() {
		if plain.dir, plain.err = os.MkdirTemp("", "rinsim-test-"); plain.err != nil {
			return
		}
		plain.path = filepath.Join(plain.dir, "rinsim")
		out, err := exec.Command("go", "build", "-o", plain.path, "../../cmd/rinsim").CombinedOutput()
		if err != nil {
			plain.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if plain.err != nil {
		t.Fatal(plain.err)
	}
	return plain.path
}

// child runs rinsim in dir as a separate process with extra environment
// variables and returns its exit code and stderr.
func child(t *testing.T, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(childBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "RINSIM_TEST_MAIN=1"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stderr.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// folder reads every file of dir by name.
func folder(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, e := range es {
		m[e.Name()] = read(t, filepath.Join(dir, e.Name()))
	}
	return m
}

// boundaries lists the write boundaries a command reaches whose name
// contains only, as "NAME#K": with RINSIM_FAULTS=all (as in CI) the first
// and last occurrence of each name (the middle jobs differ only in number),
// otherwise, to keep go test quick, the first of each name, or with
// byKind the first of each kind (created, wrote, saved, ...).
func boundaries(t *testing.T, dir string, args []string, only string, byKind bool) []string {
	t.Helper()
	list := filepath.Join(t.TempDir(), "boundaries")
	if code, stderr := child(t, dir, []string{fault.ListEnv + "=" + list}, args...); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	count := map[string]int{}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(string(read(t, list))), "\n") {
		name, _, _ := strings.Cut(line, "#")
		if !strings.Contains(name, only) {
			continue
		}
		if count[name] == 0 {
			names = append(names, name)
		}
		count[name]++
	}
	var out []string
	kinds := map[string]bool{}
	for _, n := range names {
		if os.Getenv("RINSIM_FAULTS") != "all" {
			kind := n
			if byKind {
				kind, _, _ = strings.Cut(n, " ")
			}
			if !kinds[kind] {
				out = append(out, n+"#1")
			}
			kinds[kind] = true
			continue
		}
		for _, k := range slices.Compact([]int{1, count[n]}) {
			out = append(out, n+"#"+strconv.Itoa(k))
		}
	}
	return out
}

// TestRecoveryAtEveryWriteBoundary stops each writing command at each write
// boundary it reaches (as a kill -9 there would), reruns the same command,
// and checks that it finishes with files byte-identical to an uninterrupted
// run and leaves nothing else behind.
func TestRecoveryAtEveryWriteBoundary(t *testing.T) {
	if testing.Short() {
		t.Skip("runs rinsim as a child process about 300 times")
	}
	small, err := filepath.Abs("testdata/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	shards := t.TempDir()
	sweep := []string{"sweep", "--quiet", "--scenario", small, "--param", "funding.scale=0:2:3", "--reps", "2", "--steps", "--workers", "2"}
	var shardDirs []string
	for i := range 2 {
		d := filepath.Join(shards, "shard"+strconv.Itoa(i))
		mustRun(t, append(sweep, "--shard", fmt.Sprintf("%d/2", i), "--out", d)...)
		shardDirs = append(shardDirs, d)
	}
	oldRun := func(t *testing.T, dir string) {
		mustRun(t, "run", "--quiet", "--scenario", small, "--seed", "2", "--out", filepath.Join(dir, "out"))
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string) // prepares dir before each run
		args  []string
		only  string // test the boundaries whose name contains it
	}{
		{"run", nil, []string{"run", "--quiet", "--scenario", small}, ""},
		{"run --force", oldRun, []string{"run", "--quiet", "--scenario", small, "--force"}, "old folder"},
		{"sweep", nil, sweep, ""},
		{"sweep --force", oldRun, append(slices.Clone(sweep), "--force"), "old folder"},
		{"compare", nil, []string{"compare", "--quiet", "--scenario", small, "--reps", "2", "--workers", "2"}, ""},
		{"sensitivity", nil, []string{"sensitivity", "--quiet", "--scenario", small, "--method", "morris",
			"--param", "funding.scale=0:2", "--n", "2", "--reps", "2", "--bootstrap", "10"}, ""},
		{"reproduce", nil, []string{"reproduce", "--quiet", "--reps", "2"}, ""},
		{"merge", nil, append([]string{"merge"}, shardDirs...), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{c.args[0], "--out", "out"}, c.args[1:]...)
			prepare := func() string {
				dir := t.TempDir()
				if c.setup != nil {
					c.setup(t, dir)
				}
				return dir
			}
			ref := prepare()
			if code, stderr := child(t, ref, nil, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			want := folder(t, filepath.Join(ref, "out"))
			// reproduce writes in a temporary folder only, like run.
			ats := boundaries(t, prepare(), args, c.only, c.name == "reproduce")
			if len(ats) == 0 {
				t.Fatal("no write boundary reached")
			}
			for _, at := range ats {
				dir := prepare()
				if code, stderr := child(t, dir, []string{fault.Env + "=" + at}, args...); code != fault.Code {
					t.Fatalf("stopped at %s: exit %d, want %d: %s", at, code, fault.Code, stderr)
				}
				if code, stderr := child(t, dir, nil, args...); code != 0 {
					t.Errorf("rerun after a stop at %s: exit %d: %s", at, code, stderr)
					continue
				}
				got := folder(t, filepath.Join(dir, "out"))
				for name, b := range want {
					if !bytes.Equal(got[name], b) {
						t.Errorf("stopped at %s: after the rerun %s differs from an uninterrupted run", at, name)
					}
				}
				for name := range got {
					if _, ok := want[name]; !ok {
						t.Errorf("stopped at %s: after the rerun out holds %s", at, name)
					}
				}
				if left := entryNames(t, dir); len(left) != 1 {
					t.Errorf("stopped at %s: after the rerun the parent holds %v, want only out", at, left)
				}
			}
		})
	}
}

func entryNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestResumeChecksKeys: rows deleted from or foreign to a partial or
// finished runs.csv are refused, naming the file and line, instead of being
// taken for the design's runs (issue: a partial with a row deleted was
// accepted).
func TestResumeChecksKeys(t *testing.T) {
	small, err := filepath.Abs("testdata/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"sweep", "--out", "out", "--quiet", "--scenario", small, "--param", "funding.scale=0:2:3", "--reps", "2"}
	deleteLine := func(path string, n int) {
		lines := strings.SplitAfter(string(read(t, path)), "\n")
		os.WriteFile(path, []byte(strings.Join(slices.Delete(lines, n-1, n), "")), 0o644)
	}
	for _, c := range []struct {
		name, stop, file string
		line             int
	}{
		{"partial", "job runs.csv.partial#5", "runs.csv.partial", 3},
		{"finished", "", "runs.csv", 3},
		{"finished, last row", "", "runs.csv", 19}, // 3 points x 2 reps x 3 rows + header
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			want := 0
			if c.stop != "" {
				want = fault.Code
			}
			if code, stderr := child(t, dir, []string{fault.Env + "=" + c.stop}, args...); code != want {
				t.Fatalf("exit %d, want %d: %s", code, want, stderr)
			}
			deleteLine(filepath.Join(dir, "out", c.file), c.line)
			code, stderr := child(t, dir, nil, args...)
			if code != ExitUsage || !strings.Contains(stderr, c.file) || !strings.Contains(stderr, "--force") {
				t.Errorf("rerun after deleting line %d of %s: exit %d, want 2 naming the file: %s", c.line, c.file, code, stderr)
			}
		})
	}
}

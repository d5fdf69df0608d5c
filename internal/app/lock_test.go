//go:build unix

package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rinsim/rinsim/internal/lock"
)

// TestBusyOutputIsRefused holds the lock of each command's output and runs
// the command: it is refused with exit 2, naming the holder, and writes
// nothing.
func TestBusyOutputIsRefused(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	mustRun(t, "run", "--quiet", "--scenario", "testdata/small.toml", "--out", src)
	small := []string{"--quiet", "--scenario", "testdata/small.toml"}
	cases := map[string][]string{
		"run":         append([]string{"run"}, small...),
		"sweep":       append([]string{"sweep", "--param", "funding.scale=0:1:2", "--reps", "1"}, small...),
		"compare":     append([]string{"compare", "--reps", "2"}, small...),
		"sensitivity": append([]string{"sensitivity", "--method", "morris", "--param", "funding.scale=0:1", "--n", "2"}, small...),
		"reproduce":   {"reproduce", "--quiet", "--reps", "2"},
		"merge":       {"merge"},
		"generate":    {"generate", "--smes", "100", "--networks", "2"},
		"plot":        {"plot"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, name)
			l, err := lock.Acquire(out)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Release()
			args = append(args, "--out", out)
			if name == "plot" || name == "merge" {
				args = append(args, src)
			}
			_, stderr, code := execute(t, context.Background(), args...)
			if code != ExitUsage || !strings.Contains(stderr, "in use") || !strings.Contains(stderr, "process "+strconv.Itoa(os.Getpid())) {
				t.Errorf("exit %d, want 2 naming the holder: %s", code, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was written while locked", out)
			}
		})
	}
}

// TestConcurrentIdenticalSweeps starts the same sweep twice at once into
// one folder, as two processes: each either finishes or is refused as
// busy, and the files equal those of a sweep run alone.
func TestConcurrentIdenticalSweeps(t *testing.T) {
	dir := t.TempDir()
	small, err := filepath.Abs("testdata/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	args := append(slices.Clone(sweepArgs), "--scenario", small)
	ref := filepath.Join(dir, "ref")
	mustRun(t, append(args, "--out", ref)...)
	for try := range 3 {
		out := filepath.Join(dir, "out"+strconv.Itoa(try))
		var wg sync.WaitGroup
		codes, errs := make([]int, 2), make([]string, 2)
		for k := range 2 {
			wg.Go(func() { codes[k], errs[k] = child(t, dir, nil, slices.Concat(args, []string{"--out", out})...) })
		}
		wg.Wait()
		for k := range 2 {
			if codes[k] != 0 && (codes[k] != ExitUsage || !strings.Contains(errs[k], "in use")) {
				t.Errorf("try %d, command %d: exit %d: %s", try, k, codes[k], errs[k])
			}
		}
		sameFiles(t, ref, out, "runs.csv", "steps.csv", "manifest.json")
	}
}

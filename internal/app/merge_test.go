package app

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rinsim/rinsim/internal/lock"
)

// TestMergeChecksShardRows: a shard whose runs.csv is short at a row
// boundary, lacks a replication, or holds another shard's points is
// refused, naming file and line (issue: the merged file silently had 34
// lines instead of 43).
func TestMergeChecksShardRows(t *testing.T) {
	dir := t.TempDir()
	shards := sweepTwoShards(t, dir)
	runs := filepath.Join(shards[0], "runs.csv")
	orig := string(read(t, runs))
	lines := strings.SplitAfter(orig, "\n")
	other := strings.SplitAfter(string(read(t, filepath.Join(shards[1], "runs.csv"))), "\n")
	for _, c := range []struct {
		name string
		edit func() []string
		want string
	}{
		{"last row cut", func() []string { return lines[:len(lines)-2] }, "not a multiple"},
		{"last replication cut", func() []string { return lines[:len(lines)-4] }, "want replication"},
		{"row deleted", func() []string { return slices.Delete(slices.Clone(lines), 2, 3) }, "runs.csv"},
		{"foreign point", func() []string { return append(slices.Clone(lines[:len(lines)-1]), other[1]) }, "not one of this shard's"},
		{"point missing", func() []string { return lines[:1] }, "no rows of point"},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.WriteFile(runs, []byte(strings.Join(c.edit(), "")), 0o644)
			defer os.WriteFile(runs, []byte(orig), 0o644)
			out := filepath.Join(t.TempDir(), "merged")
			_, stderr, code := execute(t, context.Background(), append([]string{"merge", "--out", out}, shards...)...)
			if code != ExitUsage || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, runs) {
				t.Errorf("exit %d, want 2 naming %s and %q: %s", code, runs, c.want, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("a refused merge wrote its output")
			}
		})
	}
}

// TestMergeRefusesShardInUse: while another command holds a shard folder's
// lock (as a sweep writing or resuming it does), merge is refused, naming
// the folder and the holder's process id, and writes nothing; afterwards it
// merges and leaves no lock files (issue: merge read shards unlocked).
func TestMergeRefusesShardInUse(t *testing.T) {
	dir := t.TempDir()
	shards := sweepTwoShards(t, dir)
	pid := strconv.Itoa(os.Getpid())
	for _, c := range []struct {
		name   string
		locked string // shard folder whose lock is held during the merge
		args   func(out string) []string
		want   []string
	}{
		{"first shard in use", shards[0], func(out string) []string { return append([]string{"merge", "--out", out}, shards...) },
			[]string{shards[0], "in use", "process " + pid}},
		{"second shard in use", shards[1], func(out string) []string { return append([]string{"merge", "--out", out}, shards...) },
			[]string{shards[1], "in use", "process " + pid}},
		{"out is a shard", "", func(string) []string { return append([]string{"merge", "--force", "--out", shards[1]}, shards...) },
			[]string{"is the shard folder"}},
		// Given twice, a shard is locked once: the message is Merge's, not
		// a lock held by this very merge.
		{"shard given twice", "", func(out string) []string {
			return []string{"merge", "--out", out, shards[0], shards[0] + string(filepath.Separator)}
		}, []string{"given twice"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.locked != "" {
				l, err := lock.Acquire(c.locked)
				if err != nil {
					t.Fatal(err)
				}
				defer l.Release()
			}
			out := filepath.Join(t.TempDir(), "merged")
			_, stderr, code := execute(t, context.Background(), c.args(out)...)
			if code != ExitUsage {
				t.Errorf("exit %d, want 2: %s", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("message does not name %q: %s", w, stderr)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("a refused merge wrote its output")
			}
		})
	}
	out := filepath.Join(dir, "merged")
	mustRun(t, append([]string{"merge", "--out", out}, shards...)...)
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.lock"))
	if len(leftovers) > 0 {
		t.Errorf("lock files left after the merge: %v", leftovers)
	}
}

// TestMergeRefusesShardBeingSwept runs a long sweep as a separate process
// into a folder and merges that folder while the sweep writes it: the merge
// is refused naming the sweep's process id.
func TestMergeRefusesShardBeingSwept(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a sweep process")
	}
	dir := t.TempDir()
	shard0 := filepath.Join(dir, "shard0")
	mustRun(t, append(sweepArgs, "--shard", "0/2", "--out", shard0)...)
	busy := filepath.Join(dir, "shard1")
	small, _ := filepath.Abs("testdata/small.toml")
	// Far more runs than the test lasts; it is killed below.
	cmd := exec.Command(os.Args[0], "sweep", "--quiet", "--scenario", small, "--param", "funding.scale=0:2:3",
		"--reps", "100000", "--workers", "1", "--shard", "1/2", "--out", busy)
	cmd.Env = append(os.Environ(), "RINSIM_TEST_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	want := "process " + strconv.Itoa(cmd.Process.Pid)
	for start := time.Now(); lock.Holder(busy) != cmd.Process.Pid; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 30*time.Second {
			t.Fatal("the sweep did not take its lock within 30 s")
		}
	}
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(busy); err == nil {
			break
		} else if time.Since(start) > 30*time.Second {
			t.Fatal("the sweep did not create its folder within 30 s")
		}
	}
	out := filepath.Join(dir, "merged")
	_, stderr, code := execute(t, context.Background(), "merge", "--out", out, shard0, busy)
	if code != ExitUsage || !strings.Contains(stderr, busy) || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, want 2 naming %s and %s: %s", code, busy, want, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a refused merge wrote its output")
	}
}

// sweepTwoShards runs the test sweep as shards 0/2 and 1/2 into dir/shard0
// and dir/shard1 and returns the two folders.
func sweepTwoShards(t *testing.T, dir string) []string {
	t.Helper()
	var shards []string
	for _, sh := range []string{"0/2", "1/2"} {
		out := filepath.Join(dir, "shard"+sh[:1])
		mustRun(t, append(sweepArgs, "--shard", sh, "--out", out)...)
		shards = append(shards, out)
	}
	return shards
}

// sweep writes report.md: the design and the replication seeds, no
// posterior paragraph without --posterior; a shard says which one it is,
// and merging the shards gives the unsharded sweep's report.md.
func TestSweepReport(t *testing.T) {
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole")
	mustRun(t, append(sweepArgs, "--out", whole)...)
	md := string(read(t, filepath.Join(whole, "report.md")))
	for _, want := range []string{"# rinsim sweep: factorial design", "6 design points x 3 replications",
		"`funding.scale` (3 values from 0 to 2) and `peer.seek_prob` (2 values from 0 to 0.6)", "`steps.csv` every quarter",
		"## How this was made", "Student (1908)"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "Parameter uncertainty") || strings.Contains(md, "shard") {
		t.Errorf("an unsharded sweep without --posterior: report.md speaks of a posterior or a shard:\n%s", md)
	}
	shards := sweepTwoShards(t, dir)
	if md := string(read(t, filepath.Join(shards[1], "report.md"))); !strings.Contains(md, "This folder is shard 1/2") {
		t.Errorf("shard 1/2's report.md does not say so:\n%s", md)
	}
	merged := filepath.Join(dir, "merged")
	mustRun(t, append([]string{"merge", "--out", merged}, shards...)...)
	if !bytes.Equal(read(t, filepath.Join(merged, "report.md")), read(t, filepath.Join(whole, "report.md"))) {
		t.Error("the merged sweep's report.md differs from the unsharded sweep's")
	}
}

// merge takes only sweep shards: a compare folder (compare has no --shard)
// would come out as a runs.csv without compare.csv and report.md.
func TestMergeRefusesOtherCommands(t *testing.T) {
	dir := t.TempDir()
	cmp := filepath.Join(dir, "compare")
	mustRun(t, "compare", "--builtin=false", "--reps", "2", "--quiet", "--out", cmp)
	out := filepath.Join(dir, "merged")
	_, stderr, code := execute(t, context.Background(), "merge", "--out", out, cmp)
	if code != ExitUsage || !strings.Contains(stderr, cmp) || !strings.Contains(stderr, "rinsim compare") {
		t.Errorf("exit %d, want 2 naming %s and the command: %s", code, cmp, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a refused merge wrote its output")
	}
}

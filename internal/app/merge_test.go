package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMergeChecksShardRows: a shard whose runs.csv is short at a row
// boundary, lacks a replication, or holds another shard's points is
// refused, naming file and line (issue: the merged file silently had 34
// lines instead of 43).
func TestMergeChecksShardRows(t *testing.T) {
	dir := t.TempDir()
	var shards []string
	for _, sh := range []string{"0/2", "1/2"} {
		out := filepath.Join(dir, "shard"+sh[:1])
		mustRun(t, append(sweepArgs, "--shard", sh, "--out", out)...)
		shards = append(shards, out)
	}
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

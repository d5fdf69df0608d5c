package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// README example 4, `rinsim scenarios show thesis > my.toml && rinsim run
// --scenario my.toml`, after `rinsim run`: issue 12 found it exits 2
// because both wrote out/thesis-1, and --force then replaced the baseline
// with the edited scenario's results.
func TestScenarioFileGetsItsOwnFolderAndForceKeepsOthers(t *testing.T) {
	t.Chdir(t.TempDir())
	mustRun(t, "run", "--quiet")
	baseline := read(t, filepath.Join("out", "thesis-1", "manifest.json"))
	shown := mustRun(t, "scenarios", "show", "thesis")
	if err := os.WriteFile("my.toml", []byte(strings.Replace(shown, "scale = 1.0", "scale = 1.5", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "run", "--quiet", "--scenario", "my.toml")
	if _, err := os.Stat(filepath.Join("out", "my-1", "summary.csv")); err != nil {
		t.Fatalf("a run of my.toml did not write out/my-1: %v", err)
	}
	for _, args := range [][]string{
		{"run", "--quiet", "--scenario", "my.toml", "--out", "out/thesis-1", "--force"},
		{"sweep", "--quiet", "--scenario", "my.toml", "--param", "funding.scale=1:2:2", "--reps", "1", "--out", "out/thesis-1", "--force"},
		{"compare", "--quiet", "--scenario", "my.toml", "--reps", "2", "--out", "out/thesis-1", "--force"},
		{"sensitivity", "--quiet", "--scenario", "my.toml", "--method", "morris", "--param", "funding.scale=0:1", "--n", "2", "--out", "out/thesis-1", "--force"},
		{"reproduce", "--quiet", "--scenario", "my.toml", "--reps", "2", "--out", "out/thesis-1", "--force"},
		{"validate", "--quiet", "--scenario", "my.toml", "--reps", "2", "--out", "out/thesis-1", "--force"},
	} {
		_, stderr, code := execute(t, context.Background(), args...)
		if code != ExitUsage || !strings.Contains(stderr, "another --out") || !strings.Contains(stderr, `"thesis" from thesis`) {
			t.Errorf("%s into the thesis folder with --force: exit %d, %s", args[0], code, stderr)
		}
	}
	if !bytes.Equal(baseline, read(t, filepath.Join("out", "thesis-1", "manifest.json"))) {
		t.Error("the thesis folder was replaced by another scenario's results")
	}
	mustRun(t, "run", "--quiet", "--seed", "2", "--out", "out/thesis-1", "--force") // same scenario: replaced
	if bytes.Equal(baseline, read(t, filepath.Join("out", "thesis-1", "manifest.json"))) {
		t.Error("--force with the same scenario did not replace the folder")
	}
}

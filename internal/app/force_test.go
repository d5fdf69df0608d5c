package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestForceRefusesAFolderRinsimDidNotWrite: --force on a project folder
// exits 2 naming it and leaves its files alone (issue: it deleted them).
func TestForceRefusesAFolderRinsimDidNotWrite(t *testing.T) {
	small := []string{"--quiet", "--force", "--scenario", "testdata/small.toml"}
	for name, args := range map[string][]string{
		"run":         append([]string{"run"}, small...),
		"sweep":       append([]string{"sweep", "--param", "funding.scale=0:1:2", "--reps", "1"}, small...),
		"compare":     append([]string{"compare", "--reps", "2"}, small...),
		"sensitivity": append([]string{"sensitivity", "--method", "morris", "--param", "funding.scale=0:1", "--n", "2"}, small...),
		"reproduce":   {"reproduce", "--quiet", "--force", "--reps", "2"},
	} {
		t.Run(name, func(t *testing.T) {
			project := filepath.Join(t.TempDir(), "myproject")
			if err := os.Mkdir(project, 0o755); err != nil {
				t.Fatal(err)
			}
			notes := filepath.Join(project, "notes.txt")
			os.WriteFile(notes, []byte("mine"), 0o644)
			_, stderr, code := execute(t, context.Background(), append(args, "--out", project)...)
			if code != ExitUsage || !strings.Contains(stderr, project) || !strings.Contains(stderr, "not a folder rinsim wrote") {
				t.Errorf("exit %d, want 2 naming %s: %s", code, project, stderr)
			}
			if got, err := os.ReadFile(notes); err != nil || string(got) != "mine" {
				t.Errorf("notes.txt after a refused --force: %q, %v", got, err)
			}
		})
	}
}

// TestForceReplacesRinsimOutput: --force on a folder rinsim wrote replaces it.
func TestForceReplacesRinsimOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	args := []string{"run", "--quiet", "--scenario", "testdata/small.toml", "--out", out}
	mustRun(t, args...)
	mustRun(t, append(args, "--force", "--seed", "2")...)
	mustRun(t, append(sweepArgs, "--force", "--out", out)...) // a run folder becomes a sweep folder
	if _, err := os.Stat(filepath.Join(out, "runs.csv")); err != nil {
		t.Error(err)
	}
}

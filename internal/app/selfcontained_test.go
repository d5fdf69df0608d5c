package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/internal/experiment"
	"github.com/rinsim/rinsim/internal/report"
)

// Every report.md that rinsim writes (reproduce's has its own test) can be
// read alone: the thesis by full reference, the exact command with every
// override, the seeds as numbers, no path outside the output (issue 12).
func TestReportsAreSelfContained(t *testing.T) {
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"compare": {"compare", "--quiet", "--scenario", "testdata/small.toml", "--reps", "3", "--set", "funding.alpha.scale=1.5"},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, name)
			mustRun(t, append(args, "--out", out)...)
			md := string(read(t, filepath.Join(out, "report.md")))
			m, err := experiment.ReadManifest(out)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{report.Thesis, m.CommandLine, "--set funding.alpha.scale=1.5", "## References", m.Design.ScenarioHash}
			_, runs, err := report.ReadCSV(filepath.Join(out, "runs.csv"))
			if err != nil {
				t.Fatal(err)
			}
			seedCol := len(m.Design.KeyColumns) + 1 // keys, rep, seed
			for _, r := range runs {
				want = append(want, r[seedCol])
			}
			for _, w := range want {
				if !strings.Contains(md, w) {
					t.Errorf("report.md lacks %q", w)
				}
			}
			for _, bad := range []string{"/work/", "shared/", "RepSeed(", "MODEL-BRIEF"} {
				if strings.Contains(md, bad) {
					t.Errorf("report.md refers to %q, which a reader does not have", bad)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "compare", "manifest.json")); err != nil {
		t.Fatal(err)
	}
}

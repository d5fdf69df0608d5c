package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlotValidatesAndHonoursForce: damaged CSVs are refused naming file
// and line (issue: exit 0 with figures skipped or drawn from garbage);
// existing figures are kept unless --force; a missing --out is created.
func TestPlotValidatesAndHonoursForce(t *testing.T) {
	src := filepath.Join(t.TempDir(), "run")
	mustRun(t, "run", "--quiet", "--scenario", "testdata/small.toml", "--out", src)
	steps := string(read(t, filepath.Join(src, "steps.csv")))
	for _, c := range []struct {
		name, content, want string
	}{
		{"truncated", steps[:len(steps)/2], "steps.csv: record on line"},
		{"garbage value", strings.Replace(steps, "\n0,2007Q1,alpha,", "\n0,2007Q1,alpha,x", 1), "steps.csv: line 2"},
		{"binary", "\x00\x01\x02garbage", "steps.csv"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "d")
			os.Mkdir(dir, 0o755)
			os.WriteFile(filepath.Join(dir, "steps.csv"), []byte(c.content), 0o644)
			_, stderr, code := execute(t, context.Background(), "plot", dir)
			if code != ExitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, want 2 with %q: %s", code, c.want, stderr)
			}
		})
	}
	figs := filepath.Join(t.TempDir(), "new", "figs")
	mustRun(t, "plot", "--out", figs, src)
	png := filepath.Join(figs, "fig1-entrant-share.png")
	os.WriteFile(png, []byte("mine"), 0o644)
	if _, stderr, code := execute(t, context.Background(), "plot", "--out", figs, src); code != ExitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("plot over existing figures: exit %d, want 2 asking for --force: %s", code, stderr)
	}
	if string(read(t, png)) != "mine" {
		t.Error("plot without --force overwrote a figure")
	}
	mustRun(t, "plot", "--force", "--out", figs, src)
	if string(read(t, png)) == "mine" {
		t.Error("plot --force did not redraw the figure")
	}
}

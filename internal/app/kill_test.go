//go:build unix

package app

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rinsim/rinsim/internal/report"
)

// buildBinary compiles cmd/rinsim once per test binary, for tests that must
// kill a real process.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "rinsim")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/rinsim")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// killAfter starts bin with args, kills it with SIGKILL after d (if still
// running) and reports whether it had already finished.
func killAfter(t *testing.T, bin string, d time.Duration, args ...string) bool {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = "." // testdata paths are relative to the package
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		return false
	}
}

// TestKilledRunLeavesNothingThatLooksComplete kills `rinsim run` at several
// moments: the output folder is then either absent or complete.
func TestKilledRunLeavesNothingThatLooksComplete(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a process")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	for k, d := range []time.Duration{50 * time.Millisecond, 300 * time.Millisecond, 800 * time.Millisecond} {
		out := filepath.Join(dir, "run"+string(rune('a'+k)))
		finished := killAfter(t, bin, d, "run", "--quiet", "--out", out,
			"--set", "network.oslo-medtech.members=20000", "--set", "network.cwn.members=20000")
		entries, err := os.ReadDir(out)
		if os.IsNotExist(err) {
			if finished {
				t.Errorf("kill after %v: the run finished but wrote no folder", d)
			}
			continue
		}
		if len(entries) != len(report.Files) {
			t.Errorf("kill after %v: %s holds %d files, want none or all %d", d, out, len(entries), len(report.Files))
		}
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(out, e.Name()))
			if len(b) == 0 || b[len(b)-1] != '\n' {
				t.Errorf("kill after %v: %s is incomplete", d, e.Name())
			}
		}
	}
	leftovers, _ := os.ReadDir(dir)
	for _, e := range leftovers {
		if !strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(e.Name(), "run") {
			t.Errorf("unexpected file %s", e.Name())
		}
	}
}

// TestKilledSweepResumes kills a sweep process mid-way, then reruns it: the
// result equals an uninterrupted sweep.
func TestKilledSweepResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a process")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	// Big enough networks that the sweep takes over a second: with the
	// thesis populations it finished (runs.csv renamed into place) within the
	// 150 ms before the kill once the model got faster, and the kill then
	// found a complete folder.
	args := []string{"sweep", "--quiet", "--param", "funding.scale=0:2:4", "--reps", "25", "--workers", "2", "--steps",
		"--set", "network.oslo-medtech.members=3000"}
	full, cut := filepath.Join(dir, "full"), filepath.Join(dir, "cut")
	if out, err := exec.Command(bin, append(args, "--out", full)...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if killAfter(t, bin, 150*time.Millisecond, append(args, "--out", cut)...) {
		t.Log("the sweep finished before the kill; resume is then a no-op")
	} else if _, err := os.Stat(filepath.Join(cut, "runs.csv")); !os.IsNotExist(err) {
		t.Fatal("a killed sweep left runs.csv, which looks complete")
	}
	if out, err := exec.Command(bin, append(args, "--out", cut)...).CombinedOutput(); err != nil {
		t.Fatalf("resume: %v: %s", err, out)
	}
	for _, name := range []string{"runs.csv", "steps.csv", "manifest.json"} {
		a, _ := os.ReadFile(filepath.Join(full, name))
		b, _ := os.ReadFile(filepath.Join(cut, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s after kill and resume differs from the uninterrupted sweep", name)
		}
	}
}

package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// calibTargets are two baseline patterns the small fixture can compute.
const calibTargets = `
[[pattern]]
id = "abroad"
description = "members abroad at the end"
statistic = "share_abroad_end"
target_low = 0.35
target_high = 0.6
source = "test"

[[pattern]]
id = "rin_contact"
description = "members with a RIN contact"
statistic = "share_with_rin_contact"
target_low = 0.1
target_high = 0.35
source = "test"
`

func calibArgs(t *testing.T, out string, extra ...string) []string {
	t.Helper()
	targets := filepath.Join(t.TempDir(), "targets.toml")
	if err := os.WriteFile(targets, []byte(calibTargets), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"calibrate", "--scenario", "testdata/small.toml", "--targets", targets,
		"--params", "firm.step_rate=0.05:0.5", "--params", "firm.contact_scale=0.5:4",
		"--particles", "12", "--generations", "3", "--reps", "1", "--seed", "5", "--quiet", "--out", out}
	return append(args, extra...)
}

// calibrate writes its files; the posterior is the same for 1 and 3
// workers; and the report cites the method in full.
func TestCalibrateSmall(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if _, stderr, code := execute(t, context.Background(), calibArgs(t, a, "--workers", "1")...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, stderr, code := execute(t, context.Background(), calibArgs(t, b, "--workers", "3")...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"posterior.csv", "generations.csv", "calibrated.toml"} {
		if !bytes.Equal(read(t, filepath.Join(a, name)), read(t, filepath.Join(b, name))) {
			t.Errorf("%s differs between 1 and 3 workers", name)
		}
	}
	for _, name := range append(calibrateFiles, "marginals.png", "pairs.svg", "tolerance.png") {
		if _, err := os.Stat(filepath.Join(a, name)); err != nil {
			t.Errorf("missing %s", name)
		}
	}
	post := strings.Split(strings.TrimSpace(string(read(t, filepath.Join(a, "posterior.csv")))), "\n")
	if post[0] != "generation,weight,distance,firm.step_rate,firm.contact_scale" || len(post) != 1+3*12 {
		t.Errorf("posterior.csv: header %q and %d rows, want 36", post[0], len(post)-1)
	}
	gens := string(read(t, filepath.Join(a, "generations.csv")))
	if !strings.HasPrefix(gens, "generation,tolerance,particles,proposals,acceptance_rate,ess,runs,attempts\n0,NA,12,12,1,12,12,") {
		t.Errorf("generations.csv:\n%s", gens)
	}
	toml := string(read(t, filepath.Join(a, "calibrated.toml")))
	if !strings.Contains(toml, "#   firm.step_rate = ") || !strings.Contains(toml, `name = "small-calibrated"`) {
		t.Errorf("calibrated.toml header:\n%.600s", toml)
	}
	md := string(read(t, filepath.Join(a, "report.md")))
	for _, want := range []string{"Toni, T., Welch, D.", "Beaumont, M. A., Cornuet", "van der Vaart, E.", "## References", "Master thesis (2016)", "| `firm.step_rate` |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if _, err := os.Stat(checkpointDir(a)); !os.IsNotExist(err) {
		t.Errorf("checkpoint left behind: %v", err)
	}
	// The calibrated scenario runs.
	if _, stderr, code := execute(t, context.Background(), "run", "--scenario", filepath.Join(a, "calibrated.toml"), "--quiet", "--out", filepath.Join(dir, "run")); code != 0 {
		t.Errorf("run calibrated.toml: exit %d: %s", code, stderr)
	}
}

// A calibration interrupted after a generation resumes from its checkpoint
// and ends with the same posterior as one that ran through.
func TestCalibrateResumes(t *testing.T) {
	dir := t.TempDir()
	whole, killed := filepath.Join(dir, "whole"), filepath.Join(dir, "killed")
	if _, stderr, code := execute(t, context.Background(), calibArgs(t, whole)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { // interrupt once generation 1 is checkpointed
		for ctx.Err() == nil {
			if _, err := os.Stat(filepath.Join(checkpointDir(killed), "generation-001.csv")); err == nil {
				cancel()
			}
			time.Sleep(time.Millisecond)
		}
	}()
	_, _, code := execute(t, ctx, calibArgs(t, killed)...)
	cancel()
	if code == 0 {
		t.Log("finished before the interruption; resume not exercised")
	} else if code != ExitInterrupted {
		t.Fatalf("interrupted: exit %d, want %d", code, ExitInterrupted)
	}
	if code != 0 {
		if _, err := os.Stat(killed); !os.IsNotExist(err) {
			t.Fatalf("interrupted calibration wrote %s", killed)
		}
		if _, stderr, code := execute(t, context.Background(), calibArgs(t, killed)...); code != 0 {
			t.Fatalf("resume: exit %d: %s", code, stderr)
		}
	}
	for _, name := range []string{"posterior.csv", "generations.csv"} {
		if !bytes.Equal(read(t, filepath.Join(whole, name)), read(t, filepath.Join(killed, name))) {
			t.Errorf("%s differs after a resume", name)
		}
	}
}

func TestCalibrateRefusesBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"too many particles", []string{"--particles", "1000000"}, "--particles 1000000: want 2 to 100000"},
		{"too many generations", []string{"--generations", "101"}, "--generations 101"},
		{"too many reps", []string{"--reps", "5000"}, "--reps 5000"},
		{"unknown key", []string{"--params", "firm.stepp_rate=0:1"}, "firm.stepp_rate"},
		{"range outside allowed", []string{"--params", "firm.info_uptake=0:2"}, "firm.info_uptake"},
		{"no range", []string{"--params", "firm.info_uptake=0.3:0.3"}, "a prior needs a range"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			_, stderr, code := execute(t, context.Background(), append([]string{"calibrate", "--quiet", "--out", out}, c.args...)...)
			if code != ExitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, c.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("wrote %s", out)
			}
		})
	}
}

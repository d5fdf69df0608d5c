package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
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
		{"quantile 0", []string{"--quantile", "0"}, "--quantile 0: want a number between 0 and 1"},
		{"quantile 1", []string{"--quantile", "1"}, "--quantile 1: want a number between 0 and 1"},
		{"quantile NaN", []string{"--quantile", "NaN"}, "--quantile NaN"},
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

// compare --posterior draws parameters per replication: the baseline's
// interval of entries per member is wider than without it, and ranks.csv
// says which scenario ranks first in what share of draws. The two particles
// lie far apart (step rates 0.001 and 1) and 12 replications make a mix of
// both near certain, so the widening does not hang on the noise of a few
// runs (with 0.02 and 0.6 and 8 replications it did: at seeds 1 to 5 the
// intervals now are 1.7 to 2.1 times as wide).
func TestComparePosteriorWidens(t *testing.T) {
	dir := t.TempDir()
	post := filepath.Join(dir, "posterior.csv")
	text := "generation,weight,distance,firm.step_rate\n0,1,0,0.2\n1,0.5,0,0.001\n1,0.5,0,1\n"
	if err := os.WriteFile(post, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	width := func(out string, extra ...string) float64 {
		args := append([]string{"compare", "--scenario", "testdata/small.toml", "--reps", "12", "--quiet", "--out", out}, extra...)
		if _, stderr, code := execute(t, context.Background(), args...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, line := range strings.Split(string(read(t, filepath.Join(out, "compare.csv"))), "\n") {
			f := strings.Split(line, ",")
			if len(f) > 6 && f[0] == "baseline" && f[1] == "alpha" && f[2] == "member" && f[3] == "entries_per_member" {
				return cell(f[6]) - cell(f[5])
			}
		}
		t.Fatal("no baseline row for alpha in compare.csv")
		return 0
	}
	plain := width(filepath.Join(dir, "plain"))
	drawn := width(filepath.Join(dir, "drawn"), "--posterior", post)
	if !(drawn > 1.2*plain) {
		t.Errorf("95 %% interval width %g with --posterior, %g without; want 1.2 times wider", drawn, plain)
	}
	if md := string(read(t, filepath.Join(dir, "drawn", "report.md"))); !strings.Contains(md, "**Parameter uncertainty.**") || !strings.Contains(md, "Toni, T., Welch, D.") {
		t.Error("compare report.md does not say that parameters were drawn from a posterior")
	}
	ranks := string(read(t, filepath.Join(dir, "drawn", "ranks.csv")))
	if !strings.HasPrefix(ranks, "scenario,share_first,draws\nbaseline,") {
		t.Errorf("ranks.csv:\n%s", ranks)
	}
	// A posterior naming an unknown parameter is refused (exit 2).
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("generation,weight,distance,firm.nope\n0,1,0,1\n"), 0o644)
	if _, stderr, code := execute(t, context.Background(), "compare", "--scenario", "testdata/small.toml", "--posterior", bad, "--quiet", "--out", filepath.Join(dir, "bad")); code != ExitUsage || !strings.Contains(stderr, "firm.nope") {
		t.Errorf("bad posterior: exit %d, %s", code, stderr)
	}
}

// sweep and validate take --posterior too; a swept key that the posterior
// also sets is refused.
func TestSweepValidatePosterior(t *testing.T) {
	dir := t.TempDir()
	post := filepath.Join(dir, "posterior.csv")
	if err := os.WriteFile(post, []byte("generation,weight,distance,firm.step_rate\n0,0.5,0,0.05\n0,0.5,0,0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := execute(t, context.Background(), "sweep", "--scenario", "testdata/small.toml", "--param", "peer.seek_prob=0:0.6:2",
		"--reps", "2", "--posterior", post, "--quiet", "--out", filepath.Join(dir, "sweep")); code != 0 {
		t.Fatalf("sweep --posterior: exit %d: %s", code, stderr)
	}
	sum := sha256.Sum256(read(t, post))
	md := string(read(t, filepath.Join(dir, "sweep", "report.md")))
	for _, want := range []string{"**Parameter uncertainty.**", "(firm.step_rate) drawn by weight", "`" + post + "`",
		"SHA-256 `" + hex.EncodeToString(sum[:])[:12] + "`", "Toni, T., Welch, D.", "Beaumont, M. A."} {
		if !strings.Contains(md, want) {
			t.Errorf("sweep --posterior: report.md lacks %q", want)
		}
	}
	_, stderr, code := execute(t, context.Background(), "sweep", "--scenario", "testdata/small.toml", "--param", "firm.step_rate=0.1:0.3:2",
		"--reps", "2", "--posterior", post, "--quiet", "--out", filepath.Join(dir, "sweep2"))
	if code != ExitUsage || !strings.Contains(stderr, "also a parameter of --posterior") {
		t.Errorf("sweep over a posterior key: exit %d, %s", code, stderr)
	}
	a, b := filepath.Join(dir, "v1"), filepath.Join(dir, "v2")
	for _, out := range []string{a, b} {
		if _, stderr, code := execute(t, context.Background(), "validate", "--scenario", "testdata/small.toml", "--reps", "3",
			"--posterior", post, "--quiet", "--out", out); code != 0 {
			t.Fatalf("validate --posterior: exit %d: %s", code, stderr)
		}
	}
	if !bytes.Equal(read(t, filepath.Join(a, "patterns.csv")), read(t, filepath.Join(b, "patterns.csv"))) {
		t.Error("validate --posterior is not deterministic")
	}
	if md := string(read(t, filepath.Join(a, "report.md"))); !strings.Contains(md, "**Parameter uncertainty.**") || !strings.Contains(md, "Toni, T., Welch, D.") {
		t.Error("validate report.md does not say that parameters were drawn from a posterior")
	}
	if rec := manifestPosterior(t, a); rec == nil || rec.File != post {
		t.Errorf("validate manifest posterior %+v", rec)
	}
}

// calibrated.toml applies the --identified-width rule: a parameter whose
// posterior is narrow takes its median (3 significant digits), one whose
// posterior is as wide as its prior keeps its base value; report.md says
// which is which.
func TestCalibratedAppliesIdentificationRule(t *testing.T) {
	base, err := scenarios.Load("testdata/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	factors := []sim.Factor{
		{Key: "firm.step_rate", Lo: 0.05, Hi: 0.5},    // narrow posterior below
		{Key: "firm.contact_scale", Lo: 0.5, Hi: 4.5}, // posterior spread over the whole prior
	}
	// 101 equally weighted particles: step_rate evenly in [0.3, 0.32]
	// (median 0.31, width ratio 0.018/0.405 = 0.044), contact_scale evenly
	// over its prior (median 2.5, ratio 3.6/3.6 = 1).
	g := &sim.ABCGeneration{Index: 3, Tolerance: 0.1}
	for i := range 101 {
		u := float64(i) / 100
		g.Theta = append(g.Theta, []float64{0.3 + 0.02*u + 1e-9, 0.5 + 4*u})
		g.Weights = append(g.Weights, 1.0/101)
		g.Distances = append(g.Distances, 0)
	}
	baseStep, baseScale := base.Firm.StepRate, base.Firm.ContactScale
	for _, c := range []struct {
		width             float64
		step, scale       float64 // values in calibrated.toml
		setKeys, keptKeys string  // report.md's lists
	}{
		{sim.IdentifiedWidth, 0.31, baseScale, "`firm.step_rate`", "`firm.contact_scale`"},
		{0, baseStep, baseScale, "none", "`firm.step_rate` and `firm.contact_scale`"},
		{1.2, 0.31, 2.5, "`firm.step_rate` and `firm.contact_scale`", "none"},
	} {
		t.Run(fmt.Sprint(c.width), func(t *testing.T) {
			r := &calibration{cal: &sim.Calibration{Base: base, Factors: factors}, gens: []*sim.ABCGeneration{g},
				reps: 1, seed: 1, identified: c.width}
			var toml bytes.Buffer
			if err := writeCalibrated(&toml, r); err != nil {
				t.Fatal(err)
			}
			s, err := scenarios.Parse(toml.Bytes(), "calibrated.toml")
			if err != nil {
				t.Fatal(err)
			}
			if s.Firm.StepRate != c.step || s.Firm.ContactScale != c.scale {
				t.Errorf("step_rate %v, contact_scale %v; want %v and %v\n%s", s.Firm.StepRate, s.Firm.ContactScale, c.step, c.scale, toml.String())
			}
			header := fmt.Sprintf("# Rule (--identified-width %v):", c.width)
			if !strings.Contains(toml.String(), header) {
				t.Errorf("calibrated.toml lacks %q", header)
			}
			var md bytes.Buffer
			if err := writeCalibrationReport(&md, r, &report.Manifest{}); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Set to the posterior median: " + c.setKeys + ".", "Kept at the base value: " + c.keptKeys + "."} {
				if !strings.Contains(md.String(), want) {
					t.Errorf("report.md lacks %q", want)
				}
			}
		})
	}
}

func TestCalibrateRefusesBadIdentifiedWidth(t *testing.T) {
	for _, w := range []string{"-0.1", "1.3", "NaN"} {
		out := filepath.Join(t.TempDir(), "out")
		_, stderr, code := execute(t, context.Background(), "calibrate", "--quiet", "--identified-width", w, "--out", out)
		if code != ExitUsage || !strings.Contains(stderr, "--identified-width") {
			t.Errorf("--identified-width %s: exit %d, stderr %q; want 2 naming the flag", w, code, stderr)
		}
	}
}

// --quantile sets the tolerance: generation 1's tolerance at the 0.25
// quantile of generation 0's distances (the same prior sample) is below the
// median's, and report.md names the quantile.
func TestCalibrateQuantile(t *testing.T) {
	dir := t.TempDir()
	// A band few prior draws reach, so that distances differ.
	targets := filepath.Join(dir, "targets.toml")
	hard := strings.Replace(strings.Replace(calibTargets, "target_low = 0.35", "target_low = 0.9", 1), "target_high = 0.6", "target_high = 0.95", 1)
	if err := os.WriteFile(targets, []byte(hard), 0o644); err != nil {
		t.Fatal(err)
	}
	tol1 := func(out string, extra ...string) float64 {
		t.Helper()
		args := append([]string{"calibrate", "--scenario", "testdata/small.toml", "--targets", targets,
			"--params", "firm.step_rate=0.05:0.5", "--params", "firm.contact_scale=0.5:4",
			"--particles", "12", "--generations", "2", "--reps", "1", "--seed", "5", "--quiet", "--out", out}, extra...)
		if _, stderr, code := execute(t, context.Background(), args...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		lines := strings.Split(string(read(t, filepath.Join(out, "generations.csv"))), "\n")
		x, err := strconv.ParseFloat(strings.Split(lines[2], ",")[1], 64)
		if err != nil {
			t.Fatalf("generations.csv line 3 %q: %v", lines[2], err)
		}
		return x
	}
	median, low := tol1(filepath.Join(dir, "median")), tol1(filepath.Join(dir, "q25"), "--quantile", "0.25")
	if !(low < median) {
		t.Errorf("generation 1 tolerance %v at --quantile 0.25, %v at the median; want it lower", low, median)
	}
	if md := string(read(t, filepath.Join(dir, "q25", "report.md"))); !strings.Contains(md, "the weighted 0.25-quantile of generation t-1's distances") {
		t.Error("report.md does not name the 0.25 quantile")
	}
}

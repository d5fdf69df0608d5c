package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rinsim/rinsim/sim"
)

// TestLimitsRefusedUpFront: sizes within the parameters' ranges that cannot
// fit are refused at once with exit 2 naming the flag or key (issue: they
// died of "out of memory" after up to a minute, or panicked).
func TestLimitsRefusedUpFront(t *testing.T) {
	small := []string{"--scenario", "testdata/small.toml"}
	huge := "9000000000000000000"
	cases := []struct {
		name   string
		args   []string
		want   string
		memory bool // needs more memory than this machine has
	}{
		{"grid", append([]string{"sweep", "--param", "funding.scale=0:2:1000000000"}, small...), "--param", false},
		{"grid product", append([]string{"sweep", "--param", "funding.scale=0:2:100000", "--param", "peer.seek_prob=0:1:100000"}, small...), "--param", false},
		{"lhs", append([]string{"sweep", "--param", "funding.scale=0:2", "--lhs", "1000000000"}, small...), "--lhs", false},
		{"sweep reps", append([]string{"sweep", "--param", "funding.scale=0:2:2", "--reps", huge}, small...), "--reps", false},
		{"compare reps", append([]string{"compare", "--reps", huge}, small...), "--reps", false},
		{"reproduce reps", []string{"reproduce", "--reps", huge}, "--reps", false},
		{"validate reps", []string{"validate", "--reps", huge, "--quiet"}, "--reps", false},
		// Each within its own bound (particles 1e5, generations 100, reps
		// 1,000), the product is not.
		{"calibrate product", []string{"calibrate", "--particles", "100000", "--generations", "100", "--reps", "1000", "--quiet"}, "--particles", false},
		{"calibrate particles x generations", []string{"calibrate", "--particles", "100000", "--generations", "100", "--reps", "1", "--quiet"}, "over the limit of 10000000 runs", false},
		{"sensitivity n", append([]string{"sensitivity", "--method", "morris", "--param", "funding.scale=0:1", "--n", "1000000000"}, small...), "--n", false},
		{"sensitivity bootstrap", append([]string{"sensitivity", "--method", "sobol", "--param", "funding.scale=0:1", "--param", "peer.seek_prob=0:1",
			"--n", "8", "--bootstrap", "1000000000"}, small...), "--bootstrap", false},
		{"sensitivity bootstrap x n", append([]string{"sensitivity", "--method", "morris", "--param", "funding.scale=0:1",
			"--n", "100000", "--bootstrap", "100000"}, small...), "--bootstrap 100000 x --n 100000", false},
		// Read as one endless line before: killed for memory after 97 s.
		{"posterior /dev/zero", append([]string{"compare", "--posterior", "/dev/zero", "--reps", "2"}, small...), "longer than", false},
		{"workers", append([]string{"sweep", "--param", "funding.scale=0:2:2", "--workers", "1000000000"}, small...), "--workers", false},
		{"run workers", append([]string{"run", "--workers", "1000000000"}, small...), "--workers", false},
		{"members", []string{"run", "--set", "network.oreec.members=100000000", "--set", "network.oreec.non_members=100000000",
			"--set", "network.cwn.members=100000000", "--set", "network.cwn.non_members=100000000"}, "firms", true},
		{"synthetic smes", []string{"run", "--set", "synthetic.smes=1000000000", "--set", "synthetic.networks=100"}, "synthetic.smes", true},
		// 26 points x 300,000 replications are within the runs limit, but
		// reproduce keeps about 0.5 MB of text per replication (150 GB).
		{"reproduce kept rows", []string{"reproduce", "--reps", "300000", "--quiet"}, "kept for the tables", true},
		{"generate", []string{"generate", "--smes", "1000000000", "--networks", "10000000"}, "synthetic.networks", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.memory && (machineMemory() == 0 || machineMemory() > 200<<30) {
				t.Skip("machine memory unknown or over 200 GiB")
			}
			out := filepath.Join(t.TempDir(), "out")
			start := time.Now()
			// A command that starts to run instead of refusing is cut off.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, stderr, code := execute(t, ctx, append(c.args, "--out", out)...)
			if code != ExitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, want 2 naming %s: %s", code, c.want, stderr)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v to refuse", d)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("a refused command wrote its output")
			}
		})
	}
}

// TestCheckCalibrationRuns: the limit is on particles x generations x
// design points x replications, exactly at maxRuns.
func TestCheckCalibrationRuns(t *testing.T) {
	for _, c := range []struct {
		particles, gens, points, reps int
		ok                            bool
	}{
		{1000, 8, 13, 4, true},                  // the defaults on the thesis scenario: 416,000 runs
		{100_000, 100, 1, 1, true},              // exactly maxRuns
		{100_000, 100, 1, 2, false},             // maxRuns x 2
		{100_000, 100, 20, 1000, false},         // every bound at its largest
		{math.MaxInt / 2, 100, 20, 1000, false}, // does not overflow into a small product
	} {
		err := checkCalibrationRuns(c.particles, c.gens, c.points, c.reps)
		if (err == nil) != c.ok {
			t.Errorf("checkCalibrationRuns(%d, %d, %d, %d) = %v, want ok %v", c.particles, c.gens, c.points, c.reps, err, c.ok)
		}
	}
}

func TestProductDoesNotOverflow(t *testing.T) {
	for _, c := range []struct {
		ns   []int
		want int
	}{
		{nil, 1},
		{[]int{3, 4}, 12},
		{[]int{1000, 1000, 2}, 1001}, // over the limit of 1000: limit+1
		{[]int{1 << 62, 1 << 62}, 1001},
	} {
		if got := product(c.ns, 1000); got != c.want {
			t.Errorf("product(%v, 1000) = %d, want %d", c.ns, got, c.want)
		}
	}
}

func TestExitCodes(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("bad flag"), ExitUsage},
		{failure(errors.New("disk full")), ExitFailure},
		{failure(fmt.Errorf("run 3: %w", sim.ErrInternal)), ExitInternal},
		{fmt.Errorf("interrupted: %w", context.Canceled), ExitInterrupted},
	} {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

package app

import (
	"context"
	"errors"
	"fmt"
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
		{"sensitivity n", append([]string{"sensitivity", "--method", "morris", "--param", "funding.scale=0:1", "--n", "1000000000"}, small...), "--n", false},
		{"workers", append([]string{"sweep", "--param", "funding.scale=0:2:2", "--workers", "1000000000"}, small...), "--workers", false},
		{"run workers", append([]string{"run", "--workers", "1000000000"}, small...), "--workers", false},
		{"members", []string{"run", "--set", "network.oreec.members=100000000", "--set", "network.oreec.non_members=100000000",
			"--set", "network.cwn.members=100000000", "--set", "network.cwn.non_members=100000000"}, "firms", true},
		{"synthetic smes", []string{"run", "--set", "synthetic.smes=1000000000", "--set", "synthetic.networks=100"}, "synthetic.smes", true},
		{"generate", []string{"generate", "--smes", "1000000000", "--networks", "10000000"}, "synthetic.networks", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.memory && (machineMemory() == 0 || machineMemory() > 200<<30) {
				t.Skip("machine memory unknown or over 200 GiB")
			}
			out := filepath.Join(t.TempDir(), "out")
			start := time.Now()
			_, stderr, code := execute(t, context.Background(), append(c.args, "--out", out)...)
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

package app

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/sim"
)

func TestCostText(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		nok  float64
		d    sim.Interval
		want string
	}{
		// 21.7 M NOK for 4.9 [2.9, 7.0] more entries: CWN at twice its funding (issue 11).
		{"clear gain", 21.7e6, sim.Interval{Mean: 4.9, Low: 2.9, High: 7.0}, "4.43 M NOK per additional entry (95 % interval 3.10 to 7.48 M NOK)"},
		{"gain may be zero", 10e6, sim.Interval{Mean: 2, Low: -1, High: 5}, "5.00 M NOK per additional entry (95 % interval from 2.00 M NOK up: the change in entries may be zero)"},
		{"no gain", 10e6, sim.Interval{Mean: -0.5, Low: -2, High: 1}, "no additional entries on average"},
		{"cut saves money", -10e6, sim.Interval{Mean: -4, Low: -5, High: -2}, "2.50 M NOK saved per entry lost (95 % interval 2.00 to 5.00 M NOK)"},
		{"cut without loss", -10e6, sim.Interval{Mean: 1, Low: 0, High: 2}, "no entries lost on average"},
		{"same funding", 0, sim.Interval{Mean: 1, Low: 0.5, High: 1.5}, ""},
		{"one replication", 1e6, sim.Interval{Mean: 2, Low: nan, High: nan}, "0.50 M NOK per additional entry"},
		{"large", 1e9, sim.Interval{Mean: 2, Low: 1, High: 4}, "500 M NOK per additional entry (95 % interval 250 to 1000 M NOK)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CostText(tt.nok, tt.d, "entry", "entries"); got != tt.want {
				t.Errorf("CostText(%v, %+v) = %q, want %q", tt.nok, tt.d, got, tt.want)
			}
		})
	}
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		iv   sim.Interval
		want string
	}{
		{sim.Interval{Mean: 0.1, Low: 0.05, High: 0.15}, "clearly more"},
		{sim.Interval{Mean: -0.1, Low: -0.15, High: -0.05}, "clearly fewer"},
		{sim.Interval{Mean: 0.1, Low: -0.05, High: 0.25}, "no clear change"},
		{sim.Interval{}, "no change"},
	}
	for _, tt := range tests {
		if got := Verdict(tt.iv); got != tt.want {
			t.Errorf("Verdict(%+v) = %q, want %q", tt.iv, got, tt.want)
		}
	}
}

func ExampleChangeText() {
	fmt.Println(ChangeText(sim.Interval{Mean: 0.08, Low: 0.05, High: 0.11}, "entries per member", 2))
	// Output: +0.08 entries per member, 95 % interval 0.05 to 0.11
}

// compare writes a self-contained report.md with a plain-language line and a
// difference figure for every scenario, custom ones included.
func TestCompareReport(t *testing.T) {
	dir := t.TempDir()
	extra := filepath.Join(dir, "set.toml")
	os.WriteFile(extra, []byte("[[scenario]]\nname = \"alpha double\"\nset = [\"funding.alpha.scale=2\"]\n"), 0o644)
	out := filepath.Join(dir, "c")
	stdout := mustRun(t, "compare", "--scenario", "testdata/small.toml", "--reps", "4", "--builtin=false", "--scenarios", extra, "--out", out)
	if !strings.Contains(stdout, "change [95 % interval]") || !strings.Contains(stdout, "paired by replication") {
		t.Errorf("table does not explain its intervals:\n%s", stdout)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, want := range []string{"## alpha double", "`funding.alpha.scale=2`", "Members of Alpha (well funded) (alpha):", "entries per member, 95 % interval",
		"Extra public funding over the run:", "per additional entry", "(diff-alpha_double.svg)", "| alpha double | alpha |", "How to read this"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "diff-alpha_double.svg")); err != nil {
		t.Errorf("no difference figure for the custom scenario: %v", err)
	}
}

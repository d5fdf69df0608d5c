package sim

import (
	"strings"
	"testing"

	"github.com/rinsim/rinsim/scenarios"
)

func thesis(t *testing.T) *scenarios.Scenario {
	t.Helper()
	s, err := thesisForFuzz()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func thesisForFuzz() (*scenarios.Scenario, error) { return scenarios.Builtin("thesis") }

// Grid values are written as the decimal the user meant: issue 12 found
// 0.19999999999999998 in runs.csv for --param peer.seek_prob=0:0.6:4.
func TestGridValuesAreShortDecimals(t *testing.T) {
	s := thesis(t)
	tests := []struct {
		spec string
		want []string
	}{
		{"peer.seek_prob=0:0.6:4", []string{"0", "0.2", "0.4", "0.6"}},
		{"peer.seek_prob=0:0.8:17", []string{"0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4", "0.45", "0.5", "0.55", "0.6", "0.65", "0.7", "0.75", "0.8"}},
		{"funding.scale=0.1:0.7:7", []string{"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"}},
		{"funding.scale=0:1:4", []string{"0", "0.3333333333333333", "0.6666666666666666", "1"}},
		{"network.cwn.stream.arena.to=2012:2016:3", []string{"2012", "2014", "2016"}},
	}
	for _, tt := range tests {
		f, err := ParseFactor(tt.spec, s, true)
		if err != nil {
			t.Fatalf("%s: %v", tt.spec, err)
		}
		var got []string
		for _, v := range Grid([]Factor{f}) {
			got = append(got, f.Format(v[0]))
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: grid %v, want %v", tt.spec, got, tt.want)
		}
	}
	// A Morris level u = 1/3 of [0, 0.6] is 0.2 as well.
	f := Factor{Key: "peer.seek_prob", Lo: 0, Hi: 0.6}
	if got := f.Format(f.Value(1.0 / 3)); got != "0.2" {
		t.Errorf("Value(1/3) = %s, want 0.2", got)
	}
}

func TestShortest(t *testing.T) {
	tests := []struct{ x, want float64 }{
		{0.19999999999999998, 0.2},
		{0.30000000000000004, 0.3},
		{0.6000000000000001, 0.6},
		{1.0 / 3, 1.0 / 3},                     // no short decimal nearby
		{0.437261928374652, 0.437261928374652}, // random design values stay
		{-2.0000000000000004, -2}, {0, 0}, {1e300, 1e300},
	}
	for _, tt := range tests {
		if got := Shortest(tt.x); got != tt.want {
			t.Errorf("Shortest(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

// Issue 12: these were accepted silently.
func TestParseFactorRefuses(t *testing.T) {
	s := thesis(t)
	tests := []struct {
		spec string
		grid bool
		want string
	}{
		{"funding.scale=0:1:5", false, "set by --lhs or --n"},                // --lhs or sensitivity with :n
		{"funding.scale=0:1:5:2", true, "key=lo:hi:n"},                       // a fourth field
		{"funding.scale=0:1", true, "key=lo:hi:n"},                           // grid without n
		{"network.cwn.stream.arena.to=2014.5:2016", false, "not an integer"}, // integer key given 2014.5
		{"network.cwn.stream.arena.to=2012:2016.5:2", true, "not an integer"},
		{"network.cwn.stream.arena.to=2012:2016:4", true, "whole number"}, // 2012, 2013.33, ... would be rounded into repeats
		{"funding.scale", true, "key=lo:hi:n"},
		{"market.china.name=0:1:2", true, "unknown parameter"},
	}
	for _, tt := range tests {
		_, err := ParseFactor(tt.spec, s, tt.grid)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseFactor(%q, grid=%v) = %v, want an error with %q", tt.spec, tt.grid, err, tt.want)
		}
	}
}

func TestRepSeedsFitFifteenDigits(t *testing.T) {
	for _, master := range []uint64{0, 1, 7, MaxSeed} {
		for r := range 1000 {
			if s := RepSeed(master, r); s > MaxSeed {
				t.Fatalf("RepSeed(%d, %d) = %d > %d", master, r, s, uint64(MaxSeed))
			}
		}
	}
	if CheckSeed(MaxSeed) != nil || CheckSeed(MaxSeed+1) == nil || CheckSeed(1<<63) == nil {
		t.Error("CheckSeed does not refuse exactly the seeds above MaxSeed")
	}
}

package suggest

import (
	"fmt"
	"testing"
)

func TestNearest(t *testing.T) {
	commands := []string{"run", "generate", "compare", "sweep", "sensitivity", "merge", "reproduce", "plot", "scenarios", "version"}
	tests := []struct {
		word, want string
	}{
		{"rnu", "run"},
		{"swep", "sweep"},
		{"sensitivty", "sensitivity"},
		{"reproduec", "reproduce"},
		{"scenario", "scenarios"},
		{"Run", "run"},
		{"xyz", ""},    // nothing close
		{"banana", ""}, // too far from any
	}
	for _, tt := range tests {
		if got := Nearest(tt.word, commands); got != tt.want {
			t.Errorf("Nearest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if got := Nearest("thesiss", []string{"europe", "thesis"}); got != "thesis" {
		t.Errorf("Nearest(thesiss) = %q", got)
	}
}

func TestKey(t *testing.T) {
	keys := []string{"funding.scale", "funding.oreec.scale", "funding.cwn.scale", "firm.step_rate",
		"network.cwn.funding_scale", "network.cwn.stream.arena.nok_per_year", "network.cwn.stream.arena.to",
		"channel.joint_stand.fee_nok"}
	tests := []struct {
		key, want string
	}{
		{"funding.cwn.scal", "funding.cwn.scale"}, // issue 12: suggested funding.scale
		{"firm.step_rat", "firm.step_rate"},
		{"network.cwn.stream.arena.nok", "network.cwn.stream.arena.nok_per_year"}, // by last segment under the same prefix
		{"step_rate", "firm.step_rate"},                                           // by last segment alone
		{"network.cwn.stream.arena.too", "network.cwn.stream.arena.to"},
		{"market.mars.psychic", ""},
	}
	for _, tt := range tests {
		if got := Key(tt.key, keys); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}, {"run", "run", 0}, {"rnu", "run", 1}, {"ab", "ba", 1},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func ExampleKey() {
	fmt.Println(Key("funding.cwn.scal", []string{"funding.scale", "funding.cwn.scale"}))
	// Output: funding.cwn.scale
}

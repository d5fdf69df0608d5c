package suggest

import (
	"fmt"
	"math/rand/v2"
	"strings"
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

// nearestAll is Nearest without the length pruning: the distance to every
// candidate.
func nearestAll(word string, candidates []string) string {
	best, bestD := "", 0
	for _, c := range candidates {
		d := Distance(strings.ToLower(word), strings.ToLower(c))
		if d == 0 {
			return c
		}
		if d <= limit(word, c) && (best == "" || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// TestNearestPruningIsExact: skipping candidates by length changes no
// answer, over random words near and far from random candidates (including
// letters whose lower case has another length in bytes).
func TestNearestPruningIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	letters := []rune("abcdeÄİK.")
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteRune(letters[r.IntN(len(letters))])
		}
		return b.String()
	}
	for range 20000 {
		cands := make([]string, 1+r.IntN(6))
		for k := range cands {
			cands[k] = word(r.IntN(9))
		}
		w := word(r.IntN(11))
		if r.IntN(2) == 0 { // a near miss of a candidate
			c := []rune(cands[r.IntN(len(cands))])
			if len(c) > 0 {
				c[r.IntN(len(c))] = letters[r.IntN(len(letters))]
			}
			w = string(c)
		}
		if got, want := Nearest(w, cands), nearestAll(w, cands); got != want {
			t.Fatalf("Nearest(%q, %q) = %q, without pruning %q", w, cands, got, want)
		}
	}
}

// TestNearestLongWord: a long word (a --set key can be megabytes) finds
// nothing among 400 keys like a scenario's, and computes no distance matrix:
// each would be the word's length times the key's, so a quarter-megabyte
// key took 34 s before the length pruning. Allocations count the matrices'
// rows, so the check does not depend on the machine's speed.
func TestNearestLongWord(t *testing.T) {
	keys := make([]string, 400)
	for k := range keys {
		keys[k] = fmt.Sprintf("network.net%03d.stream.arena.to", k)
	}
	long := strings.Repeat("firm.x", 4096/6)
	allocs := testing.AllocsPerRun(3, func() {
		if got := Nearest(long, keys); got != "" {
			t.Errorf("Nearest(long) = %q", got)
		}
	})
	if allocs > 10 {
		t.Errorf("Nearest(4 KB word, 400 keys): %.0f allocations, want no distance matrices", allocs)
	}
	long = strings.Repeat("firm.x", 1<<20/6)
	if got := Key(long, keys); got != "" {
		t.Errorf("Key(1 MB word) = %q", got)
	}
}

package scenarios

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// nearestKeyAll is nearestKey without the length pruning.
func nearestKeyAll(field string, valid []Param) string {
	last := field[strings.LastIndex(field, ".")+1:]
	best, bestD := "", len(last)/2+2
	for _, name := range keyNames(valid) {
		if d := editDistance(last, name); d < bestD {
			best, bestD = name, d
		}
	}
	return best
}

// The length pruning of nearestKey changes no suggestion: random edits of
// the thesis scenario's keys and random words, against the distance to every
// name.
func TestNearestKeyPruningIsExact(t *testing.T) {
	s, err := Builtin("thesis")
	if err != nil {
		t.Fatal(err)
	}
	ps := s.Params()
	r := rand.New(rand.NewPCG(3, 4))
	const letters = "abcdefghijklmnopqrstuvwxyz_."
	for range 1000 {
		w := []byte(ps[r.IntN(len(ps))].Key)
		for range r.IntN(8) {
			switch k := r.IntN(len(w) + 1); r.IntN(3) {
			case 0: // insert
				w = append(w[:k], append([]byte{letters[r.IntN(len(letters))]}, w[k:]...)...)
			case 1: // delete
				if k < len(w) {
					w = append(w[:k], w[k+1:]...)
				}
			default: // substitute
				if k < len(w) {
					w[k] = letters[r.IntN(len(letters))]
				}
			}
		}
		if got, want := nearestKey(string(w), ps), nearestKeyAll(string(w), ps); got != want {
			t.Fatalf("nearestKey(%q) = %q, without pruning %q", w, got, want)
		}
	}
}

// A long unknown key in a scenario file costs no distance matrix per valid
// name (each the key's length times the name's: a megabyte-long key took
// 24 s before the pruning). Counted by allocations, not time.
func TestNearestKeyLongField(t *testing.T) {
	s, err := Builtin("thesis")
	if err != nil {
		t.Fatal(err)
	}
	ps := s.Params()
	field := "firm." + strings.Repeat("x", 4096)
	allocs := testing.AllocsPerRun(3, func() {
		if got := nearestKey(field, ps); got != "" {
			t.Errorf("nearestKey(4 KB field) = %q", got)
		}
	})
	if allocs > 50 { // the list of names grows in about 10 steps
		t.Errorf("nearestKey(4 KB field): %.0f allocations, want no distance matrices", allocs)
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes, two per letter
	tests := []struct{ in, want string }{
		{"firm.step_rate", "firm.step_rate"},
		{strings.Repeat("x", clipAt), strings.Repeat("x", clipAt)},
		{strings.Repeat("x", clipAt+1), strings.Repeat("x", clipAt/2) + "... (121 bytes)"},
		{long, strings.Repeat("é", clipAt/4) + "... (200 bytes)"},
		{"a" + long, "a" + strings.Repeat("é", clipAt/4-1) + "... (201 bytes)"}, // never half a letter
	}
	for _, tt := range tests {
		if got := clip(tt.in); got != tt.want {
			t.Errorf("clip(%.20q...) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A megabyte-long unknown key in a file or --set is named by its start and
// length, not repeated.
func TestLongUnknownKeyMessage(t *testing.T) {
	key := strings.Repeat("x", 1<<20)
	_, err := Parse([]byte("base = \"thesis\"\n[firm]\n"+key+" = 1\n"), "long.toml")
	if err == nil || len(err.Error()) > 1000 || !strings.Contains(err.Error(), "(1048581 bytes)") || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("file: %.300v (%d bytes)", err, len(errString(err)))
	}
	s, err := Builtin("thesis")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Set("firm."+key, "1")
	if err == nil || len(err.Error()) > 1000 || !strings.Contains(err.Error(), "(1048581 bytes)") {
		t.Errorf("--set: %.300v (%d bytes)", err, len(errString(err)))
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

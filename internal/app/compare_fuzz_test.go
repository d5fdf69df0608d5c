package app

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// FuzzScenarioSet: the reader of compare --scenarios never panics; what it
// accepts has at least one scenario, and names that go into runs.csv and
// compare.csv unquoted (no comma, quote or control character, valid UTF-8);
// and its --set lines either resolve on the small scenario or are refused
// with an error, never a panic.
func FuzzScenarioSet(f *testing.F) {
	for _, doc := range []string{
		"[[scenario]]\nname = \"medtech-cut\"\nset = [\"funding.oslo-medtech.scale=0.5\", \"network.oslo-medtech.stream.nce.to=2015\"]\n",
		"[[scenario]]\nname = \"a\"\n[[scenario]]\nname = \"b\"\nset = [\"funding.scale=2\"]\n",
		"[[scenario]]\nname = \"x\\r\"\n",
		"[[scenario]]\nname = \"x\"\nbogus = 1\n",
		"[[scenario]]\nname = \"x\"\nset = [\"funding.scale=\"]\n",
		"scenario = []\n",
		"",
	} {
		f.Add(doc)
	}
	base, err := scenarios.Load("testdata/small.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		b := []byte(doc)
		if scenarios.CheckDepth(b, "s.toml") != nil {
			return // scenarios.ReadFile refuses it before parsing
		}
		ps, err := parseScenarioSet(b, "s.toml")
		if err != nil {
			if !strings.Contains(err.Error(), "--scenarios s.toml") {
				t.Errorf("error does not name the flag and file: %v", err)
			}
			return
		}
		if len(ps) == 0 {
			t.Fatal("accepted a file without scenarios")
		}
		for _, p := range ps {
			if p.Label == "" || len(p.Label) > maxLabelBytes || !utf8.ValidString(p.Label) || strings.ContainsAny(p.Label, ",\"") || strings.ContainsFunc(p.Label, unicode.IsControl) {
				t.Fatalf("accepted name %q", p.Label)
			}
		}
		if uniqueLabels(ps) != nil {
			return
		}
		d := &sim.Design{Base: base, Points: ps, Reps: 2, Seed: 1}
		_, _ = d.Scenarios() // bad --set lines are errors, not panics
	})
}

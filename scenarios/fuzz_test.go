package scenarios

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse. Parse must never panic, and a
// scenario it accepts must be valid and encodable. The seed corpus is in
// testdata/fuzz/FuzzParse (checked by TestFuzzParseCorpus) plus the seeds below.
func FuzzParse(f *testing.F) {
	src, err := BuiltinSource("thesis")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	f.Add([]byte(""))
	f.Add([]byte(`base = "thesis"`))
	f.Add([]byte("base = \"thesis\"\nstart = \"2010Q3\"\n[peer]\nlearning = 0.5\n"))
	f.Add([]byte("base = \"thesis\"\n[[market]]\nid = \"x\"\nattractiveness = { water = 1 }\n"))
	f.Add([]byte("base = \"thesis\"\n[firm]\nstep_rate = nan\n"))
	f.Add([]byte("base = \"thesis\"\n[[stage]]\nid = \"a\"\n[[stage]]\nid = \"b\"\n"))
	f.Add([]byte("base = 'thesis'\n[funding]\nscale = inf\n"))
	f.Add([]byte("[firm\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "fuzz.toml")
		if err != nil {
			if s != nil {
				t.Fatalf("Parse returned a scenario and an error %v", err)
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			var ve *ValidationError
			if errors.As(err, &ve) {
				lines := bytes.Count(data, []byte("\n")) + 1
				for _, p := range ve.Problems {
					if p.Line < 0 || p.Line > lines {
						t.Fatalf("problem %+v at a line outside the file's %d", p, lines)
					}
				}
			}
			return
		}
		if s == nil {
			t.Fatal("Parse returned neither a scenario nor an error")
		}
		if err := s.Validate("fuzz.toml"); err != nil {
			t.Fatalf("Parse accepted a scenario that does not validate: %v", err)
		}
		b, err := s.Encode()
		if err != nil {
			t.Fatalf("Encode of a parsed scenario: %v", err)
		}
		if len(b) == 0 {
			t.Fatal("Encode returned nothing")
		}
	})
}

// FuzzSet applies arbitrary key=value overrides to the thesis scenario. Set
// must never panic; a failed Set must leave the scenario unchanged; a
// successful Set changes only the addressed parameter, and the value read back
// with Param(key).String() must set the same value again.
func FuzzSet(f *testing.F) {
	base, err := Builtin("thesis")
	if err != nil {
		f.Fatal(err)
	}
	basePairs := paramPairs(base)
	seeds := [][2]string{
		{"firm.step_rate", "0.3"},
		{"funding.cwn.scale", "1.5"},
		{"funding.oreec.scale", "-0"},
		{"network.oreec.members", "1e3"},
		{"network.oreec.members", "1.5"},
		{"network.cwn.stream.arena.to", "2016"},
		{"start", "2008q2"},
		{"end", " 2200Q4 "},
		{"market.sweden.nordic", "F"},
		{"market.china.attractiveness.water", "0x1p-2"},
		{"network.oreec.partners.usa", "1e308"},
		{"firm.step_rate", "NaN"},
		{"firm.step_rate", "4.9e-324"},
		{"channel.info.slots", "1_000"},
		{"firm.step_rat", "0.1"},
		{"funding..scale", "1"},
		{"", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}

	// work is reused while Set keeps failing (a failed Set must leave it
	// unchanged, which is checked) and replaced by a fresh Clone after a
	// successful Set, so every input starts from an unmodified thesis.
	// Inputs run one at a time within a fuzzing process.
	work := base.Clone()
	f.Fuzz(func(t *testing.T, key, value string) {
		s := work
		err := s.Set(key, value)
		if err != nil {
			if got := paramPairs(s); strings.Join(got, "\n") != strings.Join(basePairs, "\n") {
				t.Fatalf("Set(%q, %q) failed with %v but changed the scenario", key, value, err)
			}
			return
		}
		work = base.Clone()
		p, err := s.Param(key)
		if err != nil {
			t.Fatalf("Set(%q, %q) succeeded but Param fails: %v", key, value, err)
		}
		for i, kv := range paramPairs(s) {
			if kv != basePairs[i] && !strings.HasPrefix(kv, p.Key+"=") {
				t.Fatalf("Set(%q, %q) changed another parameter: %s (was %s)", key, value, kv, basePairs[i])
			}
		}
		text, before := p.String(), p.Value()
		if err := s.Set(key, text); err != nil {
			t.Fatalf("Set(%q, %q) succeeded, but its read-back %q does not parse: %v", key, value, text, err)
		}
		if p.Value() != before || p.String() != text {
			t.Fatalf("Set(%q, %q): read back %q (%v), which sets %q (%v)", key, value, text, before, p.String(), p.Value())
		}
	})
}

// TestFuzzParseCorpus checks that the checked-in seed corpus is well formed
// and exercises both the accepting and the rejecting paths of Parse.
func TestFuzzParseCorpus(t *testing.T) {
	wantOK := map[string]bool{
		"thesis_mutated":     true,
		"base_override":      true,
		"base_network":       true,
		"thesis_invalid":     false,
		"base_unknown_field": false,
		"garbage":            false,
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(wantOK) {
		t.Errorf("%d corpus files, want %d", len(entries), len(wantOK))
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			head, body, ok := strings.Cut(string(raw), "\n")
			if !ok || head != "go test fuzz v1" {
				t.Fatalf("bad header %q", head)
			}
			body = strings.TrimSpace(body)
			if !strings.HasPrefix(body, "[]byte(") || !strings.HasSuffix(body, ")") {
				t.Fatalf("want one []byte value, got %.40q", body)
			}
			data, err := strconv.Unquote(body[len("[]byte(") : len(body)-1])
			if err != nil {
				t.Fatalf("unquote: %v", err)
			}
			want, known := wantOK[e.Name()]
			if !known {
				t.Fatalf("unexpected corpus file")
			}
			s, err := Parse([]byte(data), e.Name())
			if want && err != nil {
				t.Errorf("Parse: %v", err)
			}
			if !want && err == nil {
				t.Errorf("Parse accepted %s", s.Name)
			}
		})
	}
}

package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestBuiltinsLoadAndValidate(t *testing.T) {
	names := BuiltinNames()
	if !slices.Contains(names, "thesis") {
		t.Fatalf("BuiltinNames() = %q, want it to contain thesis", names)
	}
	if !slices.IsSorted(names) {
		t.Errorf("BuiltinNames() = %q, not sorted", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			if strings.HasSuffix(name, ".toml") || name == "" {
				t.Errorf("bad built-in name %q", name)
			}
			s, err := Load(name)
			if err != nil {
				t.Fatalf("Load(%q): %v", name, err)
			}
			if err := s.Validate(name); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if s.Name != name {
				t.Errorf("built-in %q has name %q", name, s.Name)
			}
			b, err := Builtin(name)
			if err != nil {
				t.Fatalf("Builtin(%q): %v", name, err)
			}
			if !reflect.DeepEqual(s, b) {
				t.Error("Load and Builtin disagree")
			}
			src, err := BuiltinSource(name)
			if err != nil || len(src) == 0 {
				t.Fatalf("BuiltinSource(%q) = %d bytes, %v", name, len(src), err)
			}
			if s.Steps() <= 0 {
				t.Errorf("Steps() = %d", s.Steps())
			}
		})
	}
}

func TestThesisFacts(t *testing.T) {
	s := thesis(t)
	if s.Start != NewQuarter(2007, 1) || s.End != NewQuarter(2016, 4) || s.Steps() != 40 {
		t.Errorf("thesis runs %s..%s (%d steps), want 2007Q1..2016Q4 (40)", s.Start, s.End, s.Steps())
	}
	var ids []string
	for _, n := range s.Networks {
		ids = append(ids, n.ID)
	}
	if !slices.Equal(ids, []string{"oreec", "oslo-medtech", "cwn"}) {
		t.Errorf("networks = %q", ids)
	}
	if s.Base != "" {
		t.Errorf("thesis has base %q", s.Base)
	}
}

func TestLoadUnknownName(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-scenario.toml")
	for _, name := range []string{"no-such-scenario", missing} {
		_, err := Load(name)
		if err == nil {
			t.Fatalf("Load(%q) succeeded", name)
		}
		msg := err.Error()
		if !strings.Contains(msg, name) {
			t.Errorf("error %q does not name %q", msg, name)
		}
		for _, b := range BuiltinNames() {
			if !strings.Contains(msg, b) {
				t.Errorf("error %q does not list built-in %q", msg, b)
			}
		}
	}
	for name, want := range map[string]string{"thesiss": "thesis", "Europe": "europe", "europa": "europe", "atlantis": ""} {
		_, err := Load(name)
		got := err != nil && strings.Contains(err.Error(), fmt.Sprintf("did you mean %q", want))
		if want == "" {
			got = err != nil && !strings.Contains(err.Error(), "did you mean")
		}
		if !got {
			t.Errorf("Load(%q) = %v, want a hint %q", name, err, want)
		}
	}
	if _, err := BuiltinSource("no-such-scenario"); err == nil || !strings.Contains(err.Error(), "thesis") {
		t.Errorf("BuiltinSource error = %v, want it to list thesis", err)
	}
	if _, err := Builtin("no-such-scenario"); err == nil {
		t.Error("Builtin of an unknown name succeeded")
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.toml")
	if err := os.WriteFile(file, []byte("base = \"thesis\"\nname = \"mine\"\n[firm]\nstep_rate = 0.2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(file)
	if err != nil {
		t.Fatalf("Load(%q): %v", file, err)
	}
	if s.Name != "mine" || s.Firm.StepRate != 0.2 || s.Base != "thesis" {
		t.Errorf("loaded name %q step_rate %v base %q", s.Name, s.Firm.StepRate, s.Base)
	}

	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("base = \"thesis\"\n[firm]\nstep_rate = 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(bad)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Load(bad) = %v, want a *ValidationError", err)
	}
	if ve.File != bad || len(ve.Problems) != 1 || ve.Problems[0].Field != "firm.step_rate" {
		t.Errorf("Load(bad): file %q problems %+v", ve.File, ve.Problems)
	}
}

func TestParseBaseOverride(t *testing.T) {
	want := thesis(t)
	tests := []struct {
		name    string
		src     string
		changed map[string]string // parameters that differ from thesis
		check   func(t *testing.T, s *Scenario)
	}{
		{
			name:    "funding scale",
			src:     "base = \"thesis\"\n[funding]\nscale = 2\n",
			changed: map[string]string{"funding.scale": "2"},
		},
		{
			name:    "only the base",
			src:     "base = \"thesis\"\n",
			changed: map[string]string{},
		},
		{
			name:    "one field of a table keeps its siblings",
			src:     "base = \"thesis\"\n[channel.joint_stand]\nfee_nok = 1\n[firm]\nstep_rate = 0.1\n",
			changed: map[string]string{"channel.joint_stand.fee_nok": "1", "firm.step_rate": "0.1"},
		},
		{
			name:    "quarters",
			src:     "base = \"thesis\"\nend = \"2020Q2\"\n",
			changed: map[string]string{"end": "2020Q2"},
		},
		{
			name:    "name and description",
			src:     "base = \"thesis\"\nname = \"variant\"\ndescription = \"x\"\n",
			changed: map[string]string{},
			check: func(t *testing.T, s *Scenario) {
				if s.Name != "variant" || s.Description != "x" {
					t.Errorf("name %q description %q", s.Name, s.Description)
				}
			},
		},
		{
			name: "a list replaces the base's list",
			src: `base = "thesis"
[[network]]
id = "solo"
name = "Solo"
sector = "water"
founded = 2010
initial_members = 5
members = 10
non_members = 3
ambition_share = 0.5
event_relevance = 0.5
funding_scale = 1
partners = { sweden = 1 }
archetypes = { novice = 1 }
  [[network.stream]]
  id = "county"
  source = "county"
  nok_per_year = 100000
  from = 2010
  to = 2016
`,
			changed: nil, // the parameter list changes shape
			check: func(t *testing.T, s *Scenario) {
				if len(s.Networks) != 1 || s.Networks[0].ID != "solo" {
					t.Fatalf("networks = %+v, want only solo", s.Networks)
				}
				n := s.Networks[0]
				if len(n.Partners) != 1 || len(n.Archetypes) != 1 || len(n.Streams) != 1 {
					t.Errorf("solo merged with a base network: %+v", n)
				}
				if len(s.Markets) != 13 || len(s.Stages) != 5 || len(s.Archetypes) != 6 {
					t.Errorf("lists the file does not mention changed: %d markets, %d stages, %d archetypes", len(s.Markets), len(s.Stages), len(s.Archetypes))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.src), "derived.toml")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if s.Base != "thesis" {
				t.Errorf("Base = %q, want thesis", s.Base)
			}
			if tt.check != nil {
				tt.check(t, s)
			}
			if tt.changed == nil {
				return
			}
			got := s.Params()
			ref := want.Params()
			if len(got) != len(ref) {
				t.Fatalf("%d parameters, thesis has %d", len(got), len(ref))
			}
			for i, p := range got {
				if p.Key != ref[i].Key {
					t.Fatalf("parameter %d is %s, thesis has %s", i, p.Key, ref[i].Key)
				}
				if v, ok := tt.changed[p.Key]; ok {
					if p.String() != v {
						t.Errorf("%s = %s, want %s", p.Key, p.String(), v)
					}
				} else if p.String() != ref[i].String() {
					t.Errorf("%s = %s, thesis has %s", p.Key, p.String(), ref[i].String())
				}
			}
		})
	}
}

func TestParseBaseErrors(t *testing.T) {
	_, err := Parse([]byte("base = \"nope\"\n"), "derived.toml")
	if err == nil {
		t.Fatal("unknown base accepted")
	}
	for _, w := range []string{"derived.toml", "base", `"nope"`, "thesis"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	// A derived file is validated as a whole.
	_, err = Parse([]byte("base = \"thesis\"\nend = \"2006Q1\"\n"), "derived.toml")
	var ve *ValidationError
	if !errors.As(err, &ve) || !slices.Contains(fields(ve), "end") {
		t.Errorf("end before start in a derived file: %v", err)
	}
}

func TestParseUnknownField(t *testing.T) {
	tests := []struct {
		name, src string
		field     string // the first problem
		suggest   string // "" means no suggestion
		count     int
	}{
		{"firm typo", "[firm]\nstep_rat = 0.1\n", "firm.step_rat", "step_rate", 1},
		{"firm typo with base", "base = \"thesis\"\n[firm]\nstep_rat = 0.1\n", "firm.step_rat", "step_rate", 1},
		{"funding typo", "base = \"thesis\"\n[funding]\nscal = 2\n", "funding.scal", "scale", 1},
		{"channel typo", "base = \"thesis\"\n[channel.embassy]\nfe_nok = 2\n", "channel.embassy.fe_nok", "fee_nok", 1},
		// An unknown table is reported, and so is each key in it.
		{"unknown table", "base = \"thesis\"\n[zzzzzzzzzzzzzzzzzzzzzzzz]\nqqqqqqqqqqqqqqqqqqqqqqqqq = 1\n", "zzzzzzzzzzzzzzzzzzzzzzzz", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src), "typo.toml")
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse = %v, want a *ValidationError", err)
			}
			if ve.File != "typo.toml" {
				t.Errorf("File = %q", ve.File)
			}
			if len(ve.Problems) != tt.count {
				t.Fatalf("problems %+v, want %d", ve.Problems, tt.count)
			}
			p := ve.Problems[0]
			if p.Field != tt.field {
				t.Errorf("Field = %q, want %q", p.Field, tt.field)
			}
			if !strings.Contains(p.Msg, "unknown field") {
				t.Errorf("Msg = %q", p.Msg)
			}
			if tt.suggest == "" {
				if strings.Contains(p.Msg, "did you mean") {
					t.Errorf("Msg %q suggests a key for a far-off field", p.Msg)
				}
			} else if !strings.Contains(p.Msg, `did you mean "`+tt.suggest+`"`) {
				t.Errorf("Msg %q does not suggest %q", p.Msg, tt.suggest)
			}
		})
	}

	// Several unknown fields are reported together.
	_, err := Parse([]byte("base = \"thesis\"\n[firm]\nstep_rat = 0.1\nbusy_strt = 0.1\n[peer]\nshare = 1\n"), "typo.toml")
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Fatalf("Parse = %v, want 3 problems", err)
	}
}

func TestParseSyntaxAndTypeErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"missing value", "base = \"thesis\"\n[firm]\nstep_rate = \n", []string{"syntax.toml", "line 3"}},
		{"double =", "name = \"x\"\n\n\n\nstart = = 1\n", []string{"syntax.toml", "line 5"}},
		{"two values", "base = \"thesis\"\n# comment\n[firm]\nstep_rate = 0.1 0.2\n", []string{"syntax.toml", "line 4"}},
		{"unterminated string", "base = \"thesis\"\nname = \"x\n", []string{"syntax.toml", "line 2"}},
		{"duplicate key", "base = \"thesis\"\n[firm]\nstep_rate = 0.1\nstep_rate = 0.2\n", []string{"syntax.toml", "line 4"}},
		{"string for a float", "base = \"thesis\"\n[firm]\nstep_rate = \"fast\"\n", []string{"syntax.toml", "step_rate"}},
		{"float for an int", "base = \"thesis\"\n[[network]]\nid = \"x\"\nmembers = 1.5\n", []string{"syntax.toml", "members"}},
		{"bad quarter", "base = \"thesis\"\nstart = \"2007Q9\"\n", []string{"syntax.toml", "start", "2007Q9"}},
		{"table for a list", "base = \"thesis\"\n[network]\nid = \"x\"\n", []string{"syntax.toml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.src), "syntax.toml")
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", s)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestEncodeParseRoundTrip(t *testing.T) {
	modified := thesis(t)
	if err := modified.SetAll([]string{
		"funding.scale=1.25",
		"firm.step_rate=0.123456789012345",
		"network.cwn.stream.arena.to=2016",
		"market.sweden.nordic=false",
		"market.china.attractiveness.water=0.1",
		"start=2008Q3",
		"funding.oreec.scale=3e-7",
		"channel.info.slots=1e7",
	}); err != nil {
		t.Fatal(err)
	}
	derived, err := Parse([]byte("base = \"thesis\"\nname = \"derived\"\n[funding]\nscale = 2\n"), "derived.toml")
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*Scenario{"thesis": thesis(t), "modified": modified, "derived": derived} {
		t.Run(name, func(t *testing.T) {
			b, err := s.Encode()
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			back, err := Parse(b, "encoded.toml")
			if err != nil {
				t.Fatalf("Parse(Encode()): %v\n%s", err, b)
			}
			diffPairs(t, paramPairs(back), paramPairs(s))
			if back.Name != s.Name || back.Description != s.Description || back.Base != s.Base {
				t.Errorf("strings changed: %q %q %q", back.Name, back.Description, back.Base)
			}
			if !reflect.DeepEqual(back, s) {
				t.Error("Parse(Encode(s)) is not DeepEqual to s")
			}
		})
	}
}

func TestClone(t *testing.T) {
	orig := thesis(t)
	before := paramPairs(orig)
	c := orig.Clone()
	if c == orig {
		t.Fatal("Clone returned the same pointer")
	}
	if !reflect.DeepEqual(c, orig) {
		t.Fatal("Clone is not DeepEqual to the original")
	}

	// Mutate every kind of nested storage in the clone.
	market(t, c, "sweden").Attractiveness["water"] = 0.01
	market(t, c, "sweden").Attractiveness["space"] = 1
	delete(market(t, c, "china").Attractiveness, "medtech")
	network(t, c, "oreec").Partners["usa"] = 99
	network(t, c, "cwn").Archetypes["novice"] = 42
	stream(t, network(t, c, "cwn"), "arena").To = 2099
	network(t, c, "oslo-medtech").Streams = append(network(t, c, "oslo-medtech").Streams[:1], Stream{ID: "new"})
	c.Stages[1].CostNOK = 1
	c.Markets[0].Name = "Changed"
	c.Archetypes = c.Archetypes[:2]
	c.Networks[0].ID = "renamed"
	c.Firm.StepRate = 0.99
	c.Start = NewQuarter(1999, 1)
	if err := c.Set("market.india.attractiveness.cleantech", "0.02"); err != nil {
		t.Fatal(err)
	}

	diffPairs(t, paramPairs(orig), before)
	if !reflect.DeepEqual(orig, thesis(t)) {
		t.Error("mutating the clone changed the original")
	}
	if orig.Markets[0].Name != "Sweden" {
		t.Errorf("original market name = %q", orig.Markets[0].Name)
	}

	// And the other way round: a clone does not see later changes to the original.
	c2 := orig.Clone()
	network(t, orig, "cwn").Partners["sweden"] = 77
	if network(t, c2, "cwn").Partners["sweden"] == 77 {
		t.Error("clone shares the partners map with the original")
	}
}

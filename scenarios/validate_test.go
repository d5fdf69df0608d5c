package scenarios

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestValidateThesis(t *testing.T) {
	if err := thesis(t).Validate("thesis"); err != nil {
		t.Fatalf("thesis does not validate: %v", err)
	}
}

func TestValidateBroken(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, s *Scenario)
		// want maps every expected Problem.Field to a substring of its Msg.
		// The test requires exactly these fields, so it also checks that
		// one mistake does not produce unrelated problems and that
		// dependent problems are all reported at once.
		want map[string]string
	}{
		{
			name:   "end before start",
			mutate: func(t *testing.T, s *Scenario) { s.End = NewQuarter(2006, 4) },
			want: map[string]string{
				"end":                          "before start 2007Q1",
				"network.oreec.founded":        "after the end 2006Q4",
				"network.oslo-medtech.founded": "after the end 2006Q4",
				"network.cwn.founded":          "after the end 2006Q4",
			},
		},
		{
			name:   "end one quarter before start",
			mutate: func(t *testing.T, s *Scenario) { s.Start, s.End = NewQuarter(2008, 2), NewQuarter(2008, 1) },
			want: map[string]string{
				"end":                          "before start 2008Q2",
				"network.oslo-medtech.founded": "after the end 2008Q1",
			},
		},
		{
			name:   "stream to before from",
			mutate: func(t *testing.T, s *Scenario) { stream(t, network(t, s, "cwn"), "arena").To = 2008 },
			want:   map[string]string{"network.cwn.stream.arena.to": "before from 2009"},
		},
		{
			name:   "unknown stream source",
			mutate: func(t *testing.T, s *Scenario) { stream(t, network(t, s, "cwn"), "arena").Source = "martians" },
			want:   map[string]string{"network.cwn.stream.arena.source": `unknown source "martians"; sources are county, vri`},
		},
		{
			name:   "stream source in capitals",
			mutate: func(t *testing.T, s *Scenario) { stream(t, network(t, s, "cwn"), "arena").Source = "Arena" },
			want:   map[string]string{"network.cwn.stream.arena.source": `did you mean "arena"?`},
		},
		{
			name:   "zero members",
			mutate: func(t *testing.T, s *Scenario) { network(t, s, "oreec").Members = 0 },
			want: map[string]string{
				"network.oreec.members":         "out of range",
				"network.oreec.initial_members": "exceeds members 0",
			},
		},
		{
			name:   "initial_members above members",
			mutate: func(t *testing.T, s *Scenario) { network(t, s, "oreec").InitialMembers = 61 },
			want:   map[string]string{"network.oreec.initial_members": "61 exceeds members 60"},
		},
		{
			name:   "negative funding",
			mutate: func(t *testing.T, s *Scenario) { stream(t, network(t, s, "cwn"), "vestfold").NOKPerYear = -1 },
			want:   map[string]string{"network.cwn.stream.vestfold.nok_per_year": "-1 is out of range; allowed [0, 1e+10] NOK/year"},
		},
		{
			name:   "duplicate network id",
			mutate: func(t *testing.T, s *Scenario) { s.Networks[2].ID = "oreec" },
			want:   map[string]string{"network.oreec.id": "duplicate id"},
		},
		{
			name:   "duplicate market id",
			mutate: func(t *testing.T, s *Scenario) { market(t, s, "denmark").ID = "sweden" },
			want:   merge(map[string]string{"market.sweden.id": "duplicate id"}, partnerProblems("denmark")),
		},
		{
			name:   "duplicate stream id",
			mutate: func(t *testing.T, s *Scenario) { stream(t, network(t, s, "cwn"), "vri").ID = "arena" },
			want:   map[string]string{"network.cwn.stream.arena.id": "duplicate id"},
		},
		{
			name:   "unknown archetype in a network",
			mutate: func(t *testing.T, s *Scenario) { network(t, s, "cwn").Archetypes["robot"] = 0.1 },
			want:   map[string]string{"network.cwn.archetypes.robot": `unknown archetype "robot"`},
		},
		{
			name: "archetype weights sum to zero",
			mutate: func(t *testing.T, s *Scenario) {
				n := network(t, s, "cwn")
				for k := range n.Archetypes {
					n.Archetypes[k] = 0
				}
			},
			want: map[string]string{"network.cwn.archetypes": "more than 0"},
		},
		{
			name:   "partners key that is not a market",
			mutate: func(t *testing.T, s *Scenario) { network(t, s, "oreec").Partners["atlantis"] = 1 },
			want:   map[string]string{"network.oreec.partners.atlantis": `unknown market "atlantis"`},
		},
		{
			name:   "missing sector attractiveness",
			mutate: func(t *testing.T, s *Scenario) { delete(market(t, s, "sweden").Attractiveness, "water") },
			want:   map[string]string{"market.sweden.attractiveness": `sector "water" of network cwn`},
		},
		{
			name:   "network sector no market knows",
			mutate: func(t *testing.T, s *Scenario) { network(t, s, "oreec").Sector = "space" },
			want: func() map[string]string {
				m := map[string]string{}
				for _, id := range thesisMarkets {
					m["market."+id+".attractiveness"] = `sector "space" of network oreec`
				}
				return m
			}(),
		},
		{
			name:   "founded after end",
			mutate: func(t *testing.T, s *Scenario) { network(t, s, "cwn").Founded = 2017 },
			want:   map[string]string{"network.cwn.founded": "2017 is after the end 2016Q4"},
		},
		{
			name:   "float above max",
			mutate: func(t *testing.T, s *Scenario) { s.Firm.StepRate = 1.5 },
			want:   map[string]string{"firm.step_rate": "1.5 is out of range; allowed [0, 1] 1/quarter"},
		},
		{
			name:   "map entry out of range",
			mutate: func(t *testing.T, s *Scenario) { market(t, s, "china").Attractiveness["water"] = 2 },
			want:   map[string]string{"market.china.attractiveness.water": "out of range"},
		},
		{
			name:   "empty name",
			mutate: func(t *testing.T, s *Scenario) { s.Name = "" },
			want:   map[string]string{"name": "must not be empty"},
		},
		{
			name:   "empty archetype id",
			mutate: func(t *testing.T, s *Scenario) { s.Archetypes = append(s.Archetypes, Archetype{}) },
			want:   map[string]string{"archetype[6].id": "must not be empty"},
		},
		{
			name:   "market id with a dot",
			mutate: func(t *testing.T, s *Scenario) { market(t, s, "uk").ID = "u.k" },
			want:   merge(map[string]string{"market.u.k.id": "must not contain"}, partnerProblems("uk")),
		},
		{
			name:   "one stage",
			mutate: func(t *testing.T, s *Scenario) { s.Stages = s.Stages[:1] },
			want:   map[string]string{"stage": "1 stages"},
		},
		{
			name:   "first stage with cost",
			mutate: func(t *testing.T, s *Scenario) { s.Stages[0].CostNOK = 1 },
			want:   map[string]string{"stage.none": "must be 0"},
		},
		{
			name:   "stage cost decreasing",
			mutate: func(t *testing.T, s *Scenario) { stage(t, s, "production").CostNOK = 1000 },
			want:   map[string]string{"stage.production": "must not decrease"},
		},
		{
			name:   "no markets",
			mutate: func(t *testing.T, s *Scenario) { s.Markets = nil },
			want: merge(map[string]string{"market": "at least one market"},
				partnerProblems(thesisMarkets...)),
		},
		{
			name:   "no networks",
			mutate: func(t *testing.T, s *Scenario) { s.Networks = nil },
			want:   map[string]string{"network": "at least one network"},
		},
	}
	base := thesis(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base.Clone()
			tt.mutate(t, s)
			err := s.Validate("broken.toml")
			if err == nil {
				t.Fatal("Validate succeeded, want a *ValidationError")
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate returned %T %v, want a *ValidationError", err, err)
			}
			if ve.File != "broken.toml" {
				t.Errorf("File = %q, want broken.toml", ve.File)
			}
			got := map[string]string{}
			for _, p := range ve.Problems {
				if _, dup := got[p.Field]; dup {
					t.Errorf("field %s reported twice", p.Field)
				}
				got[p.Field] = p.Msg
			}
			for field, msg := range tt.want {
				g, ok := got[field]
				if !ok {
					t.Errorf("no problem for %s; got %s", field, fields(ve))
					continue
				}
				if !strings.Contains(g, msg) {
					t.Errorf("%s: message %q does not contain %q", field, g, msg)
				}
				if !strings.Contains(err.Error(), field+": "+g) {
					t.Errorf("Error() does not list %s", field)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("problems for %s, want exactly %d", fields(ve), len(tt.want))
			}
		})
	}
	// The mutations were on clones.
	if err := base.Validate("thesis"); err != nil {
		t.Fatalf("base changed by the table: %v", err)
	}
}

// TestValidateReportsAllAtOnce breaks many things in one scenario and expects
// one error listing all of them.
func TestValidateReportsAllAtOnce(t *testing.T) {
	s := thesis(t)
	s.End = NewQuarter(2006, 4)
	stream(t, network(t, s, "cwn"), "arena").To = 2008
	network(t, s, "oreec").InitialMembers = 61
	stream(t, network(t, s, "cwn"), "vestfold").NOKPerYear = -5
	network(t, s, "cwn").Archetypes["robot"] = 1
	network(t, s, "oreec").Partners["atlantis"] = 1
	delete(market(t, s, "china").Attractiveness, "medtech")
	s.Firm.StepRate = -0.1
	s.Networks = append(s.Networks, s.Clone().Networks[0]) // a second "oreec"

	err := s.Validate("many.toml")
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v, want a *ValidationError", err)
	}
	want := []string{
		"end",
		"network.oreec.founded",
		"network.oslo-medtech.founded",
		"network.cwn.founded",
		"network.cwn.stream.arena.to",
		"network.oreec.initial_members",
		"network.cwn.stream.vestfold.nok_per_year",
		"network.cwn.archetypes.robot",
		"network.oreec.partners.atlantis",
		"market.china.attractiveness",
		"firm.step_rate",
		"network.oreec.id",
	}
	got := fields(ve)
	for _, f := range want {
		if !slices.Contains(got, f) {
			t.Errorf("no problem reported for %s", f)
		}
	}
	if len(ve.Problems) < len(want) {
		t.Errorf("%d problems, want at least %d", len(ve.Problems), len(want))
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "scenario many.toml: ") {
		t.Errorf("Error() = %q, want it to start with the file", msg)
	}
	if n := strings.Count(msg, "\n"); n != len(ve.Problems) {
		t.Errorf("Error() has %d lines of problems, want one per problem (%d)", n, len(ve.Problems))
	}
}

func fields(ve *ValidationError) []string {
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.Field)
	}
	sort.Strings(out)
	return out
}

// thesisMarkets are the market ids of the thesis scenario; every thesis
// network lists all of them in partners.
var thesisMarkets = []string{"sweden", "denmark", "finland", "germany", "uk", "netherlands", "switzerland", "spain", "baltics", "usa", "india", "china", "mexico"}

// partnerProblems lists the problems expected when the given markets no
// longer exist: each network's partners entry for them is unknown.
func partnerProblems(markets ...string) map[string]string {
	m := map[string]string{}
	for _, n := range []string{"oreec", "oslo-medtech", "cwn"} {
		for _, id := range markets {
			m["network."+n+".partners."+id] = "unknown market"
		}
	}
	return m
}

func merge(a, b map[string]string) map[string]string {
	for k, v := range b {
		a[k] = v
	}
	return a
}

// TestValidateEveryRange puts each number of the thesis scenario, one at a
// time, just outside its allowed range (and, for a sample, to NaN or
// infinity, which Set refuses but code can assign): Validate must name
// that parameter, and no other as out of range (cross-field rules may add
// their own problems). It guards the fast range check (inRange), which
// must judge every parameter as checkRange does.
func TestValidateEveryRange(t *testing.T) {
	n := 0
	for i, p := range thesis(t).Params() {
		if p.Kind != Float && p.Kind != Int {
			continue
		}
		for _, bad := range []float64{p.Min - 1, p.Max + 1} {
			if math.IsInf(bad, 0) || bad == p.Min || bad == p.Max { // max+1 is max itself beyond 2^53
				continue
			}
			s := thesis(t)
			q := s.Params()[i]
			v := reflect.ValueOf(bad)
			if p.Kind == Int {
				v = reflect.ValueOf(int(bad))
			}
			if q.mapKey.IsValid() {
				q.field.SetMapIndex(q.mapKey, v)
			} else {
				q.field.Set(v)
			}
			n++
			checkOnly(t, s, p.Key, "out of range")
		}
	}
	if n < 300 { // the thesis scenario has 381 parameters, most with two finite edges
		t.Errorf("only %d out-of-range cases checked", n)
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		s := thesis(t)
		s.Firm.StepRate = x
		checkOnly(t, s, "firm.step_rate", "not a finite number")
		s = thesis(t)
		market(t, s, "china").Attractiveness["water"] = x
		checkOnly(t, s, "market.china.attractiveness.water", "not a finite number")
	}
}

// checkOnly fails unless Validate reports a problem at key with msg in its
// message and no range problem at any other key.
func checkOnly(t *testing.T, s *Scenario, key, msg string) {
	t.Helper()
	var ve *ValidationError
	if err := s.Validate("t"); !errors.As(err, &ve) {
		t.Errorf("%s set outside its range: Validate = %v, want a problem at %s (%q)", key, err, key, msg)
		return
	}
	found := 0
	for _, p := range ve.Problems {
		isRange := strings.Contains(p.Msg, "out of range") || strings.Contains(p.Msg, "not a finite number")
		switch {
		case p.Field == key && strings.Contains(p.Msg, msg):
			found++
		case isRange:
			t.Errorf("%s set outside its range: unexpected range problem at %s: %s", key, p.Field, p.Msg)
		}
	}
	if found != 1 {
		t.Errorf("%s set outside its range: %d problems at %s with %q in %v", key, found, key, msg, ve)
	}
}

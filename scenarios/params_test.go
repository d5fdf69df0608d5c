package scenarios

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestThesisParamsWellFormed(t *testing.T) {
	s := thesis(t)
	ps := s.Params()
	if len(ps) < 100 {
		t.Fatalf("thesis has only %d parameters", len(ps))
	}
	seen := make(map[string]bool, len(ps))
	for _, p := range ps {
		if seen[p.Key] {
			t.Errorf("duplicate key %q", p.Key)
		}
		seen[p.Key] = true
		if p.Key == "" || strings.HasPrefix(p.Key, ".") || strings.HasSuffix(p.Key, ".") || strings.Contains(p.Key, "..") {
			t.Errorf("malformed key %q", p.Key)
		}
		if strings.ContainsAny(p.Key, " =") {
			t.Errorf("key %q contains a space or '=', which --set cannot address", p.Key)
		}
		if p.Doc == "" && p.Unit == "" {
			t.Errorf("%s has neither a unit nor a doc", p.Key)
		}
		if p.Doc == "" {
			t.Errorf("%s has no doc", p.Key)
		}
		if p.Min > p.Max {
			t.Errorf("%s: min %v > max %v", p.Key, p.Min, p.Max)
		}
		if v := p.Value(); v < p.Min || v > p.Max || math.IsNaN(v) {
			t.Errorf("%s = %s outside [%v, %v]", p.Key, p.String(), p.Min, p.Max)
		}
		if p.Kind == Float || p.Kind == Int {
			if p.Unit == "" {
				t.Errorf("numeric parameter %s has no unit", p.Key)
			}
			if math.IsInf(p.Min, 0) || math.IsInf(p.Max, 0) {
				t.Errorf("numeric parameter %s has no min/max tag: [%v, %v]", p.Key, p.Min, p.Max)
			}
		}
		// Every listed key must be addressable through Param.
		q, err := s.Param(p.Key)
		if err != nil {
			t.Errorf("Param(%q): %v", p.Key, err)
		} else if q.String() != p.String() || q.Kind != p.Kind {
			t.Errorf("Param(%q) = %s (kind %d), Params lists %s (kind %d)", p.Key, q.String(), q.Kind, p.String(), p.Kind)
		}
	}
}

func TestThesisParamsCoverLists(t *testing.T) {
	s := thesis(t)
	keys := map[string]bool{}
	for _, p := range s.Params() {
		keys[p.Key] = true
	}
	want := []string{"start", "end", "funding.scale", "firm.step_rate", "public.embassy_attention", "peer.seek_prob"}
	for _, st := range s.Stages {
		want = append(want, "stage."+st.ID+".cost_nok", "stage."+st.ID+".activity", "stage."+st.ID+".knowledge")
	}
	for _, c := range []string{"info", "cross_rin", "joint_stand", "network_project", "embassy", "survey", "mentoring"} {
		want = append(want, "channel."+c+".fte", "channel."+c+".fee_nok", "channel."+c+".funding_nok")
	}
	for _, m := range s.Markets {
		want = append(want, "market."+m.ID+".nordic", "market."+m.ID+".psychic_distance")
		for sector := range m.Attractiveness {
			want = append(want, "market."+m.ID+".attractiveness."+sector)
		}
	}
	for _, a := range s.Archetypes {
		want = append(want, "archetype."+a.ID+".propensity", "archetype."+a.ID+".budget_nok")
	}
	for _, n := range s.Networks {
		want = append(want, "network."+n.ID+".members", "network."+n.ID+".funding_scale")
		for k := range n.Partners {
			want = append(want, "network."+n.ID+".partners."+k)
		}
		for k := range n.Archetypes {
			want = append(want, "network."+n.ID+".archetypes."+k)
		}
		for _, st := range n.Streams {
			want = append(want, "network."+n.ID+".stream."+st.ID+".from", "network."+n.ID+".stream."+st.ID+".to", "network."+n.ID+".stream."+st.ID+".nok_per_year")
		}
	}
	for _, k := range want {
		if !keys[k] {
			t.Errorf("Params has no key %q", k)
		}
	}
	// Strings are not parameters.
	for _, k := range []string{"name", "description", "base", "network.cwn.name", "network.cwn.sector", "market.china.name", "network.cwn.stream.arena.source"} {
		if keys[k] {
			t.Errorf("string field %q is listed as a parameter", k)
		}
	}
}

func TestParamKindValueAndRange(t *testing.T) {
	s := thesis(t)
	tests := []struct {
		key   string
		kind  Kind
		str   string
		value float64
		rng   string
	}{
		{"firm.step_rate", Float, "0.2", 0.2, "[0, 1] 1/quarter"},
		{"funding.nok_per_fte", Float, "1e+06", 1e6, "[1, 1e+08] NOK/year"},
		{"network.oreec.members", Int, "60", 60, "[1, 1e+08] firms"},
		{"network.cwn.stream.arena.to", Int, "2014", 2014, "[1900, 2200] year"},
		{"market.sweden.nordic", Bool, "true", 1, "true or false"},
		{"market.germany.nordic", Bool, "false", 0, "true or false"},
		{"start", QuarterKind, "2007Q1", float64(NewQuarter(2007, 1)), "a quarter such as 2007Q1"},
		{"end", QuarterKind, "2016Q4", float64(NewQuarter(2016, 4)), "a quarter such as 2007Q1"},
		{"market.china.attractiveness.water", Float, "0.7", 0.7, "[0, 1] 0-1"},
		{"network.oreec.partners.germany", Float, "3", 3, "[0, 1000] clusters"},
		{"funding.cwn.scale", Float, "1", 1, "[0, 100] multiplier"}, // alias
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			p, err := s.Param(tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != tt.kind {
				t.Errorf("Kind = %d, want %d", p.Kind, tt.kind)
			}
			if p.String() != tt.str {
				t.Errorf("String = %q, want %q", p.String(), tt.str)
			}
			if p.Value() != tt.value {
				t.Errorf("Value = %v, want %v", p.Value(), tt.value)
			}
			if p.Range() != tt.rng {
				t.Errorf("Range = %q, want %q", p.Range(), tt.rng)
			}
		})
	}
}

func TestSetChangesScenario(t *testing.T) {
	tests := []struct {
		key, value string
		want       string // Param(key).String() after Set
		check      func(t *testing.T, s *Scenario) bool
	}{
		{"firm.step_rate", "0.3", "0.3", func(t *testing.T, s *Scenario) bool { return s.Firm.StepRate == 0.3 }},
		{"funding.scale", "1.5", "1.5", func(t *testing.T, s *Scenario) bool { return s.Funding.Scale == 1.5 }},
		{"funding.nok_per_fte", " 2e6 ", "2e+06", func(t *testing.T, s *Scenario) bool { return s.Funding.NOKPerFTE == 2e6 }},
		{"channel.joint_stand.fee_nok", "12345", "12345", func(t *testing.T, s *Scenario) bool { return s.Channel.JointStand.FeeNOK == 12345 }},
		{"public.embassy_attention", "-1", "-1", func(t *testing.T, s *Scenario) bool { return s.Public.EmbassyAttention == -1 }}, // Set does not check ranges
		{"peer.learning", "0", "0", func(t *testing.T, s *Scenario) bool { return s.Peer.Learning == 0 }},
		{"stage.production.knowledge", "0.8", "0.8", func(t *testing.T, s *Scenario) bool { return stage(t, s, "production").Knowledge == 0.8 }},
		{"archetype.engaged.propensity", "0.5", "0.5", func(t *testing.T, s *Scenario) bool { return archetype(t, s, "engaged").Propensity == 0.5 }},
		{"network.oreec.members", "75", "75", func(t *testing.T, s *Scenario) bool { return network(t, s, "oreec").Members == 75 }},
		{"network.oreec.members", "1e3", "1000", func(t *testing.T, s *Scenario) bool { return network(t, s, "oreec").Members == 1000 }},
		{"network.oreec.members", "200.0", "200", func(t *testing.T, s *Scenario) bool { return network(t, s, "oreec").Members == 200 }},
		{"network.cwn.stream.arena.to", "2016", "2016", func(t *testing.T, s *Scenario) bool {
			return stream(t, network(t, s, "cwn"), "arena").To == 2016
		}},
		{"network.oslo-medtech.stream.nce.nok_per_year", "0", "0", func(t *testing.T, s *Scenario) bool {
			return stream(t, network(t, s, "oslo-medtech"), "nce").NOKPerYear == 0
		}},
		{"market.sweden.nordic", "false", "false", func(t *testing.T, s *Scenario) bool { return !market(t, s, "sweden").Nordic }},
		{"market.usa.nordic", "TRUE", "true", func(t *testing.T, s *Scenario) bool { return market(t, s, "usa").Nordic }},
		{"start", "2008Q2", "2008Q2", func(t *testing.T, s *Scenario) bool { return s.Start == NewQuarter(2008, 2) }},
		{"end", "2020q1", "2020Q1", func(t *testing.T, s *Scenario) bool { return s.End == NewQuarter(2020, 1) }},
		{"market.china.attractiveness.water", "0.95", "0.95", func(t *testing.T, s *Scenario) bool {
			return market(t, s, "china").Attractiveness["water"] == 0.95
		}},
		{"network.oreec.partners.usa", "5", "5", func(t *testing.T, s *Scenario) bool { return network(t, s, "oreec").Partners["usa"] == 5 }},
		{"network.cwn.archetypes.engaged", "0.5", "0.5", func(t *testing.T, s *Scenario) bool { return network(t, s, "cwn").Archetypes["engaged"] == 0.5 }},
		{" network.cwn.funding_scale ", "0.5", "0.5", func(t *testing.T, s *Scenario) bool { return network(t, s, "cwn").FundingScale == 0.5 }},
		{"funding.oreec.scale", "2", "2", func(t *testing.T, s *Scenario) bool { return network(t, s, "oreec").FundingScale == 2 }},
		{"funding.oslo-medtech.scale", "0", "0", func(t *testing.T, s *Scenario) bool { return network(t, s, "oslo-medtech").FundingScale == 0 }},
	}
	orig := thesis(t)
	before := paramPairs(orig)
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			s := orig.Clone()
			p0, err := s.Param(tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Set(tt.key, tt.value); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if !tt.check(t, s) {
				t.Errorf("Set(%q, %q) did not change the struct field", tt.key, tt.value)
			}
			p, err := s.Param(tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != tt.want {
				t.Errorf("after Set, Param(%q).String() = %q, want %q", tt.key, p.String(), tt.want)
			}
			// A Param taken before Set is a view, so it sees the new value too.
			if p0.String() != tt.want {
				t.Errorf("Param taken before Set reads %q, want %q", p0.String(), tt.want)
			}
			// Exactly one parameter changed (unless the value was unchanged).
			changed := 0
			for i, kv := range paramPairs(s) {
				if kv != before[i] {
					changed++
					if !strings.HasPrefix(kv, p.Key+"=") {
						t.Errorf("Set(%q) also changed %s (was %s)", tt.key, kv, before[i])
					}
				}
			}
			if changed != 1 {
				t.Errorf("Set changed %d parameters, want 1", changed)
			}
		})
	}
	diffPairs(t, paramPairs(orig), before) // Set on clones never touches the original
}

func TestParamSetIsAView(t *testing.T) {
	s := thesis(t)
	p, err := s.Param("network.cwn.stream.vestfold.nok_per_year")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Set("123456"); err != nil {
		t.Fatal(err)
	}
	if got := stream(t, network(t, s, "cwn"), "vestfold").NOKPerYear; got != 123456 {
		t.Errorf("Param.Set did not reach the scenario: nok_per_year = %v", got)
	}
	m, err := s.Param("market.india.attractiveness.cleantech")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Set("0.01"); err != nil {
		t.Fatal(err)
	}
	if got := market(t, s, "india").Attractiveness["cleantech"]; got != 0.01 {
		t.Errorf("Param.Set on a map entry did not reach the map: %v", got)
	}
	if got := len(market(t, s, "india").Attractiveness); got != 3 {
		t.Errorf("map has %d entries after Set, want 3", got)
	}
}

func TestSetTypeErrors(t *testing.T) {
	tests := []struct{ key, value string }{
		{"firm.step_rate", "abc"},
		{"firm.step_rate", ""},
		{"firm.step_rate", "NaN"},
		{"firm.step_rate", "nan"},
		{"firm.step_rate", "Inf"},
		{"firm.step_rate", "+Inf"},
		{"firm.step_rate", "-Inf"},
		{"firm.step_rate", "infinity"},
		{"firm.step_rate", "1e400"}, // overflows to +Inf
		{"firm.step_rate", "0.1.2"},
		{"firm.step_rate", "1,5"},
		{"firm.step_rate", "true"},
		{"market.china.attractiveness.water", "NaN"},
		{"market.china.attractiveness.water", "x"},
		{"funding.cwn.scale", "Inf"},
		{"network.oreec.members", "1.5"},
		{"network.oreec.members", "abc"},
		{"network.oreec.members", ""},
		{"network.oreec.members", "NaN"},
		{"network.oreec.members", "Inf"},
		{"network.oreec.members", "-Inf"},
		{"network.oreec.members", "1e20"}, // integral but beyond exact float range
		{"network.oreec.members", "99999999999999999999"},
		{"network.cwn.stream.arena.to", "2014.5"},
		{"market.sweden.nordic", "yes"},
		{"market.sweden.nordic", "2"},
		{"market.sweden.nordic", ""},
		{"start", "2007"},
		{"start", "2007Q5"},
		{"start", "1800Q1"},
		{"end", "NaN"},
	}
	orig := thesis(t)
	before := paramPairs(orig)
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			s := orig.Clone()
			err := s.Set(tt.key, tt.value)
			if err == nil {
				p, _ := s.Param(tt.key)
				t.Fatalf("Set(%q, %q) succeeded with %s, want an error", tt.key, tt.value, p.String())
			}
			p, perr := s.Param(tt.key)
			if perr != nil {
				t.Fatal(perr)
			}
			if !strings.Contains(err.Error(), p.Key) {
				t.Errorf("error %q does not name the key %s", err, p.Key)
			}
			diffPairs(t, paramPairs(s), before) // a failed Set leaves the scenario unchanged
		})
	}
}

func TestUnknownKey(t *testing.T) {
	tests := []struct {
		key     string
		suggest string // "" means no suggestion expected
	}{
		{"firm.step_rat", "firm.step_rate"},
		{"firm.steprate", "firm.step_rate"},
		{"frim.step_rate", "firm.step_rate"},
		{"network.cwn.stream.arena.too", "network.cwn.stream.arena.to"},
		{"market.china.attractiveness.watr", "market.china.attractiveness.water"},
		{"network.oreec.member", "network.oreec.members"},
		{"funding.scal", "funding.scale"},
		{"funding.cwn.scal", "funding.cwn.scale"}, // issue 12: the alias, not funding.scale
		{"network.cwn.stream.arena.nok", "network.cwn.stream.arena.nok_per_year"},
		{"step_rate", "firm.step_rate"},
		{"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", ""},
		{"", ""},
	}
	s := thesis(t)
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			_, err := s.Param(tt.key)
			if err == nil {
				t.Fatalf("Param(%q) succeeded", tt.key)
			}
			msg := err.Error()
			if !strings.Contains(msg, fmt.Sprintf("unknown parameter %q", tt.key)) {
				t.Errorf("error %q does not name the unknown key", msg)
			}
			if tt.suggest == "" {
				if tt.key != "" && strings.Contains(msg, "did you mean") {
					t.Errorf("error %q suggests a key for a far-off input", msg)
				}
			} else if !strings.Contains(msg, fmt.Sprintf("did you mean %q", tt.suggest)) {
				t.Errorf("error %q does not suggest %q", msg, tt.suggest)
			}
			if err := s.Set(tt.key, "1"); err == nil || err.Error() != msg {
				t.Errorf("Set(%q) error = %v, want the Param error %q", tt.key, err, msg)
			}
		})
	}
}

func TestAliasUnknownNetwork(t *testing.T) {
	s := thesis(t)
	err := s.Set("funding.nosuch.scale", "2")
	if err == nil {
		t.Fatal("alias for an unknown network succeeded")
	}
	if !strings.Contains(err.Error(), "network.nosuch.funding_scale") {
		t.Errorf("error %q does not name the resolved key", err)
	}
	// funding.scale (two parts) is the global lever, not an alias.
	if err := s.Set("funding.scale", "3"); err != nil {
		t.Fatal(err)
	}
	if s.Funding.Scale != 3 {
		t.Errorf("funding.scale = %v, want 3", s.Funding.Scale)
	}
	for _, n := range s.Networks {
		if n.FundingScale != 1 {
			t.Errorf("funding.scale changed network %s's funding_scale to %v", n.ID, n.FundingScale)
		}
	}
}

func TestSetAll(t *testing.T) {
	s := thesis(t)
	err := s.SetAll([]string{
		"firm.step_rate=0.2",
		" funding.cwn.scale = 1.5 ",
		"network.oreec.members=80",
		"firm.step_rate=0.15", // later assignments win
		"start=2008Q1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Firm.StepRate != 0.15 {
		t.Errorf("step_rate = %v, want 0.15 (last assignment)", s.Firm.StepRate)
	}
	if got := network(t, s, "cwn").FundingScale; got != 1.5 {
		t.Errorf("cwn funding_scale = %v, want 1.5", got)
	}
	if got := network(t, s, "oreec").Members; got != 80 {
		t.Errorf("oreec members = %v, want 80", got)
	}
	if s.Start != NewQuarter(2008, 1) {
		t.Errorf("start = %s, want 2008Q1", s.Start)
	}
	if err := s.SetAll(nil); err != nil {
		t.Errorf("SetAll(nil) = %v", err)
	}
}

func TestSetAllErrors(t *testing.T) {
	tests := []struct {
		name        string
		assignments []string
		wantInErr   []string
	}{
		{"missing =", []string{"firm.step_rate"}, []string{`"firm.step_rate"`, "key=value"}},
		{"missing = after a valid one", []string{"funding.scale=2", "firm.step_rate 0.3"}, []string{`"firm.step_rate 0.3"`, "key=value"}},
		{"empty", []string{""}, []string{"key=value"}},
		{"bad float", []string{"firm.step_rate=abc"}, []string{"--set", "firm.step_rate", `"abc"`}},
		{"bad int", []string{"network.oreec.members=1.5"}, []string{"--set", "network.oreec.members", `"1.5"`}},
		{"second = is part of the value", []string{"firm.step_rate=0.3=0.4"}, []string{"firm.step_rate", `"0.3=0.4"`}},
		{"unknown key", []string{"firm.step_rat=0.3"}, []string{"--set", "unknown parameter", `did you mean "firm.step_rate"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := thesis(t)
			err := s.SetAll(tt.assignments)
			if err == nil {
				t.Fatalf("SetAll(%q) succeeded", tt.assignments)
			}
			for _, w := range tt.wantInErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func ExampleScenario_Set() {
	s, err := Builtin("thesis")
	if err != nil {
		panic(err)
	}
	if err := s.Set("funding.cwn.scale", "1.5"); err != nil {
		panic(err)
	}
	p, err := s.Param("funding.cwn.scale")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Key, "=", p.String(), p.Unit)
	// Output: network.cwn.funding_scale = 1.5 multiplier
}

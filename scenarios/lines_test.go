package scenarios

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// lineOf returns the 1-based line of the first line containing want that
// comes after lines containing each anchor in turn, so the tests do not
// hard-code line numbers of the embedded file.
func lineOf(t *testing.T, src []byte, want string, anchors ...string) int {
	t.Helper()
	lines := strings.Split(string(src), "\n")
	i := 0
	for _, a := range anchors {
		for ; i < len(lines) && !strings.Contains(lines[i], a); i++ {
		}
		i++ // past the anchor
	}
	for ; i < len(lines); i++ {
		if strings.Contains(lines[i], want) {
			return i + 1
		}
	}
	t.Fatalf("no line containing %q after %q", want, anchors)
	return 0
}

func TestLocateKeysThesis(t *testing.T) {
	src, err := BuiltinSource("thesis")
	if err != nil {
		t.Fatal(err)
	}
	kl := locateKeys(src)
	tests := []struct {
		key     string
		want    string   // text on the wanted line
		anchors []string // lines to pass first
	}{
		{"name", `name = "thesis"`, nil},
		{"start", "start = ", nil},
		{"end", "end = ", nil},
		{"funding.scale", "scale = ", []string{"[funding]"}},
		{"firm.step_rate", "step_rate = ", []string{"[firm]"}},
		{"firm.initial_knowledge", "initial_knowledge = ", []string{"[firm]"}},
		{"channel.info", "[channel.info]", nil},
		{"channel.joint_stand.fee_nok", "fee_nok = ", []string{"[channel.joint_stand]"}},
		{"channel.mentoring.commit_prob", "commit_prob = ", []string{"[channel.mentoring]"}},
		{"peer.learning", "learning = ", []string{"[peer]"}},
		{"stage", "[[stage]]", nil},
		{"stage.none", "[[stage]]", nil},
		{"stage.none.cost_nok", "cost_nok = ", []string{`id = "none"`}},
		{"stage.production.knowledge", "knowledge = ", []string{`id = "production"`}},
		{"market.sweden", "[[market]]", nil},
		{"market[0]", "[[market]]", nil},
		{"market.sweden.nordic", "nordic = ", []string{`id = "sweden"`}},
		{"market.china.psychic_distance", "psychic_distance = ", []string{`id = "china"`}},
		{"market.china.attractiveness", "attractiveness = ", []string{`id = "china"`}},
		{"market.china.attractiveness.water", "attractiveness = ", []string{`id = "china"`}},
		{"market.mexico.attractiveness.medtech", "attractiveness = ", []string{`id = "mexico"`}},
		{"archetype.novice.propensity", "propensity = ", []string{`id = "novice"`}},
		{"archetype.engaged.budget_nok", "budget_nok = ", []string{`id = "engaged"`}},
		{"network", "[[network]]", nil},
		{"network.oreec", "[[network]]", nil},
		{"network.cwn", "[[network]]", []string{"[[network]]", "[[network]]"}},
		{"network.cwn.id", `id = "cwn"`, nil},
		{"network.cwn.members", "members = ", []string{`id = "cwn"`, "initial_members"}},
		{"network.oslo-medtech.partners.usa", "partners = ", []string{`id = "oslo-medtech"`}},
		{"network.oreec.archetypes.engaged", "archetypes = ", []string{`id = "oreec"`}},
		{"network.oreec.stream.eu", "[[network.stream]]", []string{`id = "oreec"`, `id = "interreg"`}},
		{"network.oreec.stream.eu.nok_per_year", "nok_per_year = ", []string{`id = "oreec"`, `id = "eu"`}},
		{"network.cwn.stream.arena.to", "to = ", []string{`id = "cwn"`, `id = "arena"`}},
		{"network.oslo-medtech.stream.arena.to", "to = ", []string{`id = "oslo-medtech"`, `id = "arena"`}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			want := lineOf(t, src, tt.want, tt.anchors...)
			if got := kl.line(tt.key); got != want {
				t.Errorf("line(%s) = %d, want %d", tt.key, got, want)
			}
		})
	}
	for _, key := range []string{"", "firm.no_such_key", "network.nope.members", "market.sweden.attractiveness.space", "network.cwn.stream.arena.to.x"} {
		if got := kl.line(key); got != 0 {
			t.Errorf("line(%q) = %d, want 0", key, got)
		}
	}
}

// TestLocateKeysEveryParam: every parameter of the thesis file is found on a
// line that sets it; the only ones not found are those the file leaves at
// their zero value (nordic = false).
func TestLocateKeysEveryParam(t *testing.T) {
	src, err := BuiltinSource("thesis")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	kl := locateKeys(src)
	for _, p := range thesis(t).Params() {
		n := kl.line(p.Key)
		if n == 0 {
			if !strings.HasSuffix(p.Key, ".nordic") || p.Value() != 0 {
				t.Errorf("%s not located", p.Key)
			}
			continue
		}
		if n > len(lines) {
			t.Fatalf("%s: line %d of %d", p.Key, n, len(lines))
		}
		last := p.Key[strings.LastIndex(p.Key, ".")+1:]
		text := strings.ReplaceAll(lines[n-1], " ", "")
		// A key of its own line, or a key of an inline table on that line.
		if !strings.HasPrefix(text, last+"=") && !strings.Contains(text, "{"+last+"=") && !strings.Contains(text, ","+last+"=") {
			t.Errorf("%s: line %d is %q", p.Key, n, lines[n-1])
		}
	}
}

func TestLocateKeysSyntax(t *testing.T) {
	src := "# [[network]] in a comment\r\n" + // 1
		"base = \"thesis\"\r\n" + // 2
		"description = \"\"\"\n" + // 3
		"[firm]\n" + // 4: inside a multi-line string
		"step_rate = 9 \\\"\n" + // 5
		"\"\"\"\n" + // 6
		"firm.busy_start = 0.1  # dotted key\n" + // 7
		"[channel]\n" + // 8
		"'info'.\"fte\" = 0.5\n" + // 9: quoted keys
		"joint_stand = { fee_nok = 1,\n" + // 10: inline table over two lines (TOML 1.1)
		"  slots = 3 }\n" + // 11
		"[ \"peer\" ]\n" + // 12
		"learning = [1, 2,\n" + // 13
		"  3]   # not a valid value, but the locator does not care\n" + // 14
		"share_prob = 'it''s'\n" + // 15
		"[[market]]\n" + // 16: no id
		"psychic_distance = 0.1\n" + // 17
		"[[market]]\n" + // 18
		"psychic_distance = 0.2\n" + // 19
		"id = \"late\"   # the id may come after other keys\n" + // 20
		"attractiveness.water = 0.5\n" + // 21
		"[[network]]\n" + // 22
		"id = \"n\"\n" + // 23
		"stream = [ { id = \"a\", to = 2010 },\n" + // 24
		"  { to = 2011 } ]\n" + // 25
		"[network.partners]\n" + // 26: a table of the last [[network]]
		"sweden = 1\n" + // 27
		"[[network.stream]]\n" + // 28
		"id = \"b\"\n" + // 29
		"from = 1999-01-01 12:00:00\n" + // 30
		"to = 2000\n" // 31
	kl := locateKeys([]byte(src))
	tests := map[string]int{
		"base":                             2,
		"description":                      3,
		"firm.step_rate":                   0,
		"firm.busy_start":                  7,
		"firm":                             7,
		"channel":                          8,
		"channel.info.fte":                 9,
		"channel.joint_stand":              10,
		"channel.joint_stand.fee_nok":      10,
		"channel.joint_stand.slots":        11,
		"peer.learning":                    13,
		"peer.share_prob":                  15,
		"market.0":                         16,
		"market[0]":                        16,
		"market.0.psychic_distance":        17,
		"market[0].psychic_distance":       17,
		"market[0].id":                     16, // missing id: the element
		"market.late":                      18,
		"market[1]":                        18,
		"market.late.psychic_distance":     19,
		"market.late.id":                   20,
		"market.late.attractiveness":       21,
		"market.late.attractiveness.water": 21,
		"network.n.stream":                 24,
		"network.n.stream.a":               24,
		"network.n.stream.a.to":            24,
		"network.n.stream.1":               25,
		"network.n.stream.1.to":            25,
		"network.n.partners.sweden":        27,
		"network.n.stream.b":               28,
		"network.n.stream.b.from":          30,
		"network.n.stream.b.to":            31,
		"network[0]":                       22,
		"network.n.stream[1]":              25,
		"network.n.stream[1].id":           25, // no id: the element
		"network.n.stream[2].from":         30,
	}
	for key, want := range tests {
		if got := kl.line(key); got != want {
			t.Errorf("line(%s) = %d, want %d", key, got, want)
		}
	}
}

// TestLocateKeysNeverPanics: arbitrary and truncated text gives some lines
// or none, never a panic or a line beyond the end.
func TestLocateKeysNeverPanics(t *testing.T) {
	src, err := BuiltinSource("thesis")
	if err != nil {
		t.Fatal(err)
	}
	inputs := []string{"", "[", "[[", "a", "a =", "a = {", "a = [", "a = \"", "a = '''", "[a.", "\"", "= 1", "a.b.c = { d = [ { e = 1 } ] }", "[[a]]\n[a]\n[[a]]", "a = [[[[[[", "\x00\xff"}
	for n := 0; n < len(src); n += 97 {
		inputs = append(inputs, string(src[:n]))
	}
	for _, in := range inputs {
		kl := locateKeys([]byte(in))
		max := strings.Count(in, "\n") + 1
		for key, ls := range kl.named {
			for _, l := range ls {
				if l < 1 || l > max {
					t.Fatalf("input %q: %s at line %d of %d", in, key, l, max)
				}
			}
		}
	}
}

// TestParseErrorLines: a bad value in a file is reported with its line.
func TestParseErrorLines(t *testing.T) {
	src, err := BuiltinSource("thesis")
	if err != nil {
		t.Fatal(err)
	}
	// replaceLine sets the n-th line (1-based) of the thesis file.
	replaceLine := func(n int, text string) []byte {
		lines := strings.Split(string(src), "\n")
		lines[n-1] = text
		return []byte(strings.Join(lines, "\n"))
	}
	members := lineOf(t, src, "members = ", `id = "cwn"`, "initial_members")
	arenaTo := lineOf(t, src, "to = ", `id = "cwn"`, `id = "arena"`)
	water := lineOf(t, src, "attractiveness = ", `id = "china"`)
	stepRate := lineOf(t, src, "step_rate = ", "[firm]")
	twoProblems := replaceLine(stepRate, "step_rate = -1 # broken")
	twoProblems = []byte(strings.Replace(string(twoProblems), "  to = 2014                  # Arena 2009-2014, then", "  to = 2000 # then", 1))
	tests := []struct {
		name string
		data []byte
		want []string // lines of Error()
	}{
		{"members out of range", replaceLine(members, "members = 0"),
			[]string{fmt.Sprintf("  line %d: network.cwn.members: 0 is out of range; allowed [1, 1e+08] firms", members)}},
		{"stream ends before it starts", replaceLine(arenaTo, "  to = 2006"),
			[]string{fmt.Sprintf("  line %d: network.cwn.stream.arena.to: 2006 is before from 2009", arenaTo)}},
		{"inline table entry", replaceLine(water, "attractiveness = { cleantech = 0.6, water = 1.5, medtech = 0.5 }"),
			[]string{fmt.Sprintf("  line %d: market.china.attractiveness.water: 1.5 is out of range", water)}},
		{"two problems", twoProblems, []string{
			"scenario bad.toml: 2 invalid field(s):",
			fmt.Sprintf("  line %d: firm.step_rate: -1 is out of range", stepRate),
			fmt.Sprintf("  line %d: network.cwn.stream.arena.to: 2000 is before from 2009", arenaTo),
		}},
		{"derived file", []byte("base = \"thesis\"\n\n[firm]\nrisk_aversion = 2\nstep_rate = 2\n"),
			[]string{"scenario bad.toml: 1 invalid field(s):", "  line 5: firm.step_rate: 2 is out of range; allowed [0, 1] 1/quarter"}},
		{"inherited values have no line", []byte("base = \"thesis\"\n# end before the networks are founded\nend = \"2006Q4\"\n"),
			[]string{"  line 3: end: 2006Q4 is before start 2007Q1", "  network.cwn.founded: 2007 is after the end 2006Q4"}},
		{"unknown field in a list element", []byte("base = \"thesis\"\n[[stage]]\nid = \"a\"\n[[stage]]\nid = \"b\"\ncost_nk = 1\n"),
			[]string{"  line 6: stage.b.cost_nk: unknown field (did you mean \"cost_nok\"?)"}},
		{"unknown field in nested elements", []byte(strings.Replace(string(src), "  id = \"vestfold\"\n", "  id = \"vestfold\"\n  fro = 2010\n", 1)),
			[]string{fmt.Sprintf("  line %d: network.cwn.stream.vestfold.fro: unknown field (did you mean \"from\"?)", lineOf(t, src, `id = "vestfold"`)+1)}},
		{"empty id", []byte("base = \"thesis\"\n[[stage]]\nid = \"\"\n[[stage]]\nid = \"b\"\ncost_nok = 1\n"),
			[]string{"  line 3: stage[0].id: must not be empty"}},
		{"duplicate id at the second definition", []byte("base = \"thesis\"\n[[stage]]\nid = \"a\"\n[[stage]]\nid = \"a\"\ncost_nok = 1\n"),
			[]string{"  line 5: stage.a.id: duplicate id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.data, "bad.toml")
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse = %v, want a *ValidationError", err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not contain %q:\n%s", w, msg)
				}
			}
			for _, p := range ve.Problems {
				if p.Line > 0 && !strings.Contains(msg, fmt.Sprintf("line %d: %s: ", p.Line, p.Field)) {
					t.Errorf("Error() does not show the line of %+v", p)
				}
				if p.Line == 0 && strings.Contains(msg, ": "+p.Field+": ") {
					t.Errorf("Error() shows a line for %+v", p)
				}
			}
		})
	}
}

func TestValidationErrorFormat(t *testing.T) {
	e := &ValidationError{File: "f.toml", Problems: []Problem{
		{Field: "network.cwn.members", Msg: "0 is out of range; allowed [1, 1e+08] firms", Line: 42},
		{Field: "end", Msg: "missing"},
	}}
	want := "scenario f.toml: 2 invalid field(s):\n" +
		"  line 42: network.cwn.members: 0 is out of range; allowed [1, 1e+08] firms\n" +
		"  end: missing"
	if got := e.Error(); got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
}

// TestParseTypeErrorLines: a value of the wrong type in a list element is
// reported at its own line, not at the last element's (the line
// BurntSushi/toml gives), and named by its element's id.
func TestParseTypeErrorLines(t *testing.T) {
	src, err := BuiltinSource("thesis")
	if err != nil {
		t.Fatal(err)
	}
	oreecMembers := lineOf(t, src, "members = ", `id = "oreec"`, "initial_members")
	novice := lineOf(t, src, "propensity = ", `id = "novice"`)
	arenaFrom := lineOf(t, src, "from = ", `id = "oslo-medtech"`, `id = "arena"`)
	replaceLine := func(n int, text string) []byte {
		lines := strings.Split(string(src), "\n")
		lines[n-1] = text
		return []byte(strings.Join(lines, "\n"))
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"float for an int in the first network", replaceLine(oreecMembers, "members = 1.5"),
			fmt.Sprintf("scenario bad.toml: line %d: field network.oreec.members: incompatible types", oreecMembers)},
		{"string for a float in the first archetype", replaceLine(novice, `propensity = "high"`),
			fmt.Sprintf("scenario bad.toml: line %d: field archetype.novice.propensity: incompatible types", novice)},
		{"float for an int in a nested stream", replaceLine(arenaFrom, "  from = 2009.5"),
			fmt.Sprintf("scenario bad.toml: line %d: field network.oslo-medtech.stream.arena.from: incompatible types", arenaFrom)},
		{"top-level table", []byte("base = \"thesis\"\n[firm]\n\nstep_rate = \"fast\"\n"),
			"scenario bad.toml: line 4: field firm.step_rate: incompatible types"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.data, "bad.toml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestScalarKind(t *testing.T) {
	for s, want := range map[string]valueKind{
		"1": kindInt, "-1_000": kindInt, "0x1F": kindInt, "0b101": kindInt, "+0o17": kindInt,
		"1.5": kindFloat, "1e3": kindFloat, "-inf": kindFloat, "nan": kindFloat, "6.02E23": kindFloat,
		"true": kindBool, "false": kindBool,
		"1979-05-27": kindDate, "07:32:00": kindDate, "1979-05-27T07:32:00Z": kindDate, "1979-05-27 07:32:00": kindDate,
		"": kindUnknown, "yes": kindUnknown,
	} {
		if got := scalarKind(s); got != want {
			t.Errorf("scalarKind(%q) = %d, want %d", s, got, want)
		}
	}
}

package sim

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestDefaultPatterns(t *testing.T) {
	ps := DefaultPatterns()
	// Issue 9, item 2: 2 level patterns, 2 for Oslo Medtech, 5 attendance
	// patterns, RIN contacts, route, experience, rise and flattening.
	if len(ps) != 14 {
		t.Fatalf("%d patterns, want 14", len(ps))
	}
	for _, p := range ps {
		if p.Line == 0 || p.Source == "" || strings.Contains(p.Source, "shared") {
			t.Errorf("%s: line %d, source %q", p.ID, p.Line, p.Source)
		}
	}
	byID := map[string]Pattern{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	// Bands of issue 9, item 2.
	for _, c := range []struct {
		id        string
		low, high float64
	}{
		{"members_abroad_end", 0.35, 0.60},
		{"members_entering_outside_eea", math.Inf(-1), 0.20},
		{"oslo_medtech_ambition", 0.25, 0.35},
		{"oslo_medtech_non_ambitious_entering", math.Inf(-1), 0.15},
		{"attendance_engaged", 12, math.Inf(1)},
		{"attendance_approached", 1, 3},
		{"attendance_networked", math.Inf(-1), 0.5},
		{"attendance_own_channels", math.Inf(-1), 0.5},
		{"attendance_experienced_busy", math.Inf(-1), 1},
		{"members_with_rin_contact", 0.10, 0.35},
		{"route_information_over_contacts", 0, math.Inf(1)},
		{"rin_effect_inexperienced", 0, math.Inf(1)},
		{"funding_response_rises", 0, math.Inf(1)},
		{"funding_response_flattens", 0, math.Inf(1)},
	} {
		p, ok := byID[c.id]
		if !ok || p.Low != c.low || p.High != c.high {
			t.Errorf("%s: band [%v, %v], want [%v, %v]", c.id, p.Low, p.High, c.low, c.high)
		}
	}
}

func TestLoadPatternsErrors(t *testing.T) {
	const ok = `[[pattern]]
id = "a"
description = "d"
statistic = "share_abroad_end"
target_low = 0.1
source = "s"
`
	for _, c := range []struct {
		name, text string
		line       int
		field, msg string
	}{
		{"syntax", ok + "y = = 1\n", 7, "", ""},
		{"top-level field", "x = 1\n" + ok, 1, "x", "unknown field"},
		{"other table", "[x]\ny = 1\n" + ok, 1, "x", "unknown field"},
		{"no patterns", "# nothing\n", 0, "", "no [[pattern]]"},
		{"pattern not a list", "pattern = 3\n", 1, "pattern", "list of tables"},
		{"unknown field", ok + "colour = \"red\"\n", 7, "pattern[1].colour", "unknown field"},
		{"missing id", strings.Replace(ok, "id = \"a\"\n", "", 1), 1, "pattern[1].id", "missing"},
		{"missing source", strings.Replace(ok, "source = \"s\"\n", "", 1), 1, "pattern[1].source", "missing"},
		{"empty description", strings.Replace(ok, `"d"`, `" "`, 1), 3, "pattern[1].description", "empty"},
		{"number as string", strings.Replace(ok, `"d"`, "4", 1), 3, "pattern[1].description", "want a string"},
		{"bad id", strings.Replace(ok, `"a"`, `"A b"`, 1), 2, "pattern[1].id", "lower-case"},
		{"unknown statistic", strings.Replace(ok, "share_abroad_end", "share_abroad", 1), 4, "pattern[1].statistic", "share_abroad_end"},
		{"string target", strings.Replace(ok, "0.1", `"0.1"`, 1), 5, "pattern[1].target_low", "finite number"},
		{"infinite target", strings.Replace(ok, "0.1", "inf", 1), 5, "pattern[1].target_low", "finite number"},
		{"no edge", strings.Replace(ok, "target_low = 0.1\n", "", 1), 1, "pattern[1].target_low", "needs target_low"},
		{"low above high", ok + "target_high = 0.05\n", 7, "pattern[1].target_high", "below target_low"},
		{"duplicate id", ok + "\n" + ok, 9, "pattern[2].id", "used twice"},
		{"second entry", ok + "\n" + strings.Replace(ok, "0.1", "true", 1), 12, "pattern[2].target_low", "finite number"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadPatterns(strings.NewReader(c.text))
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *PatternError", err)
			}
			if pe.Line != c.line || (c.field != "" && pe.Field != c.field) || !strings.Contains(pe.Msg, c.msg) {
				t.Errorf("got line %d field %q msg %q; want line %d field %q msg containing %q", pe.Line, pe.Field, pe.Msg, c.line, c.field, c.msg)
			}
		})
	}
}

func TestLoadPatternsFields(t *testing.T) {
	ps, err := LoadPatterns(strings.NewReader(`# comment
[[pattern]]
id = "x-1"
description = "d"
statistic = "attendance_per_year"
network = "n"
archetype = "a"
target_low = 1
target_high = 3
source = "s"
`))
	if err != nil {
		t.Fatal(err)
	}
	want := Pattern{ID: "x-1", Description: "d", Statistic: "attendance_per_year", Network: "n", Archetype: "a", Low: 1, High: 3, Source: "s", Line: 2}
	if len(ps) != 1 || ps[0] != want {
		t.Errorf("got %+v, want %+v", ps, want)
	}
}

func TestBand(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		low, high float64
		want      string
	}{{0.35, 0.6, "0.35-0.6"}, {12, inf, ">= 12"}, {-inf, 0.2, "<= 0.2"}} {
		if got := (Pattern{Low: c.low, High: c.high}).Band(); got != c.want {
			t.Errorf("Band(%v, %v) = %q, want %q", c.low, c.high, got, c.want)
		}
	}
}

// FuzzLoadPatterns: any input either fails with a *PatternError or gives
// patterns that satisfy the file's rules.
func FuzzLoadPatterns(f *testing.F) {
	f.Add(PatternsTOML())
	f.Add([]byte("[[pattern]]\nid = \"a\"\ndescription = \"d\"\nstatistic = \"funding_rise\"\ntarget_low = 0\nsource = \"s\"\n"))
	f.Add([]byte("pattern = [{id = \"a\"}]\n"))
	f.Add([]byte("[[pattern]]\n[[pattern]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := LoadPatterns(bytes.NewReader(data))
		if err != nil {
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *PatternError", err)
			}
			if pe.Line < 0 || pe.Line > bytes.Count(data, []byte("\n"))+1 {
				t.Fatalf("line %d outside the input", pe.Line)
			}
			return
		}
		seen := map[string]bool{}
		for _, p := range ps {
			if seen[p.ID] || !patternIDRE.MatchString(p.ID) {
				t.Fatalf("bad or repeated id %q", p.ID)
			}
			seen[p.ID] = true
			if _, ok := statistics[p.Statistic]; !ok {
				t.Fatalf("unknown statistic %q accepted", p.Statistic)
			}
			if math.IsNaN(p.Low) || math.IsNaN(p.High) || p.Low > p.High || (!p.HasLow() && !p.HasHigh()) {
				t.Fatalf("bad band [%v, %v]", p.Low, p.High)
			}
			if p.Description == "" || p.Source == "" {
				t.Fatalf("empty description or source accepted: %+v", p)
			}
		}
	})
}

func ExampleDecide() {
	p := Pattern{Low: 0.35, High: 0.60}
	for _, iv := range []Interval{{Mean: 0.5, Low: 0.45, High: 0.55}, {Mean: 0.62, Low: 0.58, High: 0.66}, {Mean: 0.85, Low: 0.83, High: 0.87}} {
		fmt.Printf("%.2f [%.2f, %.2f]: %s\n", iv.Mean, iv.Low, iv.High, Decide(p, iv))
	}
	// Output:
	// 0.50 [0.45, 0.55]: within
	// 0.62 [0.58, 0.66]: inconclusive
	// 0.85 [0.83, 0.87]: outside
}

func ExampleLoadPatterns() {
	ps, err := LoadPatterns(strings.NewReader(`
[[pattern]]
id = "abroad"
description = "members operating abroad at the end"
statistic = "share_abroad_end"
target_low = 0.35
target_high = 0.60
source = "EIM Business & Policy Research (2010), Internationalisation of European SMEs"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ps[0].ID, ps[0].Statistic, ps[0].Band(), "line", ps[0].Line)
	_, err = LoadPatterns(strings.NewReader("[[pattern]]\nid = \"x\"\nstatistic = \"nothing\"\n"))
	fmt.Println(err)
	// Output:
	// abroad share_abroad_end 0.35-0.6 line 2
	// line 1: field pattern[1].description: missing (required)
}

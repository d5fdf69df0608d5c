package sim

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// patternsTOML is the default set of target patterns (issue 9).
//
//go:embed patterns.toml
var patternsTOML []byte

// PatternsTOML returns the embedded patterns file.
func PatternsTOML() []byte { return bytes.Clone(patternsTOML) }

// DefaultPatterns returns the embedded target patterns.
func DefaultPatterns() []Pattern {
	ps, err := LoadPatterns(bytes.NewReader(patternsTOML))
	if err != nil {
		panic("sim: embedded patterns.toml: " + err.Error())
	}
	return ps
}

// Pattern is a target pattern: a statistic of the model's output and the
// band it should fall in, with the source of the band.
type Pattern struct {
	ID          string
	Description string
	Statistic   string // a key of Statistics()
	Network     string // only this network's members; "" all
	Archetype   string // only members of this archetype; "" all
	Low, High   float64
	// Scale, if > 0, is the unit of the deviation from the band in the
	// calibration's distance (see PatternScale); validate ignores it.
	Scale  float64
	Source string
	Line   int // line of the entry in its file
}

// HasLow and HasHigh report whether the band has that edge.
func (p Pattern) HasLow() bool  { return !math.IsInf(p.Low, -1) }
func (p Pattern) HasHigh() bool { return !math.IsInf(p.High, 1) }

// Band writes the target band, e.g. "0.35-0.6", ">= 12", "<= 0.2".
func (p Pattern) Band() string {
	f := func(x float64) string { return fmt.Sprintf("%g", x) }
	switch {
	case p.HasLow() && p.HasHigh():
		return f(p.Low) + "-" + f(p.High)
	case p.HasLow():
		return ">= " + f(p.Low)
	default:
		return "<= " + f(p.High)
	}
}

// PatternError is a problem with a patterns file, at a line and field.
type PatternError struct {
	Line  int    // 1-based; 0 if unknown
	Field string // e.g. "pattern[3].target_low"
	Msg   string
}

func (e *PatternError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %s: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

var patternIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// patternFields are the fields of a [[pattern]], with whether they are
// required (at least one target edge is required too).
var patternFields = map[string]bool{
	"id": true, "description": true, "statistic": true, "source": true,
	"network": false, "archetype": false, "target_low": false, "target_high": false, "scale": false,
}

// LoadPatterns reads a patterns file (TOML, a list of [[pattern]]; see the
// embedded sim/patterns.toml) and checks it: known fields only, with the
// right types; unique ids; known statistics; finite edges, at least one,
// low <= high. Errors are *PatternError naming the line and field.
func LoadPatterns(r io.Reader) ([]Pattern, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &PatternError{Line: pe.Position.Line, Field: pe.LastKey, Msg: pe.Message}
		}
		return nil, &PatternError{Msg: err.Error()}
	}
	lines := patternLines(data)
	for _, k := range sortedKeys(raw) {
		if k != "pattern" {
			return nil, &PatternError{Line: lines.top(k), Field: k, Msg: "unknown field (want only [[pattern]] entries)"}
		}
	}
	list, ok := raw["pattern"].([]map[string]any)
	if !ok {
		if raw["pattern"] != nil {
			return nil, &PatternError{Line: lines.top("pattern"), Field: "pattern", Msg: "must be a list of tables, written [[pattern]]"}
		}
		return nil, &PatternError{Msg: "no [[pattern]] entries"}
	}
	seen := map[string]int{}
	out := make([]Pattern, 0, len(list))
	for k, entry := range list {
		p, err := decodePattern(k, entry, lines)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[p.ID]; dup {
			return nil, &PatternError{Line: lines.field(k, "id"), Field: fmt.Sprintf("pattern[%d].id", k+1),
				Msg: fmt.Sprintf("%q is used twice (first at pattern %d)", p.ID, first+1)}
		}
		seen[p.ID] = k
		out = append(out, p)
	}
	return out, nil
}

func decodePattern(k int, entry map[string]any, lines *patternLineIndex) (Pattern, error) {
	fail := func(field, format string, args ...any) error {
		return &PatternError{Line: lines.field(k, field), Field: fmt.Sprintf("pattern[%d].%s", k+1, field), Msg: fmt.Sprintf(format, args...)}
	}
	for _, f := range sortedKeys(entry) {
		if _, ok := patternFields[f]; !ok {
			return Pattern{}, fail(f, "unknown field (want %s)", strings.Join(sortedKeys(patternFields), ", "))
		}
	}
	p := Pattern{Low: math.Inf(-1), High: math.Inf(1), Line: lines.entry(k)}
	strs := map[string]*string{"id": &p.ID, "description": &p.Description, "statistic": &p.Statistic,
		"source": &p.Source, "network": &p.Network, "archetype": &p.Archetype}
	for _, f := range sortedKeys(strs) {
		v, ok := entry[f]
		if !ok {
			if patternFields[f] {
				return Pattern{}, fail(f, "missing (required)")
			}
			continue
		}
		s, ok := v.(string)
		if !ok {
			return Pattern{}, fail(f, "want a string, got %v", v)
		}
		if strings.TrimSpace(s) == "" {
			return Pattern{}, fail(f, "empty")
		}
		*strs[f] = s
	}
	if !patternIDRE.MatchString(p.ID) {
		return Pattern{}, fail("id", "%q: want lower-case letters, digits, '_' and '-', starting with a letter or digit", p.ID)
	}
	if _, ok := statistics[p.Statistic]; !ok {
		return Pattern{}, fail("statistic", "unknown statistic %q (want one of %s)", p.Statistic, strings.Join(StatisticNames(), ", "))
	}
	for _, e := range []struct {
		f   string
		dst *float64
	}{{"target_low", &p.Low}, {"target_high", &p.High}} {
		f, dst := e.f, e.dst
		v, ok := entry[f]
		if !ok {
			continue
		}
		x, ok := number(v)
		if !ok || math.IsNaN(x) || math.IsInf(x, 0) {
			return Pattern{}, fail(f, "want a finite number, got %v", v)
		}
		*dst = x
	}
	if v, ok := entry["scale"]; ok {
		x, ok := number(v)
		if !ok || !(x > 0) || math.IsInf(x, 0) {
			return Pattern{}, fail("scale", "want a finite number above 0, got %v", v)
		}
		p.Scale = x
	}
	if !p.HasLow() && !p.HasHigh() {
		return Pattern{}, fail("target_low", "a pattern needs target_low, target_high or both")
	}
	if p.Low > p.High {
		return Pattern{}, fail("target_high", "%g is below target_low %g", p.High, p.Low)
	}
	return p, nil
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// patternLineIndex finds where entries and fields are written. The TOML
// library keeps positions private, so the text is scanned: each
// "[[pattern]]" header starts an entry, and "key =" at the start of a line
// sets a field of the entry it is in.
type patternLineIndex struct {
	headers []int            // 1-based line of the k-th [[pattern]]
	fields  []map[string]int // per entry: key -> line
	topKeys map[string]int   // keys before the first table
	tables  map[string]int   // other [table] or [[table]] headers
}

var (
	arrayHeaderRE = regexp.MustCompile(`^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]`)
	tableHeaderRE = regexp.MustCompile(`^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]`)
	keyRE         = regexp.MustCompile(`^\s*([A-Za-z0-9_-]+)\s*=`)
)

func patternLines(data []byte) *patternLineIndex {
	ix := &patternLineIndex{topKeys: map[string]int{}, tables: map[string]int{}}
	inPattern, inTop := false, true
	for n, line := range strings.Split(string(data), "\n") {
		if m := arrayHeaderRE.FindStringSubmatch(line); m != nil {
			inTop = false
			inPattern = m[1] == "pattern"
			if inPattern {
				ix.headers = append(ix.headers, n+1)
				ix.fields = append(ix.fields, map[string]int{})
			} else if _, ok := ix.tables[m[1]]; !ok {
				ix.tables[m[1]] = n + 1
			}
			continue
		}
		if m := tableHeaderRE.FindStringSubmatch(line); m != nil {
			inTop, inPattern = false, false
			if _, ok := ix.tables[m[1]]; !ok {
				ix.tables[m[1]] = n + 1
			}
			continue
		}
		m := keyRE.FindStringSubmatch(line)
		switch {
		case m == nil:
		case inPattern:
			if _, ok := ix.fields[len(ix.fields)-1][m[1]]; !ok {
				ix.fields[len(ix.fields)-1][m[1]] = n + 1
			}
		case inTop:
			if _, ok := ix.topKeys[m[1]]; !ok {
				ix.topKeys[m[1]] = n + 1
			}
		}
	}
	return ix
}

func (ix *patternLineIndex) entry(k int) int {
	if k < len(ix.headers) {
		return ix.headers[k]
	}
	return 0
}

// field is the line of entry k's field, or of the entry if the field is not
// written there.
func (ix *patternLineIndex) field(k int, f string) int {
	if k < len(ix.fields) {
		if n, ok := ix.fields[k][f]; ok {
			return n
		}
	}
	return ix.entry(k)
}

func (ix *patternLineIndex) top(key string) int {
	if n, ok := ix.topKeys[key]; ok {
		return n
	}
	return ix.tables[key]
}

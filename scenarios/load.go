package scenarios

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/rinsim/rinsim/internal/suggest"
)

//go:embed builtin/*.toml
var builtinFS embed.FS

// BuiltinNames lists the embedded scenarios, sorted.
func BuiltinNames() []string {
	entries, err := fs.ReadDir(builtinFS, "builtin")
	if err != nil {
		panic("scenarios: embedded files missing: " + err.Error())
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".toml"))
	}
	sort.Strings(names)
	return names
}

// BuiltinSource returns the embedded file of a built-in scenario, comments included.
func BuiltinSource(name string) ([]byte, error) {
	b, err := builtinFS.ReadFile(path.Join("builtin", name+".toml"))
	if err != nil {
		return nil, fmt.Errorf("unknown scenario %q; built-in scenarios: %s", name, strings.Join(BuiltinNames(), ", "))
	}
	return b, nil
}

// Builtin parses and validates an embedded scenario.
func Builtin(name string) (*Scenario, error) {
	b, err := BuiltinSource(name)
	if err != nil {
		return nil, err
	}
	return Parse(b, name+".toml (built-in)")
}

// Load reads a scenario by built-in name or file path, and validates it.
// A name that is neither a built-in nor an existing file is an error that
// lists the built-in names.
func Load(nameOrPath string) (*Scenario, error) {
	if b, err := BuiltinSource(nameOrPath); err == nil {
		return Parse(b, nameOrPath+".toml (built-in)")
	}
	b, err := ReadFile(nameOrPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			hint := ""
			if near := suggest.Nearest(nameOrPath, BuiltinNames()); near != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", near)
			}
			return nil, fmt.Errorf("scenario %q is neither a file nor a built-in scenario%s; built-in scenarios: %s",
				nameOrPath, hint, strings.Join(BuiltinNames(), ", "))
		}
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return Parse(b, nameOrPath)
}

// Parse decodes a TOML scenario and validates it; file names the source in
// errors. A file with `base = "NAME"` starts from that built-in scenario, so
// it needs only the fields it changes (lists such as [[network]] are replaced
// as a whole).
func Parse(data []byte, file string) (*Scenario, error) {
	if err := CheckDepth(data, file); err != nil {
		return nil, err
	}
	s, err := decode(data, file)
	if err != nil {
		return nil, err
	}
	if err := s.Validate(file); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.setLines(locateKeys(data))
		}
		return nil, err
	}
	return s, nil
}

func decode(data []byte, file string) (*Scenario, error) {
	var head struct {
		Base string `toml:"base"`
	}
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&head); err != nil {
		return nil, parseError(file, data, err)
	}
	s := &Scenario{}
	if head.Base != "" {
		src, err := BuiltinSource(head.Base)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: field base: %w", file, err)
		}
		if s, err = decode(src, head.Base+".toml (built-in)"); err != nil {
			return nil, err
		}
		clearLists(s, data)
	}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(s)
	if err != nil {
		return nil, parseError(file, data, err)
	}
	if err := undecoded(file, data, md, s); err != nil {
		return nil, err
	}
	s.Base = head.Base
	return s, nil
}

// clearLists empties the base's lists that the file redefines, so that
// [[network]] in a derived file replaces the base's networks instead of
// overlaying them element by element.
func clearLists(s *Scenario, data []byte) {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return
	}
	if _, ok := raw["stage"]; ok {
		s.Stages = nil
	}
	if _, ok := raw["market"]; ok {
		s.Markets = nil
	}
	if _, ok := raw["archetype"]; ok {
		s.Archetypes = nil
	}
	if _, ok := raw["network"]; ok {
		s.Networks = nil
	}
}

func parseError(file string, data []byte, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		field := pe.LastKey
		if field == "" {
			field = "(syntax)"
		}
		return fmt.Errorf("scenario %s: line %d: field %s: %s", file, pe.Position.Line, field, pe.Message)
	}
	if line, field, msg, ok := typeError(data, err); ok {
		return fmt.Errorf("scenario %s: line %d: field %s: %s", file, line, field, msg)
	}
	return fmt.Errorf("scenario %s: %w", file, err)
}

// decodeErrRE matches BurntSushi/toml's errors for a value of the wrong type:
// `toml: line 408 (last key "network.members"): incompatible types: ...`.
var decodeErrRE = regexp.MustCompile(`(?s)^toml: (?:line \d+ )?\(last key ("(?:[^"\\]|\\.)*")\): (.+)$`)

// typeError finds the value a type error is about. The library gives the line
// of the key's last definition, which in a list such as [[network]] is the
// last element's, not the one with the wrong type: typeError reports the
// first definition whose value does not fit the field, named by its
// element's id.
func typeError(data []byte, err error) (line int, field, msg string, ok bool) {
	m := decodeErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, "", "", false
	}
	key, uerr := strconv.Unquote(m[1])
	if uerr != nil {
		return 0, "", "", false
	}
	var parts toml.Key
	for _, p := range strings.Split(key, ".") {
		parts = append(parts, strings.Trim(p, `"`))
	}
	t := fieldType(parts)
	kl := locateKeys(data)
	es := kl.raw[parts.String()]
	for _, e := range es {
		if t != nil && !fits(t, e.kind) {
			return e.line, e.named, m[2], true
		}
	}
	if len(es) == 1 {
		return es[0].line, es[0].named, m[2], true
	}
	return 0, "", "", false
}

// fieldType is the Go type the TOML key path decodes into, nil if none.
func fieldType(key toml.Key) reflect.Type {
	t := reflect.TypeOf(Scenario{})
	for _, k := range key {
		for t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem()
			continue
		case reflect.Struct:
		default:
			return nil
		}
		found := false
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if name, _, _ := strings.Cut(f.Tag.Get("toml"), ","); name == k {
				t, found = f.Type, true
				break
			}
		}
		if !found {
			return nil
		}
	}
	return t
}

// fits reports whether a TOML value of kind k can decode into type t.
func fits(t reflect.Type, k valueKind) bool {
	if k == kindUnknown {
		return true
	}
	switch {
	case t == quarterType:
		return k == kindString
	case t.Kind() == reflect.Float64:
		return k == kindFloat || k == kindInt
	case t.Kind() == reflect.Int:
		return k == kindInt
	case t.Kind() == reflect.Bool:
		return k == kindBool
	case t.Kind() == reflect.String:
		return k == kindString
	case t.Kind() == reflect.Map || t.Kind() == reflect.Struct:
		return k == kindTable
	case t.Kind() == reflect.Slice:
		return k == kindArray || k == kindTable
	}
	return true
}

// undecoded rejects keys the Scenario struct does not have, suggesting the
// nearest valid key. Each problem has the key's line in data, and keys in
// list elements are named by the element's id ("network.cwn.stream.arena.x",
// not "network.stream.x").
func undecoded(file string, data []byte, md toml.MetaData, s *Scenario) error {
	keys := md.Undecoded()
	if len(keys) == 0 {
		return nil
	}
	valid := s.Params()
	kl := locateKeys(data)
	// MetaData lists a key once per definition, in file order, with the same
	// path for every element of a list: the n-th undecoded definition of a
	// path is its n-th definition in the file, since a key the Scenario does
	// not have is undecoded wherever it appears.
	seen := map[string]int{}
	var ps problems
	for _, k := range keys {
		field := k.String()
		n := seen[field]
		seen[field]++
		msg := "unknown field"
		if hint := nearestKey(field, valid); hint != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", hint)
		}
		line := 0
		if e, ok := kl.occurrence(k, n); ok {
			field, line = e.named, e.line
		}
		ps.add(field, "%s", msg)
		ps.list[len(ps.list)-1].Line = line
	}
	return &ValidationError{File: file, Problems: ps.list}
}

// textFields are the scenario's text keys, which are not parameters.
var textFields = []string{"name", "description", "base", "id", "sector", "source", "doc"}

// nearestKey suggests a valid key for a TOML path. TOML paths name list
// elements by position, so only the last component is compared.
func nearestKey(field string, valid []Param) string {
	return nearestName(field[strings.LastIndex(field, ".")+1:], keyNames(valid))
}

// keyNames are the last components of the valid keys, text fields first.
func keyNames(valid []Param) []string {
	names := append([]string{}, textFields...)
	for _, p := range valid {
		names = append(names, p.Key[strings.LastIndex(p.Key, ".")+1:])
	}
	return names
}

// nearestName is the first of names nearest to last by edit distance, if
// nearer than len(last)/2+2. A name whose length differs from last's by at
// least the best distance so far cannot be nearer (the distance is at least
// the difference) and costs no distance matrix, so a megabyte-long mistyped
// key takes time linear in the names.
func nearestName(last string, names []string) string {
	best, bestD := "", len(last)/2+2
	for _, name := range names {
		if diff := len(last) - len(name); diff >= bestD || -diff >= bestD {
			continue
		}
		if d := editDistance(last, name); d < bestD {
			best, bestD = name, d
		}
	}
	return best
}

// Encode writes the scenario as TOML.
func (s *Scenario) Encode() ([]byte, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(s); err != nil {
		return nil, fmt.Errorf("encode scenario %s: %w", s.Name, err)
	}
	return buf.Bytes(), nil
}

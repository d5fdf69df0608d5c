package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/rinsim/rinsim/internal/suggest"
)

// Kind is the type of a parameter's value.
type Kind int

// Parameter kinds.
const (
	Float Kind = iota
	Int
	Bool
	QuarterKind
)

// Param is one addressable parameter of a scenario: a view into the scenario
// struct, so Set changes the scenario it came from.
type Param struct {
	Key      string
	Unit     string
	Doc      string
	Min, Max float64
	Kind     Kind

	field  reflect.Value // addressable scalar, or the map holding it
	mapKey reflect.Value // valid for map entries
}

// Value returns the parameter's value as a float64 (bools are 0 or 1,
// quarters count from year 0).
func (p Param) Value() float64 {
	v := p.get()
	switch p.Kind {
	case Int:
		return float64(v.Int())
	case Bool:
		if v.Bool() {
			return 1
		}
		return 0
	case QuarterKind:
		return float64(v.Int())
	}
	return v.Float()
}

// String returns the value as it would be written in a scenario file.
func (p Param) String() string {
	v := p.get()
	switch p.Kind {
	case Int:
		return strconv.FormatInt(v.Int(), 10)
	case Bool:
		return strconv.FormatBool(v.Bool())
	case QuarterKind:
		return Quarter(v.Int()).String()
	}
	return strconv.FormatFloat(v.Float(), 'g', -1, 64)
}

// Range describes the allowed range for messages.
func (p Param) Range() string {
	switch p.Kind {
	case Bool:
		return "true or false"
	case QuarterKind:
		return "a quarter such as 2007Q1"
	}
	return fmt.Sprintf("[%s, %s] %s", fmtNum(p.Min), fmtNum(p.Max), p.Unit)
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func (p Param) get() reflect.Value {
	if p.mapKey.IsValid() {
		return p.field.MapIndex(p.mapKey)
	}
	return p.field
}

// Set parses s and stores it. It checks the type but not the range:
// Validate checks ranges and cross-field rules for the whole scenario.
func (p Param) Set(s string) error {
	s = strings.TrimSpace(s)
	var nv reflect.Value
	switch p.Kind {
	case Float:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s: %q is not a finite number; allowed %s", p.Key, s, p.Range())
		}
		nv = reflect.ValueOf(x)
	case Int:
		x, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			// Accept integral floats such as "1e3" from sweep designs.
			f, ferr := strconv.ParseFloat(s, 64)
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<53 {
				return fmt.Errorf("%s: %q is not an integer; allowed %s", p.Key, s, p.Range())
			}
			x = int64(f)
		}
		nv = reflect.ValueOf(int(x))
	case Bool:
		x, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%s: %q is not true or false", p.Key, s)
		}
		nv = reflect.ValueOf(x)
	case QuarterKind:
		q, err := ParseQuarter(s)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Key, err)
		}
		nv = reflect.ValueOf(q)
	}
	if p.mapKey.IsValid() {
		p.field.SetMapIndex(p.mapKey, nv)
	} else {
		p.field.Set(nv.Convert(p.field.Type()))
	}
	return nil
}

// Params lists every addressable parameter of s in file order.
func (s *Scenario) Params() []Param {
	var out []Param
	walk(reflect.ValueOf(s).Elem(), "", &out)
	return out
}

// Param returns the parameter with the given key or alias.
func (s *Scenario) Param(key string) (Param, error) {
	key = resolveAlias(strings.TrimSpace(key))
	ps := s.Params()
	for _, p := range ps {
		if p.Key == key {
			return p, nil
		}
	}
	return Param{}, unknownKeyError(key, ps)
}

// Set assigns value to the parameter key, as --set key=value does. It also
// takes the programme levers network.<id>.stream.<sid>.off_from and on_from.
func (s *Scenario) Set(key, value string) error {
	if prefix, lever, ok := streamLever(strings.TrimSpace(key)); ok {
		return s.setLever(prefix, lever, value)
	}
	p, err := s.Param(key)
	if err != nil {
		return err
	}
	return p.Set(value)
}

// SetAll applies "key=value" assignments in order.
func (s *Scenario) SetAll(assignments []string) error {
	var index map[string]Param // shared by the assignments: walking the scenario per key was a quarter of a calibration's CPU
	for _, a := range assignments {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("--set %q: want key=value", a)
		}
		if err := s.set(k, v, &index); err != nil {
			return fmt.Errorf("--set %w", err)
		}
	}
	return nil
}

// set is Set with an index of the parameters by key, for SetAll: built on
// first use and dropped after a lever, which may change the streams the index
// points into. (One Set alone scans the list instead of building a map.)
func (s *Scenario) set(key, value string, index *map[string]Param) error {
	if prefix, lever, ok := streamLever(strings.TrimSpace(key)); ok {
		*index = nil
		return s.setLever(prefix, lever, value)
	}
	if *index == nil {
		ps := s.Params()
		*index = make(map[string]Param, len(ps))
		for _, p := range ps {
			if _, dup := (*index)[p.Key]; !dup { // the first wins, as in Param
				(*index)[p.Key] = p
			}
		}
	}
	key = resolveAlias(strings.TrimSpace(key))
	p, ok := (*index)[key]
	if !ok {
		return unknownKeyError(key, s.Params())
	}
	return p.Set(value)
}

// resolveAlias maps the policy alias funding.<id>.scale to its canonical key.
func resolveAlias(key string) string {
	parts := strings.Split(key, ".")
	if len(parts) == 3 && parts[0] == "funding" && parts[2] == "scale" {
		return "network." + parts[1] + ".funding_scale"
	}
	return key
}

var quarterType = reflect.TypeOf(Quarter(0))

// fieldInfo is what walk needs of one struct field, read from its tags once
// per type (fieldsOf): parsing the tags on every walk was most of the cost
// of Params, which SetAll and Validate call for every run of a calibration.
type fieldInfo struct {
	index    int
	name     string // the toml key
	kind     fieldKind
	unit     string
	doc      string
	min, max float64
}

type fieldKind int

const (
	fieldSkip        fieldKind = iota // text and other fields that are not parameters
	fieldQuarter                      // a Quarter
	fieldStruct                       // a nested table
	fieldStructSlice                  // a list of tables, named by their id
	fieldFloatMap                     // a map of numbers, one parameter per key
	fieldFloat
	fieldInt
	fieldBool
)

var fieldCache sync.Map // reflect.Type -> []fieldInfo

// fieldsOf returns the parameter fields of struct type t in field order.
func fieldsOf(t reflect.Type) []fieldInfo {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]fieldInfo)
	}
	var fs []fieldInfo
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fi := fieldInfo{index: i, name: name, kind: kindOf(f.Type), unit: f.Tag.Get("unit"), doc: f.Tag.Get("doc"),
			min: math.Inf(-1), max: math.Inf(1)}
		if fi.kind == fieldSkip {
			continue
		}
		if s := f.Tag.Get("min"); s != "" {
			fi.min, _ = strconv.ParseFloat(s, 64)
		}
		if s := f.Tag.Get("max"); s != "" {
			fi.max, _ = strconv.ParseFloat(s, 64)
		}
		fs = append(fs, fi)
	}
	fieldCache.Store(t, fs)
	return fs
}

func kindOf(t reflect.Type) fieldKind {
	switch {
	case t == quarterType:
		return fieldQuarter
	case t.Kind() == reflect.Struct:
		return fieldStruct
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return fieldStructSlice
	case t.Kind() == reflect.Map && t.Elem().Kind() == reflect.Float64:
		return fieldFloatMap
	case t.Kind() == reflect.Float64:
		return fieldFloat
	case t.Kind() == reflect.Int:
		return fieldInt
	case t.Kind() == reflect.Bool:
		return fieldBool
	}
	return fieldSkip
}

func walk(v reflect.Value, prefix string, out *[]Param) {
	for _, f := range fieldsOf(v.Type()) {
		key := prefix + f.name
		fv := v.Field(f.index)
		switch f.kind {
		case fieldQuarter:
			*out = append(*out, newParam(key, f, fv, QuarterKind))
		case fieldStruct:
			walk(fv, key+".", out)
		case fieldStructSlice:
			for j := 0; j < fv.Len(); j++ {
				el := fv.Index(j)
				walk(el, key+"."+elementID(el, j)+".", out)
			}
		case fieldFloatMap:
			keys := fv.MapKeys()
			sort.Slice(keys, func(a, b int) bool { return keys[a].String() < keys[b].String() })
			for _, k := range keys {
				p := newParam(key+"."+k.String(), f, fv, Float)
				p.mapKey = k
				*out = append(*out, p)
			}
		case fieldFloat:
			*out = append(*out, newParam(key, f, fv, Float))
		case fieldInt:
			*out = append(*out, newParam(key, f, fv, Int))
		case fieldBool:
			*out = append(*out, newParam(key, f, fv, Bool))
		}
	}
}

// inRange reports whether every number reachable from v lies in its
// field's range, as checkRange judges it, without naming the parameters
// (Validate names them only when one is out of range).
func inRange(v reflect.Value) bool {
	ok := func(x float64, f fieldInfo) bool {
		return !math.IsNaN(x) && !math.IsInf(x, 0) && x >= f.min && x <= f.max
	}
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		switch f.kind {
		case fieldStruct:
			if !inRange(fv) {
				return false
			}
		case fieldStructSlice:
			for j := 0; j < fv.Len(); j++ {
				if !inRange(fv.Index(j)) {
					return false
				}
			}
		case fieldFloatMap:
			for it := fv.MapRange(); it.Next(); {
				if !ok(it.Value().Float(), f) {
					return false
				}
			}
		case fieldFloat:
			if !ok(fv.Float(), f) {
				return false
			}
		case fieldInt:
			if !ok(float64(fv.Int()), f) {
				return false
			}
		}
	}
	return true
}

func elementID(el reflect.Value, index int) string {
	if f := el.FieldByName("ID"); f.IsValid() && f.String() != "" {
		return f.String()
	}
	return strconv.Itoa(index)
}

func newParam(key string, f fieldInfo, v reflect.Value, k Kind) Param {
	return Param{Key: key, Unit: f.unit, Doc: f.doc, Kind: k, field: v, Min: f.min, Max: f.max}
}

func unknownKeyError(key string, ps []Param) error {
	keys := make([]string, 0, len(ps))
	for _, p := range ps {
		keys = append(keys, p.Key)
		if id, ok := strings.CutSuffix(strings.TrimPrefix(p.Key, "network."), ".funding_scale"); ok && !strings.Contains(id, ".") {
			keys = append(keys, "funding."+id+".scale") // the alias is what users type
		}
	}
	msg := fmt.Sprintf("unknown parameter %q", clip(key))
	if best := suggest.Key(key, keys); best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return fmt.Errorf("%s; `rinsim scenarios show --params NAME` lists all keys", msg)
}

// editDistance is the edit distance used to suggest the nearest key.
func editDistance(a, b string) int { return suggest.Distance(a, b) }

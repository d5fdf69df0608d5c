package scenarios

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// roundTrip is what Clone was before the typed copy: encode as TOML and
// decode again. It is the reference the copy must equal.
func roundTrip(t testing.TB, s *Scenario) *Scenario {
	t.Helper()
	b, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	c := &Scenario{}
	if _, err := toml.Decode(string(b), c); err != nil {
		t.Fatalf("decode the encoded scenario: %v", err)
	}
	return c
}

// everyField is the thesis scenario with every optional field set: a base,
// a synthetic population asked for, every map and list of every network
// non-empty.
func everyField(t testing.TB) *Scenario {
	t.Helper()
	s := thesis(t)
	s.Base = "thesis"
	if err := s.SetAll([]string{
		"synthetic.smes=1000", "synthetic.networks=4", "synthetic.seed=3",
		"synthetic.size_spread=0.5", "synthetic.funding_spread=0.25",
		"network.cwn.outreach_share=0.1", "network.cwn.non_members=40",
		"network.cwn.partners.sweden=2",
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// cloneCases are the scenarios the copy is checked on: every embedded one,
// one derived from a base, one with every optional field set, a generated
// population (whose maps Expand copies), and lists and maps that are empty
// or absent.
func cloneCases(t *testing.T) map[string]*Scenario {
	t.Helper()
	cases := map[string]*Scenario{}
	for _, name := range BuiltinNames() {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		cases[name] = s
	}
	derived, err := Parse([]byte("base = \"thesis\"\nname = \"derived\"\n[funding]\nscale = 2\n"), "derived.toml")
	if err != nil {
		t.Fatal(err)
	}
	cases["derived"] = derived
	cases["every field"] = everyField(t)
	expanded := thesis(t)
	if err := expanded.Resolve([]string{"synthetic.smes=2000", "synthetic.networks=5", "synthetic.seed=2"}, "test"); err != nil {
		t.Fatal(err)
	}
	cases["expanded"] = expanded
	empty := thesis(t)
	empty.Networks[0].Channels = map[string]float64{}
	empty.Networks[1].Channels = nil
	empty.Networks[1].Streams = []Stream{}
	empty.Networks[2].Streams = nil
	empty.Markets[0].Attractiveness = map[string]float64{}
	empty.Stages = []Stage{}
	cases["empty and absent"] = empty
	return cases
}

func TestCloneMatchesRoundTrip(t *testing.T) {
	for name, s := range cloneCases(t) {
		t.Run(name, func(t *testing.T) {
			want := roundTrip(t, s)
			got := s.Clone()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Clone differs from the TOML round trip:\n%s", strings.Join(diffValues(reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem(), "scenario"), "\n"))
			}
			a, errA := got.Encode()
			b, errB := s.Encode()
			if errA != nil || errB != nil || string(a) != string(b) {
				t.Errorf("Clone encodes differently from the original (%v, %v)", errA, errB)
			}
		})
	}
}

// TestCloneSharesNothing walks the scenario with every optional field set
// and its copy side by side: no slice, map or pointer of the copy may share
// storage with the original's. The walk also checks that the scenario has
// every such field of the Scenario type non-empty somewhere, so that a
// field added later is covered (fill it in everyField).
func TestCloneSharesNothing(t *testing.T) {
	s := everyField(t)
	c := s.Clone()
	seen := map[string]bool{}
	var shared []string
	walkShared(reflect.ValueOf(s).Elem(), reflect.ValueOf(c).Elem(), "scenario", "Scenario", seen, &shared)
	for _, p := range shared {
		t.Errorf("%s: the copy shares its storage with the original", p)
	}
	for _, p := range referencePaths(reflect.TypeOf(Scenario{}), "Scenario") {
		if !seen[p] {
			t.Errorf("%s is empty or nil in every element of the test scenario: set it in everyField, so that TestCloneSharesNothing checks that Clone copies it", p)
		}
	}
}

// TestCloneMutationsStayInTheCopy changes every value of the copy (every
// number, string and flag, every map entry, adds to every map and list) and
// checks that the original is unchanged, then the other way round.
func TestCloneMutationsStayInTheCopy(t *testing.T) {
	for name, s := range cloneCases(t) {
		t.Run(name, func(t *testing.T) {
			want := roundTrip(t, s)
			c := s.Clone()
			mutate(reflect.ValueOf(c).Elem())
			if !reflect.DeepEqual(s, want) {
				t.Errorf("changing the copy changed the original:\n%s", strings.Join(diffValues(reflect.ValueOf(s).Elem(), reflect.ValueOf(want).Elem(), "scenario"), "\n"))
			}
			c = s.Clone()
			mutate(reflect.ValueOf(s).Elem())
			if !reflect.DeepEqual(c, want) {
				t.Error("changing the original changed the copy")
			}
		})
	}
}

// walkShared compares a and b (same type) and lists in shared the paths
// where a non-empty slice or map, or a pointer, is the same storage in both.
// seen collects the type paths (Scenario.Networks[].Streams) of non-empty
// references.
func walkShared(a, b reflect.Value, path, tpath string, seen map[string]bool, shared *[]string) {
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			walkShared(a.Field(i), b.Field(i), path+"."+f.Name, tpath+"."+f.Name, seen, shared)
		}
	case reflect.Slice:
		if a.Len() == 0 {
			return
		}
		seen[tpath] = true
		if a.Pointer() == b.Pointer() {
			*shared = append(*shared, path)
		}
		for i := range min(a.Len(), b.Len()) {
			walkShared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), tpath+"[]", seen, shared)
		}
	case reflect.Map:
		if a.Len() == 0 {
			return
		}
		seen[tpath] = true
		if a.UnsafePointer() == b.UnsafePointer() {
			*shared = append(*shared, path)
		}
		for _, k := range a.MapKeys() {
			if bv := b.MapIndex(k); bv.IsValid() {
				walkShared(a.MapIndex(k), bv, fmt.Sprintf("%s[%v]", path, k), tpath+"[]", seen, shared)
			}
		}
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() {
			return
		}
		seen[tpath] = true
		if a.Kind() == reflect.Pointer && a.Pointer() == b.Pointer() {
			*shared = append(*shared, path)
		}
		if !b.IsNil() {
			walkShared(a.Elem(), b.Elem(), path, tpath+"*", seen, shared)
		}
	}
}

// referencePaths lists the type paths of every slice, map, pointer and
// interface reachable from t, in the form walkShared records.
func referencePaths(t reflect.Type, tpath string) []string {
	switch t.Kind() {
	case reflect.Struct:
		var out []string
		for i := range t.NumField() {
			f := t.Field(i)
			out = append(out, referencePaths(f.Type, tpath+"."+f.Name)...)
		}
		return out
	case reflect.Slice, reflect.Map:
		return append([]string{tpath}, referencePaths(t.Elem(), tpath+"[]")...)
	case reflect.Pointer:
		return append([]string{tpath}, referencePaths(t.Elem(), tpath+"*")...)
	case reflect.Interface:
		return []string{tpath}
	}
	return nil
}

// mutate changes every value reachable from v in place: numbers grow by
// one, strings get a suffix, flags flip, every map gets one more entry and
// every list one more element.
func mutate(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			mutate(v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			mutate(v.Index(i))
		}
		v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			mutate(e)
			v.SetMapIndex(k, e)
		}
		v.SetMapIndex(reflect.ValueOf("added by mutate").Convert(v.Type().Key()), reflect.Zero(v.Type().Elem()))
	case reflect.Pointer:
		if !v.IsNil() {
			mutate(v.Elem())
		}
	case reflect.Float64, reflect.Float32:
		v.SetFloat(v.Float() + 1)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(v.Int() + 1)
	case reflect.String:
		v.SetString(v.String() + " (changed)")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	}
}

// diffValues lists the paths where a and b differ, for failure messages.
func diffValues(a, b reflect.Value, path string) []string {
	if reflect.DeepEqual(a.Interface(), b.Interface()) {
		return nil
	}
	switch a.Kind() {
	case reflect.Struct:
		var out []string
		for i := range a.NumField() {
			out = append(out, diffValues(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)...)
		}
		return out
	case reflect.Slice:
		if a.Len() == b.Len() && a.IsNil() == b.IsNil() {
			var out []string
			for i := range a.Len() {
				out = append(out, diffValues(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
			}
			return out
		}
	}
	return []string{fmt.Sprintf("%s: %#v, want %#v", path, a.Interface(), b.Interface())}
}

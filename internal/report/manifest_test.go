package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"runtime"
	"slices"
	"testing"

	"github.com/rinsim/rinsim/scenarios"
)

func manifestJSON(t *testing.T, s *scenarios.Scenario, seed uint64, overrides []string) ([]byte, *Manifest) {
	t.Helper()
	m, err := NewManifest("run", "builtin:thesis", s, seed, overrides)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), m
}

func TestManifestReproducible(t *testing.T) {
	sets := []string{"funding.scale=1.5", "network.cwn.members=50"}
	// Two independently loaded copies of the same scenario and seed.
	s1, err := thesisScenario(sets...)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := thesisScenario(sets...)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := manifestJSON(t, s1, 7, sets)
	b, _ := manifestJSON(t, s2, 7, slices.Clone(sets))
	if !bytes.Equal(a, b) {
		t.Fatalf("same scenario and seed give different manifests:\n%s\n---\n%s", a, b)
	}

	// Anything that changes the run changes the manifest.
	other, _ := manifestJSON(t, s1, 8, sets)
	if bytes.Equal(a, other) {
		t.Error("another seed gives the same manifest")
	}
	s3, err := thesisScenario("funding.scale=1.25", "network.cwn.members=50")
	if err != nil {
		t.Fatal(err)
	}
	changed, m3 := manifestJSON(t, s3, 7, sets)
	if bytes.Equal(a, changed) {
		t.Error("another scenario gives the same manifest")
	}
	_, m1 := manifestJSON(t, s1, 7, sets)
	if m1.ScenarioHash == m3.ScenarioHash {
		t.Error("another scenario gives the same scenario hash")
	}
}

func TestManifestContent(t *testing.T) {
	sets := []string{"funding.scale=0.5", "end=2010Q4", "network.oreec.non_members=3"}
	s, err := thesisScenario(sets...)
	if err != nil {
		t.Fatal(err)
	}
	raw, m := manifestJSON(t, s, 99, sets)

	var back Manifest
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("manifest is not valid JSON: %v", err)
	}
	text, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(text)
	checks := []struct {
		name      string
		got, want any
	}{
		{"tool", back.Tool, "rinsim"},
		{"version", back.Version, Version},
		{"go version", back.GoVersion, runtime.Version()},
		{"command", back.Command, "run"},
		{"scenario", back.Scenario, s.Name},
		{"source", back.ScenarioFrom, "builtin:thesis"},
		{"seed", back.Seed, uint64(99)},
		{"steps", back.Steps, 16},
		{"scenario hash", back.ScenarioHash, hex.EncodeToString(sum[:])},
		{"scenario toml", back.ScenarioTOML, string(text)},
		{"commit", back.Commit, Commit()},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !slices.Equal(back.Overrides, sets) {
		t.Errorf("overrides = %v, want %v", back.Overrides, sets)
	}
	if !slices.Equal(back.Files, Files) {
		t.Errorf("files = %v, want %v", back.Files, Files)
	}

	ps := s.Params()
	if len(back.Parameters) != len(ps) {
		t.Errorf("%d parameters, the scenario has %d", len(back.Parameters), len(ps))
	}
	for _, p := range ps {
		if got, ok := back.Parameters[p.Key]; !ok || got != p.String() {
			t.Errorf("parameter %s = %q (present %v), want %q", p.Key, got, ok, p.String())
		}
	}
	// The overrides show in the resolved parameters.
	for key, want := range map[string]string{"funding.scale": "0.5", "end": "2010Q4", "network.oreec.non_members": "3"} {
		if got := m.Parameters[key]; got != want {
			t.Errorf("parameter %s = %q, want the override %q", key, got, want)
		}
	}

	// The scenario text in the manifest reproduces the scenario.
	again, err := scenarios.Parse([]byte(back.ScenarioTOML), "manifest")
	if err != nil {
		t.Fatalf("scenario_toml does not parse: %v", err)
	}
	text2, err := again.Encode()
	if err != nil || !bytes.Equal(text, text2) {
		t.Errorf("scenario_toml does not round-trip (err %v)", err)
	}
}

func TestManifestNilOverrides(t *testing.T) {
	s, err := thesisScenario()
	if err != nil {
		t.Fatal(err)
	}
	raw, m := manifestJSON(t, s, 1, nil)
	if m.Overrides == nil || len(m.Overrides) != 0 {
		t.Errorf("overrides = %#v, want an empty list", m.Overrides)
	}
	if !bytes.Contains(raw, []byte(`"overrides": []`)) {
		t.Errorf("manifest writes nil overrides as %s, want []", raw)
	}
}

// TestManifestLargeScenario: a scenario with more than maxManifestParams
// parameters keeps its TOML but leaves the parameters map empty; one just
// below the bound lists them all.
func TestManifestLargeScenario(t *testing.T) {
	cases := []struct {
		networks string
		full     bool
	}{{"400", true}, {"600", false}}
	for _, c := range cases {
		s, err := thesisScenario("synthetic.smes=10000", "synthetic.networks="+c.networks)
		if err != nil {
			t.Fatal(err)
		}
		n := len(s.Params())
		if c.full != (n <= maxManifestParams) {
			t.Fatalf("%s networks give %d parameters: the case does not test the bound %d", c.networks, n, maxManifestParams)
		}
		m, err := NewManifest("run", "builtin:thesis", s, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: n, false: 0}[c.full]; len(m.Parameters) != want {
			t.Errorf("%s networks (%d parameters): manifest lists %d, want %d", c.networks, n, len(m.Parameters), want)
		}
		if m.ScenarioTOML == "" {
			t.Errorf("%s networks: no scenario_toml", c.networks)
		}
	}
}

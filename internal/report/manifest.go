package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/rinsim/rinsim/scenarios"
)

// Version is rinsim's release version.
const Version = "0.1.0"

// Manifest makes a run reproducible: it records the program version and
// commit, the seed, the overrides, every resolved parameter and the resolved
// scenario file with its hash. It holds no clock time, so identical runs
// give identical manifests.
type Manifest struct {
	Tool         string            `json:"tool"`
	Version      string            `json:"version"`
	Commit       string            `json:"commit"`
	GoVersion    string            `json:"go_version"`
	Command      string            `json:"command"`
	Scenario     string            `json:"scenario"`
	ScenarioFrom string            `json:"scenario_source"`
	ScenarioHash string            `json:"scenario_sha256"`
	Seed         uint64            `json:"seed"`
	Overrides    []string          `json:"overrides"`
	Steps        int               `json:"steps"`
	Files        []string          `json:"files"`
	Parameters   map[string]string `json:"parameters"` // empty for very large scenarios: see scenario_toml
	ScenarioTOML string            `json:"scenario_toml"`
}

// maxManifestParams bounds the parameters map: a synthetic scenario with
// thousands of networks has over 100,000 keys, which scenario_toml holds
// anyway.
const maxManifestParams = 20_000

// NewManifest describes a run of s (after overrides) with seed.
func NewManifest(command, source string, s *scenarios.Scenario, seed uint64, overrides []string) (*Manifest, error) {
	text, err := s.Encode()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(text)
	params := map[string]string{}
	if ps := s.Params(); len(ps) <= maxManifestParams {
		for _, p := range ps {
			params[p.Key] = p.String()
		}
	}
	if overrides == nil {
		overrides = []string{}
	}
	return &Manifest{Tool: "rinsim", Version: Version, Commit: Commit(), GoVersion: runtime.Version(),
		Command: command, Scenario: s.Name, ScenarioFrom: source, ScenarioHash: hex.EncodeToString(sum[:]),
		Seed: seed, Overrides: overrides, Steps: s.Steps(), Files: Files, Parameters: params,
		ScenarioTOML: string(text)}, nil
}

// Write writes the manifest as indented JSON.
func (m *Manifest) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// Commit is the VCS revision the binary was built from, with "+dirty" for
// uncommitted changes, or "unknown" (e.g. under `go run` or `go test`).
func Commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "unknown", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && rev != "unknown" {
		rev += "+dirty"
	}
	return rev
}

package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	CommandLine  string            `json:"command_line"` // the command that writes these files (without --out, --workers)
	Scenario     string            `json:"scenario"`
	ScenarioFrom string            `json:"scenario_source"`
	ScenarioHash string            `json:"scenario_sha256"`
	Seed         uint64            `json:"seed"`
	Overrides    []string          `json:"overrides"`
	Steps        int               `json:"steps"`
	Files        []string          `json:"files"`
	Parameters   map[string]string `json:"parameters"` // empty for very large scenarios: see scenario_toml
	ScenarioTOML string            `json:"scenario_toml"`
	// Posterior, with --posterior, names the calibration posterior the
	// parameters were drawn from.
	Posterior *PosteriorFile `json:"posterior,omitempty"`
}

// PosteriorFile records the posterior.csv of `rinsim calibrate` that a
// command drew parameters from: its path as given, the SHA-256 of its
// bytes (a resume with a changed file is refused) and, for a single run,
// the particle drawn.
type PosteriorFile struct {
	File      string   `json:"file"`
	SHA256    string   `json:"sha256"`
	Particles int      `json:"particles"` // in the last generation
	Keys      []string `json:"keys"`
	// Particle is the drawn particle of `rinsim run` (1-based, in the last
	// generation's order); 0 for experiments, where each replication draws.
	Particle int `json:"particle,omitempty"`
}

// maxManifestParams bounds the parameters map: a synthetic scenario with
// thousands of networks has over 100,000 keys, which scenario_toml holds
// anyway.
const maxManifestParams = 20_000

// ScenarioHash is the SHA-256, in hex, of the resolved scenario file of s,
// as manifests record it.
func ScenarioHash(s *scenarios.Scenario) (string, error) {
	text, err := s.Encode()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(text)
	return hex.EncodeToString(sum[:]), nil
}

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
func Commit() string { return ReadBuild().Commit }

// Build describes the binary: what `rinsim version` prints.
type Build struct {
	Version       string // rinsim's release version (the Version constant)
	Module        string // module path, "" when unknown
	ModuleVersion string // as `go install module@version` recorded it; "(devel)" for a local build
	Commit        string // VCS revision with "+dirty" for uncommitted changes, or "unknown"
	CommitTime    string // RFC 3339, "" when unknown
	GoVersion     string // the Go toolchain that built it
	Platform      string // GOOS/GOARCH
}

// ReadBuild reads the build information that the Go toolchain embeds
// (runtime/debug.ReadBuildInfo). `go build` and `go install` in a git
// checkout record the commit; `go run` and `go test` do not.
func ReadBuild() Build {
	b := Build{Version: Version, Commit: "unknown", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Module, b.ModuleVersion = info.Main.Path, info.Main.Version
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.CommitTime = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && b.Commit != "unknown" {
		b.Commit += "+dirty"
	}
	return b
}

// String is the multi-line text of `rinsim version`.
func (b Build) String() string {
	or := func(s, alt string) string {
		if s == "" {
			return alt
		}
		return s
	}
	commit := b.Commit
	if b.CommitTime != "" {
		commit += " (" + b.CommitTime + ")"
	}
	return "rinsim " + b.Version + "\n" +
		"module  " + or(b.Module, "unknown") + " " + or(b.ModuleVersion, "unknown") + "\n" +
		"commit  " + commit + "\n" +
		"go      " + b.GoVersion + " " + b.Platform + "\n"
}

// CheckSameScenario refuses to let results of the scenario from source
// replace dir when dir holds results of another scenario (by the
// scenario_source its manifest.json records, of a run or an experiment):
// --force reruns a scenario into its folder, it never puts an edited
// scenario's results where another's were. A folder without a readable
// manifest is left to the other checks.
func CheckSameScenario(dir, name, source string) error {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil
	}
	var m struct {
		Scenario string `json:"scenario"`
		Source   string `json:"scenario_source"`
		Design   struct {
			Scenario string `json:"scenario"`
			Source   string `json:"scenario_source"`
		} `json:"design"`
	}
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	oldName, oldSource := m.Scenario, m.Source
	if oldSource == "" {
		oldName, oldSource = m.Design.Scenario, m.Design.Source
	}
	if oldSource == "" || sameSource(oldSource, source) {
		return nil
	}
	return fmt.Errorf("%s holds results of scenario %q from %s, not of %q from %s; --force replaces results of the same scenario only: choose another --out",
		dir, oldName, oldSource, name, source)
}

func sameSource(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	x, errX := filepath.Abs(a)
	y, errY := filepath.Abs(b)
	return errX == nil && errY == nil && x == y
}

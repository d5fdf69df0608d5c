// Package experiment runs a design of many runs into an output folder:
// rows stream to runs.csv (and steps.csv) as runs finish, in job order, so
// the files do not depend on the number of workers; a killed experiment is
// resumed by running the same command again.
package experiment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/fault"
	"github.com/rinsim/rinsim/internal/progress"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// Config describes one experiment run.
type Config struct {
	Dir     string
	Force   bool // start afresh even if Dir holds another experiment
	Command string
	Source  string // where the base scenario came from
	Design  *sim.Design
	Shard   Shard
	Workers int
	Steps   bool // also write steps.csv
	// KeyColumns name the columns that identify a point (e.g. "scenario",
	// or the varied parameters); KeyValues gives their values for a point.
	KeyColumns []string
	KeyValues  func(point int) []string
	// Extra is recorded in the manifest's design (e.g. the sensitivity method).
	Extra map[string]any
	// Posterior is recorded in the manifest's design (--posterior); a resume
	// with another posterior file, or the same file changed, is refused.
	Posterior *report.PosteriorFile
	// OnRows receives every job's runs.csv rows in job order, from resumed
	// files and new runs alike.
	OnRows   func(j sim.Job, rows [][]string) error
	Progress io.Writer // nil: silent
	// CommandLine is the command that writes these files, recorded in the
	// manifest: every option that decides the results, none that does not
	// (--out, --workers, --shard), so that it is the same for every shard
	// and worker count.
	CommandLine string
	// Summary files the command writes after the runs (e.g. points.csv),
	// one row block per point with the label first, so Merge can
	// interleave them like runs.csv.
	ExtraFiles []string
}

// ErrOutput marks a problem with the output folder that the user must
// resolve (another experiment in it, foreign files, unreadable partial
// results): an input error, not a failed run.
var ErrOutput = errors.New("output folder")

func outputError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrOutput}, args...)...)
}

// Shard selects part of a design: the points whose index modulo N is I.
type Shard struct{ I, N int }

// ParseShard parses "i/n" with 0 <= i < n.
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{0, 1}, nil
	}
	var sh Shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.I, &sh.N); err != nil || sh.N < 1 || sh.I < 0 || sh.I >= sh.N ||
		fmt.Sprintf("%d/%d", sh.I, sh.N) != s {
		return Shard{}, fmt.Errorf("--shard %q: want i/n with 0 <= i < n, e.g. 0/4", s)
	}
	return sh, nil
}

func (sh Shard) String() string { return fmt.Sprintf("%d/%d", sh.I, sh.N) }

// Manifest records an experiment. DesignHash covers everything that decides
// the rows, so a resume with another design is refused.
type Manifest struct {
	Tool         string     `json:"tool"`
	Version      string     `json:"version"`
	Commit       string     `json:"commit"`
	GoVersion    string     `json:"go_version"`
	Command      string     `json:"command"`
	CommandLine  string     `json:"command_line"`
	DesignHash   string     `json:"design_sha256"`
	Design       DesignInfo `json:"design"`
	ScenarioTOML string     `json:"scenario_toml"`
	Files        []string   `json:"files"`
}

// DesignInfo is what decides an experiment's rows.
type DesignInfo struct {
	Scenario     string         `json:"scenario"`
	Source       string         `json:"scenario_source"`
	ScenarioHash string         `json:"scenario_sha256"`
	Seed         uint64         `json:"master_seed"`
	Reps         int            `json:"reps"`
	Shard        string         `json:"shard"`
	Steps        bool           `json:"steps"`
	KeyColumns   []string       `json:"key_columns"`
	Points       []sim.Point    `json:"points"`
	Extra        map[string]any `json:"extra,omitempty"`
	// Posterior, with --posterior, is the file replications draw from.
	Posterior *report.PosteriorFile `json:"posterior,omitempty"`
}

// Run executes the experiment and returns the number of jobs run now (not
// resumed).
func Run(ctx context.Context, cfg *Config) (int, error) {
	if err := cfg.checkKeys(); err != nil {
		return 0, err
	}
	scns, err := cfg.Design.Scenarios()
	if err != nil {
		return 0, err
	}
	m, err := newManifest(cfg)
	if err != nil {
		return 0, err
	}
	jobs := cfg.shardJobs()
	if err := prepareDir(cfg, m); err != nil {
		return 0, err
	}
	out, err := openOutputs(cfg, scns, jobs)
	if err != nil {
		return 0, err
	}
	done := out.done
	bar := progress.New(cfg.Progress, cfg.Command)
	total := len(jobs)
	err = sim.Execute(ctx, scns, jobs[done:], &sim.ExecOptions{Workers: cfg.Workers, KeepSteps: cfg.Steps, Vary: cfg.Design.Vary,
		Progress: func(n, _ int) { bar.Update(done+n, total) }},
		func(o sim.Outcome) error { return out.write(cfg, scns, o) })
	bar.Done()
	if cerr := out.close(err == nil); err == nil {
		err = cerr
	}
	return total - done, err
}

// checkKeys: the first key column must hold each point's label, and labels
// must be unique, because Merge finds a point's rows by it.
func (cfg *Config) checkKeys() error {
	seen := map[string]bool{}
	for p, pt := range cfg.Design.Points {
		v := cfg.KeyValues(p)
		if len(v) == 0 || v[0] != pt.Label || len(v) != len(cfg.KeyColumns) {
			return fmt.Errorf("experiment: the first key column must be the point label (point %d)", p)
		}
		if seen[pt.Label] {
			return fmt.Errorf("experiment: point label %q is used twice", pt.Label)
		}
		seen[pt.Label] = true
	}
	return nil
}

func (cfg *Config) shardJobs() []sim.Job {
	var jobs []sim.Job
	for _, j := range cfg.Design.Jobs() {
		if j.Point%cfg.Shard.N == cfg.Shard.I {
			jobs = append(jobs, j)
		}
	}
	return jobs
}

func newManifest(cfg *Config) (*Manifest, error) {
	text, err := cfg.Design.Base.Encode()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(text)
	d := DesignInfo{Scenario: cfg.Design.Base.Name, Source: cfg.Source, ScenarioHash: hex.EncodeToString(sum[:]),
		Seed: cfg.Design.Seed, Reps: cfg.Design.Reps, Shard: cfg.Shard.String(), Steps: cfg.Steps,
		KeyColumns: cfg.KeyColumns, Points: cfg.Design.Points, Extra: cfg.Extra, Posterior: cfg.Posterior}
	if d, err = normalize(d); err != nil {
		return nil, err
	}
	hash, err := HashDesign(cfg.Command, d)
	if err != nil {
		return nil, err
	}
	files := []string{"runs.csv"}
	if cfg.Steps {
		files = append(files, "steps.csv")
	}
	files = append(files, cfg.ExtraFiles...)
	return &Manifest{Tool: "rinsim", Version: report.Version, Commit: report.Commit(), GoVersion: runtime.Version(),
		Command: cfg.Command, CommandLine: cfg.CommandLine, DesignHash: hash, Design: d, ScenarioTOML: string(text),
		Files: files}, nil
}

// normalize passes d through JSON, so that its hash is the same before it
// is written and after it is read back (maps in Extra come back sorted).
func normalize(d DesignInfo) (DesignInfo, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return d, err
	}
	var n DesignInfo
	err = json.Unmarshal(b, &n)
	return n, err
}

// HashDesign is the SHA-256 of the command and design, in hex.
func HashDesign(command string, d DesignInfo) (string, error) {
	b, err := json.Marshal(struct {
		Command string
		D       DesignInfo
	}{command, d})
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// WriteManifest writes m as indented JSON.
func (m *Manifest) WriteManifest(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// prepareDir creates Dir with its manifest, or checks that an existing Dir
// holds the same design (resume). With Force, an existing Dir is emptied.
func prepareDir(cfg *Config, m *Manifest) error {
	path := filepath.Join(cfg.Dir, "manifest.json")
	old, err := ReadManifest(cfg.Dir)
	if err == nil && !cfg.Force {
		if err := samePosterior(cfg.Dir, old.Design.Posterior, m.Design.Posterior); err != nil {
			return err
		}
	}
	switch {
	case err == nil && !cfg.Force && old.DesignHash != m.DesignHash:
		return outputError("%s holds a different experiment (design hash %.12s, this command %.12s): use another --out, or --force to replace it",
			cfg.Dir, old.DesignHash, m.DesignHash)
	case err == nil && !cfg.Force:
		return nil // resume
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return outputError("%s: %v (use --force to replace it)", cfg.Dir, err)
	}
	if err := report.CheckSameScenario(cfg.Dir, cfg.Design.Base.Name, cfg.Source); err != nil {
		return fmt.Errorf("%w: %w", ErrOutput, err)
	}
	if err := atomicdir.Check(cfg.Dir, cfg.Force); err != nil && !onlyLeftovers(cfg.Dir) {
		return fmt.Errorf("%w: %w", ErrOutput, err)
	}
	if err := os.RemoveAll(cfg.Dir); err != nil {
		return err
	}
	fault.At("removed old folder")
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return err
	}
	return atomicdir.ReplaceFile(path, m.WriteManifest)
}

// samePosterior refuses to resume an experiment in dir whose replications
// drew from another posterior than this command's, or from the same file
// with other contents: the new rows would mix two posteriors.
func samePosterior(dir string, old, now *report.PosteriorFile) error {
	name := func(p *report.PosteriorFile) string {
		if p == nil {
			return "no --posterior"
		}
		return fmt.Sprintf("--posterior %s (SHA-256 %.12s)", p.File, p.SHA256)
	}
	switch {
	case old == nil && now == nil:
		return nil
	case old != nil && now != nil && old.SHA256 == now.SHA256 && old.File == now.File:
		return nil
	case old != nil && now != nil && old.File == now.File:
		return outputError("%s was started with %s, which has changed since (SHA-256 now %.12s): resuming would mix two posteriors; "+
			"restore the file, or start afresh with another --out or --force", dir, name(old), now.SHA256)
	}
	return outputError("%s was started with %s, this command has %s: use the same posterior to resume, or another --out, or --force",
		dir, name(old), name(now))
}

// onlyLeftovers reports whether dir holds nothing but what a command killed
// before its manifest was in place leaves: the manifest's temporary file.
func onlyLeftovers(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.Name() != "manifest.json.tmp" {
			return false
		}
	}
	return true
}

// ReadManifest reads DIR/manifest.json.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	return &m, nil
}

// RunsHeader is the header of runs.csv for the given key columns.
func RunsHeader(keys []string) []string {
	h := append([]string{}, keys...)
	h = append(h, "rep", "seed")
	return append(h, report.SummaryHeader()...)
}

// StepsHeader is the header of steps.csv for the given key columns.
func StepsHeader(keys []string, s *scenarios.Scenario) []string {
	h := append([]string{}, keys...)
	h = append(h, "rep", "seed")
	return append(h, report.StepsHeader(s.Stages)...)
}

type outputs struct {
	runs, steps *report.Stream
	done        int
}

// openOutputs starts the streamed files, or resumes them: the jobs whose rows
// are complete in every file are kept and replayed to OnRows; the rest is cut.
// runs.csv is renamed last, so it marks a finished experiment; a kill between
// the renames leaves steps.csv final and runs.csv partial, which is undone here.
func openOutputs(cfg *Config, scns []*scenarios.Scenario, jobs []sim.Job) (*outputs, error) {
	runsHeader := RunsHeader(cfg.KeyColumns)
	stepsHeader := StepsHeader(cfg.KeyColumns, cfg.Design.Base)
	o := &outputs{}
	final := filepath.Join(cfg.Dir, "runs.csv")
	if _, err := os.Stat(final); err == nil {
		return o.replayComplete(cfg, scns, jobs, final)
	}
	runs, runRows, err := report.ResumeStream(cfg.Dir, "runs.csv", runsHeader)
	if errors.Is(err, os.ErrNotExist) {
		return o.create(cfg, runsHeader, stepsHeader)
	} else if err != nil {
		return nil, outputError("%v", err)
	}
	o.runs = runs
	var stepRows [][]string
	if cfg.Steps {
		if o.steps, stepRows, err = resumeSteps(cfg.Dir, stepsHeader); err != nil {
			return nil, err
		}
	}
	keepRuns, keepSteps := 0, 0
	for _, j := range jobs {
		nr := groups(scns[j.Point])
		ns := nr * scns[j.Point].Steps()
		if keepRuns+nr > len(runRows) || (cfg.Steps && keepSteps+ns > len(stepRows)) {
			break
		}
		key := jobKey(cfg, j)
		if err := checkKeys(runs.Path(), runRows[keepRuns:keepRuns+nr], key, keepRuns); err != nil {
			return nil, err
		}
		if cfg.Steps {
			if err := checkKeys(o.steps.Path(), stepRows[keepSteps:keepSteps+ns], key, keepSteps); err != nil {
				return nil, err
			}
		}
		if err := cfg.OnRows(j, runRows[keepRuns:keepRuns+nr]); err != nil {
			return nil, err
		}
		keepRuns += nr
		if cfg.Steps {
			keepSteps += ns
		}
		o.done++
	}
	if o.done == len(jobs) && (keepRuns < len(runRows) || keepSteps < len(stepRows)) {
		return nil, outputError("%s: more rows than the design has runs; use --force to rerun", runs.Path())
	}
	if err := o.runs.Truncate(runsHeader, runRows[:keepRuns]); err != nil {
		return nil, err
	}
	if cfg.Steps {
		if err := o.steps.Truncate(stepsHeader, stepRows[:keepSteps]); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// resumeSteps reads steps.csv.partial back. A kill can leave it missing
// (before its creation) or already renamed (before runs.csv was).
func resumeSteps(dir string, header []string) (*report.Stream, [][]string, error) {
	final := filepath.Join(dir, "steps.csv")
	if _, err := os.Stat(final); err == nil {
		if err := os.Rename(final, final+report.PartialSuffix); err != nil {
			return nil, nil, err
		}
	}
	s, rows, err := report.ResumeStream(dir, "steps.csv", header)
	if errors.Is(err, os.ErrNotExist) {
		s, err = report.CreateStream(dir, "steps.csv", header)
		return s, nil, err
	} else if err != nil {
		return nil, nil, outputError("%v", err)
	}
	return s, rows, nil
}

// jobKey is the start of every row of job j: its key values, rep and seed.
func jobKey(cfg *Config, j sim.Job) []string {
	return append(cfg.KeyValues(j.Point), strconv.Itoa(j.Rep), strconv.FormatUint(j.Seed, 10))
}

// checkKeys verifies that rows, the rows of one job starting at row index
// first of file path, all begin with key: a file edited or mixed with
// another's is refused rather than resumed.
func checkKeys(path string, rows [][]string, key []string, first int) error {
	for k, r := range rows {
		if len(r) < len(key) || !slices.Equal(r[:len(key)], key) {
			return outputError("%s, line %d: want a row of %s, found %s; the file was changed, use --force to rerun",
				path, first+k+2, strings.Join(key, ","), strings.Join(r[:min(len(r), len(key))], ","))
		}
	}
	return nil
}

func (o *outputs) create(cfg *Config, runsHeader, stepsHeader []string) (*outputs, error) {
	var err error
	if o.runs, err = report.CreateStream(cfg.Dir, "runs.csv", runsHeader); err != nil {
		return nil, err
	}
	if cfg.Steps {
		if o.steps, err = report.CreateStream(cfg.Dir, "steps.csv", stepsHeader); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// replayComplete handles a finished experiment: nothing to run, its rows are
// checked against the design and replayed so the summary tables can be
// rebuilt.
func (o *outputs) replayComplete(cfg *Config, scns []*scenarios.Scenario, jobs []sim.Job, path string) (*outputs, error) {
	if cfg.Steps {
		// Written by a version that renamed runs.csv first.
		steps := filepath.Join(cfg.Dir, "steps.csv")
		if _, err := os.Stat(steps); errors.Is(err, os.ErrNotExist) {
			if err := os.Rename(steps+report.PartialSuffix, steps); err != nil {
				return nil, outputError("%s: %v; use --force to rerun", cfg.Dir, err)
			}
		}
	}
	_, rows, err := report.ReadCSV(path)
	if err != nil {
		return nil, outputError("%v", err)
	}
	at := 0
	for _, j := range jobs {
		n := groups(scns[j.Point])
		if at+n > len(rows) {
			return nil, outputError("%s: fewer rows than the design has runs; use --force to rerun", path)
		}
		if err := checkKeys(path, rows[at:at+n], jobKey(cfg, j), at); err != nil {
			return nil, err
		}
		if err := cfg.OnRows(j, rows[at:at+n]); err != nil {
			return nil, err
		}
		at += n
	}
	if at != len(rows) {
		return nil, outputError("%s: more rows than the design has runs; use --force to rerun", path)
	}
	o.done = len(jobs)
	return o, nil
}

func (o *outputs) write(cfg *Config, scns []*scenarios.Scenario, out sim.Outcome) error {
	j := out.Job
	prefix := jobKey(cfg, j)
	rows := make([][]string, 0, len(out.Summaries))
	for _, s := range out.Summaries {
		rows = append(rows, append(append([]string{}, prefix...), report.SummaryRecord(s)...))
	}
	if err := o.runs.WriteJob(rows); err != nil {
		return err
	}
	if err := cfg.OnRows(j, rows); err != nil {
		return err
	}
	if !cfg.Steps {
		return nil
	}
	s := scns[j.Point]
	steps := make([][]string, 0, len(out.Steps))
	for _, st := range out.Steps {
		steps = append(steps, append(append([]string{}, prefix...), report.StepRecord(s, st)...))
	}
	return o.steps.WriteJob(steps)
}

// close renames steps.csv before runs.csv: runs.csv marks the end.
func (o *outputs) close(complete bool) error {
	var err error
	for _, s := range []*report.Stream{o.steps, o.runs} {
		if s != nil {
			if cerr := s.Close(complete && err == nil); err == nil {
				err = cerr
			}
		}
	}
	return err
}

// groups is the number of summary rows per run of s.
func groups(s *scenarios.Scenario) int {
	n := 0
	for _, nw := range s.Networks {
		n++
		if nw.NonMembers > 0 {
			n++
		}
	}
	return n
}

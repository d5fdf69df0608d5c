package experiment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/internal/atomicdir"
	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

func TestParseShard(t *testing.T) {
	cases := []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"", Shard{0, 1}, true},
		{"0/1", Shard{0, 1}, true},
		{"3/4", Shard{3, 4}, true},
		{"0/4", Shard{0, 4}, true},
		{"9/10", Shard{9, 10}, true},
		{"4/4", Shard{}, false},
		{"5/4", Shard{}, false},
		{"-1/2", Shard{}, false},
		{"1/0", Shard{}, false},
		{"0/0", Shard{}, false},
		{"0/-1", Shard{}, false},
		{"a/b", Shard{}, false},
		{"1/2/3", Shard{}, false},
		{" 1/2", Shard{}, false},
		{"1/2 ", Shard{}, false},
		{"1 /2", Shard{}, false},
		{"01/2", Shard{}, false},
		{"1/02", Shard{}, false},
		{"+1/2", Shard{}, false},
		{"1/", Shard{}, false},
		{"/2", Shard{}, false},
		{"1", Shard{}, false},
		{"1-2", Shard{}, false},
	}
	for _, c := range cases {
		got, err := ParseShard(c.in)
		if c.ok {
			if err != nil || got != c.want {
				t.Errorf("ParseShard(%q) = %v, %v; want %v", c.in, got, err, c.want)
			}
			if c.in != "" && got.String() != c.in {
				t.Errorf("ParseShard(%q).String() = %q", c.in, got.String())
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseShard(%q) = %v, want an error", c.in, got)
		} else if !strings.Contains(err.Error(), "--shard") || !strings.Contains(err.Error(), c.in) {
			t.Errorf("ParseShard(%q) error %q does not name the flag and value", c.in, err)
		}
		if got != (Shard{}) {
			t.Errorf("ParseShard(%q) = %v with its error, want the zero Shard", c.in, got)
		}
	}
}

// small is the thesis scenario cut to three years and 8-10 members per network,
// so that a run takes a few milliseconds.
func small(t *testing.T) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Builtin("thesis")
	if err != nil {
		t.Fatal(err)
	}
	sets := []string{"end=2009Q4", "network.oreec.non_members=4"}
	for _, nw := range s.Networks {
		sets = append(sets, "network."+nw.ID+".initial_members=5", "network."+nw.ID+".members=8")
	}
	if err := s.Resolve(sets, "thesis"); err != nil {
		t.Fatal(err)
	}
	return s
}

var testPoints = []sim.Point{
	{Label: "p0"},
	{Label: "p1", Set: []string{"funding.scale=0.5"}},
	{Label: "p2", Set: []string{"funding.scale=1.5"}},
	{Label: "p3", Set: []string{"funding.scale=2"}},
	{Label: "p4", Set: []string{"peer.seek_prob=0"}},
}

// config is a sweep-like experiment of testPoints into dir.
func config(t *testing.T, dir string, seed uint64, shard Shard, steps bool) *Config {
	t.Helper()
	d := &sim.Design{Base: small(t), Points: testPoints, Reps: 2, Seed: seed}
	return &Config{Dir: dir, Command: "sweep", Source: "builtin:thesis", Design: d, Shard: shard, Workers: 2,
		Steps: steps, KeyColumns: []string{"point"},
		KeyValues: func(p int) []string { return []string{testPoints[p].Label} },
		Extra:     map[string]any{"design": "test"},
		OnRows:    func(sim.Job, [][]string) error { return nil }}
}

func run(t *testing.T, cfg *Config) int {
	t.Helper()
	n, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run %s shard %s: %v", cfg.Dir, cfg.Shard, err)
	}
	return n
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMerge: merging the shards of an experiment gives the files of the
// unsharded experiment, byte for byte, whatever order the shards are given;
// also with more shards than points (some shards empty).
func TestMerge(t *testing.T) {
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	if n := run(t, config(t, whole, 5, Shard{0, 1}, true)); n != len(testPoints)*2 {
		t.Fatalf("unsharded run ran %d jobs, want %d", n, len(testPoints)*2)
	}
	for _, n := range []int{3, 7} {
		var shards []string
		for i := range n {
			dir := filepath.Join(root, fmt.Sprintf("shard-%d-of-%d", i, n))
			got := run(t, config(t, dir, 5, Shard{i, n}, true))
			// Points i, i+n, ... of 5, two reps each.
			if want := 2 * ((len(testPoints) - i + n - 1) / n); got != want {
				t.Errorf("shard %d/%d ran %d jobs, want %d", i, n, got, want)
			}
			shards = append(shards, dir)
		}
		reversed := slices.Clone(shards)
		slices.Reverse(reversed)
		for _, dirs := range [][]string{shards, reversed} {
			out := filepath.Join(root, "merged")
			if err := Merge(dirs, out, true, nil, nil); err != nil {
				t.Fatalf("Merge %v: %v", dirs, err)
			}
			for _, name := range []string{"runs.csv", "steps.csv", "manifest.json"} {
				if got, want := read(t, filepath.Join(out, name)), read(t, filepath.Join(whole, name)); !bytes.Equal(got, want) {
					t.Errorf("%d shards: merged %s differs from the unsharded run's (%d vs %d bytes)", n, name, len(got), len(want))
				}
			}
		}
		// The shards are left as they were.
		for i, d := range shards {
			m, err := ReadManifest(d)
			if err != nil || m.Design.Shard != (Shard{i, n}).String() {
				t.Errorf("%s: manifest %v, %v", d, m, err)
			}
		}
	}
}

func TestMergeErrors(t *testing.T) {
	root := t.TempDir()
	dir := func(name string) string { return filepath.Join(root, name) }
	run(t, config(t, dir("a0"), 1, Shard{0, 2}, false))
	run(t, config(t, dir("a1"), 1, Shard{1, 2}, false))
	run(t, config(t, dir("b1"), 2, Shard{1, 2}, false))    // another seed
	run(t, config(t, dir("s1"), 1, Shard{1, 2}, true))     // with steps.csv: another design
	run(t, config(t, dir("c0"), 1, Shard{0, 3}, false))    // a shard of three
	run(t, config(t, dir("whole"), 1, Shard{0, 1}, false)) // unsharded

	// An interrupted shard: it stops with an error after the first job, so
	// only runs.csv.partial is there.
	stop := errors.New("stop")
	cfg := config(t, dir("cut1"), 1, Shard{1, 2}, false)
	cfg.OnRows = func(sim.Job, [][]string) error { return stop }
	if _, err := Run(context.Background(), cfg); !errors.Is(err, stop) {
		t.Fatalf("interrupted run: %v, want the OnRows error", err)
	}
	if _, err := os.Stat(filepath.Join(dir("cut1"), "runs.csv"+report.PartialSuffix)); err != nil {
		t.Fatalf("interrupted run left no partial file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir("cut1"), "runs.csv")); err == nil {
		t.Fatal("interrupted run wrote runs.csv")
	}
	if err := os.Mkdir(dir("empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir("taken"), 0o755); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name  string
		dirs  []string
		out   string
		force bool
		want  []string // substrings of the error
		is    error
	}{
		{"no dirs", nil, "m1", false, []string{"no shard folders"}, nil},
		{"shard twice", []string{dir("a0"), dir("a0")}, "m2", false, []string{"given twice", "0/2"}, nil},
		{"shard twice among three", []string{dir("c0"), dir("c0"), dir("a1")}, "m3", false, []string{"given twice", "0/3"}, nil},
		{"mixed shard counts", []string{dir("c0"), dir("a1"), dir("a0")}, "m3b", false, []string{dir("a1"), "shard 1/2", "3 shard folders"}, nil},
		{"other seed", []string{dir("a0"), dir("b1")}, "m4", false, []string{"different experiment", dir("b1")}, nil},
		{"other design", []string{dir("a0"), dir("s1")}, "m5", false, []string{"different experiment", dir("s1")}, nil},
		{"incomplete shard", []string{dir("a0"), dir("cut1")}, "m6", false, []string{"not complete", dir("cut1"), "runs.csv"}, nil},
		{"too few shards", []string{dir("a0")}, "m7", false, []string{"shard 0/2", "1 shard folders"}, nil},
		{"too many shards", []string{dir("a0"), dir("a1"), dir("whole")}, "m8", false, []string{"shard 0/2", "3 shard folders"}, nil},
		{"no manifest", []string{dir("a0"), dir("empty")}, "m9", false, []string{dir("empty")}, os.ErrNotExist},
		{"missing folder", []string{dir("a0"), dir("nope")}, "m10", false, []string{dir("nope")}, os.ErrNotExist},
		{"output exists", []string{dir("a0"), dir("a1")}, "taken", false, nil, atomicdir.ErrExists},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := dir(c.out)
			err := Merge(c.dirs, out, c.force, nil, nil)
			if err == nil {
				t.Fatal("Merge succeeded, want an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %q is not %v", err, c.is)
			}
			if c.out != "taken" {
				if _, serr := os.Stat(out); serr == nil {
					t.Errorf("a failed Merge created %s", out)
				}
			} else if es, _ := os.ReadDir(out); len(es) != 0 {
				t.Errorf("a failed Merge wrote into the existing %s", out)
			}
		})
	}
	// No temporary folders are left beside the outputs.
	es, _ := os.ReadDir(root)
	for _, e := range es {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary %s left in %s", e.Name(), root)
		}
	}

	// The same shards with force replace the existing output.
	if err := Merge([]string{dir("a1"), dir("a0")}, dir("taken"), true, nil, nil); err != nil {
		t.Fatalf("Merge with force: %v", err)
	}
	if !bytes.Equal(read(t, filepath.Join(dir("taken"), "runs.csv")), read(t, filepath.Join(dir("whole"), "runs.csv"))) {
		t.Error("merged runs.csv differs from the unsharded run's")
	}
}

// TestResume: an experiment stopped after some jobs continues where it
// stopped, and its files equal those of an uninterrupted run.
func TestResume(t *testing.T) {
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	run(t, config(t, whole, 3, Shard{0, 1}, true))
	total := len(testPoints) * 2

	for _, stopAfter := range []int{1, 4, total - 1} {
		dir := filepath.Join(root, "cut")
		cfg := config(t, dir, 3, Shard{0, 1}, true)
		cfg.Force = true
		boom := errors.New("stop")
		seen := 0
		cfg.OnRows = func(sim.Job, [][]string) error {
			seen++
			if seen == stopAfter {
				return boom
			}
			return nil
		}
		if _, err := Run(context.Background(), cfg); !errors.Is(err, boom) {
			t.Fatalf("stopped run: %v", err)
		}
		// Cut the last line short, as a kill in the middle of a write would.
		partial := filepath.Join(dir, "runs.csv"+report.PartialSuffix)
		b := read(t, partial)
		if err := os.WriteFile(partial, append(b, "p9,0,123"...), 0o644); err != nil {
			t.Fatal(err)
		}

		cfg = config(t, dir, 3, Shard{0, 1}, true)
		var replayed []int
		cfg.OnRows = func(j sim.Job, rows [][]string) error {
			replayed = append(replayed, j.Index)
			if len(rows) != 4 { // 3 networks, one with comparison firms
				t.Errorf("job %d: %d rows, want 4", j.Index, len(rows))
			}
			return nil
		}
		n := run(t, cfg)
		// The job whose OnRows failed was written to runs.csv before OnRows ran,
		// but steps.csv was not, so it is run again.
		if want := total - (stopAfter - 1); n != want {
			t.Errorf("stop after %d: resumed run ran %d jobs, want %d", stopAfter, n, want)
		}
		if want := slices.Collect(func(yield func(int) bool) {
			for i := range total {
				if !yield(i) {
					return
				}
			}
		}); !slices.Equal(replayed, want) {
			t.Errorf("stop after %d: OnRows saw jobs %v, want %v", stopAfter, replayed, want)
		}
		for _, name := range []string{"runs.csv", "steps.csv", "manifest.json"} {
			if !bytes.Equal(read(t, filepath.Join(dir, name)), read(t, filepath.Join(whole, name))) {
				t.Errorf("stop after %d: resumed %s differs from an uninterrupted run's", stopAfter, name)
			}
		}

		// Running the complete experiment again runs nothing and replays all.
		replayed = nil
		if n := run(t, cfg); n != 0 || len(replayed) != total {
			t.Errorf("rerun of a complete experiment ran %d jobs and replayed %d, want 0 and %d", n, len(replayed), total)
		}
	}
}

func TestRunRefuses(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "exp")
	run(t, config(t, dir, 1, Shard{0, 1}, false))
	before := read(t, filepath.Join(dir, "runs.csv"))

	// Another design in the same folder.
	_, err := Run(context.Background(), config(t, dir, 2, Shard{0, 1}, false))
	if err == nil || !strings.Contains(err.Error(), "different experiment") {
		t.Errorf("Run with another seed into %s = %v, want a refusal", dir, err)
	}
	if !bytes.Equal(read(t, filepath.Join(dir, "runs.csv")), before) {
		t.Error("a refused Run changed runs.csv")
	}
	// With force it replaces it.
	cfg := config(t, dir, 2, Shard{0, 1}, false)
	cfg.Force = true
	if n := run(t, cfg); n != len(testPoints)*2 {
		t.Errorf("forced run ran %d jobs", n)
	}
	if bytes.Equal(read(t, filepath.Join(dir, "runs.csv")), before) {
		t.Error("forced run with another seed wrote the same runs.csv")
	}

	// A folder with other files and no manifest.
	other := filepath.Join(root, "other")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), config(t, other, 1, Shard{0, 1}, false)); !errors.Is(err, atomicdir.ErrExists) {
		t.Errorf("Run into a folder with other files = %v, want ErrExists", err)
	}
	// A corrupt manifest.
	if err := os.WriteFile(filepath.Join(other, "manifest.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), config(t, other, 1, Shard{0, 1}, false)); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("Run into a folder with a corrupt manifest = %v, want an error suggesting --force", err)
	}
}

func TestHeaders(t *testing.T) {
	s := small(t)
	keys := []string{"point", "funding.scale"}
	rh := RunsHeader(keys)
	if want := append([]string{"point", "funding.scale", "rep", "seed"}, report.SummaryHeader()...); !slices.Equal(rh, want) {
		t.Errorf("RunsHeader = %v", rh)
	}
	sh := StepsHeader(keys, s)
	if want := append([]string{"point", "funding.scale", "rep", "seed"}, report.StepsHeader(s.Stages)...); !slices.Equal(sh, want) {
		t.Errorf("StepsHeader = %v", sh)
	}
	// The caller's slice is not aliased.
	keys[0] = "changed"
	if rh[0] != "point" || sh[0] != "point" {
		t.Error("headers alias the key slice")
	}
}

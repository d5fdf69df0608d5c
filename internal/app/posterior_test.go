package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/sim"
)

// widePosterior writes a posterior.csv whose last generation holds two
// equally weighted values of firm.step_rate far apart: a wide posterior.
func widePosterior(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "posterior.csv")
	text := "generation,weight,distance,firm.step_rate\n0,1,0,0.2\n1,0.5,0,0.05\n1,0.5,0,0.6\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// sameDirs fails unless dirs a and b hold the same files, byte for byte.
func sameDirs(t *testing.T, a, b string) {
	t.Helper()
	entries, err := os.ReadDir(a)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sameFiles(t, a, b, names...)
}

func manifestPosterior(t *testing.T, dir string) *report.PosteriorFile {
	t.Helper()
	var m report.Manifest
	if err := json.Unmarshal(read(t, filepath.Join(dir, "manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	return m.Posterior
}

// run --posterior draws its particle from the run's seed exactly as an
// experiment's replication with that seed does: run --seed <seed of
// replication r> reruns compare's baseline of replication r. The same seed
// gives the same files for any --workers, and the manifest names the file,
// its SHA-256 and the particle.
func TestRunPosterior(t *testing.T) {
	dir := t.TempDir()
	post := widePosterior(t, dir)
	mustRun(t, "compare", "--scenario", "testdata/small.toml", "--builtin=false", "--reps", "4", "--seed", "5",
		"--posterior", post, "--quiet", "--out", filepath.Join(dir, "cmp"))
	_, runs, err := report.ReadCSV(filepath.Join(dir, "cmp", "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	small, _, err := loadScenario("testdata/small.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := loadPosterior(post, small)
	if err != nil {
		t.Fatal(err)
	}
	drawn := map[int]bool{}
	for r := range 4 {
		seed := strconv.FormatUint(sim.RepSeed(5, r), 10)
		var want []string
		for _, row := range runs {
			if row[0] == "baseline" && row[1] == strconv.Itoa(r) {
				want = append(want, strings.Join(row[3:], ","))
			}
		}
		out := filepath.Join(dir, "run"+strconv.Itoa(r))
		mustRun(t, "run", "--scenario", "testdata/small.toml", "--seed", seed, "--posterior", post, "--quiet", "--out", out)
		_, got, err := report.ReadCSV(filepath.Join(out, "summary.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("replication %d: %d summary rows, %d in runs.csv", r, len(got), len(want))
		}
		for k := range got {
			if strings.Join(got[k], ",") != want[k] {
				t.Errorf("replication %d: run --seed %s gives\n%s\ncompare gave\n%s", r, seed, strings.Join(got[k], ","), want[k])
			}
		}
		rec := manifestPosterior(t, out)
		if rec == nil || rec.File != post || len(rec.SHA256) != 64 || rec.Particle != p.Draw(5, r)+1 {
			t.Errorf("replication %d: manifest posterior %+v, want %s, particle %d", r, rec, post, p.Draw(5, r)+1)
		}
		drawn[p.Draw(5, r)] = true
	}
	if len(drawn) != 2 {
		t.Errorf("4 replications drew only particles %v; the test needs both", drawn)
	}
	// Any worker count, the same files.
	one, three := filepath.Join(dir, "w1"), filepath.Join(dir, "w3")
	mustRun(t, "run", "--scenario", "testdata/small.toml", "--seed", "9", "--posterior", post, "--workers", "1", "--quiet", "--out", one)
	mustRun(t, "run", "--scenario", "testdata/small.toml", "--seed", "9", "--posterior", post, "--workers", "3", "--quiet", "--out", three)
	sameDirs(t, one, three)
	// Without --posterior the manifest says nothing of one.
	plain := filepath.Join(dir, "plain")
	mustRun(t, "run", "--scenario", "testdata/small.toml", "--seed", "9", "--quiet", "--out", plain)
	if rec := manifestPosterior(t, plain); rec != nil {
		t.Errorf("run without --posterior records %+v", rec)
	}
}

// reproduce --posterior: the claims' intervals are wider with a wide
// posterior than without one, the files are the same for any --workers,
// the manifest and report name the posterior, and --robust with it is
// refused.
func TestReproducePosterior(t *testing.T) {
	dir := t.TempDir()
	post := widePosterior(t, dir)
	// The baseline's entries per member (compare.csv, behind the
	// dose-response figure), summed over networks; paired effects need not
	// widen when the drawn parameter hardly changes them.
	width := func(out string) float64 {
		w := 0.0
		for _, line := range strings.Split(string(read(t, filepath.Join(out, "compare.csv"))), "\n") {
			f := strings.Split(line, ",")
			if len(f) > 6 && f[0] == "baseline" && f[2] == "member" && f[3] == "entries_per_member" {
				w += cell(f[6]) - cell(f[5])
			}
		}
		return w
	}
	args := []string{"reproduce", "--reps", "4", "--seed", "3", "--quiet"}
	plain, one, two := filepath.Join(dir, "plain"), filepath.Join(dir, "one"), filepath.Join(dir, "two")
	mustRun(t, append(args, "--out", plain)...)
	mustRun(t, append(args, "--posterior", post, "--workers", "1", "--out", one)...)
	mustRun(t, append(args, "--posterior", post, "--workers", "2", "--out", two)...)
	sameDirs(t, one, two)
	if wp, wd := width(plain), width(one); !(wd > wp) {
		t.Errorf("baseline intervals %g wide with --posterior, %g without; want wider", wd, wp)
	}
	if rec := manifestPosterior(t, one); rec == nil || rec.File != post || rec.Particles != 2 {
		t.Errorf("manifest posterior %+v", rec)
	}
	if md := string(read(t, filepath.Join(one, "report.md"))); !strings.Contains(md, "**Parameter uncertainty.**") ||
		!strings.Contains(md, "Toni, T., Welch, D.") || !strings.Contains(md, "Regenerate: `rinsim reproduce") {
		t.Error("reproduce report.md does not say that parameters were drawn from a posterior, or how to regenerate it")
	}
	_, stderr, code := execute(t, context.Background(), append(args, "--posterior", post, "--robust", "2", "--out", filepath.Join(dir, "rob"))...)
	if code != ExitUsage || !strings.Contains(stderr, "--robust") {
		t.Errorf("--robust with --posterior: exit %d, %s", code, stderr)
	}
}

// compare resumes only with the posterior it started with: the manifest
// records the file's SHA-256, and a changed file or another file is
// refused (exit 2, nothing touched); the same file resumes.
func TestCompareResumeChangedPosterior(t *testing.T) {
	dir := t.TempDir()
	post := widePosterior(t, dir)
	out := filepath.Join(dir, "cmp")
	args := []string{"compare", "--scenario", "testdata/small.toml", "--builtin=false", "--reps", "2", "--quiet", "--out", out}
	mustRun(t, append(args, "--posterior", post)...)
	var m struct {
		Design struct {
			Posterior *report.PosteriorFile `json:"posterior"`
		} `json:"design"`
	}
	if err := json.Unmarshal(read(t, filepath.Join(out, "manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	if p := m.Design.Posterior; p == nil || p.File != post || len(p.SHA256) != 64 {
		t.Fatalf("manifest design posterior %+v", p)
	}
	runs := read(t, filepath.Join(out, "runs.csv"))
	mustRun(t, append(args, "--posterior", post)...) // same file: resumes
	other := filepath.Join(dir, "other.csv")
	if err := os.WriteFile(other, read(t, post), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(post, []byte("generation,weight,distance,firm.step_rate\n0,1,0,0.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"changed file", []string{"--posterior", post}, "has changed since"},
		{"another file", []string{"--posterior", other}, "use the same posterior to resume"},
		{"no posterior", nil, "this command has no --posterior"},
	} {
		_, stderr, code := execute(t, context.Background(), append(args, c.args...)...)
		if code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %s; want exit 2 and %q", c.name, code, stderr, c.want)
		}
		if !bytes.Equal(read(t, filepath.Join(out, "runs.csv")), runs) {
			t.Errorf("%s: runs.csv changed", c.name)
		}
	}
}

// readPosterior refuses a file over its limit, and hashes exactly the
// bytes of a file within it.
func TestReadPosteriorLimit(t *testing.T) {
	text := "generation,weight,distance,firm.step_rate\n0,1,0.1,0.2\n0,1,0.1,0.3\n"
	p, sum, err := readPosterior(strings.NewReader(text), int64(len(text)))
	want := sha256.Sum256([]byte(text))
	if err != nil || len(p.Theta) != 2 || sum != hex.EncodeToString(want[:]) {
		t.Errorf("at the limit: %v, %d particles, sha256 %s", err, len(p.Theta), sum)
	}
	if _, _, err := readPosterior(strings.NewReader(text), int64(len(text))-1); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a byte over the limit: %v", err)
	}
}

package app

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/scenarios"
)

var testLimits = Limits{MaxReps: 50, MaxFirms: 1000, MaxRuns: 1, Timeout: time.Minute}

func newTestServer(t *testing.T, scenario string, lim Limits) (*Server, *httptest.Server) {
	t.Helper()
	base, err := scenarios.Load(scenario)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(base, scenario, lim)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// compareCLI runs `rinsim compare` for one scenario against the baseline and
// returns compare.csv's member rows by "scenario/network/metric".
func compareCLI(t *testing.T, scenario, name string, sets []string, reps int, seed uint64, extra ...string) map[string][]string {
	t.Helper()
	dir := t.TempDir()
	var quoted []string
	for _, s := range sets {
		quoted = append(quoted, fmt.Sprintf("%q", s))
	}
	file := filepath.Join(dir, "set.toml")
	os.WriteFile(file, []byte(fmt.Sprintf("[[scenario]]\nname = %q\nset = [%s]\n", name, strings.Join(quoted, ", "))), 0o644)
	out := filepath.Join(dir, "out")
	mustRun(t, append([]string{"compare", "--quiet", "--scenario", scenario, "--builtin=false", "--scenarios", file,
		"--reps", fmt.Sprint(reps), "--seed", fmt.Sprint(seed), "--out", out}, extra...)...)
	_, rows, err := report.ReadCSV(filepath.Join(out, "compare.csv"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]string{}
	for _, r := range rows {
		if r[2] == "member" {
			m[r[0]+"/"+r[1]+"/"+r[3]] = r
		}
	}
	return m
}

// diffWords is how the page and report.md write a paired change of entries
// per member: "+0.070 entries per member, 95 % interval 0.042 to 0.099".
func diffWords(t *testing.T, row []string) string {
	t.Helper()
	var d, lo, hi float64
	if _, err := fmt.Sscan(row[8], &d); err != nil {
		t.Fatal(err)
	}
	fmt.Sscan(row[9], &lo)
	fmt.Sscan(row[10], &hi)
	return fmt.Sprintf("%+.3f entries per member, 95 %% interval %.3f to %.3f", d, lo, hi)
}

func TestServeMatchesCompare(t *testing.T) {
	_, ts := newTestServer(t, "testdata/small.toml", testLimits)
	code, page := get(t, ts.URL+"/?f.alpha=2&m.beta.arena=on&y.beta.arena=2010&a.alpha=county&ay.alpha=2010&an.alpha=500000&reps=6&seed=3&name=mine&run=1")
	if code != http.StatusOK {
		t.Fatalf("status %d:\n%s", code, page)
	}
	page = html.UnescapeString(page)
	cli := compareCLI(t, "testdata/small.toml", "mine", []string{"funding.alpha.scale=2", "network.beta.stream.arena.on_from=2010",
		"network.alpha.stream.county.on_from=2010", "network.alpha.stream.county.nok_per_year=500000"}, 6, 3)
	for _, net := range []string{"Alpha (well funded) (alpha)", "Beta (loses its programme) (beta)"} {
		id := net[strings.LastIndex(net, "(")+1 : len(net)-1]
		want := "Members of " + net + ": " + diffWords(t, cli["mine/"+id+"/entries_per_member"])
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, want := range []string{"Extra public funding over the run", "per additional entry", "data:image/svg+xml;base64,",
		"funding.alpha.scale=2"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Every link carries the settings.
	for _, link := range []string{"/?", "/scenario.toml?", "/compare.csv?", "/over-time.csv?", "/report?"} {
		want := link + "a.alpha=county&an.alpha=500000&ay.alpha=2010&f.alpha=2&m.beta.arena=on&name=mine&reps=6&seed=3&y.beta.arena=2010"
		if !strings.Contains(page, `href="`+want) {
			t.Errorf("page has no link %s", want)
		}
	}
}

// With --posterior the page draws each replication's parameters as
// `rinsim compare --posterior` does: the same effect in words, and the
// equivalent command names the file.
func TestServePosteriorMatchesCompare(t *testing.T) {
	post := filepath.Join(t.TempDir(), "posterior.csv")
	text := "generation,weight,distance,firm.step_rate\n0,1,0,0.2\n1,0.5,0,0.02\n1,0.5,0,0.6\n"
	if err := os.WriteFile(post, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s, ts := newTestServer(t, "testdata/small.toml", testLimits)
	p, _, err := loadPosterior(post, s.base)
	if err != nil {
		t.Fatal(err)
	}
	s.post, s.postPath = p, post
	code, page := get(t, ts.URL+"/?f.alpha=2&reps=6&seed=3&name=mine&run=1")
	if code != http.StatusOK {
		t.Fatalf("status %d:\n%s", code, page)
	}
	page = html.UnescapeString(page)
	drawn := compareCLI(t, "testdata/small.toml", "mine", []string{"funding.alpha.scale=2"}, 6, 3, "--posterior", post)
	plain := compareCLI(t, "testdata/small.toml", "mine", []string{"funding.alpha.scale=2"}, 6, 3)
	want := "Members of Alpha (well funded) (alpha): " + diffWords(t, drawn["mine/alpha/entries_per_member"])
	if !strings.Contains(page, want) {
		t.Errorf("page lacks %q", want)
	}
	if without := diffWords(t, plain["mine/alpha/entries_per_member"]); strings.Contains(page, "(alpha): "+without) && without != diffWords(t, drawn["mine/alpha/entries_per_member"]) {
		t.Errorf("page shows the effect without the posterior: %q", without)
	}
	if !strings.Contains(page, "--posterior "+post) {
		t.Error("the equivalent command does not name the posterior file")
	}
}

// Every field is checked by the CLI's code: the page shows the message
// `rinsim run --set` prints, next to the field.
func TestServeValidatesAsCLI(t *testing.T) {
	tests := []struct {
		name, query string
		set         []string // the same overrides on the command line; nil: no CLI counterpart
		want        string
	}{
		{"not a number", "f.alpha=abc", []string{"funding.alpha.scale=abc"}, `network.alpha.funding_scale: "abc" is not a finite number`},
		{"out of range", "f.alpha=500", []string{"funding.alpha.scale=500"}, "network.alpha.funding_scale: 500 is out of range; allowed [0, 100] multiplier"},
		{"bad year", "m.beta.arena=off&y.beta.arena=soon", []string{"network.beta.stream.arena.off_from=soon"}, `"soon" is not a year`},
		{"year after the end", "m.beta.arena=on&y.beta.arena=2030", []string{"network.beta.stream.arena.on_from=2030"}, "2030 is after the end of the run"},
		{"free-form key", "set=firm.step_rat%3D0.3", []string{"firm.step_rat=0.3"}, `unknown parameter "firm.step_rat"`},
		{"lever out of range", "public.county_stand_share=2", []string{"public.county_stand_share=2"}, "public.county_stand_share: 2 is out of range"},
		{"outreach out of range", "o.alpha=2", []string{"network.alpha.outreach_share=2"}, "network.alpha.outreach_share: 2 is out of range; allowed [0, 1] fraction"},
		{"year missing", "m.beta.arena=off", nil, "give the year from which the programme is off"},
		{"programme it has", "a.alpha=arena&ay.alpha=2010", nil, `"arena": want one of county, vri, nce`},
		{"added programme's amount", "a.alpha=county&ay.alpha=2010&an.alpha=lots", []string{"network.alpha.stream.county.on_from=2010", "network.alpha.stream.county.nok_per_year=lots"}, `network.alpha.stream.county.nok_per_year: "lots" is not a finite number`},
		{"too many replications", "reps=51", nil, "--reps 51: allowed 2 to 50 replications"},
		{"bad seed", "seed=-1", nil, `--seed "-1"`},
		{"reserved name", "name=baseline", nil, `name "baseline" must not be`},
	}
	_, ts := newTestServer(t, "testdata/small.toml", testLimits)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, page := get(t, ts.URL+"/?run=1&"+tt.query)
			page = html.UnescapeString(page)
			if code != http.StatusBadRequest {
				t.Errorf("status %d, want 400", code)
			}
			if !strings.Contains(page, `class="err">`) || !strings.Contains(page, tt.want) {
				t.Errorf("page does not show %q next to a field", tt.want)
			}
			if tt.set == nil {
				return
			}
			args := []string{"run", "--quiet", "--scenario", "testdata/small.toml", "--out", filepath.Join(t.TempDir(), "o")}
			for _, s := range tt.set {
				args = append(args, "--set", s)
			}
			_, stderr, ec := execute(t, context.Background(), args...)
			if ec != ExitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("CLI: exit %d, stderr %q; want 2 and %q", ec, stderr, tt.want)
			}
		})
	}
}

func TestServeLimits(t *testing.T) {
	lim := testLimits
	lim.MaxFirms = 50 // small.toml has 65 firms
	s, ts := newTestServer(t, "testdata/small.toml", lim)
	if code, page := get(t, ts.URL+"/?reps=2&run=1"); code != http.StatusBadRequest || !strings.Contains(page, "the scenario has 65 firms; this server runs at most 50") {
		t.Errorf("population limit: status %d", code)
	}
	if code, page := get(t, ts.URL+"/?run=1&set=synthetic.smes%3D1000000%0Asynthetic.networks%3D10"); code != http.StatusBadRequest ||
		!strings.Contains(page, "synthetic.smes: 1000000 firms; this server runs at most 50") {
		t.Errorf("synthetic population: status %d", code)
	}
	// small.toml: 2 networks, alpha with comparison firms: 3 rows a quarter,
	// 776 quarters to 2200Q4, 50 replications: 116,400 rows.
	_, ts2 := newTestServer(t, "testdata/small.toml", testLimits)
	if code, page := get(t, ts2.URL+"/?reps=50&run=1&set=end%3D2200Q4"); code != http.StatusBadRequest ||
		!strings.Contains(page, "rows of quarterly results per scenario; this server keeps at most 100000") {
		t.Errorf("long run: status %d: %s", code, page[strings.Index(page, "<body>"):])
	}
	s.slots <- struct{}{} // the one comparison slot is taken
	defer func() { <-s.slots }()
	if code, page := get(t, ts.URL+"/?reps=3&run=1"); code != http.StatusTooManyRequests || !strings.Contains(page, "busy") {
		t.Errorf("busy server: status %d, want 429", code)
	}
	if code, _ := get(t, ts.URL+"/compare.csv?reps=3"); code != http.StatusTooManyRequests {
		t.Errorf("busy server, download: status %d, want 429", code)
	}
	resp, err := http.Post(ts.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", resp.StatusCode)
	}
}

// The downloaded scenario runs with `rinsim run --scenario`, and gives the
// scenario's funding.
func TestServeScenarioTOMLRuns(t *testing.T) {
	_, ts := newTestServer(t, "testdata/small.toml", testLimits)
	q := url.Values{"f.alpha": {"2"}, "m.beta.arena": {"off"}, "y.beta.arena": {"2008"}, "name": {"alpha x2"}}
	code, body := get(t, ts.URL+"/scenario.toml?"+q.Encode())
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	file := filepath.Join(t.TempDir(), "s.toml")
	os.WriteFile(file, []byte(body), 0o644)
	out := filepath.Join(t.TempDir(), "run")
	mustRun(t, "run", "--quiet", "--scenario", file, "--out", out)
	s, err := scenarios.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "alpha x2" || s.Networks[0].FundingScale != 2 || s.Networks[1].Streams[0].To != 2007 {
		t.Errorf("scenario %s: alpha funding x%v, beta arena to %d; want alpha x2, x2, to 2007", s.Name, s.Networks[0].FundingScale, s.Networks[1].Streams[0].To)
	}
	if code, csv := get(t, ts.URL+"/compare.csv?reps=3&"+q.Encode()); code != http.StatusOK || !strings.HasPrefix(csv, "scenario,network,group,metric") {
		t.Errorf("compare.csv: status %d", code)
	}
	if code, csv := get(t, ts.URL+"/over-time.csv?reps=3&"+q.Encode()); code != http.StatusOK || !strings.Contains(csv, "alpha x2,alpha,2007,entrant_share") {
		t.Errorf("over-time.csv: status %d:\n%.300s", code, csv)
	}
	if code, page := get(t, ts.URL+"/report?reps=3&"+q.Encode()); code != http.StatusOK || !strings.Contains(page, "@media print") {
		t.Errorf("report: status %d", code)
	}
}

// FuzzForm: any query string gives a page state without panicking, and
// settings the form accepts resolve for the CLI too.
func FuzzForm(f *testing.F) {
	for _, q := range []string{"f.alpha=2&run=1", "m.beta.arena=off&y.beta.arena=2009", "set=firm.step_rate%3D0.3%0Afunding.scale%3D2",
		"o.alpha=0.5&reps=3&seed=7&name=x", "m.beta.county=on&y.beta.county=1e3", "f.alpha=NaN", "set=synthetic.smes%3D99"} {
		f.Add(q)
	}
	base, err := scenarios.Load("testdata/small.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		fm := parseForm(base, q, testLimits)
		if fm.hasErrors() {
			return
		}
		if err := base.Clone().Resolve(fm.Sets(), "fuzz"); err != nil {
			t.Errorf("form accepted %q but --set refuses %q: %v", raw, fm.Sets(), err)
		}
	})
}

// BenchmarkServeCompare is one press of Compare on the thesis scenario with
// CWN at twice its funding: 2 x 30 runs, figures and table.
func BenchmarkServeCompare(b *testing.B) {
	base, err := scenarios.Load("thesis")
	if err != nil {
		b.Fatal(err)
	}
	lim := Limits{MaxReps: 100, MaxFirms: 20_000, MaxRuns: 1, Timeout: time.Minute}
	fm := parseForm(base, url.Values{"f.cwn": {"2"}, "run": {"1"}}, lim)
	for b.Loop() {
		if _, err := compareWeb(context.Background(), base, fm, lim, nil, ""); err != nil {
			b.Fatal(err)
		}
	}
}

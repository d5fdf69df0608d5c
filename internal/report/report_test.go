package report

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// thesisSets gives the thesis scenario comparison firms in two networks, so
// that both groups appear in every output.
var thesisSets = []string{"network.oreec.non_members=25", "network.cwn.non_members=15"}

const thesisSeed = 20240601

var (
	runOnce   sync.Once
	runResult *sim.Result
	runErr    error
)

// thesisRun is one full run of the thesis scenario, shared by the tests.
func thesisRun(t *testing.T) *sim.Result {
	t.Helper()
	runOnce.Do(func() {
		s, err := thesisScenario(thesisSets...)
		if err != nil {
			runErr = err
			return
		}
		runResult, runErr = sim.Run(context.Background(), s, thesisSeed, nil)
	})
	if runErr != nil {
		t.Fatal(runErr)
	}
	return runResult
}

func thesisScenario(sets ...string) (*scenarios.Scenario, error) {
	s, err := scenarios.Builtin("thesis")
	if err != nil {
		return nil, err
	}
	if err := s.Resolve(sets, "thesis"); err != nil {
		return nil, err
	}
	return s, nil
}

// parse reads CSV text written by one of the writers.
func parse(t *testing.T, text string) (header []string, rows [][]string) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v", err)
	}
	if len(recs) == 0 {
		t.Fatal("output is empty")
	}
	return recs[0], recs[1:]
}

func col(t *testing.T, header []string, name string) int {
	t.Helper()
	i, err := Column(header, name, "test")
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestSummaryRecordMatchesHeader(t *testing.T) {
	r := thesisRun(t)
	sums := sim.Summarize(r)
	// Three networks, two of them with comparison firms.
	if len(sums) != 5 {
		t.Fatalf("%d summaries, want 5", len(sums))
	}
	h := SummaryHeader()
	if len(h) != 17+int(model.NumSources) {
		t.Errorf("header has %d columns, want 17 + %d sources", len(h), model.NumSources)
	}
	if dup := duplicates(h); dup != "" {
		t.Errorf("header repeats column %q", dup)
	}
	for _, s := range sums {
		rec := SummaryRecord(s)
		if len(rec) != len(h) {
			t.Fatalf("%s/%s: record has %d fields, header %d", s.Network, s.Group, len(rec), len(h))
		}
		get := func(name string) string { return rec[col(t, h, name)] }
		if get("network") != s.Network || get("group") != s.Group.String() || get("members") != strconv.Itoa(s.Members) {
			t.Errorf("record %v does not match summary %s/%s/%d", rec[:7], s.Network, s.Group, s.Members)
		}
		if got, want := get("channels"), strconv.Itoa(s.Channels); got != want {
			t.Errorf("channels = %s, want %s", got, want)
		}
		for k, src := range model.SourceNames() {
			if got, want := get("contacts_"+src), strconv.Itoa(s.Contacts[k]); got != want {
				t.Errorf("%s/%s contacts_%s = %s, want %s", s.Network, s.Group, src, got, want)
			}
		}
	}

	var b strings.Builder
	if err := WriteSummary(&b, sums); err != nil {
		t.Fatal(err)
	}
	header, rows := parse(t, b.String())
	if !slices.Equal(header, h) || len(rows) != len(sums) {
		t.Errorf("summary.csv: header %v, %d rows; want %d rows", header, len(rows), len(sums))
	}
}

// A summary built by hand: NaN is written as NA and every float column is
// in the right place.
func TestSummaryRecordDirect(t *testing.T) {
	s := sim.Summary{Network: "net", Group: model.GroupComparison, Members: 7, Channels: 3,
		EntrantShare: 0.25, EntriesPerMember: 1.5, MeanQuartersToFirstEntry: math.NaN(), MaxChannels: 4,
		ParticipationRate: 0.125, RINContactShare: 0.5, PeerSharesPerMember: 2,
		MeanFirstEntryDistance: math.NaN(), FundingNOK: 1234567.891, FTEEnd: 1.5, MeanGeneral: 0.3,
		MarketsPerMember: 2.25, MeanChannels: 3.5}
	for k := range s.Contacts {
		s.Contacts[k] = 10 + k
	}
	h, rec := SummaryHeader(), SummaryRecord(s)
	if len(rec) != len(h) {
		t.Fatalf("record has %d fields, header %d", len(rec), len(h))
	}
	want := map[string]string{"network": "net", "members": "7", "channels": "3", "entrant_share": "0.25",
		"entries_per_member": "1.5", "mean_quarters_to_first_entry": "NA", "group": "comparison",
		"max_channels": "4", "participation_rate": "0.125", "rin_contact_share": "0.5",
		"peer_shares_per_member": "2", "mean_first_entry_distance": "NA", "funding_total_nok": "1.23457e+06",
		"fte_end": "1.5", "mean_general_knowledge": "0.3", "markets_per_member": "2.25", "mean_channels": "3.5"}
	for k, src := range model.SourceNames() {
		want["contacts_"+src] = strconv.Itoa(10 + k)
	}
	if len(want) != len(h) {
		t.Fatalf("test covers %d columns, header has %d", len(want), len(h))
	}
	for i, name := range h {
		if rec[i] != want[name] {
			t.Errorf("%s = %q, want %q", name, rec[i], want[name])
		}
	}
}

func duplicates(h []string) string {
	seen := map[string]bool{}
	for _, c := range h {
		if seen[c] {
			return c
		}
		seen[c] = true
	}
	return ""
}

func TestStepRecordMatchesHeader(t *testing.T) {
	r := thesisRun(t)
	s := r.Scenario
	h := StepsHeader(s.Stages)
	if dup := duplicates(h); dup != "" {
		t.Errorf("header repeats column %q", dup)
	}
	for _, st := range s.Stages[1:] {
		if !slices.Contains(h, "stage_"+st.ID) {
			t.Errorf("header lacks stage_%s", st.ID)
		}
	}
	if slices.Contains(h, "stage_"+s.Stages[0].ID) {
		t.Errorf("header has a column for stage 0 (%s)", s.Stages[0].ID)
	}
	// Fewer stages give fewer columns.
	if got := len(StepsHeader(s.Stages[:2])); got != len(h)-(len(s.Stages)-2) {
		t.Errorf("StepsHeader with 2 stages has %d columns, want %d", got, len(h)-(len(s.Stages)-2))
	}
	// 3 member rows + 2 comparison rows per step.
	if want := s.Steps() * 5; len(r.Steps) != want {
		t.Fatalf("%d step rows, want %d", len(r.Steps), want)
	}
	for _, st := range r.Steps {
		rec := StepRecord(s, st)
		if len(rec) != len(h) {
			t.Fatalf("step %d: record has %d fields, header %d", st.Step, len(rec), len(h))
		}
	}

	var b strings.Builder
	if err := WriteSteps(&b, r); err != nil {
		t.Fatal(err)
	}
	header, rows := parse(t, b.String())
	if !slices.Equal(header, h) || len(rows) != len(r.Steps) {
		t.Fatalf("steps.csv: %d rows, want %d", len(rows), len(r.Steps))
	}
	step, quarter, network := col(t, h, "step"), col(t, h, "quarter"), col(t, h, "network")
	for k, row := range rows {
		st := r.Steps[k]
		if row[step] != strconv.Itoa(st.Step) || row[quarter] != (s.Start+scenarios.Quarter(st.Step)).String() ||
			row[network] != s.Networks[st.Network].ID {
			t.Fatalf("row %d: step %s quarter %s network %s, want step %d of %s", k, row[step], row[quarter], row[network],
				st.Step, s.Networks[st.Network].ID)
		}
	}
	if first, last := rows[0][quarter], rows[len(rows)-1][quarter]; first != s.Start.String() || last != s.End.String() {
		t.Errorf("quarters run from %s to %s, want %s to %s", first, last, s.Start, s.End)
	}
}

func TestWriteEntries(t *testing.T) {
	r := thesisRun(t)
	s, f := r.Scenario, &r.World.Firms
	var b strings.Builder
	if err := WriteEntries(&b, r); err != nil {
		t.Fatal(err)
	}
	h, rows := parse(t, b.String())
	if !slices.Equal(h, EntriesHeader()) {
		t.Fatalf("header %v, want %v", h, EntriesHeader())
	}
	cFirm, cGroup, cMarket, cQuarter, cOrder, cCounted :=
		col(t, h, "firm"), col(t, h, "group"), col(t, h, "market"), col(t, h, "quarter"), col(t, h, "order"), col(t, h, "counted")
	stepOf := map[string]int{}
	for k := range s.Steps() {
		stepOf[(s.Start + scenarios.Quarter(k)).String()] = k
	}
	marketOf := map[string]int{}
	for m, mk := range s.Markets {
		marketOf[mk.ID] = m
	}

	// Expected entries per firm, straight from the final state.
	want := 0
	for i := range f.N {
		for m := range f.M {
			if f.EntryStep[i*f.M+m] >= 0 {
				want++
			}
		}
	}
	if len(rows) != want {
		t.Fatalf("%d rows, want one per entry during the run (%d)", len(rows), want)
	}

	lastFirm, order, lastStep := -1, 0, -1
	counted := make([]int, f.N)
	firstCounted := make([]int, f.N)
	for i := range firstCounted {
		firstCounted[i] = model.NoStep
	}
	seen := map[[2]int]bool{}
	var uncountedMembers, countedMembers, comparison int
	for k, row := range rows {
		i, err := strconv.Atoi(row[cFirm])
		if err != nil {
			t.Fatalf("row %d: firm %q", k, row[cFirm])
		}
		step, ok := stepOf[row[cQuarter]]
		if !ok {
			t.Fatalf("row %d: quarter %q outside the run", k, row[cQuarter])
		}
		m := marketOf[row[cMarket]]
		if i < lastFirm {
			t.Fatalf("row %d: firm %d after firm %d", k, i, lastFirm)
		}
		if i != lastFirm {
			lastFirm, order, lastStep = i, 0, -1
		}
		order++
		if row[cOrder] != strconv.Itoa(order) {
			t.Errorf("row %d (firm %d): order %s, want %d", k, i, row[cOrder], order)
		}
		if step < lastStep {
			t.Errorf("row %d (firm %d): quarter %s before the previous entry's", k, i, row[cQuarter])
		}
		lastStep = step
		if got := int(f.EntryStep[i*f.M+m]); got != step {
			t.Errorf("row %d: firm %d entered %s at step %d, the world says %d", k, i, row[cMarket], step, got)
		}
		if seen[[2]int{i, m}] {
			t.Errorf("row %d: firm %d market %s listed twice", k, i, row[cMarket])
		}
		seen[[2]int{i, m}] = true
		if row[cGroup] != f.Group[i].String() {
			t.Errorf("row %d: group %s, want %s", k, row[cGroup], f.Group[i])
		}

		join := int(f.JoinStep[i])
		wantCounted := join >= 0 && join <= step // comparison firms are observed from the step of the matching member
		if row[cCounted] != strconv.FormatBool(wantCounted) {
			t.Errorf("row %d: firm %d (%s, joins at %d) entry at %d: counted %s, want %v", k, i, f.Group[i], join, step,
				row[cCounted], wantCounted)
		}
		switch {
		case f.Group[i] == model.GroupComparison:
			comparison++
		case wantCounted:
			countedMembers++
		default:
			uncountedMembers++
		}
		if wantCounted {
			counted[i]++
			if firstCounted[i] == model.NoStep {
				firstCounted[i] = step
			}
		}
	}
	// The counted entries are the ones the model counted for the firm.
	for i := range f.N {
		if counted[i] != int(f.Entries[i]) {
			t.Errorf("firm %d: %d counted rows, the world counted %d entries", i, counted[i], f.Entries[i])
		}
		if firstCounted[i] != int(f.FirstEntry[i]) {
			t.Errorf("firm %d: first counted row at %d, the world's first entry at %d", i, firstCounted[i], f.FirstEntry[i])
		}
	}
	// The run must exercise every case, or the test proves little.
	if uncountedMembers == 0 || countedMembers == 0 || comparison == 0 {
		t.Errorf("entries: %d members before joining, %d after, %d comparison; want some of each",
			uncountedMembers, countedMembers, comparison)
	}
}

func TestWriteMarkets(t *testing.T) {
	r := thesisRun(t)
	s := r.Scenario
	var b strings.Builder
	if err := WriteMarkets(&b, r); err != nil {
		t.Fatal(err)
	}
	h, rows := parse(t, b.String())
	if len(rows) != s.Steps()*len(s.Markets) {
		t.Fatalf("%d rows, want %d steps x %d markets", len(rows), s.Steps(), len(s.Markets))
	}
	cStep, cQuarter, cMarket := col(t, h, "step"), col(t, h, "quarter"), col(t, h, "market")
	for k, row := range rows {
		step, m := k/len(s.Markets), k%len(s.Markets)
		if row[cStep] != strconv.Itoa(step) || row[cQuarter] != (s.Start+scenarios.Quarter(step)).String() ||
			row[cMarket] != s.Markets[m].ID {
			t.Fatalf("row %d = %v, want step %d market %s", k, row, step, s.Markets[m].ID)
		}
		if len(row) != len(h) {
			t.Fatalf("row %d has %d fields, header %d", k, len(row), len(h))
		}
	}
}

func TestWriteFirms(t *testing.T) {
	r := thesisRun(t)
	var b strings.Builder
	if err := WriteFirms(&b, r); err != nil {
		t.Fatal(err)
	}
	h, rows := parse(t, b.String())
	if !slices.Equal(h, FirmsHeader()) || len(rows) != r.World.Firms.N {
		t.Fatalf("firms.csv: %d rows, want %d", len(rows), r.World.Firms.N)
	}
	cFirm, cEntries := col(t, h, "firm"), col(t, h, "entries")
	for i, row := range rows {
		if len(row) != len(h) || row[cFirm] != strconv.Itoa(i) || row[cEntries] != strconv.Itoa(int(r.World.Firms.Entries[i])) {
			t.Fatalf("row %d = %v", i, row)
		}
	}
}

func TestWriteRun(t *testing.T) {
	r := thesisRun(t)
	for _, perFirm := range []bool{true, false} {
		dir := t.TempDir()
		m, err := NewManifest("run", "builtin", r.Scenario, thesisSeed, thesisSets)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteRun(dir, r, m, perFirm); err != nil {
			t.Fatal(err)
		}
		var got []string
		es, _ := os.ReadDir(dir)
		for _, e := range es {
			got = append(got, e.Name())
		}
		want := slices.Sorted(slices.Values(RunFiles(perFirm)))
		if !slices.Equal(got, want) {
			t.Errorf("perFirm=%v: wrote %v, want %v", perFirm, got, want)
		}
		if !slices.Equal(m.Files, RunFiles(perFirm)) {
			t.Errorf("perFirm=%v: manifest files %v", perFirm, m.Files)
		}
		b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
		if err != nil || strings.Contains(string(b), `"entries.csv"`) != perFirm {
			t.Errorf("perFirm=%v: manifest.json lists entries.csv wrongly (err %v)", perFirm, err)
		}
	}
}

package scenarios

import (
	"math"
	"strings"
	"testing"
)

func TestExpandGeneratesTheRequestedPopulation(t *testing.T) {
	s, err := Builtin("thesis")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Resolve([]string{"synthetic.smes=50000", "synthetic.networks=40", "synthetic.seed=7"}, "test"); err != nil {
		t.Fatal(err)
	}
	if len(s.Networks) != 40 {
		t.Fatalf("%d networks, want 40", len(s.Networks))
	}
	total, ids := 0, map[string]bool{}
	for _, n := range s.Networks {
		total += n.Members
		if ids[n.ID] || n.Members < 1 || n.InitialMembers > n.Members {
			t.Fatalf("network %+v: duplicate id or bad size", n.ID)
		}
		ids[n.ID] = true
		for _, st := range n.Streams {
			if st.From > st.To || st.To > s.End.Year() {
				t.Errorf("%s stream %s: %d-%d is not a window ending by the scenario's end", n.ID, st.ID, st.From, st.To)
			}
		}
	}
	if total != 50000 {
		t.Errorf("members sum to %d, want exactly 50000", total)
	}
	if s.Synthetic.SMEs != 0 {
		t.Error("the expanded scenario still asks for expansion")
	}
	// The expanded scenario is explicit: it round-trips through a file.
	text, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(text, "expanded")
	if err != nil || len(back.Networks) != 40 {
		t.Fatalf("expanded scenario does not parse back: %v", err)
	}
}

func TestExpandIsDeterministicAndSeeded(t *testing.T) {
	gen := func(seed string) *Scenario {
		s, _ := Builtin("thesis")
		if err := s.Resolve([]string{"synthetic.smes=10000", "synthetic.networks=10", "synthetic.seed=" + seed}, "test"); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b, c := gen("1"), gen("1"), gen("2")
	same := func(x, y *Scenario) bool {
		for k := range x.Networks {
			if x.Networks[k].Members != y.Networks[k].Members || x.Networks[k].Name != y.Networks[k].Name {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("same generator seed gave different networks")
	}
	if same(a, c) {
		t.Error("different generator seeds gave identical networks")
	}
}

// TestExpandKeepsFundingPerMember: without spread, a synthetic network gets
// its template's funding per member, so channels follow as in the thesis.
func TestExpandKeepsFundingPerMember(t *testing.T) {
	s, _ := Builtin("thesis")
	perMember := map[string]float64{}
	for _, n := range s.Networks {
		perMember[n.ID] = n.Streams[0].NOKPerYear / float64(n.Members)
	}
	if err := s.Resolve([]string{"synthetic.smes=30000", "synthetic.networks=30", "synthetic.funding_spread=0"}, "test"); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, n := range s.Networks {
		_, tmpl, _ := strings.Cut(strings.TrimSuffix(n.Name, ")"), "(template ")
		want, ok := perMember[tmpl]
		if !ok {
			t.Fatalf("%s: name %q does not name its template", n.ID, n.Name)
		}
		if got := n.Streams[0].NOKPerYear / float64(n.Members); math.Abs(got-want)/want > 1e-9 {
			t.Errorf("%s (template %s): %v NOK per member, want %v", n.ID, tmpl, got, want)
		}
		checked++
	}
	if checked != 30 {
		t.Errorf("checked %d networks, want 30", checked)
	}
}

func TestExpandRejectsImpossibleRequests(t *testing.T) {
	s, _ := Builtin("thesis")
	if err := s.Resolve([]string{"synthetic.smes=5", "synthetic.networks=10"}, "test"); err == nil {
		t.Error("5 SMEs in 10 networks accepted")
	}
}

func TestEuropePreset(t *testing.T) {
	if testing.Short() {
		t.Skip("expands 3,000 networks")
	}
	s, err := Builtin("europe")
	if err != nil {
		t.Fatal(err)
	}
	if s.Synthetic.SMEs != 24_000_000 || s.Synthetic.Networks != 3000 || len(s.Markets) != 13 || s.Steps() != 40 {
		t.Fatalf("europe: %d SMEs, %d networks, %d markets, %d quarters", s.Synthetic.SMEs, s.Synthetic.Networks, len(s.Markets), s.Steps())
	}
	if err := s.Resolve(nil, "europe"); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range s.Networks {
		total += n.Members
	}
	if len(s.Networks) != 3000 || total != 24_000_000 {
		t.Errorf("expanded europe: %d networks, %d SMEs", len(s.Networks), total)
	}
}

// A stream that ended before the run stays ended in every synthetic network
// (issue 9: the one-year shift brought it back).
func TestSyntheticStreamEndedBeforeStartStaysEnded(t *testing.T) {
	s, err := Builtin("thesis")
	if err != nil {
		t.Fatal(err)
	}
	start := s.Start.Year()
	s.Networks[2].Streams = append(s.Networks[2].Streams, Stream{ID: "old", Source: "vri", NOKPerYear: 1e6, From: start - 3, To: start - 1})
	s.Synthetic = Synthetic{SMEs: 20_000, Networks: 200, Seed: 3, SizeSpread: 0.5, FundingSpread: 0.5}
	if err := s.Expand(); err != nil {
		t.Fatal(err)
	}
	for _, n := range s.Networks {
		for _, st := range n.Streams {
			if st.ID == "old" && st.To >= start {
				t.Fatalf("network %s: stream that ended in %d runs %d-%d", n.ID, start-1, st.From, st.To)
			}
		}
	}
}

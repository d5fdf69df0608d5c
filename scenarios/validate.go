package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rinsim/rinsim/internal/suggest"
)

// Problem is one invalid field.
type Problem struct {
	Field string // dotted key, as Scenario.Params names it
	Msg   string
	Line  int // 1-based line of the field in the file; 0 if unknown (inherited from the base, or set by --set)
}

// ValidationError lists every problem found in a scenario at once.
type ValidationError struct {
	File     string
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s: %d invalid field(s):", e.File, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		if p.Line > 0 {
			fmt.Fprintf(&b, "line %d: ", p.Line)
		}
		fmt.Fprintf(&b, "%s: %s", clip(p.Field), p.Msg)
	}
	return b.String()
}

// clipAt is the longest key an error message repeats in full.
const clipAt = 120

// clip shortens a key longer than clipAt bytes, so that a mistyped
// megabyte-long key gives a readable message instead of repeating the
// megabyte.
func clip(s string) string { return Clip(s, clipAt) }

// Clip returns s if it has at most n bytes, else its first n/2 bytes (never
// half a letter) and its length: "xxxx... (1048576 bytes)".
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	k := n / 2
	for k > 0 && !utf8.RuneStart(s[k]) {
		k--
	}
	return fmt.Sprintf("%s... (%d bytes)", s[:k], len(s))
}

// setLines fills in the line of every problem whose field the file sets.
// A duplicate id is reported at its second (third, ...) definition.
func (e *ValidationError) setLines(kl *keyLines) {
	dups := map[string]int{}
	for i := range e.Problems {
		p := &e.Problems[i]
		if p.Line != 0 {
			continue
		}
		if p.Msg == msgDuplicateID {
			dups[p.Field]++
			p.Line = kl.nth(p.Field, dups[p.Field])
			continue
		}
		p.Line = kl.line(p.Field)
	}
}

type problems struct{ list []Problem }

func (ps *problems) add(field, format string, args ...any) {
	ps.list = append(ps.list, Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Validate checks every parameter's range and the rules that tie fields
// together. file names the source in the error.
func (s *Scenario) Validate(file string) error {
	var ps problems
	if !inRange(reflect.ValueOf(s).Elem()) {
		for _, p := range s.Params() {
			checkRange(&ps, p)
		}
	}
	s.checkStructure(&ps)
	if len(ps.list) == 0 {
		return nil
	}
	return &ValidationError{File: file, Problems: ps.list}
}

func checkRange(ps *problems, p Param) {
	if p.Kind == Bool || p.Kind == QuarterKind {
		return
	}
	x := p.Value()
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		ps.add(p.Key, "%v is not a finite number; allowed %s", x, p.Range())
	case x < p.Min || x > p.Max:
		ps.add(p.Key, "%s is out of range; allowed %s", p.String(), p.Range())
	}
}

func (s *Scenario) checkStructure(ps *problems) {
	if s.Name == "" {
		ps.add("name", "must not be empty")
	}
	lo, hi := NewQuarter(1900, 1), NewQuarter(2200, 4)
	for _, q := range []struct {
		field string
		q     Quarter
	}{{"start", s.Start}, {"end", s.End}} {
		if q.q < lo || q.q > hi {
			ps.add(q.field, "missing or out of range; allowed a quarter from %s to %s, e.g. 2007Q1", lo, hi)
		}
	}
	if s.End < s.Start {
		ps.add("end", "%s is before start %s; dates must be in order", s.End, s.Start)
	} else if s.Steps() > maxSteps {
		ps.add("end", "%d quarters from start; allowed at most %d", s.Steps(), maxSteps)
	}
	s.checkStages(ps)
	markets := uniqueIDs(ps, "market", len(s.Markets), func(i int) string { return s.Markets[i].ID })
	archetypes := uniqueIDs(ps, "archetype", len(s.Archetypes), func(i int) string { return s.Archetypes[i].ID })
	uniqueIDs(ps, "network", len(s.Networks), func(i int) string { return s.Networks[i].ID })
	if len(s.Markets) == 0 {
		ps.add("market", "at least one market is needed")
	}
	if len(s.Networks) == 0 {
		ps.add("network", "at least one network is needed")
	}
	for _, m := range s.Markets {
		for sec := range m.Attractiveness {
			if sec == "" || strings.ContainsAny(sec, ". =") {
				ps.add("market."+m.ID+".attractiveness", "sector %q must be non-empty, without '.', ' ' or '='", sec)
			}
		}
	}
	for _, n := range s.Networks {
		s.checkNetwork(ps, n, markets, archetypes)
	}
}

// maxSteps bounds a run's length: steps are stored in int16 per firm-market.
const maxSteps = 32000

func (s *Scenario) checkStages(ps *problems) {
	uniqueIDs(ps, "stage", len(s.Stages), func(i int) string { return s.Stages[i].ID })
	if len(s.Stages) < 2 || len(s.Stages) > 8 {
		ps.add("stage", "%d stages; allowed 2 to 8 (none, then one or more commitment steps)", len(s.Stages))
		return
	}
	if s.Stages[0].CostNOK != 0 || s.Stages[0].Activity != 0 {
		ps.add("stage."+s.Stages[0].ID, "the first stage means no commitment: cost_nok and activity must be 0")
	}
	for i := 1; i < len(s.Stages); i++ {
		a, b := s.Stages[i-1], s.Stages[i]
		if b.CostNOK < a.CostNOK || b.Knowledge < a.Knowledge {
			ps.add("stage."+b.ID, "cost_nok and knowledge must not decrease along the establishment chain")
		}
	}
}

const msgDuplicateID = "duplicate id"

func uniqueIDs(ps *problems, field string, n int, id func(int) string) map[string]bool {
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		v := id(i)
		switch {
		case v == "":
			ps.add(fmt.Sprintf("%s[%d].id", field, i), "must not be empty")
		case strings.ContainsAny(v, ". =,\"") || strings.IndexFunc(v, unicode.IsControl) >= 0:
			ps.add(fmt.Sprintf("%s.%s.id", field, v), "must not contain '.', ' ', '=', ',', '\"' or control characters")
		case seen[v]:
			ps.add(fmt.Sprintf("%s.%s.id", field, v), msgDuplicateID)
		}
		seen[v] = true
	}
	return seen
}

func (s *Scenario) checkNetwork(ps *problems, n Network, markets, archetypes map[string]bool) {
	key := "network." + n.ID
	if n.InitialMembers > n.Members {
		ps.add(key+".initial_members", "%d exceeds members %d", n.InitialMembers, n.Members)
	}
	if n.Founded > s.End.Year() {
		ps.add(key+".founded", "%d is after the end %s", n.Founded, s.End)
	}
	for _, m := range s.Markets {
		if _, ok := m.Attractiveness[n.Sector]; !ok {
			ps.add("market."+m.ID+".attractiveness", "has no value for sector %q of network %s", n.Sector, n.ID)
		}
	}
	for k := range n.Partners {
		if !markets[k] {
			ps.add(key+".partners."+k, "unknown market %q", k)
		}
	}
	total := 0.0
	for k, w := range n.Archetypes {
		if !archetypes[k] {
			ps.add(key+".archetypes."+k, "unknown archetype %q", k)
		}
		total += w
	}
	if total <= 0 {
		ps.add(key+".archetypes", "weights must sum to more than 0")
	}
	for k := range n.Channels {
		if !isChannel(k) {
			ps.add(key+".channels."+k, "unknown channel %q; channels are %s", k, strings.Join(ChannelKeys, ", "))
		}
	}
	uniqueIDs(ps, key+".stream", len(n.Streams), func(i int) string { return n.Streams[i].ID })
	for _, st := range n.Streams {
		sk := key + ".stream." + st.ID
		if !slices.Contains(StreamSources, st.Source) {
			hint := ""
			if near := suggest.Nearest(st.Source, StreamSources); near != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", near)
			}
			ps.add(sk+".source", "unknown source %q%s; sources are %s", st.Source, hint, strings.Join(StreamSources, ", "))
		}
		if st.To < st.From {
			ps.add(sk+".to", "%d is before from %d; dates must be in order (to stop the stream from a year, set %s.%s=YEAR: it pays nothing from YEAR on)",
				st.To, st.From, sk, OffFrom)
		}
	}
}

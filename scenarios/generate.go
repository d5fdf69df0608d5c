package scenarios

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/rinsim/rinsim/internal/rng"
)

// Expand generates the synthetic population that the [synthetic] section
// asks for, replacing the networks, and then clears Synthetic.SMEs so the
// result is an explicit scenario (written by `rinsim generate`, recorded in
// manifests). Each synthetic network copies a template, one of the
// scenario's networks drawn at random: its sector, archetype mix, partner
// clusters, ambition, event relevance and funding streams. Sizes are
// log-normal around SMEs/Networks and sum exactly to SMEs; funding scales
// with size (the template's funding per member, with log-normal spread), so
// channels, which follow funding, are as in the thesis networks; founding
// years and stream windows shift by up to a year. It does nothing when
// Synthetic.SMEs is 0.
func (s *Scenario) Expand() error {
	sy := s.Synthetic
	if sy.SMEs == 0 {
		return nil
	}
	if sy.Networks < 1 || sy.SMEs < sy.Networks || len(s.Networks) == 0 {
		return fmt.Errorf("synthetic: need networks >= 1, smes >= networks and at least one template network (smes %d, networks %d, templates %d)",
			sy.SMEs, sy.Networks, len(s.Networks))
	}
	r := rng.New(uint64(sy.Seed), rng.KindDesign, 7)
	sizes := networkSizes(r, sy.SMEs, sy.Networks, sy.SizeSpread)
	templates := s.Networks
	out := make([]Network, sy.Networks)
	width := len(strconv.Itoa(sy.Networks - 1))
	for k := range out {
		t := templates[r.IntN(len(templates))]
		out[k] = s.synthNetwork(r, t, fmt.Sprintf("n%0*d", width, k), sizes[k])
	}
	s.Networks = out
	s.Synthetic.SMEs = 0
	return nil
}

// networkSizes splits total into n log-normal shares of at least one each,
// by largest remainders, so they sum exactly to total.
func networkSizes(r *rand.Rand, total, n int, spread float64) []int {
	w := make([]float64, n)
	sum := 0.0
	for k := range w {
		w[k] = math.Exp(spread * r.NormFloat64())
		sum += w[k]
	}
	sizes := make([]int, n)
	rest := total - n // everyone gets one, the rest by weight
	type frac struct {
		k int
		f float64
	}
	fr := make([]frac, n)
	given := 0
	for k := range w {
		x := float64(rest) * w[k] / sum
		sizes[k] = 1 + int(x)
		given += int(x)
		fr[k] = frac{k, x - math.Floor(x)}
	}
	sort.Slice(fr, func(a, b int) bool { return fr[a].f > fr[b].f || (fr[a].f == fr[b].f && fr[a].k < fr[b].k) })
	for j := 0; j < rest-given; j++ {
		sizes[fr[j].k]++
	}
	return sizes
}

func (s *Scenario) synthNetwork(r *rand.Rand, t Network, id string, members int) Network {
	startY, endY := s.Start.Year(), s.End.Year()
	shift := r.IntN(3) - 1
	n := t
	n.ID, n.Name = id, "synthetic "+id+" (template "+t.ID+")"
	n.Members = members
	n.InitialMembers = max(1, min(members, int(math.Round(float64(members)*float64(t.InitialMembers)/float64(t.Members)))))
	n.NonMembers = 0
	n.Founded = clampInt(t.Founded+shift, startY, endY)
	n.AmbitionShare = clamp01(t.AmbitionShare + 0.05*r.NormFloat64())
	n.EventRelevance = clamp01(t.EventRelevance + 0.05*r.NormFloat64())
	n.Partners = copyMap(t.Partners)
	n.Archetypes = copyMap(t.Archetypes)
	n.Channels = copyMap(t.Channels)
	perMember := float64(members) / float64(t.Members) * math.Exp(s.Synthetic.FundingSpread*r.NormFloat64())
	n.Streams = make([]Stream, len(t.Streams))
	for k, st := range t.Streams {
		st.NOKPerYear *= perMember
		// Shift the window with the founding year; a stream that runs to the
		// end (a county's) keeps running, one that ended before the start
		// stays ended.
		if st.To >= startY && st.To < endY {
			st.To += shift
		}
		if st.To >= startY {
			st.From = min(st.From+shift, st.To)
		}
		n.Streams[k] = st
	}
	return n
}

func copyMap(m map[string]float64) map[string]float64 {
	c := make(map[string]float64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func clamp01(x float64) float64 { return math.Min(1, math.Max(0, x)) }

func clampInt(x, lo, hi int) int { return min(hi, max(lo, x)) }

// Resolve applies --set overrides, generates a synthetic population if the
// scenario asks for one, and validates the result; file names the source in
// errors.
func (s *Scenario) Resolve(sets []string, file string) error {
	if err := s.SetAll(sets); err != nil {
		return err
	}
	if err := s.Expand(); err != nil {
		return fmt.Errorf("scenario %s: %w", file, err)
	}
	return s.Validate(file)
}

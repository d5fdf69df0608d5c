package sim

import (
	"math"

	"github.com/rinsim/rinsim/model"
)

// Summary is one network group's outcome over a run (summary.csv).
type Summary struct {
	Network  string
	Group    model.Group
	Members  int // firms in the group at the end
	Channels int // channels offered in the last quarter
	// EntrantShare is the share of firms with at least one foreign-market
	// entry during the run (members: after joining).
	EntrantShare     float64
	EntriesPerMember float64
	// MeanQuartersToFirstEntry is measured from joining (members) or from
	// the start of observation (comparison), over firms that entered; NaN if
	// none did.
	MeanQuartersToFirstEntry float64
	MaxChannels              int
	MeanChannels             float64 // mean channels offered per funded quarter
	ParticipationRate        float64 // mean share of firms attending an event per quarter with funding or channels
	RINContactShare          float64 // share of contacts that came from network channels
	PeerSharesPerMember      float64
	MeanFirstEntryDistance   float64 // psychic distance of first entries; NaN if none
	FundingNOK               float64 // total public funding over the run
	FTEEnd                   float64
	MeanGeneral              float64 // general knowledge at the end
	MarketsPerMember         float64 // markets at stage >= 1 at the end
	Contacts                 [model.NumSources]int
}

// Summarize computes the per-network summaries of a run, in network order,
// members before comparison firms.
func Summarize(r *Result) []Summary {
	w := r.World
	var out []Summary
	for k := range w.Networks {
		ns := &w.Networks[k]
		out = append(out, summarize(r, ns, model.GroupMember, ns.Members))
		if len(ns.Comparison) > 0 {
			out = append(out, summarize(r, ns, model.GroupComparison, ns.Comparison))
		}
	}
	return out
}

func summarize(r *Result, ns *model.NetworkState, g model.Group, firms []int32) Summary {
	w := r.World
	f := &w.Firms
	s := Summary{Network: ns.ID, Group: g, Members: len(firms)}
	var quarters, distance float64
	var entrants, entries int
	for _, i32 := range firms {
		i := int(i32)
		entries += int(f.Entries[i])
		if f.FirstEntry[i] == model.NoStep {
			continue
		}
		entrants++
		// From joining (members) or from the start of observation
		// (comparison firms, matched to the members' windows).
		quarters += float64(int(f.FirstEntry[i]) - int(f.JoinStep[i]))
		distance += w.S.Markets[f.FirstMarket[i]].PsychicDistance
	}
	n := float64(max(len(firms), 1))
	s.EntrantShare = float64(entrants) / n
	s.EntriesPerMember = float64(entries) / n
	s.MeanQuartersToFirstEntry = ratio(quarters, entrants)
	s.MeanFirstEntryDistance = ratio(distance, entrants)
	s.addSteps(r.Steps, ns.Index, g)
	s.PeerSharesPerMember /= n
	return s
}

func (s *Summary) addSteps(rows []model.StepStats, network int, g model.Group) {
	var rate, channels float64
	var quarters, founded, contacts, rin int
	for _, st := range rows {
		if st.Network != network || st.Group != g {
			continue
		}
		s.Channels = st.Channels
		s.MaxChannels = max(s.MaxChannels, st.Channels)
		s.FundingNOK += st.FundingNOK
		s.FTEEnd = st.FTE
		s.MeanGeneral = st.MeanGeneral
		s.MarketsPerMember = st.MeanMarkets
		s.PeerSharesPerMember += float64(st.PeerShares)
		if g == model.GroupMember && st.FundingNOK > 0 {
			channels += float64(st.Channels)
			founded++
		}
		if st.Firms > 0 && (g == model.GroupComparison || st.FundingNOK > 0 || st.Channels > 0) {
			rate += float64(st.Attended) / float64(st.Firms)
			quarters++
		}
		for src, c := range st.Contacts {
			s.Contacts[src] += c
			contacts += c
			if model.Source(src).IsRIN() {
				rin += c
			}
		}
	}
	s.ParticipationRate = ratio(rate, quarters)
	s.MeanChannels = ratio(channels, founded)
	if founded == 0 {
		s.MeanChannels = 0
	}
	s.RINContactShare = ratio(float64(rin), contacts)
}

func ratio(x float64, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return x / float64(n)
}

package model

// MaxStages is the longest establishment chain a scenario may define.
const MaxStages = 8

// StepStats is what one group of one network did in one quarter, for
// steps.csv. Counts are of firms in the group at that step (members that have
// joined, or comparison firms).
type StepStats struct {
	Step        int
	Network     int
	Group       Group
	Firms       int
	FundingNOK  float64 // public funding this quarter, NOK
	BudgetNOK   float64 // event budget this quarter: funding less secretariat salaries, NOK
	SpentNOK    float64 // event costs paid this quarter, NOK
	FTE         float64
	Channels    int
	Intensity   float64
	Events      [NumChannels]int
	Attended    int // firms that attended at least one event
	Entries     int
	NewEntrants int
	Entrants    int // firms with at least one counted entry so far
	Contacts    [NumSources]int
	PeerShares  int
	MeanGeneral float64
	MeanMarkets float64        // markets at stage >= 1 per firm
	StageCounts [MaxStages]int // firm-markets per stage, index = stage (0 unused)
}

// Collect appends this quarter's statistics, one row per network and group
// (comparison rows only where the network has comparison firms).
func (w *World) Collect(dst []StepStats) []StepStats {
	t := w.T - 1
	for k := range w.Networks {
		ns := &w.Networks[k]
		dst = w.collectGroup(dst, ns, t, GroupMember, ns.Members[:ns.Joined])
		if len(ns.Comparison) > 0 {
			dst = w.collectGroup(dst, ns, t, GroupComparison, ns.Comparison)
		}
	}
	return dst
}

func (w *World) collectGroup(dst []StepStats, ns *NetworkState, t int, g Group, firms []int32) []StepStats {
	dst = append(dst, StepStats{Step: t, Network: ns.Index, Group: g, Firms: len(firms),
		Entries: ns.Acc[g].Entries, NewEntrants: ns.Acc[g].NewEntrants, Contacts: ns.Acc[g].Contacts})
	st := &dst[len(dst)-1]
	if g == GroupMember {
		st.FundingNOK, st.BudgetNOK, st.SpentNOK = ns.FundingYear/4, ns.Budget, ns.SpentNOK
		st.FTE, st.Intensity, st.Events, st.PeerShares = ns.FTE, ns.Intensity, ns.Events, ns.PeerShares
		for _, o := range ns.Offered {
			if o {
				st.Channels++
			}
		}
	}
	f := &w.Firms
	M := f.M
	var general float64
	var markets int
	for _, i32 := range firms {
		i := int(i32)
		if f.Attended[i] {
			st.Attended++
		}
		if f.FirstEntry[i] != NoStep {
			st.Entrants++
		}
		general += float64(f.General[i])
		for _, s := range f.Stage[i*M : (i+1)*M] {
			if s > 0 {
				markets++
				st.StageCounts[s]++
			}
		}
	}
	if len(firms) > 0 {
		st.MeanGeneral = general / float64(len(firms))
		st.MeanMarkets = float64(markets) / float64(len(firms))
	}
	return dst
}

package model

import "math/bits"

// MaxStages is the longest establishment chain a scenario may define.
const MaxStages = 8

// StepStats is what one group of one network did in one quarter, for
// steps.csv. Counts are of firms in the group at that step (members that have
// joined, or comparison firms observed by then).
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

// Rows is the number of StepStats rows per step: one per network, plus one
// per network with comparison firms.
func (w *World) Rows() int { return w.rows }

// Collect appends this quarter's statistics, one row per network and group
// (comparison rows only where the network has comparison firms), in network
// order. It also sets MarketPresent. Networks are summarised in parallel,
// each by one goroutine, so the sums do not depend on the number of workers.
func (w *World) Collect(dst []StepStats) []StepStats {
	start := len(dst)
	if cap(dst)-start < w.rows {
		dst = append(dst, make([]StepStats, w.rows)...)
	}
	dst = dst[:start+w.rows]
	w.collectDst = dst[start:]
	w.pool.run(w.netWorkers, len(w.Networks), 1, w.collectFn)
	w.collectDst = nil
	clear(w.MarketPresent)
	for _, wk := range w.netWorkers {
		for m, n := range wk.present {
			w.MarketPresent[m] += n
		}
		clear(wk.present)
	}
	return dst
}

func (w *World) collectRange(wk *worker, lo, hi int) {
	t := w.T - 1
	for k := lo; k < hi; k++ {
		ns := &w.Networks[k]
		w.collectGroup(wk, &w.collectDst[ns.row], ns, t, GroupMember, ns.Members[:ns.Joined])
		if len(ns.Comparison) > 0 {
			w.collectGroup(wk, &w.collectDst[ns.row+1], ns, t, GroupComparison, ns.Comparison)
		}
	}
}

func (w *World) collectGroup(wk *worker, st *StepStats, ns *NetworkState, t int, g Group, firms []int32) {
	*st = StepStats{Step: t, Network: ns.Index, Group: g,
		Entries: ns.Acc[g].Entries, NewEntrants: ns.Acc[g].NewEntrants, Contacts: ns.Acc[g].Contacts}
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
	observed := 0
	for _, i32 := range firms {
		i := int(i32)
		if !w.counted(i, t) {
			continue // a comparison firm not yet observed
		}
		observed++
		if f.Attended[i] {
			st.Attended++
		}
		if f.FirstEntry[i] != NoStep {
			st.Entrants++
		}
		general += float64(f.General[i])
		for set := f.Active[i]; set != 0; set &= set - 1 { // markets at stage >= 1
			m := bits.TrailingZeros32(set)
			markets++
			st.StageCounts[f.Stage[i*M+m]]++
			wk.present[m]++
		}
	}
	st.Firms = observed
	if observed > 0 {
		st.MeanGeneral = general / float64(observed)
		st.MeanMarkets = float64(markets) / float64(observed)
	}
}

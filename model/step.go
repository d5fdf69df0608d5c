package model

import (
	"math"
	"math/bits"

	"github.com/rinsim/rinsim/internal/rng"
)

// Accum counts what happened to one group of a network in the current quarter.
type Accum struct {
	Contacts    [NumSources]int
	Entries     int // market entries
	NewEntrants int // firms with their first counted entry
}

func (a *Accum) add(b *Accum) {
	for s := range a.Contacts {
		a.Contacts[s] += b.Contacts[s]
	}
	a.Entries += b.Entries
	a.NewEntrants += b.NewEntrants
}

// Step runs one quarter; the order of the phases is documented in the
// package comment and in docs/ODD.md. Firm phases run over blocks of firms
// and network phases over networks, on SetWorkers goroutines.
func (w *World) Step() {
	t := w.T
	w.join(t)
	w.fund(t)
	w.pool.run(w.workers, w.Firms.N, BlockSize, w.firmPhaseFn)
	w.pool.run(w.netWorkers, len(w.Networks), 1, w.networkPhaseFn)
	w.pool.run(w.workers, w.Firms.N, BlockSize, w.commitPhaseFn)
	w.mergeCounts()
	w.T++
}

// Done reports whether every step of the scenario has run.
func (w *World) Done() bool { return w.T >= w.S.Steps() }

// counted reports whether firm i's activity counts for its group at step t:
// members once they have joined, comparison firms once they are observed.
func (w *World) counted(i, t int) bool {
	j := w.Firms.JoinStep[i]
	return j >= 0 && int(j) <= t
}

// accum is where worker wk counts for group g of network k.
func (w *World) accum(wk *worker, k int32, g Group) *Accum {
	if wk.acc != nil {
		return &wk.acc[k][g]
	}
	return &w.Networks[k].Acc[g]
}

func (w *World) join(t int) {
	for k := range w.Networks {
		ns := &w.Networks[k]
		for ns.Joined < len(ns.Members) && int(w.Firms.JoinStep[ns.Members[ns.Joined]]) <= t {
			ns.Joined++
		}
	}
}

// fund sets each network's funding, secretariat and channels for the quarter.
func (w *World) fund(t int) {
	year := (w.S.Start + toQuarter(t)).Year()
	fp := &w.S.Funding
	for k := range w.Networks {
		ns := &w.Networks[k]
		rng.Reseed(&ns.src, w.seed, rng.KindNetwork, uint64(k), uint64(t))
		ns.Events = [NumChannels]int{}
		ns.SpentNOK, ns.PeerShares = 0, 0
		ns.Acc = [2]Accum{}
		clear(ns.Served)
		ns.FundingYear = AnnualFunding(ns.P, year, fp.Scale)
		ns.Budget = ns.FundingYear / 4 * (1 - fp.SecretariatShare) // salaries take the rest
		ns.FTE = Capacity(ns.FundingYear, fp.SecretariatShare, fp.NOKPerFTE)
		var used float64
		ns.Offered, used = [NumChannels]bool{}, 0
		if t >= ns.FoundedStep {
			ns.Offered, used = OfferChannels(ns.FTE, ns.channels, ns.eligible, w.need)
		}
		ns.Intensity = Intensity(ns.FTE, used, fp.MaxIntensity)
		w.setFocus(ns, year)
		ns.staleWeights()
	}
	clear(w.MarketAcc)
}

// setFocus weights markets for events when no survey guides the network:
// attractiveness for its sector, tilted toward nearby markets by the share of
// its funding that comes from Interreg (T5.1: "OREEC's most important funding
// program is Interreg"); the same tilt weights its partner clusters, since
// Interreg pays for cross-border work with nearby regions (T4.1.3).
func (w *World) setFocus(ns *NetworkState, year int) {
	interreg, total := 0.0, 0.0
	for _, st := range ns.P.Streams {
		if StreamActive(st, year) {
			total += st.NOKPerYear
			if st.Source == "interreg" {
				interreg += st.NOKPerYear
			}
		}
	}
	share := 0.0
	if total > 0 {
		share = interreg / total
	}
	M := w.Firms.M
	for m := range M {
		ns.tilt[m] = 1
		if w.nordic[m] {
			ns.tilt[m] = 1 + w.S.Public.InterregNearbyBias*share
		}
		ns.Focus[m] = w.attr[ns.sector*M+m] * ns.tilt[m]
	}
}

// firmRange: busy spells, contacts from the firm's own networks, its target
// market and its readiness to take part in network activities this quarter.
func (w *World) firmRange(wk *worker, lo, hi int) {
	t := w.T
	key := rng.StepKey(w.seed, rng.KindFirms, uint64(t))
	for i := lo; i < hi; i++ {
		w.firmQuarter(wk, i, t, wk.counter(w, i, key))
	}
}

func (w *World) firmQuarter(wk *worker, i, t int, r *rng.Counter) {
	f := &w.Firms
	fr := &w.S.Firm
	f.Spent[i] = 0
	f.Attended[i] = false
	f.Stepped[i] = false
	a := int(f.Archetype[i])
	set := w.events[a][b2i(f.Busy[i])][b2i(w.attrSum[f.Sector[i]] > 0)].draw(r)
	if set&1 != 0 {
		f.Busy[i] = !f.Busy[i] // the busy spell starts or ends
	}
	for set &^= 1; set != 0; set &= set - 1 {
		w.ownContact(wk, i, ownSources[bits.TrailingZeros8(set)-1], t, r)
	}
	joined := f.Group[i] == GroupMember && w.counted(i, t)
	if f.Busy[i] && joined {
		f.BusyQuarters[i]++
	}
	f.PartProb[i] = 0
	if joined { // only joined members are invited, so only they need a target
		w.updateTarget(i)
		arch := &w.S.Archetypes[a]
		f.PartProb[i] = float32(ParticipationProb(arch.Propensity, float64(f.Relevance[i]), f.Busy[i], fr.BusyParticipation, f.Ambitious[i], fr.NonAmbitiousParticipation))
	}
}

// ownContact is a contact from one of firm i's own sources. Business and
// social networks and own channels find a market by the firm's own search,
// own channels only if the firm can pay for them; distributors approach the
// firm from markets in proportion to attractiveness, whatever the distance
// (T4.4.3, D4+D5).
func (w *World) ownContact(wk *worker, i int, src Source, t int, r *rng.Counter) {
	f := &w.Firms
	switch src {
	case SrcInbound:
		w.addContact(wk, i, w.attrAlias[f.Sector[i]].draw(r.Float64()), SrcInbound, t)
		return
	case SrcOther:
		cost := w.S.Firm.OtherCostNOK
		if !w.afford(i, cost) {
			return
		}
		w.spend(i, cost)
	}
	w.addContact(wk, i, w.outboundMarket(wk, i, r), src, t)
}

// ownSources are the sources of a firm's own contacts, in the order their
// contacts are made.
var ownSources = [...]Source{SrcBusiness, SrcSocial, SrcOther, SrcInbound}

// numOwnEvents counts a firm's own events in a quarter: the start or end of
// a busy spell (event 0), then one contact from each own source.
const numOwnEvents = 1 + len(ownSources)

// ownEvents holds the chance p[k] of each of a firm's own events in a
// quarter, independent of each other, and first[k] = 1 - prod_{j<=k}(1-p_j),
// the chance that at least one of events 0..k happens.
type ownEvents struct {
	p, first [numOwnEvents]float64
}

func newOwnEvents(p [numOwnEvents]float64) ownEvents {
	e := ownEvents{p: p}
	none := 1.0
	for k, pk := range p {
		none *= 1 - pk
		e.first[k] = 1 - none
	}
	return e
}

// draw returns the set of events that happen (bit k for event k), with the
// law of independent draws. One uniform u decides whether any happens and
// which comes first: the first is k with chance first[k]-first[k-1], the
// chance that none before k happens and k does. The events after it are
// drawn one by one. Most firms in most quarters have no event, and cost one
// draw instead of one per event.
func (e *ownEvents) draw(r *rng.Counter) (set uint8) {
	u := r.Float64()
	if u >= e.first[numOwnEvents-1] {
		return 0
	}
	k := 0
	for u >= e.first[k] {
		k++
	}
	set = 1 << k
	for j := k + 1; j < numOwnEvents; j++ {
		if r.Float64() < e.p[j] {
			set |= 1 << j
		}
	}
	return set
}

// b2i is 1 for true, 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// maxRejections bounds outboundMarket's rejection loop; past it (only with
// extreme distance aversion) the market is drawn from the exact weights.
const maxRejections = 64

// outboundMarket draws the market of a contact from firm i's own search,
// with probability proportional to OutboundWeight, by rejection: a market is
// proposed in proportion to its attractiveness and accepted with the
// distance discount exp(-distance_aversion*d*(1-g)), which is at most 1.
// This is exact and takes a few exponentials on average instead of one per
// market. The firm's sector must have a market of interest.
func (w *World) outboundMarket(wk *worker, i int, r *rng.Counter) int {
	f := &w.Firms
	alias := &w.attrAlias[f.Sector[i]]
	c := 1 - float64(f.General[i])
	for range maxRejections {
		m := alias.draw(r.Float64())
		if accept(r.Float64(), c*w.daDistance[m]) {
			return m
		}
	}
	wts := w.outboundWeights(wk, i)
	return pick(wts, sum(wts), r.Float64())
}

// squeezeMin is the smallest x for which accept trusts its bounds: from there
// on they lie at least x*x/2 = 5e-9 from exp(-x), far beyond rounding.
const squeezeMin = 1e-4

// cubicMin is the smallest x for which accept trusts its third-order bounds:
// from there on they lie at least about x^4/24 = 4e-10 from exp(-x).
const cubicMin = 1e-2

// accept reports u < exp(-x) for x >= 0, the same decision for every u, with
// the exponential computed only when u falls between bounds on it (a
// squeeze): 1-x+x^2/2-x^3/6 <= exp(-x) <= 1/(1+x+x^2/2+x^3/6), the Taylor
// series cut after an odd term and that of exp(x) cut after any, or for
// small x the first-order pair 1-x <= exp(-x) <= 1/(1+x). Over the x of a
// firm's own search (up to about 4) the third-order pair leaves the
// exponential to at most a sixth of the draws (near x = 2; 4 % at x = 1),
// the first-order pair to up to a half.
func accept(u, x float64) bool {
	if x >= cubicMin {
		x2, x3 := x*x/2, x*x*x/6
		if u < 1-x+x2-x3 {
			return true
		}
		if u >= 1/(1+x+x2+x3) {
			return false
		}
	} else if x >= squeezeMin {
		if u < 1-x {
			return true
		}
		if u >= 1/(1+x) {
			return false
		}
	}
	return u < math.Exp(-x)
}

// outboundWeights fills the worker's scratch with firm i's search weights.
func (w *World) outboundWeights(wk *worker, i int) []float64 {
	f := &w.Firms
	M := f.M
	sec := int(f.Sector[i])
	g := float64(f.General[i])
	da := w.S.Firm.DistanceAversion
	for m := range M {
		wk.scratch[m] = OutboundWeight(w.attr[sec*M+m], w.distance[m], g, da)
	}
	return wk.scratch
}

// updateTarget sets firm i's Target to target(i), computing it only when
// it may have changed: its entered markets changed (stepUp resets the
// stop), or 1-General fell to the stop where another market may overtake.
// General knowledge only grows, so most quarters keep the target.
func (w *World) updateTarget(i int) {
	f := &w.Firms
	if 1-float64(f.General[i]) > float64(f.targetStop[i]) {
		return
	}
	best, stop := w.target(i)
	f.Target[i] = int8(best)
	f.targetStop[i] = roundUp32(stop)
}

// target is the market not yet entered with the highest search weight, -1 if
// none. It compares log weights, log A_m - distance_aversion*d_m*(1-g), which
// order markets as OutboundWeight does without computing an exponential. It
// visits only the markets of interest to the firm's sector that it has not
// entered (bit sets), in market order, so ties go to the first as before.
//
// stop is a value of c = 1-g above which the target stays the same while the
// entered markets do: each weight is a line in c, and as c falls a market m
// can overtake the best b only if it is more distant (D_m > D_b), at
// c = (L_b-L_m)/(D_b-D_m). The stop lies a margin above the first crossing,
// for rounding (recomputing early is always right).
func (w *World) target(i int) (best int, stop float64) {
	f := &w.Firms
	M := f.M
	sec := int(f.Sector[i])
	c := 1 - float64(f.General[i])
	best, bestW := -1, math.Inf(-1)
	logA := w.logAttr[sec*M : (sec+1)*M]
	candidates := w.interest[sec] &^ f.Active[i]
	for set := candidates; set != 0; set &= set - 1 {
		m := bits.TrailingZeros32(set)
		if v := logA[m] - c*w.daDistance[m]; v > bestW {
			best, bestW = m, v
		}
	}
	stop = math.Inf(-1)
	if best < 0 {
		return best, stop // no candidate now, none later: markets are only ever entered
	}
	for set := candidates &^ (1 << best); set != 0; set &= set - 1 {
		m := bits.TrailingZeros32(set)
		dD := w.daDistance[best] - w.daDistance[m]
		if dD >= 0 {
			continue // m falls further behind as c falls
		}
		cross := (logA[best] - logA[m]) / dD
		stop = max(stop, cross+targetMargin*(1+math.Abs(cross))+targetMargin/-dD)
	}
	return best, stop
}

// targetMargin is the relative slack of target's stop: the weights are
// computed to about 1e-16 relative, so a crossing is known to about that
// over the gap in distance.
const targetMargin = 1e-9

// roundUp32 is x as a float32 no smaller than x.
func roundUp32(x float64) float32 {
	y := float32(x)
	if float64(y) < x {
		y = math.Nextafter32(y, float32(math.Inf(1)))
	}
	return y
}

func (w *World) addContact(wk *worker, i, m int, src Source, t int) {
	f := &w.Firms
	j := i*f.M + m
	if c := int(f.Contacts[j]); c < math.MaxUint16 {
		f.Contacts[j]++
		if int(f.Stage[j]) < len(w.stageCost)-1 {
			f.Opportunity[i] += w.attr[int(f.Sector[i])*f.M+m] * (w.seen(c+1) - w.seen(c))
		}
	}
	f.Known[i] |= 1 << m
	// A relationship teaches about its market (Johanson and Vahlne 2009:
	// knowledge is developed in relationships; T2.2).
	f.Knowledge[j] = float32(Learn(float64(f.Knowledge[j]), w.S.Firm.ContactLearning))
	f.BySource[i*int(NumSources)+int(src)]++
	if w.counted(i, t) {
		w.accum(wk, f.Network[i], f.Group[i]).Contacts[src]++
		wk.mkt[m].Contacts++
	}
}

// cash is what firm i can still spend this quarter: a quarter of its
// uncommitted budget plus unspent co-funding.
func (w *World) cash(i int) float64 {
	f := &w.Firms
	return float64(f.Budget[i]-f.Committed[i])/4 + float64(f.Grant[i]) - float64(f.Spent[i])
}

// grantLeft is firm i's co-funding not yet spent this quarter: spending
// draws on co-funding first (learn settles it at the end of the quarter).
func (w *World) grantLeft(i int) float64 {
	return max(0, float64(w.Firms.Grant[i])-float64(w.Firms.Spent[i]))
}

func (w *World) afford(i int, nok float64) bool { return nok <= w.cash(i) }

func (w *World) spend(i int, nok float64) { w.Firms.Spent[i] += float32(nok) }

// commitRange: the Uppsala decision, then learning from current activities,
// firm by firm.
func (w *World) commitRange(wk *worker, lo, hi int) {
	t := w.T
	key := rng.StepKey(w.seed, rng.KindCommit, uint64(t))
	for i := lo; i < hi; i++ {
		w.commit(wk, i, t, key)
		w.learn(i)
	}
}

// commit makes at most one commitment step per quarter: each market's
// probability comes from CommitProb; the chance of any step is
// 1-prod(1-p_m), and the market is then chosen in proportion to p_m, so no
// market is favoured by its position in the list. Only markets where the
// firm has contacts can have an opportunity, so only those are visited.
//
// The uniform that decides whether any step is made is drawn first: when it
// lies above the firm's stepBound no step can happen, and the markets are not
// visited at all (most firms in most quarters). The decision is the same
// either way, so this only saves work.
func (w *World) commit(wk *worker, i, t int, key uint64) {
	f := &w.Firms
	if f.Stepped[i] || f.Known[i] == 0 {
		return // one commitment step per quarter at most; no contact, no opportunity
	}
	r := wk.counter(w, i, key)
	u := r.Float64()
	if u >= w.stepBound(i) {
		return
	}
	p, ms, none, total := w.stepChances(wk, i)
	if total == 0 || u >= 1-none {
		return
	}
	w.stepUp(wk, i, int(ms[pick(p, total, r.Float64())]), t)
}

// ambition is firm i's multiplier on the commitment rate.
func (w *World) ambition(i int) float64 {
	if !w.Firms.Ambitious[i] {
		return w.S.Firm.NonAmbitiousRate
	}
	return 1
}

// stepChances lists the markets where firm i may make a commitment step
// this quarter (ms) with the chance of each (p, in the worker's scratch),
// the chance of none, and their sum.
func (w *World) stepChances(wk *worker, i int) (p []float64, ms [MaxMarkets]int8, none, total float64) {
	f := &w.Firms
	fr := &w.S.Firm
	M := f.M
	amb := w.ambition(i)
	g := float64(f.General[i])
	row := i * M
	attr := w.attr[int(f.Sector[i])*M : int(f.Sector[i]+1)*M]
	slack := float64(f.Budget[i]) - float64(f.Committed[i]) + w.grantLeft(i) // co-funding relaxes the budget (T5.5.1)
	last := len(w.stageCost) - 1
	rate, gw, aversion := fr.StepRate*amb, fr.GeneralRiskWeight, fr.RiskAversion
	p = wk.scratch[:0]
	none = 1.0
	for set := f.Known[i]; set != 0; set &= set - 1 {
		m := bits.TrailingZeros32(set)
		s := int(f.Stage[row+m])
		if s == last {
			continue
		}
		k := float64(f.Knowledge[row+m])
		if k < w.stageKnow[s+1] || w.stageStep[s] > slack {
			continue // CanStepUp, unrolled: knowledge and budget for the next stage
		}
		opp := attr[m] * w.seen(int(f.Contacts[row+m]))
		pm := CommitProb(rate, 1, opp, PerceivedRisk(w.distance[m], k, g, gw), aversion)
		ms[len(p)] = int8(m)
		p = append(p, pm)
		none *= 1 - pm
		total += pm
	}
	return p, ms, none, total
}

// The slack of stepBound covers rounding: 1-prod(1-p_m) computed in float64
// may exceed sum(p_m) by a few units in the last place of 1, and Opportunity
// is a running sum.
const (
	stepBoundRel = 1e-6
	stepBoundAbs = 1e-13
)

// stepBound is an upper bound on firm i's chance of a commitment step in a
// quarter: the step rate times its Opportunity, the sum over its known
// markets short of the last stage of attractiveness times the chance of
// perceiving an opportunity through its contacts. Perceived risk and the
// knowledge and budget conditions only lower a market's chance, and
// 1-prod(1-p_m) <= sum(p_m), so no quarter's chance of a step exceeds it.
func (w *World) stepBound(i int) float64 {
	return w.Firms.Opportunity[i]*w.S.Firm.StepRate*w.ambition(i)*(1+stepBoundRel) + stepBoundAbs
}

// opportunity is what firm i's Opportunity sums, computed afresh: at set-up
// and in tests; addContact and stepUp keep the sum up to date as contacts
// and stages change.
func (w *World) opportunity(i int) float64 {
	f := &w.Firms
	M := f.M
	attr := w.attr[int(f.Sector[i])*M : int(f.Sector[i]+1)*M]
	last := len(w.stageCost) - 1
	b := 0.0
	for set := f.Known[i]; set != 0; set &= set - 1 {
		m := bits.TrailingZeros32(set)
		if int(f.Stage[i*M+m]) < last {
			b += attr[m] * w.seen(int(f.Contacts[i*M+m]))
		}
	}
	return b
}

// seen is Opportunity's chance of perceiving an opportunity through c
// contacts, from a table for the common small counts.
func (w *World) seen(c int) float64 {
	if c < len(w.seenTable) {
		return w.seenTable[c]
	}
	return Opportunity(1, c, w.S.Firm.ContactScale)
}

func (w *World) stepUp(wk *worker, i, m, t int) {
	f := &w.Firms
	j := i*f.M + m
	s := f.Stage[j]
	f.Stage[j] = s + 1
	if s == 0 {
		f.Active[i] |= 1 << m
		f.targetStop[i] = float32(math.Inf(1)) // a market entered: choose the target afresh
	}
	f.Stepped[i] = true
	if int(s)+1 == len(w.stageCost)-1 { // the last stage: no further step there
		f.Opportunity[i] = max(0, f.Opportunity[i]-w.attr[int(f.Sector[i])*f.M+m]*w.seen(int(f.Contacts[j])))
	}
	own, used := CoFundedStep(w.stageCost[s+1]-w.stageCost[s], w.grantLeft(i))
	f.Committed[i] += float32(own)
	f.Grant[i] -= float32(used)
	f.CoFunded[i] += float32(used)
	if s != 0 || f.EntryStep[j] != NoStep {
		return
	}
	f.EntryStep[j] = int16(t)
	if !w.counted(i, t) {
		return
	}
	acc := w.accum(wk, f.Network[i], f.Group[i])
	acc.Entries++
	wk.mkt[m].Entries++
	f.Entries[i]++
	if f.FirstEntry[i] == NoStep {
		f.FirstEntry[i] = int16(t)
		f.FirstMarket[i] = int8(m)
		acc.NewEntrants++
	}
}

// learn: experiential knowledge grows with the activity of the firm's stage
// in each market; general knowledge with its activity abroad overall (T2.1:
// "the more active the firms are ... the more rapid they acquire
// international experience"). Unspent co-funding is used up first.
func (w *World) learn(i int) {
	f := &w.Firms
	fr := &w.S.Firm
	row := i * f.M
	activity := 0.0
	for set := f.Active[i]; set != 0; set &= set - 1 {
		j := row + bits.TrailingZeros32(set)
		a := w.stageAct[f.Stage[j]]
		f.Knowledge[j] = float32(Learn(float64(f.Knowledge[j]), fr.MarketLearning*a))
		activity += a
	}
	if activity > 0 {
		f.General[i] = float32(Learn(float64(f.General[i]), fr.GeneralLearning*math.Min(1, activity)))
	}
	f.Grant[i] = max(0, f.Grant[i]-f.Spent[i])
}

// mergeCounts adds the firm-phase workers' counters into the networks and
// the market totals, and clears them. Counts are integers, so the sums do
// not depend on how firms were split among workers.
func (w *World) mergeCounts() {
	for _, wks := range [][]*worker{w.workers, w.netWorkers} {
		for _, wk := range wks {
			for k := range wk.acc {
				for g := range wk.acc[k] {
					w.Networks[k].Acc[g].add(&wk.acc[k][g])
				}
				wk.acc[k] = [2]Accum{}
			}
			for m := range wk.mkt {
				w.MarketAcc[m].Entries += wk.mkt[m].Entries
				w.MarketAcc[m].Contacts += wk.mkt[m].Contacts
				wk.mkt[m] = MarketAcc{}
			}
		}
	}
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/rinsim/rinsim/internal/rng"
	"github.com/rinsim/rinsim/scenarios"
	"gonum.org/v1/gonum/stat/distuv"
)

// Group tells members of a network from its comparison firms.
type Group uint8

// Groups of firms.
const (
	GroupMember     Group = iota // joins the network at JoinStep
	GroupComparison              // same sector, never joins (a comparison group)
)

func (g Group) String() string {
	if g == GroupComparison {
		return "comparison"
	}
	return "member"
}

// Firms is the SME population as struct-of-arrays. Per-firm slices have
// length N; per-firm-market slices have length N*M, indexed i*M+m.
type Firms struct {
	N, M int

	Key         []uint64  // stable identity for random streams (FirmKey)
	Network     []int32   // index into World.Networks
	Group       []Group   // member or comparison
	JoinStep    []int32   // step a member joins its network; for a comparison firm, the step from which it is observed (that of the member at the same position), so both groups are compared over the same window
	Archetype   []uint8   // index into Scenario.Archetypes
	Sector      []uint8   // index into World.Sectors
	Ambitious   []bool    // international ambition (T3.5)
	Busy        []bool    // busy with the core product (T4.4.2)
	Relevance   []float32 // relevance of the network's events to the firm, [0,1]
	Budget      []float32 // resources for international activity, NOK/year
	Committed   []float32 // the firm's own resources committed along the establishment chains, NOK/year
	Grant       []float32 // unspent co-funding, NOK
	CoFunded    []float32 // yearly commitment paid by co-funding instead of the firm, NOK/year
	Spent       []float32 // spent this quarter, NOK
	General     []float32 // general internationalisation knowledge, [0,1]
	Target      []int8    // market the firm wants to enter next, -1 none (kept for joined members only: only they are invited)
	targetStop  []float32 // Target stays the same while 1-General is above this (updateTarget); +Inf: recompute
	PartProb    []float32 // chance this quarter of taking up an invitation to a relevant event
	Opportunity []float64 // sum over known markets short of the last stage of attractiveness x chance of perceiving an opportunity there (bounds the chance of a commitment step: stepBound)
	Attended    []bool    // attended at least one event this quarter
	Stepped     []bool    // made its commitment step this quarter
	PriorEntry  []bool    // operated abroad before the simulation
	Entries     []int32   // market entries counted for the firm (members: after joining)
	FirstEntry  []int16   // step of the first counted entry, NoStep if none
	FirstMarket []int8    // market of the first counted entry, -1 if none

	// Counters over the run.
	Participations     []int32
	BusyParticipations []int32   // participations while busy with the core product
	BusyQuarters       []int32   // quarters busy as a joined member (attendance pattern of busy firms, T4.4.2 B2)
	InfoReceived       []int32   // items of information forwarded to the firm
	InfoActed          []int32   // items it acted on
	Visits             []int32   // outreach visits received
	FundingReceived    []float32 // co-funding received, NOK
	PeerReceived       []int32
	PeerGiven          []int32
	BySource           []int32 // contacts by source, i*NumSources+s

	// Per firm and market.
	Knowledge []float32 // experiential market knowledge, [0,1]
	Stage     []uint8   // position on the establishment chain
	Contacts  []uint16  // relationships in the market

	// Market sets per firm, bit m for market m, so that the hot loops visit
	// only the markets that matter (MaxMarkets at most).
	Active    []uint32 // markets at stage >= 1
	Known     []uint32 // markets with at least one contact
	EntryStep []int16  // step of the first entry (stage 0 -> 1); NoStep never; PriorStep before the run
}

// MaxMarkets is the most foreign markets a scenario may have (market sets
// are 32-bit masks).
const MaxMarkets = 32

// Special step values.
const (
	NoStep    = -1
	PriorStep = -2
)

// NetworkState is a RIN's state in the current quarter.
type NetworkState struct {
	Index       int
	ID          string
	P           *scenarios.Network
	FoundedStep int
	Members     []int32 // member firm indices, in joining order
	Comparison  []int32 // comparison firm indices
	Joined      int     // members that have joined so far (a prefix of Members)
	Partners    []float64
	Focus       []float64 // market weights without survey
	tilt        []float64 // per market: 1, or the Interreg Nordic tilt
	Priority    []float64 // members' targets, mapped by the last survey
	Surveyed    bool
	FundingYear float64 // NOK/year
	Budget      float64 // for event costs this quarter, NOK: funding less salaries
	SpentNOK    float64 // NOK this quarter
	FTE         float64
	Offered     [NumChannels]bool
	Intensity   float64
	Events      [NumChannels]int
	Served      []bool // markets where an event took place this quarter
	PeerShares  int
	Acc         [2]Accum // this quarter, by Group

	src      rng.Counter // reseeded each step (rng.Reseed); a value, so networks never share a cache line
	sector   int
	mix      []float64 // cumulative archetype weights of its firms
	maxPart  float64   // highest participation chance among members this quarter
	row      int       // index of the members' row in a step's statistics; comparison row+1
	eligible [NumChannels]bool
	channels []Channel                   // the channels it pursues, in order of preference
	order    []int32                     // members taking part this quarter, shuffled
	cursor   int                         // where the next event starts inviting in order
	weights  [numWeightings]eventWeights // event market weights, by kind (marketWeights)
	items    []int8                      // markets of this quarter's items of information
	perm     []int32                     // scratch for choosing the items a member acts on
}

// World is the whole simulated system.
type World struct {
	S        *scenarios.Scenario
	Sectors  []string
	Networks []NetworkState
	Firms    Firms
	T        int // the next step to run, 0-based from Scenario.Start

	// Flattened parameters for the hot loops.
	distance     []float64 // per market
	nordic       []bool
	attr         []float64 // sector*M + market
	chans        [NumChannels]scenarios.ChannelParams
	need         [NumChannels]float64
	stageCost    []float64
	stageAct     []float64
	stageKnow    []float64
	seenTable    []float64         // Opportunity(1, c, contact_scale) for small c
	startWeights []float64         // per (archetype*sectors+sector)*M+market: the search weights (OutboundWeight) at the archetype's initial general knowledge
	stageStep    []float64         // cost of moving from stage s to s+1
	attrSum      []float64         // per sector
	logAttr      []float64         // log attractiveness, sector*M + market
	interest     []uint32          // per sector, the markets of attractiveness > 0
	attrAlias    []aliasTable      // per sector with a market of interest, draws markets in proportion to attractiveness
	daDistance   []float64         // distance_aversion * psychic distance, per market
	events       [][2][2]ownEvents // per archetype, not busy or busy, sector without or with a market of interest: chances of the own events of a quarter

	// MarketAcc counts entries and contacts per market this quarter, and
	// MarketPresent the firms at stage >= 1 there (set by Collect); both
	// count members that have joined and comparison firms.
	MarketAcc     []MarketAcc
	MarketPresent []int
	rows          int

	seed                                                  uint64
	workers                                               []*worker // firm phases
	netWorkers                                            []*worker // network phases
	pool                                                  *pool
	firmPhaseFn, networkPhaseFn, commitPhaseFn, collectFn func(wk *worker, lo, hi int)
	collectDst                                            []StepStats
}

// SetWorkers sets how many goroutines step the world (default 1). Results
// do not depend on it. Call Close when done with a world that has more than
// one worker.
func (w *World) SetWorkers(n int) {
	n = max(n, 1)
	w.pool.close()
	w.pool = nil
	M, K := w.Firms.M, len(w.Networks)
	w.workers, w.netWorkers = nil, nil
	for range n {
		w.workers = append(w.workers, newWorker(M, K, true))
		w.netWorkers = append(w.netWorkers, newWorker(M, K, false))
	}
	if n > 1 {
		w.pool = newPool(n - 1)
	}
}

// Close stops the world's worker goroutines.
func (w *World) Close() {
	w.pool.close()
	w.pool = nil
}

// New builds the initial population of scenario s from master seed, with
// one worker.
func New(s *scenarios.Scenario, seed uint64) (*World, error) { return NewWorkers(s, seed, 1) }

// NewWorkers is New with the given number of workers, which also set up the
// firms in parallel (each firm draws from its own stream, so the population
// is the same for any number). Call Close when done if workers > 1.
func NewWorkers(s *scenarios.Scenario, seed uint64, workers int) (*World, error) {
	w := &World{S: s}
	w.flatten()
	w.seed = seed
	total := 0
	for _, n := range s.Networks {
		total += n.Members + n.NonMembers
	}
	if len(s.Markets) > MaxMarkets {
		return nil, fmt.Errorf("model: %d markets exceed the limit of %d", len(s.Markets), MaxMarkets)
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("model: %d firms exceed the limit of %d", total, math.MaxInt32)
	}
	w.Firms = newFirms(total, len(s.Markets))
	w.Networks = make([]NetworkState, len(s.Networks))
	w.SetWorkers(workers)
	w.firmPhaseFn, w.networkPhaseFn, w.commitPhaseFn, w.collectFn = w.firmRange, w.networkRange, w.commitRange, w.collectRange
	w.MarketAcc = make([]MarketAcc, len(s.Markets))
	w.MarketPresent = make([]int, len(s.Markets))
	next := 0
	for k := range s.Networks {
		next = w.initNetwork(k, next)
		w.Networks[k].row = w.rows
		w.rows++
		if s.Networks[k].NonMembers > 0 {
			w.rows++
		}
	}
	w.pool.run(w.workers, total, BlockSize, w.initRange)
	return w, nil
}

func (w *World) flatten() {
	s := w.S
	M := len(s.Markets)
	sectors := map[string]bool{}
	for _, n := range s.Networks {
		sectors[n.Sector] = true
	}
	for sec := range sectors {
		w.Sectors = append(w.Sectors, sec)
	}
	sort.Strings(w.Sectors)
	w.distance = make([]float64, M)
	w.nordic = make([]bool, M)
	w.attr = make([]float64, len(w.Sectors)*M)
	for m, mk := range s.Markets {
		w.distance[m] = mk.PsychicDistance
		w.nordic[m] = mk.Nordic
		for si, sec := range w.Sectors {
			w.attr[si*M+m] = mk.Attractiveness[sec]
		}
	}
	w.chans = channelParams(&s.Channel)
	for c := range NumChannels {
		w.need[c] = w.chans[c].FTE
	}
	w.attrSum = make([]float64, len(w.Sectors))
	w.logAttr = make([]float64, len(w.attr))
	w.interest = make([]uint32, len(w.Sectors))
	w.attrAlias = make([]aliasTable, len(w.Sectors))
	for si := range w.Sectors {
		for m := range M {
			a := w.attr[si*M+m]
			if a > 0 {
				w.interest[si] |= 1 << m
			}
			w.attrSum[si] += a
			w.logAttr[si*M+m] = math.Log(a) // -Inf for a market of no interest
		}
		if w.attrSum[si] > 0 {
			w.attrAlias[si] = newAlias(w.attr[si*M : (si+1)*M])
		}
	}
	w.daDistance = make([]float64, M)
	for m := range M {
		w.daDistance[m] = s.Firm.DistanceAversion * w.distance[m]
	}
	w.events = make([][2][2]ownEvents, len(s.Archetypes))
	for a, arch := range s.Archetypes {
		rates := [...]float64{arch.BusinessNetwork, arch.SocialNetwork, arch.OtherChannels, arch.Inbound} // in ownSources order
		for busy, switchProb := range [2]float64{s.Firm.BusyStart, s.Firm.BusyEnd} {
			p := [numOwnEvents]float64{switchProb}
			w.events[a][busy][0] = newOwnEvents(p) // no market of interest, no contact
			for k, rate := range rates {
				p[1+k] = Hazard(rate)
			}
			w.events[a][busy][1] = newOwnEvents(p)
		}
	}
	w.startWeights = make([]float64, 0, len(s.Archetypes)*len(w.Sectors)*M)
	for _, arch := range s.Archetypes {
		g := float64(float32(arch.GeneralKnowledge)) // as the firm holds it
		for si := range w.Sectors {
			for m := range M {
				w.startWeights = append(w.startWeights, OutboundWeight(w.attr[si*M+m], w.distance[m], g, s.Firm.DistanceAversion))
			}
		}
	}
	w.seenTable = make([]float64, 64)
	for c := range w.seenTable {
		w.seenTable[c] = Opportunity(1, c, s.Firm.ContactScale)
	}
	for k := range len(s.Stages) - 1 {
		w.stageStep = append(w.stageStep, s.Stages[k+1].CostNOK-s.Stages[k].CostNOK)
	}
	for _, st := range s.Stages {
		w.stageCost = append(w.stageCost, st.CostNOK)
		w.stageAct = append(w.stageAct, st.Activity)
		w.stageKnow = append(w.stageKnow, st.Knowledge)
	}
}

func newFirms(n, m int) Firms {
	f := Firms{N: n, M: m,
		Key: make([]uint64, n), Network: make([]int32, n), Group: make([]Group, n), JoinStep: make([]int32, n),
		Archetype: make([]uint8, n), Sector: make([]uint8, n), Ambitious: make([]bool, n),
		Busy: make([]bool, n), Relevance: make([]float32, n), Budget: make([]float32, n),
		Committed: make([]float32, n), Grant: make([]float32, n), CoFunded: make([]float32, n), Spent: make([]float32, n),
		General: make([]float32, n), Target: make([]int8, n), targetStop: make([]float32, n), PartProb: make([]float32, n), Opportunity: make([]float64, n),
		Attended: make([]bool, n), Stepped: make([]bool, n), PriorEntry: make([]bool, n),
		Entries: make([]int32, n), FirstEntry: make([]int16, n), FirstMarket: make([]int8, n),
		Participations: make([]int32, n), BusyParticipations: make([]int32, n), BusyQuarters: make([]int32, n),
		InfoReceived: make([]int32, n), InfoActed: make([]int32, n), Visits: make([]int32, n),
		FundingReceived: make([]float32, n), PeerReceived: make([]int32, n), PeerGiven: make([]int32, n),
		BySource:  make([]int32, n*int(NumSources)),
		Knowledge: make([]float32, n*m), Stage: make([]uint8, n*m), Contacts: make([]uint16, n*m),
		EntryStep: make([]int16, n*m),
		Active:    make([]uint32, n), Known: make([]uint32, n),
	}
	for i := range f.EntryStep {
		f.EntryStep[i] = NoStep
	}
	for i := range n {
		f.targetStop[i] = float32(math.Inf(1))
		f.FirstEntry[i] = NoStep
		f.FirstMarket[i] = -1
	}
	return f
}

// initNetwork creates network k's state and its firms from index first on,
// and returns the next free firm index.
func (w *World) initNetwork(k, first int) int {
	p := &w.S.Networks[k]
	M := len(w.S.Markets)
	ns := &w.Networks[k]
	*ns = NetworkState{Index: k, ID: p.ID, P: p,
		FoundedStep: int(scenarios.NewQuarter(p.Founded, 1) - w.S.Start),
		Partners:    make([]float64, M), Focus: make([]float64, M), Priority: make([]float64, M), tilt: make([]float64, M),
		Served: make([]bool, M),
		items:  make([]int8, 0, 32), perm: make([]int32, 0, 32),
	}
	for m, mk := range w.S.Markets {
		ns.Partners[m] = p.Partners[mk.ID]
	}
	for k := range ns.weights {
		ns.weights[k].w = make([]float64, M)
	}
	ns.FoundedStep = max(ns.FoundedStep, 0)
	ns.eligible = w.eligibility(p)
	ns.channels = ChannelOrder(p.Channels)
	sector := uint8(sort.SearchStrings(w.Sectors, p.Sector))
	ns.mix = archetypeCDF(w.S.Archetypes, p.Archetypes)
	steps := w.S.Steps()
	i := first
	for j := 0; j < p.Members; j++ {
		w.Firms.Key[i] = FirmKey(k, GroupMember, j)
		w.Firms.Network[i], w.Firms.Sector[i] = int32(k), sector
		w.Firms.Group[i] = GroupMember
		w.Firms.JoinStep[i] = int32(joinStep(j, p.InitialMembers, p.Members, ns.FoundedStep, steps))
		ns.Members = append(ns.Members, int32(i))
		i++
	}
	for j := 0; j < p.NonMembers; j++ {
		w.Firms.Key[i] = FirmKey(k, GroupComparison, j)
		w.Firms.Network[i], w.Firms.Sector[i] = int32(k), sector
		w.Firms.Group[i] = GroupComparison
		w.Firms.JoinStep[i] = int32(comparisonStep(j, p.NonMembers, p.InitialMembers, p.Members, ns.FoundedStep, steps))
		ns.Comparison = append(ns.Comparison, int32(i))
		i++
	}
	ns.order = make([]int32, 0, len(ns.Members))
	ns.sector = int(sector)
	return i
}

// eligibility: channels that need a partner abroad or a co-funder exist only
// when those do (T4.1.1: cross-RIN needs a partner cluster; T4.1.3: network
// projects are co-funded by Innovation Norway).
func (w *World) eligibility(p *scenarios.Network) [NumChannels]bool {
	var e [NumChannels]bool
	for c := range NumChannels {
		e[c] = true
	}
	partners := 0.0
	for _, v := range p.Partners {
		partners += v
	}
	e[CrossRIN] = partners > 0
	e[NetworkProject] = w.S.Public.InnovationNorwayShare > 0
	return e
}

// joinStep spreads joining evenly: the first initial members join when the
// network is founded, the rest one by one until the last quarter (T3.5:
// Oslo Medtech grew from 32 to about 180 members).
func joinStep(j, initial, total, founded, steps int) int {
	if j < initial || total == initial {
		return founded
	}
	span := steps - 1 - founded
	return founded + 1 + (j-initial)*span/(total-initial)
}

// comparisonStep is when comparison firm j of n starts to be observed: the
// joining step of the member at the same relative position, so that members
// and comparison firms are compared over the same windows.
func comparisonStep(j, n, initial, total, founded, steps int) int {
	return joinStep(j*total/n, initial, total, founded, steps)
}

func archetypeCDF(as []scenarios.Archetype, weights map[string]float64) []float64 {
	cdf := make([]float64, len(as))
	total := 0.0
	for a, arch := range as {
		total += weights[arch.ID]
		cdf[a] = total
	}
	for a := range cdf {
		cdf[a] /= total
	}
	return cdf
}

// FirmKey identifies a firm by network, group and position, so that its
// random streams do not move when other networks change size.
func FirmKey(network int, g Group, j int) uint64 {
	return uint64(network)<<33 | uint64(g)<<32 | uint64(j)
}

// initRange draws the initial state of firms [lo, hi), each from its own
// set-up stream.
func (w *World) initRange(wk *worker, lo, hi int) {
	key := rng.StepKey(w.seed, rng.KindInit, 0)
	for i := lo; i < hi; i++ {
		w.initFirm(wk, i, wk.stream(w, i, key))
	}
}

func (w *World) initFirm(wk *worker, i int, r *rand.Rand) {
	s := w.S
	f := &w.Firms
	k := int(f.Network[i])
	mix := w.Networks[k].mix
	a := sort.SearchFloat64s(mix, r.Float64())
	a = min(a, len(mix)-1)
	arch := &s.Archetypes[a]
	f.Archetype[i] = uint8(a)
	f.Ambitious[i] = r.Float64() < s.Networks[k].AmbitionShare
	f.Relevance[i] = float32(betaMean(r, s.Networks[k].EventRelevance, s.Firm.RelevanceConcentration))
	f.Budget[i] = float32(distuv.LogNormal{Mu: math.Log(arch.BudgetNOK), Sigma: s.Firm.BudgetSpread, Src: r}.Rand())
	f.General[i] = float32(arch.GeneralKnowledge)
	f.Target[i] = -1
	w.placePriorMarkets(wk, i, arch.PriorMarkets, r)
	f.Opportunity[i] = w.opportunity(i)
}

// priorContacts is the number of business contacts a firm holds in each
// market where it operates before the run (assumed).
const priorContacts = 2

// placePriorMarkets puts an experienced firm at the agent stage in its first
// markets, chosen as its own search would choose them.
func (w *World) placePriorMarkets(wk *worker, i int, n float64, r *rand.Rand) {
	f := &w.Firms
	M := f.M
	count := int(n)
	if r.Float64() < n-float64(count) {
		count++
	}
	stage := min(2, len(w.stageCost)-1)
	// The search weights depend on the firm's archetype (its general
	// knowledge at the start) and sector only: computed once for each pair.
	k := (int(f.Archetype[i])*len(w.Sectors) + int(f.Sector[i])) * M
	row := w.startWeights[k : k+M]
	for ; count > 0; count-- {
		wts := wk.scratch[:M]
		copy(wts, row)
		total := 0.0
		for m := range M {
			if f.Stage[i*M+m] != 0 {
				wts[m] = 0
			}
			total += wts[m]
		}
		if total == 0 {
			return
		}
		m := pick(wts, total, r.Float64())
		if f.Committed[i]+float32(w.stageCost[stage]) > f.Budget[i] {
			return
		}
		j := i*M + m
		f.Stage[j] = uint8(stage)
		f.Committed[i] += float32(w.stageCost[stage])
		f.Knowledge[j] = float32(w.S.Firm.InitialKnowledge)
		f.Contacts[j] = priorContacts
		f.Active[i] |= 1 << m
		f.Known[i] |= 1 << m
		f.BySource[i*int(NumSources)+int(SrcBusiness)] += priorContacts
		f.EntryStep[j] = PriorStep
		f.PriorEntry[i] = true
	}
}

// betaMean draws from a beta distribution with the given mean and
// concentration a+b.
func betaMean(r *rand.Rand, mean, conc float64) float64 {
	if mean <= 0 || mean >= 1 {
		return mean
	}
	return distuv.Beta{Alpha: mean * conc, Beta: (1 - mean) * conc, Src: r}.Rand()
}

// pick returns the index chosen by u in [0,1) from non-negative weights
// summing to total. Weighted choice over a dozen markets is a linear scan;
// gonum's sampleuv.Weighted would allocate a heap per firm per quarter.
func pick(weights []float64, total, u float64) int {
	x := u * total
	last := 0
	for m, v := range weights {
		if v <= 0 {
			continue
		}
		last = m
		if x < v {
			return m
		}
		x -= v
	}
	return last
}

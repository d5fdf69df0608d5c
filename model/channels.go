package model

import (
	"math"
	"math/bits"

	"github.com/rinsim/rinsim/internal/rng"
	"github.com/rinsim/rinsim/scenarios"
)

func toQuarter(t int) scenarios.Quarter { return scenarios.Quarter(t) }

// networkRange runs the network phases of networks [lo, hi): their channels,
// then help among their members. Networks share no firms, so they can run in
// parallel; each draws from its own stream.
func (w *World) networkRange(wk *worker, lo, hi int) {
	for k := lo; k < hi; k++ {
		ns := &w.Networks[k]
		w.runChannels(wk, ns)
		w.peerPhase(wk, ns)
	}
}

// runChannels spends the quarter's outreach budget, then runs this
// quarter's events of every offered channel, in the network's order of
// preference, while the network's budget lasts (budgets are never
// overspent).
func (w *World) runChannels(wk *worker, ns *NetworkState) {
	if w.T < ns.FoundedStep || ns.Joined == 0 {
		return
	}
	w.shuffleTakers(ns)
	w.outreach(ns)
	for _, c := range ns.channels { // in the network's order of preference (Figure 5)
		if !ns.Offered[c] {
			continue
		}
		cp := &w.chans[c]
		n := EventCount(cp.EventsPerYear/4*ns.Intensity, ns.src.Float64())
		cost := cp.EventCostNOK
		if c == JointStand {
			cost *= 1 - w.S.Public.CountyStandShare
		}
		held := 0
		for held < n && ns.SpentNOK+cost <= ns.Budget {
			ns.SpentNOK += cost
			held++
		}
		ns.Events[c] += held
		w.holdEvents(wk, ns, c, held)
	}
}

// holdEvents runs n events of channel c. The quarter's items of information
// reach the members together, before its information events are attended:
// one pass over the members instead of one per item.
func (w *World) holdEvents(wk *worker, ns *NetworkState, c Channel, n int) {
	switch c {
	case Info:
		markets := ns.items[:0]
		for range n {
			markets = append(markets, int8(w.chooseMarket(ns, Info)))
		}
		ns.items = markets
		w.forward(ns, markets)
		for _, m := range markets {
			w.infoEvent(wk, ns, int(m))
		}
	case Survey:
		for range n {
			w.surveyEvent(wk, ns)
		}
	default:
		for range n {
			w.slotEvent(wk, ns, c, w.chooseMarket(ns, c))
		}
	}
}

// outreach spends the network's outreach share of its event budget on
// visiting members (T5.5.2: innovation brokers who know the firms; B2 in
// Table 4: "they should know more what they are selling"). A visit raises how
// relevant the member finds the network's events, so members that would
// otherwise not take part start to.
func (w *World) outreach(ns *NetworkState) {
	share := ns.P.OutreachShare
	if share <= 0 {
		return
	}
	pub := &w.S.Public
	visits := EventCount(ns.Budget*share/pub.OutreachVisitNOK, ns.src.Float64())
	f := &w.Firms
	for range visits {
		if ns.SpentNOK+pub.OutreachVisitNOK > ns.Budget {
			return
		}
		ns.SpentNOK += pub.OutreachVisitNOK
		i := int(ns.Members[ns.src.IntN(ns.Joined)])
		f.Relevance[i] = float32(Learn(float64(f.Relevance[i]), pub.OutreachRelevance))
		f.Visits[i]++
	}
}

// shuffleTakers lists the members that may take part this quarter in random
// order, so that event places go to no one by their position in the list,
// and notes the highest participation chance among them.
func (w *World) shuffleTakers(ns *NetworkState) {
	ns.order = ns.order[:0]
	ns.maxPart = 0
	for _, i := range ns.Members[:ns.Joined] {
		if p := w.Firms.PartProb[i]; p > 0 {
			ns.order = append(ns.order, i)
			ns.maxPart = max(ns.maxPart, float64(p))
		}
	}
	ns.src.Shuffle32(ns.order)
	ns.cursor = 0
}

// chooseMarket picks the market of an event. Cross-RIN events go where
// partner clusters are (T4.1.1), tilted toward nearby markets as the
// network's focus is when Interreg pays (T4.1.3: the Nordic Innovation
// Express; T5.1); mentoring covers distant cultures (T5.1: "how to do
// business in China, how to do business in India"); other events follow the
// network's focus, or the members' own targets once a survey has mapped them
// (T5.1).
func (w *World) chooseMarket(ns *NetworkState, c Channel) int {
	mw := w.marketWeights(ns, c)
	wts, total := mw.w, mw.total
	if total <= 0 {
		return int(ns.src.IntN(len(wts)))
	}
	return pick(wts, total, ns.src.Float64())
}

// Kinds of event market weights: a network's events draw their markets from
// one of three weightings (chooseMarket).
const (
	weighFocus     = iota // the focus, mixed with the surveyed priorities
	weighMentoring        // the same, times psychic distance
	weighPartners         // partner clusters, tilted
	numWeightings
)

// eventWeights are a network's market weights of one kind for its events,
// with their sum; kept while the focus and the priorities stay as they are.
type eventWeights struct {
	w     []float64
	total float64
	fresh bool
}

// marketWeights returns the weights channel c's events draw markets from,
// computing them only when the focus (each quarter, fund) or the priorities
// (a survey) have changed since they were last needed.
func (w *World) marketWeights(ns *NetworkState, c Channel) *eventWeights {
	kind := weighFocus
	switch c {
	case CrossRIN:
		kind = weighPartners
	case Mentoring:
		kind = weighMentoring
	}
	mw := &ns.weights[kind]
	if mw.fresh {
		return mw
	}
	wts := mw.w
	switch kind {
	case weighPartners:
		for m := range wts {
			wts[m] = ns.Partners[m] * ns.tilt[m]
		}
	default:
		mixFocus(wts, ns.Focus, ns.Priority, ns.Surveyed, w.S.Public.SurveyTargeting)
		if kind == weighMentoring {
			for m := range wts {
				wts[m] *= w.distance[m]
			}
		}
	}
	mw.total, mw.fresh = sum(wts), true
	return mw
}

// staleWeights marks a network's event market weights for recomputation.
func (ns *NetworkState) staleWeights() {
	for k := range ns.weights {
		ns.weights[k].fresh = false
	}
}

// mixFocus blends the network's focus with the surveyed priorities, each
// normalised to sum 1.
func mixFocus(dst, focus, priority []float64, surveyed bool, targeting float64) {
	tf, tp := sum(focus), sum(priority)
	if !surveyed || tp == 0 {
		targeting = 0
	}
	for m := range dst {
		dst[m] = 0
		if tf > 0 {
			dst[m] += (1 - targeting) * focus[m] / tf
		}
		if targeting > 0 {
			dst[m] += targeting * priority[m] / tp
		}
	}
}

// infoEvent is one forwarded invitation to an event in market m (T4.3.2: "I
// forward invitation through my mail list"; the item itself reached the
// members through forward). Members attend with their participation chance
// times public.innovation_norway_events, up to the channel's slots, in random
// order from a random start, so no member is favoured by its place when slots
// bind. When the highest chance is small, candidates are visited at geometric
// gaps for it and accepted in proportion to their own (thinning: each member
// keeps its exact chance at a cost proportional to those who attend); else
// each member is visited with one uniform draw, which is cheaper than a
// logarithm per candidate.
func (w *World) infoEvent(wk *worker, ns *NetworkState, m int) {
	f := &w.Firms
	attendance := w.S.Public.InnovationNorwayEvents
	pmax := ns.maxPart * attendance
	if pmax <= 0 {
		return
	}
	cp := &w.chans[Info]
	n := len(ns.order)
	start, filled := ns.src.IntN(max(n, 1)), 0
	take := func(i int) {
		if w.afford(i, cp.FeeNOK) {
			w.spend(i, cp.FeeNOK)
			w.attend(wk, ns, i, Info, m, 1)
			filled++
		}
	}
	if pmax >= directThreshold {
		for idx := 0; idx < n && float64(filled) < cp.Slots; idx++ {
			i := int(ns.order[(start+idx)%n])
			if ns.src.Float64() < float64(f.PartProb[i])*attendance {
				take(i)
			}
		}
		return
	}
	gap := newGaps(pmax)
	for idx := gap.draw(ns); idx < n && float64(filled) < cp.Slots; idx += 1 + gap.draw(ns) {
		i := int(ns.order[(start+idx)%n])
		if ns.src.Float64()*pmax < float64(f.PartProb[i])*attendance {
			take(i)
		}
	}
}

// directThreshold is the chance above which a Bernoulli draw per member is
// cheaper than geometric gaps (a logarithm per candidate costs about as much
// as ten uniform draws).
const directThreshold = 0.1

// maxInversion is the most items binomial counts by inversion; beyond it
// (only in tests) it draws item by item.
const maxInversion = 64

// forward delivers the quarter's items of market information (the market of
// each) to every member that has joined (T4.3.2, T5.4, T5.5.1: members mainly
// get "market information, learning"). A member acts on each item with
// firm.info_uptake times its relevance, times busy_participation while busy
// and non_ambitious_participation without international ambition (attention,
// T4.4.2), independently. The number it acts on is drawn at once (binomial)
// and the items by a partial shuffle, so a member costs one draw, not one per
// item. Acting teaches general knowledge and knowledge of the item's market,
// which lowers the market's perceived risk (T2.1).
func (w *World) forward(ns *NetworkState, markets []int8) {
	f := &w.Firms
	fr := &w.S.Firm
	cp := &w.chans[Info]
	N := len(markets)
	if N == 0 {
		return
	}
	perm := ns.perm[:0]
	for k := range N {
		perm = append(perm, int32(k))
	}
	ns.perm = perm
	for _, i32 := range ns.Members[:ns.Joined] {
		i := int(i32)
		f.InfoReceived[i] += int32(N)
		p := fr.InfoUptake * float64(f.Relevance[i])
		if f.Busy[i] {
			p *= fr.BusyParticipation
		}
		if !f.Ambitious[i] {
			p *= fr.NonAmbitiousParticipation // less attention to international news
		}
		k := binomial(N, p, &ns.src)
		if k == 0 {
			continue
		}
		f.InfoActed[i] += int32(k)
		g := float64(f.General[i])
		for s := range k { // a partial shuffle picks k distinct items
			r := s + ns.src.IntN(N-s)
			perm[s], perm[r] = perm[r], perm[s]
			g = Learn(g, cp.Learning)
			j := i*f.M + int(markets[perm[s]])
			f.Knowledge[j] = float32(Learn(float64(f.Knowledge[j]), cp.MarketLearning))
		}
		f.General[i] = float32(g)
	}
}

// powInt is x to the power n >= 0 by repeated squaring.
func powInt(x float64, n int) float64 {
	y := 1.0
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			y *= x
		}
		x *= x
	}
	return y
}

// binomial draws the number of successes of n Bernoulli(p) trials: by
// inversion with one uniform draw for up to maxInversion trials (counting the
// rarer outcome, so that the chance of none cannot underflow), else trial by
// trial.
func binomial(n int, p float64, src *rng.Counter) int {
	switch {
	case p <= 0:
		return 0
	case p >= 1:
		return n
	case n > maxInversion:
		k := 0
		for range n {
			if src.Float64() < p {
				k++
			}
		}
		return k
	case p > 0.5:
		return n - binomial(n, 1-p, src)
	}
	u := src.Float64()
	prob := powInt(1-p, n)
	cdf, odds := prob, p/(1-p)
	k := 0
	for u >= cdf && k < n {
		prob *= binomialRatio[n][k] * odds
		k++
		cdf += prob
	}
	return k
}

// binomialRatio[n][k] is (n-k)/(k+1), the factor from the chance of k
// successes to that of k+1 apart from the odds: looked up, not divided, in
// binomial's loop (the same float64 either way).
var binomialRatio = func() (r [maxInversion + 1][maxInversion + 1]float64) {
	for n := range r {
		for k := range n {
			r[n][k] = float64(n-k) / float64(k+1)
		}
	}
	return r
}()

// gaps draws the number of failures before the first success of
// Bernoulli(p) trials (geometric gaps), with log(1-p) computed once for all
// the draws of one pass instead of once per draw.
type gaps struct {
	always bool    // p >= 1: no gaps
	log1mp float64 // log(1-p)
}

func newGaps(p float64) gaps {
	if p >= 1 {
		return gaps{always: true}
	}
	return gaps{log1mp: math.Log1p(-p)}
}

func (g gaps) draw(ns *NetworkState) int {
	if g.always {
		return 0
	}
	u := 1 - ns.src.Float64() // in (0, 1]; the number ns.src.Float64 draws
	return int(min(math.Log(u)/g.log1mp, 1<<40))
}

// surveyEvent maps the members' target markets (T5.1: "identify which
// markets will be most important"). Members answer with their participation
// chance, up to the channel's slots, in random order; each answer is a
// participation in the member's target market (learning, and the channel's
// other effects where set). The map replaces the previous survey's: a survey
// is a fresh picture of the members' priorities, ambitious members weighted
// fully. A survey without answers leaves the previous map.
func (w *World) surveyEvent(wk *worker, ns *NetworkState) {
	f := &w.Firms
	cp := &w.chans[Survey]
	answered, n := 0, len(ns.order)
	start := ns.src.IntN(max(n, 1)) // no member is favoured by its place when slots bind
	for k := range n {
		if float64(answered) >= cp.Slots {
			break
		}
		i := int(ns.order[(start+k)%n])
		t := int(f.Target[i])
		if t < 0 || ns.src.Float64() >= float64(f.PartProb[i]) || !w.afford(i, cp.FeeNOK) {
			continue
		}
		if answered == 0 {
			clear(ns.Priority)
		}
		answered++
		w.spend(i, cp.FeeNOK)
		w.attend(wk, ns, i, Survey, t, 1)
		wt := w.S.Firm.NonAmbitiousRate
		if f.Ambitious[i] {
			wt = 1
		}
		ns.Priority[t] += wt
	}
	if answered > 0 {
		ns.Surveyed = true
		ns.staleWeights() // the priorities changed
	}
}

// slotEvent fills an event's places from the invited members, starting where
// the last event stopped. A member takes up the invitation with its
// participation chance, times the market's attractiveness for its sector
// unless the market is its target, and only if it can pay the fee. More
// events therefore mean more participation (funding sets how often
// channels run).
func (w *World) slotEvent(wk *worker, ns *NetworkState, c Channel, m int) {
	f := &w.Firms
	cp := &w.chans[c]
	n := len(ns.order)
	slots := int(min(cp.Slots, float64(n)))
	attention := 1.0
	if c == Embassy {
		attention = w.S.Public.EmbassyAttention
	}
	start, filled := ns.cursor, 0
	for k := 0; k < n && filled < slots; k++ {
		idx := (start + k) % n
		i := int(ns.order[idx])
		p := float64(f.PartProb[i])
		if int(f.Target[i]) != m {
			p *= w.attr[int(f.Sector[i])*f.M+m]
		}
		if ns.src.Float64() >= p || !w.afford(i, cp.FeeNOK) {
			continue
		}
		w.spend(i, cp.FeeNOK)
		w.attend(wk, ns, i, c, m, attention)
		filled++
		ns.cursor = (idx + 1) % n
	}
}

// attend applies one participation in channel c about market m: learning, a
// possible contact in the market, co-funding and a possible commitment step.
// A market where a member took part counts as served by the network this
// quarter (for peer help), except for surveys and mentoring, which hold no
// event in the market.
func (w *World) attend(wk *worker, ns *NetworkState, i int, c Channel, m int, attention float64) {
	f := &w.Firms
	cp := &w.chans[c]
	f.Participations[i]++
	if f.Busy[i] {
		f.BusyParticipations[i]++
	}
	f.Attended[i] = true
	if c != Survey && c != Mentoring {
		ns.Served[m] = true
	}
	f.General[i] = float32(Learn(float64(f.General[i]), cp.Learning))
	j := i*f.M + m
	f.Knowledge[j] = float32(Learn(float64(f.Knowledge[j]), cp.MarketLearning))
	if ns.src.Float64() < cp.ContactProb*attention {
		w.addContact(wk, i, m, Source(c), w.T)
	}
	if grant := cp.FundingNOK * w.coFundShare(c); grant > 0 {
		f.Grant[i] += float32(grant)
		f.FundingReceived[i] += float32(grant)
	}
	if cp.CommitProb > 0 && !f.Stepped[i] && ns.src.Float64() < w.eventCommitProb(i, j, m, cp.CommitProb) &&
		CanStepUp(int(f.Stage[j]), float64(f.Knowledge[j]), float64(f.Committed[i]), float64(f.Budget[i]), w.grantLeft(i), w.S.Stages) {
		w.stepUp(wk, i, m, w.T)
	}
}

// coFundShare is the share of channel c's funding_nok that reaches the
// participant: Innovation Norway pays its share of a business network
// project (T4.1.3, T4.3.2); other channels' funding_nok is already the public
// money per participant (e.g. the county's support of a joint stand, T4.1.2).
func (w *World) coFundShare(c Channel) float64 {
	if c == NetworkProject {
		return w.S.Public.InnovationNorwayShare
	}
	return 1
}

// eventCommitProb is the chance that an event leads firm i to a commitment
// step in market m: the channel's base chance, held back by perceived risk
// and lack of ambition as any Uppsala commitment decision is (T2.1).
func (w *World) eventCommitProb(i, j, m int, base float64) float64 {
	f := &w.Firms
	fr := &w.S.Firm
	amb := 1.0
	if !f.Ambitious[i] {
		amb = fr.NonAmbitiousRate
	}
	risk := PerceivedRisk(w.distance[m], float64(f.Knowledge[j]), float64(f.General[i]), fr.GeneralRiskWeight)
	return base * amb * powSmall(1-risk, fr.RiskAversion)
}

// peerPhase: inter-firm cooperation (T4.2, T5.3). An ambitious member whose
// target market no event of its network served this quarter may ask another
// member; the peer shares a contact in that market if it has one, or invites
// it along to the market where the peer is most committed. A member whose
// target was served asks with peer.seek_when_served times the chance (0 in
// the calibration: help substitutes for the channels).
func (w *World) peerPhase(wk *worker, ns *NetworkState) {
	if ns.Joined < 2 {
		return
	}
	f := &w.Firms
	pr := &w.S.Peer
	for _, i32 := range ns.Members[:ns.Joined] {
		i := int(i32)
		t := int(f.Target[i])
		if !f.Ambitious[i] || t < 0 {
			continue
		}
		seek := pr.SeekProb
		if ns.Served[t] {
			// At 0 a served member draws nothing, as before the parameter
			// existed, so the calibrated runs keep their random streams.
			if pr.SeekWhenServed == 0 {
				continue
			}
			seek *= pr.SeekWhenServed
		}
		if ns.src.Float64() >= seek {
			continue
		}
		j := int(ns.Members[ns.src.IntN(ns.Joined)])
		if j == i || ns.src.Float64() >= pr.ShareProb {
			continue
		}
		m := w.peerMarket(j, t)
		if m < 0 {
			continue
		}
		w.addContact(wk, i, m, SrcPeer, w.T)
		f.PeerGiven[j]++
		f.PeerReceived[i]++
		f.General[i] = float32(Learn(float64(f.General[i]), pr.Learning))
		ns.PeerShares++
	}
}

// peerMarket is where peer j can help: the asker's target if j has contacts
// there, else j's most committed market, -1 if j is not abroad at all.
func (w *World) peerMarket(j, target int) int {
	f := &w.Firms
	M := f.M
	if f.Contacts[j*M+target] > 0 {
		return target
	}
	best, bestStage := -1, uint8(0)
	for set := f.Active[j]; set != 0; set &= set - 1 { // markets at stage >= 1, in order
		m := bits.TrailingZeros32(set)
		if s := f.Stage[j*M+m]; s > bestStage {
			best, bestStage = m, s
		}
	}
	return best
}

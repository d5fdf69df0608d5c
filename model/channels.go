package model

import (
	"math"

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

// runChannels runs this quarter's events of every offered channel, in channel
// order, while the network's budget lasts (budgets are never overspent).
func (w *World) runChannels(wk *worker, ns *NetworkState) {
	if w.T < ns.FoundedStep || ns.Joined == 0 {
		return
	}
	w.shuffleTakers(ns)
	for c := range NumChannels {
		if !ns.Offered[c] {
			continue
		}
		cp := &w.chans[c]
		n := EventCount(cp.EventsPerYear/4*ns.Intensity, ns.rng.Float64())
		cost := cp.EventCostNOK
		if c == JointStand {
			cost *= 1 - w.S.Public.CountyStandShare
		}
		held := 0
		for range n {
			if ns.SpentNOK+cost > ns.Budget {
				break
			}
			ns.SpentNOK += cost
			ns.Events[c]++
			held++
			if c != Info {
				w.runEvent(wk, ns, c)
			}
		}
		if c == Info && held > 0 {
			w.infoEvents(wk, ns, held)
		}
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
	ns.rng.Shuffle(len(ns.order), ns.swap)
	ns.cursor = 0
}

func (w *World) runEvent(wk *worker, ns *NetworkState, c Channel) {
	switch c {
	case Survey:
		w.surveyEvent(ns)
	default:
		w.slotEvent(wk, ns, c, w.chooseMarket(ns, c))
	}
}

// chooseMarket picks the market of an event. Cross-RIN events go where
// partner clusters are (T4.1.1); mentoring covers distant cultures (T5.1:
// "how to do business in China, how to do business in India"); other events
// follow the network's focus, or the members' own targets once a survey has
// mapped them (T5.1).
func (w *World) chooseMarket(ns *NetworkState, c Channel) int {
	wts := ns.weights
	switch c {
	case CrossRIN:
		copy(wts, ns.Partners)
	default:
		mixFocus(wts, ns.Focus, ns.Priority, ns.Surveyed, w.S.Public.SurveyTargeting)
		if c == Mentoring {
			for m := range wts {
				wts[m] *= w.distance[m]
			}
		}
	}
	total := sum(wts)
	if total <= 0 {
		return int(ns.rng.IntN(len(wts)))
	}
	return pick(wts, total, ns.rng.Float64())
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

// infoEvents forwards this quarter's n invitations (T4.3.2: "I forward
// invitation through my mail list"): every member receives the information,
// learning a little from each; members may attend each forwarded event with
// their participation chance times public.innovation_norway_events.
// Attendees are found by thinning: candidates are visited at geometric gaps
// for the highest chance, then accepted in proportion to their own, which
// gives each member its exact chance at a cost proportional to attendance,
// not to the size of the network.
func (w *World) infoEvents(wk *worker, ns *NetworkState, n int) {
	f := &w.Firms
	cp := &w.chans[Info]
	keep := math.Pow(1-cp.Learning, float64(n)) // n applications of Learn
	for _, i := range ns.Members[:ns.Joined] {
		f.InfoReceived[i] += int32(n)
		f.General[i] = float32(1 - (1-float64(f.General[i]))*keep)
	}
	attendance := w.S.Public.InnovationNorwayEvents
	pmax := ns.maxPart * attendance
	for range n {
		m := w.chooseMarket(ns, Info)
		ns.Served[m] = true
		if pmax <= 0 {
			continue
		}
		for idx := geometric(ns, pmax); idx < len(ns.order); idx += 1 + geometric(ns, pmax) {
			i := int(ns.order[idx])
			if ns.rng.Float64()*pmax < float64(f.PartProb[i])*attendance {
				w.attend(wk, ns, i, Info, m, 1)
			}
		}
	}
}

// geometric draws the number of failures before the first success of
// Bernoulli(p) trials.
func geometric(ns *NetworkState, p float64) int {
	if p >= 1 {
		return 0
	}
	u := 1 - ns.rng.Float64() // in (0, 1]
	return int(min(math.Log(u)/math.Log1p(-p), 1<<40))
}

// surveyEvent maps the members' target markets (T5.1: "identify which markets
// will be most important"), weighting ambitious members fully.
func (w *World) surveyEvent(ns *NetworkState) {
	f := &w.Firms
	cp := &w.chans[Survey]
	clear(ns.Priority)
	for _, i := range ns.Members[:ns.Joined] {
		f.InfoReceived[i]++
		f.General[i] = float32(Learn(float64(f.General[i]), cp.Learning))
		if t := f.Target[i]; t >= 0 {
			wt := w.S.Firm.NonAmbitiousRate
			if f.Ambitious[i] {
				wt = 1
			}
			ns.Priority[t] += wt
		}
	}
	ns.Surveyed = true
}

// slotEvent fills an event's places from the invited members, starting where
// the last event stopped. A member takes up the invitation with its
// participation chance, times the market's attractiveness for its sector
// unless the market is its target, and only if it can pay the fee. More
// events therefore mean more participation (brief 2: funding sets how often
// channels run).
func (w *World) slotEvent(wk *worker, ns *NetworkState, c Channel, m int) {
	f := &w.Firms
	cp := &w.chans[c]
	if c != Mentoring {
		ns.Served[m] = true
	}
	n := len(ns.order)
	slots := int(cp.Slots)
	filled := 0
	for k := 0; k < n && filled < slots; k++ {
		idx := (ns.cursor + k) % n
		i := int(ns.order[idx])
		p := float64(f.PartProb[i])
		if int(f.Target[i]) != m {
			p *= w.attr[int(f.Sector[i])*f.M+m]
		}
		if ns.rng.Float64() >= p || !w.afford(i, cp.FeeNOK) {
			continue
		}
		w.spend(i, cp.FeeNOK)
		attention := 1.0
		if c == Embassy {
			attention = w.S.Public.EmbassyAttention
		}
		w.attend(wk, ns, i, c, m, attention)
		filled++
		ns.cursor = idx + 1
	}
}

// attend applies one participation: learning, a possible contact in the
// event's market and co-funding.
func (w *World) attend(wk *worker, ns *NetworkState, i int, c Channel, m int, attention float64) {
	f := &w.Firms
	cp := &w.chans[c]
	f.Participations[i]++
	if f.Busy[i] {
		f.BusyParticipations[i]++
	}
	f.Attended[i] = true
	f.General[i] = float32(Learn(float64(f.General[i]), cp.Learning))
	j := i*f.M + m
	f.Knowledge[j] = float32(Learn(float64(f.Knowledge[j]), cp.MarketLearning))
	if ns.rng.Float64() < cp.ContactProb*attention {
		w.addContact(wk, i, m, Source(c), w.T)
	}
	if grant := cp.FundingNOK * w.S.Public.InnovationNorwayShare; grant > 0 {
		f.Grant[i] += float32(grant)
		f.FundingReceived[i] += float32(grant)
	}
	if cp.CommitProb > 0 && !f.Stepped[i] && ns.rng.Float64() < w.eventCommitProb(i, j, m, cp.CommitProb) &&
		CanStepUp(int(f.Stage[j]), float64(f.Knowledge[j]), float64(f.Committed[i]), float64(f.Budget[i]), w.S.Stages) {
		w.stepUp(wk, i, m, w.T)
	}
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
// it along to the market where the peer is most committed.
func (w *World) peerPhase(wk *worker, ns *NetworkState) {
	if ns.Joined < 2 {
		return
	}
	f := &w.Firms
	pr := &w.S.Peer
	for _, i32 := range ns.Members[:ns.Joined] {
		i := int(i32)
		t := int(f.Target[i])
		if !f.Ambitious[i] || t < 0 || ns.Served[t] || ns.rng.Float64() >= pr.SeekProb {
			continue
		}
		j := int(ns.Members[ns.rng.IntN(ns.Joined)])
		if j == i || ns.rng.Float64() >= pr.ShareProb {
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
	for m := range M {
		if s := f.Stage[j*M+m]; s > bestStage {
			best, bestStage = m, s
		}
	}
	return best
}

package model

import (
	"math"
	"sort"

	"github.com/rinsim/rinsim/scenarios"
)

// The rules below are pure functions of their inputs, so each can be tested
// on its own; the phases in step.go apply them to the population.

// PerceivedRisk of committing to a market: psychic distance raises it,
// experiential knowledge k of the market and general knowledge g lower it
// (Uppsala, T2.1: "the lower the risk perception ... the more likely the firm
// will engage in foreign market commitment"). With all inputs in [0,1] the
// result is in [0,1].
func PerceivedRisk(distance, k, g, generalWeight float64) float64 {
	return distance * (1 - k) * (1 - generalWeight*g)
}

// Opportunity perceived in a market: its attractiveness, seen only through
// relationships there (T2.2; T1.1: "no connection with potential foreign
// business contacts" is the barrier). contactScale is the number of contacts
// at which the chance is 1-1/e.
func Opportunity(attractiveness float64, contacts int, contactScale float64) float64 {
	return attractiveness * (1 - math.Exp(-float64(contacts)/contactScale))
}

// CommitProb is the probability per quarter of a commitment step in one
// market: current opportunity, discounted by perceived risk (T2.1, Figure 1:
// state aspects drive commitment decisions).
func CommitProb(stepRate, ambition, opportunity, risk, riskAversion float64) float64 {
	return stepRate * ambition * opportunity * powSmall(1-risk, riskAversion)
}

// powSmall is math.Pow with a fast path for the small integer exponents
// that risk aversion usually takes.
func powSmall(x, a float64) float64 {
	switch a {
	case 0:
		return 1
	case 1:
		return x
	case 2:
		return x * x
	case 3:
		return x * x * x
	}
	return math.Pow(x, a)
}

// CanStepUp reports whether a firm at stage may move to stage+1: the next
// stage exists, the firm has the experiential knowledge it needs, and the extra
// resources fit the firm's budget plus the co-funding it holds (T1.1:
// resources are the SME's binding constraint; T2.1: commitment grows with
// knowledge; T5.4, T5.5.1: the "lack of internal resources" is "alleviated
// with the support of the RIN").
func CanStepUp(stage int, k, committed, budget, grant float64, stages []scenarios.Stage) bool {
	next := stage + 1
	if next >= len(stages) {
		return false
	}
	if k < stages[next].Knowledge {
		return false
	}
	return committed+stages[next].CostNOK-stages[stage].CostNOK <= budget+grant
}

// CoFundedStep splits the extra yearly cost of a commitment step between the
// firm and the co-funding it holds: co-funding pays first, up to grant. It
// returns the firm's own share and the co-funding used.
func CoFundedStep(cost, grant float64) (own, used float64) {
	used = math.Min(math.Max(grant, 0), cost)
	return cost - used, used
}

// Learn moves x toward 1 by rate times the gap; x stays in [0,1] for x and
// rate in [0,1] (diminishing returns to experience).
func Learn(x, rate float64) float64 {
	return x + rate*(1-x)
}

// Hazard turns a rate per quarter into the probability of at least one
// event in the quarter (Poisson process, at most one counted).
func Hazard(rate float64) float64 {
	return 1 - math.Exp(-rate)
}

// OutboundWeight is how likely a firm's own search meets a contact in a
// market: attractiveness, discounted by psychic distance for firms without
// general knowledge (Uppsala: firms start close, T2.1).
func OutboundWeight(attractiveness, distance, g, distanceAversion float64) float64 {
	return attractiveness * math.Exp(-distanceAversion*distance*(1-g))
}

// ParticipationProb is the chance that a member takes part in its network's
// activities this quarter: its propensity ("dynamic capability", T4.4.2),
// the relevance of events to its sub-industry, lower when busy with the core
// product (B2) or without international ambition.
func ParticipationProb(propensity, relevance float64, busy bool, busyMult float64, ambitious bool, nonAmbitious float64) float64 {
	p := propensity * relevance
	if busy {
		p *= busyMult
	}
	if !ambitious {
		p *= nonAmbitious
	}
	return p
}

// StreamActive reports whether a funding stream pays in year.
func StreamActive(st scenarios.Stream, year int) bool {
	return year >= st.From && year <= st.To
}

// AnnualFunding is a network's public funding in year, NOK per year, after
// the global and the network's policy levers.
func AnnualFunding(n *scenarios.Network, year int, globalScale float64) float64 {
	if year < n.Founded {
		return 0
	}
	total := 0.0
	for _, st := range n.Streams {
		if StreamActive(st, year) {
			total += st.NOKPerYear
		}
	}
	return total * globalScale * n.FundingScale
}

// Capacity is the secretariat's size in FTE that annual funding buys
// (T5.2: "because they do not get any funding, they could not hire more").
func Capacity(annualFunding, secretariatShare, nokPerFTE float64) float64 {
	return annualFunding * secretariatShare / nokPerFTE
}

// OfferChannels adds the channels a network pursues, in its order of
// preference, while the secretariat capacity lasts; the first one that does
// not fit stops the climb, so more capacity never offers fewer channels.
// Which channels a network pursues, and in what order, follows its funding
// sources and partners (Figure 5: CWN, with half a person in 2016, forwards
// information and runs a Nordic network project, T4.1.3, T5.2); how many it
// can run follows its funding (T5.2: "because they do not get any funding,
// they could not hire more"). Ineligible channels are stepped over. It
// returns the offered channels and the capacity they use.
func OfferChannels(capacity float64, order []Channel, eligible [NumChannels]bool, need [NumChannels]float64) (offered [NumChannels]bool, used float64) {
	const eps = 1e-9 // absorbs rounding in sums of FTE shares
	for _, c := range order {
		if !eligible[c] {
			continue
		}
		if used+need[c] > capacity+eps {
			break
		}
		offered[c] = true
		used += need[c]
	}
	return offered, used
}

// ChannelOrder is the order in which a network adds channels: by rank (1
// first), ties in the default order, rank 0 never; all channels in the
// default order when no rank is given.
func ChannelOrder(rank map[string]float64) []Channel {
	var order []Channel
	for c := range NumChannels {
		if len(rank) == 0 || rank[c.String()] > 0 {
			order = append(order, c)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return rank[order[a].String()] < rank[order[b].String()] })
	return order
}

// Intensity is how much more often than the base frequency the offered
// channels run: spare capacity is spent on more events, up to maxIntensity
// (funding sets how often a network runs its channels, T5.2).
func Intensity(capacity, used, maxIntensity float64) float64 {
	if used <= 0 {
		return 0
	}
	return math.Min(math.Max(capacity/used, 1), maxIntensity)
}

// EventCount turns an expected number of events into a whole number: the
// integer part always, the fractional part with that probability (u is a
// uniform draw in [0,1)).
func EventCount(expected, u float64) int {
	n := math.Floor(expected)
	if u < expected-n {
		n++
	}
	return int(n)
}

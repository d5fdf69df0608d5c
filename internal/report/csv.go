package report

import (
	"cmp"
	"io"
	"slices"

	"github.com/rinsim/rinsim/model"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// SummaryHeader is the header of summary.csv.
func SummaryHeader() []string {
	h := []string{"network", "members", "channels", "entrant_share", "entries_per_member",
		"mean_quarters_to_first_entry", "group", "max_channels", "participation_rate",
		"rin_contact_share", "peer_shares_per_member", "mean_first_entry_distance",
		"funding_total_nok", "fte_end", "mean_general_knowledge", "markets_per_member", "mean_channels"}
	for _, s := range model.SourceNames() {
		h = append(h, "contacts_"+s)
	}
	return h
}

// SummaryRecord is one row of summary.csv.
func SummaryRecord(s sim.Summary) []string {
	rec := []string{s.Network, itoa(s.Members), itoa(s.Channels), num(s.EntrantShare),
		num(s.EntriesPerMember), num(s.MeanQuartersToFirstEntry), s.Group.String(),
		itoa(s.MaxChannels), num(s.ParticipationRate), num(s.RINContactShare),
		num(s.PeerSharesPerMember), num(s.MeanFirstEntryDistance), num(s.FundingNOK),
		num(s.FTEEnd), num(s.MeanGeneral), num(s.MarketsPerMember), num(s.MeanChannels)}
	for _, c := range s.Contacts {
		rec = append(rec, itoa(c))
	}
	return rec
}

// WriteSummary writes summary.csv: one row per network and group.
func WriteSummary(w io.Writer, sums []sim.Summary) error {
	return table(w, SummaryHeader(), func(emit func([]string)) {
		for _, s := range sums {
			emit(SummaryRecord(s))
		}
	})
}

// StepsHeader is the header of steps.csv.
func StepsHeader(stages []scenarios.Stage) []string {
	h := []string{"step", "quarter", "network", "funding_nok", "channels", "group", "firms", "event_budget_nok",
		"spent_nok", "fte", "intensity"}
	for _, c := range model.ChannelNames() {
		h = append(h, "events_"+c)
	}
	h = append(h, "attended", "participation_rate", "entries", "new_entrants", "entrants", "entrant_share")
	for _, s := range model.SourceNames() {
		h = append(h, "contacts_"+s)
	}
	h = append(h, "peer_shares", "mean_general_knowledge", "markets_per_firm")
	for _, st := range stages[1:] {
		h = append(h, "stage_"+st.ID)
	}
	return h
}

// WriteSteps writes steps.csv: one row per step, network and group.
func WriteSteps(w io.Writer, r *sim.Result) error {
	s := r.Scenario
	return table(w, StepsHeader(s.Stages), func(emit func([]string)) {
		for _, st := range r.Steps {
			emit(StepRecord(s, st))
		}
	})
}

func StepRecord(s *scenarios.Scenario, st model.StepStats) []string {
	rate := func(n int) string {
		if st.Firms == 0 {
			return "NA"
		}
		return num(float64(n) / float64(st.Firms))
	}
	rec := []string{itoa(st.Step), (s.Start + scenarios.Quarter(st.Step)).String(),
		s.Networks[st.Network].ID, num(st.FundingNOK), itoa(st.Channels), st.Group.String(), itoa(st.Firms),
		num(st.BudgetNOK), num(st.SpentNOK), num(st.FTE), num(st.Intensity)}
	for _, e := range st.Events {
		rec = append(rec, itoa(e))
	}
	rec = append(rec, itoa(st.Attended), rate(st.Attended), itoa(st.Entries),
		itoa(st.NewEntrants), itoa(st.Entrants), rate(st.Entrants))
	for _, c := range st.Contacts {
		rec = append(rec, itoa(c))
	}
	rec = append(rec, itoa(st.PeerShares), num(st.MeanGeneral), num(st.MeanMarkets))
	for k := 1; k < len(s.Stages); k++ {
		rec = append(rec, itoa(st.StageCounts[k]))
	}
	return rec
}

// FirmsHeader is the header of firms.csv. "joined" is the quarter a member
// joined, or the quarter from which a comparison firm is observed;
// committed_nok is the firm's own yearly commitment, cofunded_nok the part
// co-funding pays.
func FirmsHeader() []string {
	h := []string{"firm", "network", "group", "archetype", "sector", "ambitious", "joined",
		"prior_international", "entries", "first_entry_quarter", "quarters_to_first_entry",
		"first_market", "first_market_distance", "markets_entered", "max_stage",
		"general_knowledge", "participations", "info_received", "funding_received_nok",
		"peer_received", "peer_given", "budget_nok", "committed_nok", "cofunded_nok", "info_acted", "outreach_visits"}
	for _, s := range model.SourceNames() {
		h = append(h, "contacts_"+s)
	}
	return h
}

// WriteFirms writes firms.csv: the final state of every firm.
func WriteFirms(w io.Writer, r *sim.Result) error {
	return table(w, FirmsHeader(), func(emit func([]string)) {
		for i := range r.World.Firms.N {
			emit(firmRecord(r, i))
		}
	})
}

func firmRecord(r *sim.Result, i int) []string {
	s, wd := r.Scenario, r.World
	f := &wd.Firms
	M := f.M
	joined, firstQ, toFirst, firstM, firstD := "NA", "NA", "NA", "NA", "NA"
	if f.JoinStep[i] >= 0 {
		joined = (s.Start + scenarios.Quarter(f.JoinStep[i])).String()
	}
	if fe := int(f.FirstEntry[i]); fe != model.NoStep {
		firstQ = (s.Start + scenarios.Quarter(fe)).String()
		toFirst = itoa(fe - int(max(f.JoinStep[i], 0)))
		firstM = s.Markets[f.FirstMarket[i]].ID
		firstD = num(s.Markets[f.FirstMarket[i]].PsychicDistance)
	}
	entered, maxStage := 0, 0
	for _, st := range f.Stage[i*M : (i+1)*M] {
		if st > 0 {
			entered++
		}
		maxStage = max(maxStage, int(st))
	}
	rec := []string{itoa(i), s.Networks[f.Network[i]].ID, f.Group[i].String(),
		s.Archetypes[f.Archetype[i]].ID, wd.Sectors[f.Sector[i]], boolStr(f.Ambitious[i]), joined,
		boolStr(f.PriorEntry[i]), itoa(int(f.Entries[i])), firstQ, toFirst, firstM, firstD,
		itoa(entered), s.Stages[maxStage].ID, num(float64(f.General[i])),
		itoa(int(f.Participations[i])), itoa(int(f.InfoReceived[i])),
		num(float64(f.FundingReceived[i])), itoa(int(f.PeerReceived[i])), itoa(int(f.PeerGiven[i])),
		num(float64(f.Budget[i])), num(float64(f.Committed[i])), num(float64(f.CoFunded[i])),
		itoa(int(f.InfoActed[i])), itoa(int(f.Visits[i]))}
	for src := range model.NumSources {
		rec = append(rec, itoa(int(f.BySource[i*int(model.NumSources)+int(src)])))
	}
	return rec
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// EntriesHeader is the header of entries.csv.
func EntriesHeader() []string {
	return []string{"firm", "network", "group", "archetype", "market", "psychic_distance", "quarter", "order", "counted"}
}

// WriteEntries writes entries.csv: one row per foreign-market entry made
// during the run (stage 0 to 1), in firm order and, per firm, in the order
// of entry; counted is false for entries of members before they joined.
func WriteEntries(w io.Writer, r *sim.Result) error {
	s, wd := r.Scenario, r.World
	f := &wd.Firms
	M := f.M
	type entry struct{ step, market int }
	buf := make([]entry, 0, M)
	return table(w, EntriesHeader(), func(emit func([]string)) {
		for i := range f.N {
			buf = buf[:0]
			for m := range M {
				if st := int(f.EntryStep[i*M+m]); st >= 0 {
					buf = append(buf, entry{st, m})
				}
			}
			slices.SortFunc(buf, func(a, b entry) int { return cmp.Or(a.step-b.step, a.market-b.market) })
			for k, e := range buf {
				counted := f.JoinStep[i] >= 0 && int(f.JoinStep[i]) <= e.step // members from joining, comparison firms from when they are observed
				emit([]string{itoa(i), s.Networks[f.Network[i]].ID, f.Group[i].String(), s.Archetypes[f.Archetype[i]].ID,
					s.Markets[e.market].ID, num(s.Markets[e.market].PsychicDistance),
					(s.Start + scenarios.Quarter(e.step)).String(), itoa(k + 1), boolStr(counted)})
			}
		}
	})
}

// WriteMarkets writes markets.csv: one row per quarter and foreign market,
// over members that have joined and comparison firms.
func WriteMarkets(w io.Writer, r *sim.Result) error {
	s := r.Scenario
	return table(w, []string{"step", "quarter", "market", "psychic_distance", "firms_present", "entries", "contacts"},
		func(emit func([]string)) {
			for _, row := range r.Markets {
				mk := s.Markets[row.Market]
				emit([]string{itoa(row.Step), (s.Start + scenarios.Quarter(row.Step)).String(), mk.ID,
					num(mk.PsychicDistance), itoa(row.Present), itoa(row.Entries), itoa(row.Contacts)})
			}
		})
}

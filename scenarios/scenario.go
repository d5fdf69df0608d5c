package scenarios

// Struct tags used on every parameter:
//
//	toml:  the key in the file and the last part of the dotted parameter key
//	unit:  the unit shown in errors, `scenarios show --params` and the docs
//	min, max: the allowed closed range, checked by Validate
//	doc:   one line of meaning and source (thesis section or literature)
//
// Thesis sections are cited as "T3.5" (section 3.5 of the master thesis; full
// reference in docs/ODD.md).
// Values marked "assumed" have no number in the thesis; they are calibrated
// so that the thesis's qualitative facts hold and are exposed for sensitivity
// analysis.

// Scenario is every input of a run except the seed.
type Scenario struct {
	Name        string  `toml:"name" doc:"scenario name, used in output folder names"`
	Description string  `toml:"description" doc:"one paragraph on what the scenario is for"`
	Base        string  `toml:"base,omitempty" doc:"built-in scenario this file starts from; its fields override the base"`
	Start       Quarter `toml:"start" doc:"first simulated quarter, e.g. 2007Q1 (T3.5: OREEC and CWN founded 2007)"`
	End         Quarter `toml:"end" doc:"last simulated quarter, inclusive (T3.5: data collected 2016)"`

	Funding    Funding     `toml:"funding"`
	Firm       FirmRules   `toml:"firm"`
	Channel    Channels    `toml:"channel"`
	Public     Public      `toml:"public"`
	Peer       PeerRules   `toml:"peer"`
	Stages     []Stage     `toml:"stage"`
	Markets    []Market    `toml:"market"`
	Archetypes []Archetype `toml:"archetype"`
	Networks   []Network   `toml:"network"`
	Synthetic  Synthetic   `toml:"synthetic"`
}

// Synthetic asks for a generated population: when SMEs > 0, Expand replaces
// the networks with Networks synthetic networks holding SMEs members in all,
// each drawn from one of the scenario's networks as a template (issue "scale";
// the thesis networks by default).
type Synthetic struct {
	SMEs          int     `toml:"smes" unit:"firms" min:"0" max:"1000000000" doc:"member SMEs to generate; 0 keeps the listed networks"`
	Networks      int     `toml:"networks" unit:"networks" min:"0" max:"10000000" doc:"synthetic networks to generate"`
	Seed          int     `toml:"seed" unit:"seed" min:"0" max:"9007199254740992" doc:"seed of the generator (independent of the run's seed)"`
	SizeSpread    float64 `toml:"size_spread" unit:"log-sd" min:"0" max:"3" doc:"log-normal spread of network sizes around SMEs/networks (assumed; the thesis networks have 60 to 180 members, T3.5)"`
	FundingSpread float64 `toml:"funding_spread" unit:"log-sd" min:"0" max:"3" doc:"log-normal spread of funding per member around the template network's (assumed)"`
}

// StreamSources are the kinds of funding stream (T3.5, T4.1): the model
// treats vri, arena and nce as national cluster programmes and interreg as
// Nordic project money, so a misspelt source would silently switch that off.
var StreamSources = []string{"county", "vri", "arena", "nce", "research_council", "interreg", "eu", "municipality"}

// Steps is the number of quarterly steps from Start to End inclusive.
func (s *Scenario) Steps() int { return int(s.End-s.Start) + 1 }

// Funding holds the global policy levers and the price of secretariat work.
type Funding struct {
	Scale            float64 `toml:"scale" unit:"multiplier" min:"0" max:"100" doc:"policy lever: multiplies every network's public funding (policy scenarios such as +50 % or -50 %)"`
	NOKPerFTE        float64 `toml:"nok_per_fte" unit:"NOK/year" min:"1" max:"1e8" doc:"full cost of one secretariat full-time equivalent (assumed; T5.2: CWN's county money pays one person at 50 %)"`
	SecretariatShare float64 `toml:"secretariat_share" unit:"fraction" min:"0" max:"1" doc:"share of funding spent on secretariat salaries; the rest pays event costs (assumed)"`
	MaxIntensity     float64 `toml:"max_intensity" unit:"multiplier" min:"1" max:"20" doc:"cap on how much spare capacity raises the frequency of offered channels (assumed)"`
}

// FirmRules are the Uppsala state-and-change rules shared by all SMEs
// (Johanson and Vahlne 1977/1999, T2.1).
type FirmRules struct {
	StepRate                  float64 `toml:"step_rate" unit:"1/quarter" min:"0" max:"1" doc:"base probability per quarter of a commitment decision when opportunity is certain and risk nil (assumed)"`
	RiskAversion              float64 `toml:"risk_aversion" unit:"exponent" min:"0" max:"20" doc:"exponent on (1-risk) in the commitment probability; Uppsala: perceived risk holds back commitment (T2.1)"`
	GeneralRiskWeight         float64 `toml:"general_risk_weight" unit:"fraction" min:"0" max:"1" doc:"how much general knowledge lowers perceived risk; general knowledge is transferable between markets (T2.1)"`
	ContactScale              float64 `toml:"contact_scale" unit:"contacts" min:"0.01" max:"1000" doc:"contacts needed to perceive an opportunity with probability 1-1/e; opportunities are seen through relationships (T2.2, T1.1 barrier 'no connection with foreign contacts')"`
	MarketLearning            float64 `toml:"market_learning" unit:"1/quarter" min:"0" max:"1" doc:"experiential learning rate in a market at full activity; learned only by operating there (T2.1)"`
	GeneralLearning           float64 `toml:"general_learning" unit:"1/quarter" min:"0" max:"1" doc:"general knowledge learning rate from current activities abroad (T2.1)"`
	DistanceAversion          float64 `toml:"distance_aversion" unit:"1/psychic distance" min:"0" max:"50" doc:"how strongly a firm without general knowledge seeks contacts in close markets (Uppsala: start close, T2.1)"`
	NonAmbitiousRate          float64 `toml:"non_ambitious_rate" unit:"multiplier" min:"0" max:"1" doc:"commitment multiplier for firms without international ambition (T3.5: >28 % of Oslo Medtech members have it)"`
	NonAmbitiousParticipation float64 `toml:"non_ambitious_participation" unit:"multiplier" min:"0" max:"1" doc:"participation multiplier for firms without international ambition: they come to fewer international events (T3.5, T4.4.2; value assumed)"`
	ContactLearning           float64 `toml:"contact_learning" unit:"fraction" min:"0" max:"1" doc:"knowledge of a market gained from each new relationship there, as a share of the gap to 1 (Johanson and Vahlne 2009: knowledge develops in relationships; T2.2); value assumed"`
	BusyStart                 float64 `toml:"busy_start" unit:"1/quarter" min:"0" max:"1" doc:"probability per quarter that a firm becomes busy with its core product (T4.4.2, firm B2)"`
	BusyEnd                   float64 `toml:"busy_end" unit:"1/quarter" min:"0" max:"1" doc:"probability per quarter that a busy spell ends (assumed: spells last about two years)"`
	BusyParticipation         float64 `toml:"busy_participation" unit:"multiplier" min:"0" max:"1" doc:"participation multiplier while busy (T4.4.2: 'lately I been very busy')"`
	BudgetSpread              float64 `toml:"budget_spread" unit:"log-sd" min:"0" max:"3" doc:"log-normal spread of the international budget around the archetype's median (assumed)"`
	OtherCostNOK              float64 `toml:"other_cost_nok" unit:"NOK" min:"0" max:"1e8" doc:"cost of one contact made through own channels (fairs, papers, marketing), paid when the firm can afford it; an own fair stand costs about 100,000 NOK (T4.1.2); assumed lower on average for papers and marketing"`
	RelevanceConcentration    float64 `toml:"relevance_concentration" unit:"beta a+b" min:"0.1" max:"1000" doc:"concentration of the beta distribution of event relevance around the network's mean; low means members differ a lot (T3.5: OREEC's sub-industries)"`
	InfoUptake                float64 `toml:"info_uptake" unit:"probability" min:"0" max:"1" doc:"chance that a member acts on one forwarded item of market information, at full relevance and not busy; acting teaches it the channel's learning and market_learning (T5.4, T5.5.1: members mainly get 'market information, learning'); value assumed"`
	InitialKnowledge          float64 `toml:"initial_knowledge" unit:"fraction" min:"0" max:"1" doc:"experiential knowledge in markets where an experienced firm already operates at start (assumed)"`
}

// Stage is one step of the establishment chain (Johanson and Vahlne 1977, T2.1):
// 0 none, 1 sporadic export, 2 agent or distributor, 3 sales subsidiary, 4 production.
type Stage struct {
	ID        string  `toml:"id" doc:"stage name"`
	CostNOK   float64 `toml:"cost_nok" unit:"NOK/year" min:"0" max:"1e9" doc:"resources committed per year while at this stage (assumed; Johanson and Vahlne 1977; T2.1: commitment = amount x degree)"`
	Activity  float64 `toml:"activity" unit:"fraction" min:"0" max:"1" doc:"intensity of current activities at this stage, which drives experiential learning (T2.1)"`
	Knowledge float64 `toml:"knowledge" unit:"fraction" min:"0" max:"1" doc:"experiential knowledge needed before committing to this stage (T2.1: commitment grows with knowledge)"`
}

// Channels are the seven internationalisation channels a network can offer
// (T2.6, T4.1-4.3, Figure 5). The order of the fields is the default order in
// which a network adds channels as its secretariat capacity grows, from the
// cheapest and broadest to the most specialised (T5.1: only the best funded
// network runs surveys and mentoring); network.<id>.channels ranks them per
// network.
type Channels struct {
	Info           ChannelParams `toml:"info"`
	CrossRIN       ChannelParams `toml:"cross_rin"`
	JointStand     ChannelParams `toml:"joint_stand"`
	NetworkProject ChannelParams `toml:"network_project"`
	Embassy        ChannelParams `toml:"embassy"`
	Survey         ChannelParams `toml:"survey"`
	Mentoring      ChannelParams `toml:"mentoring"`
}

// ChannelKeys are the channels' keys in the default order, the order of
// the fields of Channels.
var ChannelKeys = []string{"info", "cross_rin", "joint_stand", "network_project", "embassy", "survey", "mentoring"}

func isChannel(k string) bool {
	for _, c := range ChannelKeys {
		if c == k {
			return true
		}
	}
	return false
}

// ChannelParams describe the cost, capacity use and effects of one channel.
type ChannelParams struct {
	FTE            float64 `toml:"fte" unit:"FTE" min:"0" max:"100" doc:"secretariat capacity needed to offer the channel at its base frequency (assumed; T5.2: one person at 50 % can only distribute information)"`
	EventsPerYear  float64 `toml:"events_per_year" unit:"1/year" min:"0" max:"365" doc:"events per year at base frequency"`
	EventCostNOK   float64 `toml:"event_cost_nok" unit:"NOK" min:"0" max:"1e9" doc:"direct cost of one event to the network, beyond salaries"`
	Slots          float64 `toml:"slots" unit:"firms" min:"0" max:"1e7" doc:"firms per event (T4.1.2: ten firms at Zaragoza; T4.1.3: 4-5 firms per business network project)"`
	FeeNOK         float64 `toml:"fee_nok" unit:"NOK" min:"0" max:"1e8" doc:"cost to each participating firm (T4.1.2: 'a small amount' at a joint stand vs 100,000 NOK alone)"`
	ContactProb    float64 `toml:"contact_prob" unit:"probability" min:"0" max:"1" doc:"probability that a participant gains a contact in the event's market"`
	Learning       float64 `toml:"learning" unit:"fraction" min:"0" max:"1" doc:"gain in general knowledge per participation, as a share of the gap to 1"`
	MarketLearning float64 `toml:"market_learning" unit:"fraction" min:"0" max:"1" doc:"gain in experiential knowledge of the event's market per participation, as a share of the gap to 1 (joint operation abroad)"`
	FundingNOK     float64 `toml:"funding_nok" unit:"NOK" min:"0" max:"1e9" doc:"co-funding a participant receives (T4.3.2: Innovation Norway co-funds business network projects)"`
	CommitProb     float64 `toml:"commit_prob" unit:"probability" min:"0" max:"1" doc:"chance that taking part leads to a commitment step in the event's market that quarter, when the firm's knowledge and budget allow (T4.1.2: fairs expose firms to customers and distributors; T4.1.3: project firms work the market together); value assumed"`
}

// Public holds the public actors, as parameters (T2.8, T4.3).
type Public struct {
	EmbassyAttention       float64 `toml:"embassy_attention" unit:"multiplier" min:"0" max:"10" doc:"contact success multiplier when an embassy hosts (T4.3.1: 'more attention than just a random company'); value assumed"`
	InnovationNorwayShare  float64 `toml:"innovation_norway_share" unit:"fraction" min:"0" max:"1" doc:"share of a business network project paid by Innovation Norway; 0 removes the channel (T4.1.3, T4.3.2); value assumed"`
	InnovationNorwayEvents float64 `toml:"innovation_norway_events" unit:"probability" min:"0" max:"1" doc:"probability that a member reading a forwarded invitation attends the Innovation Norway event (T4.3.2: RINs distribute its invitations); value assumed"`
	CountyStandShare       float64 `toml:"county_stand_share" unit:"fraction" min:"0" max:"1" doc:"share of a joint stand's cost paid by the county (T4.1.2: 'The Asker County is supporting the stand'); value assumed"`
	InterregNearbyBias     float64 `toml:"interreg_nearby_bias" unit:"multiplier" min:"0" max:"100" doc:"weight added to Nordic markets in a network's focus per unit of Interreg funding share (T5.1: OREEC's Nordic focus driven by Interreg); value assumed"`
	OutreachVisitNOK       float64 `toml:"outreach_visit_nok" unit:"NOK" min:"1" max:"1e8" doc:"cost of one outreach visit to a member, staff time and travel (assumed)"`
	OutreachRelevance      float64 `toml:"outreach_relevance" unit:"fraction" min:"0" max:"1" doc:"share of the gap to 1 by which a visit raises how relevant the member finds the network's events (T5.5.2: brokers who know the firms' needs; value assumed)"`
	SurveyTargeting        float64 `toml:"survey_targeting" unit:"fraction" min:"0" max:"1" doc:"weight of members' own target markets in choosing event markets once a survey has mapped them (T5.1: survey of 3-5 and 10 year priorities); value assumed"`
}

// PeerRules are inter-firm cooperation among members (T2.7, T4.2, T5.3).
type PeerRules struct {
	SeekProb  float64 `toml:"seek_prob" unit:"1/quarter" min:"0" max:"1" doc:"probability per quarter that an ambitious member whose target market no network event served asks another member for help (T5.3: members self-organise where the secretariat does not); value assumed"`
	ShareProb float64 `toml:"share_prob" unit:"probability" min:"0" max:"1" doc:"probability that the asked member shares a contact or an invitation (T4.2: 'These companies have nothing against sharing their international contact'); value assumed"`
	Learning  float64 `toml:"learning" unit:"fraction" min:"0" max:"1" doc:"general knowledge gained from a peer's advice (T5.4, D5: 'we learn how successful exporters did it'); value assumed"`
	// SeekWhenServed is 0 in the calibration, and 0 when a file leaves it
	// out, so that help among members substitutes for the network's events
	// as T5.3 has it; claim 6's negative control sets it to 1.
	SeekWhenServed float64 `toml:"seek_when_served" unit:"fraction" min:"0" max:"1" doc:"chance that an ambitious member whose target market a network event served this quarter asks a peer all the same, as a share of seek_prob: 0 = never, help substitutes for the network's channels (T5.3: 'the less international activities and services RINs offers to SMEs, the more firms would get involved in supporting each other'); 1 = as often as when unserved, help ignores the channels"`
}

// Market is a foreign market with its psychic distance to Norway and its
// attractiveness per sector (T5.1).
type Market struct {
	ID              string             `toml:"id" doc:"market id"`
	Name            string             `toml:"name" doc:"display name"`
	Nordic          bool               `toml:"nordic" doc:"nearby region where Interreg funds cross-border projects (T5.1)"`
	EEA             bool               `toml:"eea" doc:"in the EU/EEA internal market over the scenario's years; read only by the validation pattern on entries outside it (EIM 2010: 13 % of EU SMEs export beyond the internal market)"`
	PsychicDistance float64            `toml:"psychic_distance" unit:"0-1" min:"0" max:"1" doc:"psychic distance to Norway (T2.1; T5.1 'not necessary for Sweden or Denmark, but Mexico, India or China')"`
	Attractiveness  map[string]float64 `toml:"attractiveness" unit:"0-1" min:"0" max:"1" doc:"attractiveness per sector (assumed, with the thesis's named fairs and projects: T4.1.2, T4.1.3, T4.3)"`
}

// Archetype is a type of SME, from the interviewed firms (T3.6, Table 3-4, Figure 6).
type Archetype struct {
	ID               string  `toml:"id" doc:"archetype id"`
	Doc              string  `toml:"doc" doc:"which interviewed firm it stands for"`
	GeneralKnowledge float64 `toml:"general_knowledge" unit:"0-1" min:"0" max:"1" doc:"general internationalisation knowledge at start (prior international experience)"`
	PriorMarkets     float64 `toml:"prior_markets" unit:"markets" min:"0" max:"50" doc:"markets where the firm already operates at start (at stage 2)"`
	BusinessNetwork  float64 `toml:"business_network" unit:"contacts/quarter" min:"0" max:"10" doc:"rate of foreign contacts from the firm's own business network (Figure 6: BN)"`
	SocialNetwork    float64 `toml:"social_network" unit:"contacts/quarter" min:"0" max:"10" doc:"rate of foreign contacts from the social network (Figure 6: SN)"`
	OtherChannels    float64 `toml:"other_channels" unit:"attempts/quarter" min:"0" max:"10" doc:"rate of own trade fairs, paper presentations, marketing (Figure 6: other; firm C3)"`
	Inbound          float64 `toml:"inbound" unit:"contacts/quarter" min:"0" max:"10" doc:"rate of foreign distributors approaching the firm (T4.4.3, firm D4+D5)"`
	Propensity       float64 `toml:"propensity" unit:"probability" min:"0" max:"1" doc:"probability of taking up an invitation to a relevant network event, the firm's dynamic capability of participating (T4.4.2: twice a month E6, twice a year D4, never A1 and C3)"`
	BudgetNOK        float64 `toml:"budget_nok" unit:"NOK/year" min:"0" max:"1e10" doc:"median resources for international activity; the binding constraint for SMEs (T1.1)"`
}

// Network is a regional innovation network with its funding history
// (T3.5, T5.2).
type Network struct {
	ID             string             `toml:"id" doc:"network id"`
	Name           string             `toml:"name" doc:"display name"`
	Sector         string             `toml:"sector" doc:"sector of its members; a key of market attractiveness"`
	Founded        int                `toml:"founded" unit:"year" min:"1900" max:"2200" doc:"year the network starts (T3.5)"`
	InitialMembers int                `toml:"initial_members" unit:"firms" min:"1" max:"100000000" doc:"members in the founding year (T3.5: Oslo Medtech 32 in 2009)"`
	Members        int                `toml:"members" unit:"firms" min:"1" max:"100000000" doc:"members at the end; members join evenly in between (T3.5: OREEC 60, Oslo Medtech about 180, CWN 70)"`
	NonMembers     int                `toml:"non_members" unit:"firms" min:"0" max:"100000000" doc:"comparison SMEs of the same sector that never join, observed over the members' windows"`
	AmbitionShare  float64            `toml:"ambition_share" unit:"fraction" min:"0" max:"1" doc:"share of firms with international ambition (T3.5: more than 28 % at Oslo Medtech)"`
	EventRelevance float64            `toml:"event_relevance" unit:"0-1" min:"0" max:"1" doc:"mean relevance of the network's events to a member's sub-industry (T3.5: OREEC's members span solar to waste; T4.4.2, A1: 'they don't have something that is relevant for us')"`
	FundingScale   float64            `toml:"funding_scale" unit:"multiplier" min:"0" max:"100" doc:"policy lever on this network's funding; alias funding.<id>.scale"`
	Partners       map[string]float64 `toml:"partners" unit:"clusters" min:"0" max:"1000" doc:"partner clusters abroad per market (T4.1.1: Oslo Medtech's US partner; T3.5: OREEC's 20 foreign clusters in ICN; T4.1.3: CWN's Nordic project)"`
	Archetypes     map[string]float64 `toml:"archetypes" unit:"weight" min:"0" max:"1000" doc:"mix of member archetypes (relative weights)"`
	Channels       map[string]float64 `toml:"channels" unit:"rank" min:"0" max:"100" doc:"channels the network pursues, by rank (1 first; 0 never), added in rank order while capacity lasts; empty: all channels in the default order (Figure 5: which channels each network offers follows its funding sources and partners, T4.1, T5.1)"`
	OutreachShare  float64            `toml:"outreach_share" unit:"fraction" min:"0" max:"1" doc:"policy lever: share of the event budget spent on visiting members, an innovation broker's work (T5.5, T5.5.2; B2 in Table 4: 'they should know more what they are selling'); 0 in the thesis networks"`
	Streams        []Stream           `toml:"stream"`
}

// Stream is one funding source with its time window (T3.5, T5.2).
type Stream struct {
	ID         string  `toml:"id" doc:"stream id"`
	Source     string  `toml:"source" doc:"kind, one of StreamSources: county, vri, arena, nce, research_council, interreg, eu, municipality"`
	NOKPerYear float64 `toml:"nok_per_year" unit:"NOK/year" min:"0" max:"1e10" doc:"public funding per year while active (assumed amounts; the thesis gives the programmes, not the sums)"`
	From       int     `toml:"from" unit:"year" min:"1900" max:"2200" doc:"first year, inclusive"`
	To         int     `toml:"to" unit:"year" min:"1900" max:"2200" doc:"last year, inclusive"`
}

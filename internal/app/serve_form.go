package app

import (
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/rinsim/rinsim/scenarios"
)

// The web page's form. Every field becomes zero or more --set overrides of
// the base scenario, which are checked by the same code, with the same
// messages, as `rinsim run --set`; a message is shown next to the field it
// came from. The form lives in the query string, so a URL shares a scenario.

// field is one input of the form.
type field struct {
	Name, Label, Value, Err, Help string
	Baseline                      string // the base scenario's value, shown as a hint
}

type streamForm struct {
	ID, Source, Window, NOK string
	Mode, Year              field // Mode: "" (as planned), "off" or "on"
}

type networkForm struct {
	ID, Name string
	Members  int
	Funding  field
	Outreach *field // share of the event budget spent visiting members; nil if the scenario has no such lever
	Streams  []streamForm
	Add      addForm // a programme the network lacks, on from a year
}

// addForm adds a programme: which, from which year, and at how much.
type addForm struct {
	Choices         []string // programmes the network lacks
	Programme, Year field
	NOK             field // NOK per year; empty: what the programme pays another network
}

// Rows is the number of table rows the network takes: its streams and the
// row that adds one.
func (n networkForm) Rows() int { return len(n.Streams) + 1 }

// form is the parsed page state.
type form struct {
	Networks         []networkForm
	Levers           []field // public and budget levers the model has
	Other            field   // more key=value overrides, one per line
	Name, Reps, Seed field
	Run              bool
	Errors           []string // problems tied to no field

	sets  []string
	reps  int
	seed  uint64
	query url.Values // the canonical query string of the settings
}

// webLevers are the budget and outreach levers the model has beyond each
// network's funding and programmes (scenarios.Scenario docs give sources).
var webLevers = []struct{ key, label, help string }{
	{"funding.secretariat_share", "Share of funding paid as secretariat salaries", "the rest is the networks' budget for events (channels)"},
	{"public.innovation_norway_share", "Innovation Norway's share of business network projects", "0 removes the channel"},
	{"public.county_stand_share", "County's share of joint fair stands", ""},
	{"channel.network_project.funding_nok", "Co-funding per firm in a business network project, NOK", ""},
	{"peer.seek_prob", "Members asking each other for help, per quarter", "outreach among members where no event serves them"},
}

// webDefaults are the form's defaults; lim bounds replications.
const (
	defaultWebReps = 30
	defaultWebName = "scenario"
)

func fundingField(id string) string        { return "f." + id }
func streamField(id, sid string) string    { return "m." + id + "." + sid }
func yearField(id, sid string) string      { return "y." + id + "." + sid }
func fundingKey(id string) string          { return "funding." + id + ".scale" }
func streamKey(id, sid string) string      { return "network." + id + ".stream." + sid }
func outreachKey(id string) string         { return "network." + id + ".outreach_share" }
func setKeyValue(key, value string) string { return key + "=" + strings.TrimSpace(value) }

// parseForm reads the query q against the base scenario. It fills in every
// field, the overrides and their errors; it runs nothing.
func parseForm(base *scenarios.Scenario, q url.Values, lim Limits) *form {
	maxReps := lim.MaxReps
	f := &form{Run: q.Get("run") != "", query: url.Values{}}
	get := func(name, def string) string {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return def
		}
		if v != def { // links carry only what differs from the defaults
			f.query.Set(name, v)
		}
		return v
	}
	owners := map[string]*field{} // key prefix -> field that set it
	var order []*field
	sets := map[*field][]string{}
	add := func(fd *field, key, set string) {
		owners[key] = fd
		sets[fd] = append(sets[fd], set)
		order = append(order, fd)
	}
	for _, n := range base.Networks {
		nf := networkForm{ID: n.ID, Name: n.Name, Members: n.Members + n.NonMembers}
		nf.Funding = field{Name: fundingField(n.ID), Label: "funding multiplier", Baseline: fmtFloat(n.FundingScale)}
		nf.Funding.Value = get(nf.Funding.Name, nf.Funding.Baseline)
		if p, err := base.Param(outreachKey(n.ID)); err == nil {
			nf.Outreach = &field{Name: "o." + n.ID, Label: "outreach share", Baseline: p.String(),
				Help: "share of the event budget spent visiting members (" + p.Range() + ")"}
			nf.Outreach.Value = get(nf.Outreach.Name, nf.Outreach.Baseline)
		}
		nf.Streams = make([]streamForm, len(n.Streams))
		for k, st := range n.Streams {
			sf := streamForm{ID: st.ID, Source: st.Source, Window: fmt.Sprintf("%d-%d", st.From, st.To), NOK: MNOK(st.NOKPerYear) + " a year"}
			sf.Mode = field{Name: streamField(n.ID, st.ID), Value: get(streamField(n.ID, st.ID), "")}
			sf.Year = field{Name: yearField(n.ID, st.ID), Value: get(yearField(n.ID, st.ID), "")}
			nf.Streams[k] = sf
		}
		for _, p := range scenarios.Programmes {
			if !slices.ContainsFunc(n.Streams, func(st scenarios.Stream) bool { return st.Source == p || st.ID == p }) {
				nf.Add.Choices = append(nf.Add.Choices, p)
			}
		}
		nf.Add.Programme = field{Name: "a." + n.ID, Value: get("a."+n.ID, "")}
		nf.Add.Year = field{Name: "ay." + n.ID, Value: get("ay."+n.ID, "")}
		nf.Add.NOK = field{Name: "an." + n.ID, Value: get("an."+n.ID, "")}
		f.Networks = append(f.Networks, nf)
	}
	for _, l := range webLevers {
		p, err := base.Param(l.key)
		if err != nil {
			continue // a scenario without this lever
		}
		f.Levers = append(f.Levers, field{Name: l.key, Label: l.label, Help: l.help + " (" + p.Range() + ")", Baseline: p.String()})
	}
	for i := range f.Levers {
		f.Levers[i].Value = get(f.Levers[i].Name, f.Levers[i].Baseline)
	}
	f.Other = field{Name: "set", Label: "More settings, one key=value per line", Help: "any key of `rinsim scenarios show --params`"}
	f.Other.Value = get("set", "")
	f.Name = field{Name: "name", Label: "Scenario name", Value: get("name", defaultWebName)}
	f.Reps = field{Name: "reps", Label: "Replications", Value: get("reps", strconv.Itoa(defaultWebReps)),
		Help: fmt.Sprintf("2 to %d; more give narrower intervals", maxReps)}
	f.Seed = field{Name: "seed", Label: "Master seed", Value: get("seed", "1")}

	// Overrides, in page order.
	for i := range f.Networks {
		nf := &f.Networks[i]
		if nf.Funding.Value != nf.Funding.Baseline {
			add(&nf.Funding, "network."+nf.ID+".funding_scale", setKeyValue(fundingKey(nf.ID), nf.Funding.Value))
		}
		if o := nf.Outreach; o != nil && o.Value != o.Baseline {
			add(o, outreachKey(nf.ID), setKeyValue(outreachKey(nf.ID), o.Value))
		}
		for k := range nf.Streams {
			sf := &nf.Streams[k]
			switch sf.Mode.Value {
			case "":
			case "off", "on":
				if sf.Year.Value == "" {
					sf.Year.Err = "give the year from which the programme is " + sf.Mode.Value + ", e.g. 2015"
					continue
				}
				add(&sf.Mode, streamKey(nf.ID, sf.ID), setKeyValue(streamKey(nf.ID, sf.ID)+"."+sf.Mode.Value+"_from", sf.Year.Value))
			default:
				sf.Mode.Err = fmt.Sprintf("%q: want off or on", sf.Mode.Value)
			}
		}
	}
	for i := range f.Networks {
		a := &f.Networks[i].Add
		id := f.Networks[i].ID
		switch {
		case a.Programme.Value == "":
		case !slices.Contains(a.Choices, a.Programme.Value):
			a.Programme.Err = fmt.Sprintf("%q: want one of %s", a.Programme.Value, strings.Join(a.Choices, ", "))
		case a.Year.Value == "":
			a.Year.Err = "give the year from which the programme pays, e.g. 2015"
		default:
			key := streamKey(id, a.Programme.Value)
			add(&a.Programme, key, setKeyValue(key+"."+scenarios.OnFrom, a.Year.Value))
			if a.NOK.Value != "" {
				add(&a.Programme, key, setKeyValue(key+".nok_per_year", a.NOK.Value))
			}
		}
	}
	for i := range f.Levers {
		l := &f.Levers[i]
		if l.Value != l.Baseline {
			add(l, l.Name, setKeyValue(l.Name, l.Value))
		}
	}
	for _, line := range strings.Split(f.Other.Value, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			add(&f.Other, "", line)
		}
	}
	f.check(base, order, sets, owners, lim)
	return f
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// check validates replications, seed and name, then every field's overrides
// on their own (type errors), then all together (ranges and rules), as the
// CLI does, and puts each message next to its field.
func (f *form) check(base *scenarios.Scenario, order []*field, sets map[*field][]string, owners map[string]*field, lim Limits) {
	maxReps := lim.MaxReps
	if n, err := strconv.Atoi(f.Reps.Value); err != nil || n < 2 || n > maxReps {
		f.Reps.Err = fmt.Sprintf("--reps %s: allowed 2 to %d replications (at least 2 for an interval; this server runs at most %d)", f.Reps.Value, maxReps, maxReps)
	} else {
		f.reps = n
	}
	if s, err := strconv.ParseUint(f.Seed.Value, 10, 64); err != nil {
		f.Seed.Err = fmt.Sprintf("--seed %q: want a whole number from 0 to %d", f.Seed.Value, uint64(1<<64-1))
	} else {
		f.seed = s
	}
	if n := f.Name.Value; n == "baseline" || strings.ContainsAny(n, ",\"\n") || len(n) > 64 {
		f.Name.Err = fmt.Sprintf("name %q must not be \"baseline\", at most 64 characters, without commas, quotes or newlines", n)
	}
	seen := map[*field]bool{}
	var typed []string // overrides of fields without type errors, checked together below
	for _, fd := range order {
		if seen[fd] {
			continue
		}
		seen[fd] = true
		f.sets = append(f.sets, sets[fd]...)
		if err := base.Clone().SetAll(sets[fd]); err != nil {
			fd.Err = err.Error()
		} else {
			typed = append(typed, sets[fd]...)
		}
	}
	// A synthetic population is generated while resolving: refuse one
	// larger than the server runs before generating it.
	if sc := base.Clone(); sc.SetAll(typed) == nil && sc.Synthetic.SMEs > lim.MaxFirms {
		msg := fmt.Sprintf("synthetic.smes: %d firms; this server runs at most %d (rinsim serve --max-firms)", sc.Synthetic.SMEs, lim.MaxFirms)
		if fd := owner(owners, "synthetic.smes"); fd != nil {
			fd.Err = joinErr(fd.Err, msg)
		} else {
			f.Errors = append(f.Errors, msg)
		}
		return
	}
	err := base.Clone().Resolve(typed, base.Name+" after --set")
	var ve *scenarios.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, p := range ve.Problems {
			msg := p.Field + ": " + p.Msg
			if fd := owner(owners, p.Field); fd != nil {
				fd.Err = joinErr(fd.Err, msg)
			} else {
				f.Errors = append(f.Errors, msg)
			}
		}
	case err != nil:
		f.Errors = append(f.Errors, err.Error())
	}
}

// owner finds the field whose override set key, or a stream or network
// part of it.
func owner(owners map[string]*field, key string) *field {
	for k := key; k != ""; {
		if fd, ok := owners[k]; ok {
			return fd
		}
		i := strings.LastIndex(k, ".")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return owners[""] // the free-form settings
}

func joinErr(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func (f *form) hasErrors() bool {
	if len(f.Errors) > 0 || f.Reps.Err != "" || f.Seed.Err != "" || f.Name.Err != "" || f.Other.Err != "" {
		return true
	}
	for _, l := range f.Levers {
		if l.Err != "" {
			return true
		}
	}
	for _, n := range f.Networks {
		if n.Funding.Err != "" || n.Outreach != nil && n.Outreach.Err != "" {
			return true
		}
		for _, s := range n.Streams {
			if s.Mode.Err != "" || s.Year.Err != "" {
				return true
			}
		}
		if n.Add.Programme.Err != "" || n.Add.Year.Err != "" {
			return true
		}
	}
	return false
}

// Query is the canonical query string of the settings.
func (f *form) Query() string { return f.query.Encode() }

// Link is path with the settings, for links that share or download them;
// extra is appended to the query as is ("run=1").
func (f *form) Link(path, extra string) template.URL {
	q := f.query.Encode()
	if extra != "" {
		q = strings.TrimPrefix(q+"&"+extra, "&")
	}
	return template.URL(path + "?" + q)
}

// Sets are the overrides the form makes, as --set takes them.
func (f *form) Sets() []string { return f.sets }

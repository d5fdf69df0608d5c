package sim

import (
	"fmt"
	"strings"

	"github.com/rinsim/rinsim/model"
)

// Knockouts switch routes of the RIN effect off by setting parameters to 0,
// for the route pattern of `rinsim validate` and for negative controls. A
// key "channel.*.<field>" stands for that field of every channel.
//
// To add a parameter to a route, add its key to one of the two lists below;
// "inert" switches off both routes, so it follows.
var (
	// contactRoute: contacts from events, and commitment steps that events
	// trigger directly (T4.1.2, T4.1.3).
	contactRoute = []string{
		"channel.*.contact_prob",
		"channel.*.commit_prob",
	}
	// infoRoute: information and learning from events, and co-funding
	// (T5.4, T5.5.1: what members say they get from the network).
	infoRoute = []string{
		"channel.*.learning",
		"channel.*.market_learning",
		"channel.*.funding_nok",
		"firm.info_uptake",
	}
)

// Knockout is a named set of parameters that are set to one value, 0
// unless Value says otherwise.
type Knockout struct {
	Name  string
	Doc   string
	Keys  []string // may contain "channel.*.<field>"
	Value string   // "" means 0
}

// Knockouts lists the named knockouts.
var Knockouts = []Knockout{
	{Name: "inert", Doc: "every channel without effect: no contacts, information, learning, co-funding or event-triggered commitment (events still run and members attend)",
		Keys: append(append([]string{}, contactRoute...), infoRoute...)},
	{Name: "no-contacts", Doc: "channels give no contacts and trigger no commitment steps", Keys: contactRoute},
	{Name: "no-info-learning-cofunding", Doc: "channels give no information, learning or co-funding", Keys: infoRoute},
}

// PeerKnockouts switch off a part of the help among members. They are not
// routes of the RIN effect, so the route pattern of `rinsim validate` does
// not run them; the claims use them as negative controls.
var PeerKnockouts = []Knockout{
	// Claim 6's control: T5.3 credits the help among members to the
	// network's missing activities, which the model expresses only through
	// peer.seek_when_served = 0 (members whose target an event served do not
	// ask). At 1 they ask regardless; help itself stays on.
	{Name: "peer-help-ignores-channels", Doc: "members ask each other for help whether or not a network event served their target market (peer.seek_when_served = 1)",
		Keys: []string{"peer.seek_when_served"}, Value: "1"},
}

// Set returns the knockout as --set overrides, every "channel.*" key
// expanded to the seven channels in channel order.
func (k Knockout) Set() []string {
	v := k.Value
	if v == "" {
		v = "0"
	}
	var out []string
	for _, key := range k.Keys {
		field, ok := strings.CutPrefix(key, "channel.*.")
		if !ok {
			out = append(out, key+"="+v)
			continue
		}
		for _, c := range model.ChannelNames() {
			out = append(out, "channel."+c+"."+field+"="+v)
		}
	}
	return out
}

// KnockoutSet returns the overrides of the knockout called name, a route
// knockout or a peer knockout.
func KnockoutSet(name string) ([]string, error) {
	k, err := knockout(name)
	if err != nil {
		return nil, err
	}
	return k.Set(), nil
}

// knockout finds the route or peer knockout called name.
func knockout(name string) (Knockout, error) {
	var names []string
	for _, k := range append(append([]Knockout{}, Knockouts...), PeerKnockouts...) {
		if k.Name == name {
			return k, nil
		}
		names = append(names, k.Name)
	}
	return Knockout{}, fmt.Errorf("unknown knockout %q (want one of %s)", name, strings.Join(names, ", "))
}

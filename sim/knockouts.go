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

// Knockout is a named set of parameters that are set to 0.
type Knockout struct {
	Name string
	Doc  string
	Keys []string // may contain "channel.*.<field>"
}

// Knockouts lists the named knockouts.
var Knockouts = []Knockout{
	{Name: "inert", Doc: "every channel without effect: no contacts, learning, co-funding or event-triggered commitment",
		Keys: append(append([]string{}, contactRoute...), infoRoute...)},
	{Name: "no-contacts", Doc: "channels give no contacts and trigger no commitment steps", Keys: contactRoute},
	{Name: "no-info-learning-cofunding", Doc: "channels give no information, learning or co-funding", Keys: infoRoute},
}

// Set returns the knockout as --set overrides, every "channel.*" key
// expanded to the seven channels in channel order.
func (k Knockout) Set() []string {
	var out []string
	for _, key := range k.Keys {
		field, ok := strings.CutPrefix(key, "channel.*.")
		if !ok {
			out = append(out, key+"=0")
			continue
		}
		for _, c := range model.ChannelNames() {
			out = append(out, "channel."+c+"."+field+"=0")
		}
	}
	return out
}

// KnockoutSet returns the overrides of the knockout called name.
func KnockoutSet(name string) ([]string, error) {
	names := make([]string, len(Knockouts))
	for i, k := range Knockouts {
		if k.Name == name {
			return k.Set(), nil
		}
		names[i] = k.Name
	}
	return nil, fmt.Errorf("unknown knockout %q (want one of %s)", name, strings.Join(names, ", "))
}

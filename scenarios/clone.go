package scenarios

import "maps"

// Clone returns a deep copy, so that overrides never leak between runs: no
// slice or map of the copy shares storage with s. It equals what encoding s
// as TOML and decoding it again gives (the TOML round trip Clone used to be,
// at about 1/50 of its cost: a calibration clones the scenario for every
// design point of every proposal). TestCloneMatchesRoundTrip and
// TestCloneSharesNothing check both properties field by field, so a slice,
// map or pointer field added to the Scenario must be copied here too.
func (s *Scenario) Clone() *Scenario {
	c := *s
	c.Stages = cloneList(s.Stages)
	c.Archetypes = cloneList(s.Archetypes)
	c.Markets = cloneList(s.Markets)
	for i := range c.Markets {
		c.Markets[i].Attractiveness = maps.Clone(c.Markets[i].Attractiveness)
	}
	c.Networks = cloneList(s.Networks)
	for i := range c.Networks {
		n := &c.Networks[i]
		n.Partners = maps.Clone(n.Partners)
		n.Archetypes = maps.Clone(n.Archetypes)
		n.Channels = maps.Clone(n.Channels)
		n.Streams = cloneList(n.Streams)
	}
	return &c
}

// cloneList copies a list of tables into new storage. A nil list stays nil
// and an empty one empty, as in the TOML round trip (which writes an empty
// list as "key = []" and leaves out a nil one).
func cloneList[T any](l []T) []T {
	if l == nil {
		return nil
	}
	return append(make([]T, 0, len(l)), l...)
}

package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Programme levers: two --set keys per funding stream that switch it off or
// on from a year, so that "Oslo Medtech loses NCE in 2015" is one key
// (network.oslo-medtech.stream.nce.off_from=2015) instead of window
// arithmetic on from and to. They are not parameters of their own: they
// rewrite the stream's window when set.
const (
	OffFrom = "off_from" // the stream pays nothing from this year on
	OnFrom  = "on_from"  // the stream pays every year from this year to the end of the run
)

// streamLever splits "network.<id>.stream.<sid>.off_from" into the stream's
// key prefix and the lever name; ok is false for any other key.
func streamLever(key string) (prefix, lever string, ok bool) {
	prefix, lever, found := cutLast(key, ".")
	if !found || (lever != OffFrom && lever != OnFrom) {
		return "", "", false
	}
	parts := strings.Split(prefix, ".")
	if len(parts) != 4 || parts[0] != "network" || parts[2] != "stream" {
		return "", "", false
	}
	return prefix, lever, true
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// stream finds the stream named by "network.<id>.stream.<sid>".
func (s *Scenario) stream(prefix string) (*Stream, error) {
	parts := strings.Split(prefix, ".")
	for i := range s.Networks {
		n := &s.Networks[i]
		if n.ID != parts[1] {
			continue
		}
		var ids []string
		for j := range n.Streams {
			if n.Streams[j].ID == parts[3] {
				return &n.Streams[j], nil
			}
			ids = append(ids, n.Streams[j].ID)
		}
		return nil, fmt.Errorf("%s: network %s has no stream %q; its streams: %s", prefix, n.ID, parts[3], strings.Join(ids, ", "))
	}
	var ids []string
	for _, n := range s.Networks {
		ids = append(ids, n.ID)
	}
	return nil, fmt.Errorf("%s: unknown network %q; networks: %s", prefix, parts[1], strings.Join(ids, ", "))
}

// Programmes are the funding sources a stream may have (Stream.Source).
var Programmes = []string{"county", "vri", "arena", "nce", "research_council", "interreg", "eu", "municipality"}

// setLever applies an off_from or on_from lever. on_from on a stream the
// network does not have, named after a programme, adds that programme.
func (s *Scenario) setLever(prefix, lever, value string) error {
	key := prefix + "." + lever
	year, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || year < 1900 || year > 2200 {
		return fmt.Errorf("%s: %q is not a year; allowed [1900, 2200] year", key, strings.TrimSpace(value))
	}
	st, err := s.stream(prefix)
	if err != nil && lever == OnFrom {
		st, err = s.addProgramme(prefix, err)
		if st != nil && year > s.End.Year() {
			err = fmt.Errorf("%s: %d is after the end of the run %s; allowed up to %d", key, year, s.End, s.End.Year())
		}
		if err == nil {
			st.From, st.To = year, s.End.Year()
			return nil
		}
	}
	if err != nil {
		return err
	}
	if lever == OffFrom {
		switch {
		case year <= st.From:
			st.NOKPerYear = 0 // never pays: the window itself cannot be empty
		case year <= st.To:
			st.To = year - 1
		}
		return nil
	}
	end := s.End.Year()
	if year > end {
		return fmt.Errorf("%s: %d is after the end of the run %s; allowed up to %d", key, year, s.End, end)
	}
	if year > st.To+1 {
		return fmt.Errorf("%s: %d would leave a gap after the stream's last year %d; to move the stream, set %s.from=%d and %s.to=%d",
			key, year, st.To, prefix, year, prefix, end)
	}
	st.From, st.To = min(st.From, year), end
	return nil
}

// addProgramme adds to a network the stream network.<id>.stream.<programme>
// that it lacks, paying what the same programme pays the first other
// network that has it (0 if none: set its nok_per_year next). notFound is
// the error to return when the name is not a programme.
func (s *Scenario) addProgramme(prefix string, notFound error) (*Stream, error) {
	parts := strings.Split(prefix, ".")
	id, prog := parts[1], parts[3]
	if !slices.Contains(Programmes, prog) {
		return nil, fmt.Errorf("%w; on_from adds a programme the network lacks when named after one: %s", notFound, strings.Join(Programmes, ", "))
	}
	nok := 0.0
	var net *Network
	for i := range s.Networks {
		n := &s.Networks[i]
		if n.ID == id {
			net = n
		}
		for _, st := range n.Streams {
			if st.Source == prog && nok == 0 {
				nok = st.NOKPerYear
			}
		}
	}
	if net == nil {
		return nil, notFound
	}
	for _, st := range net.Streams {
		if st.Source == prog {
			return nil, fmt.Errorf("%s: network %s has its %s programme as stream %q: use %s.stream.%s.on_from",
				prefix, id, prog, st.ID, strings.Join(parts[:2], "."), st.ID)
		}
	}
	net.Streams = append(net.Streams, Stream{ID: prog, Source: prog, NOKPerYear: nok})
	return &net.Streams[len(net.Streams)-1], nil
}

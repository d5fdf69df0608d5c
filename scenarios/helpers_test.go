package scenarios

import "testing"

// thesis returns a freshly parsed copy of the built-in thesis scenario.
func thesis(t testing.TB) *Scenario {
	t.Helper()
	s, err := Builtin("thesis")
	if err != nil {
		t.Fatalf("Builtin(thesis): %v", err)
	}
	return s
}

// paramPairs lists every parameter as "key=value", in Params order.
func paramPairs(s *Scenario) []string {
	var out []string
	for _, p := range s.Params() {
		out = append(out, p.Key+"="+p.String())
	}
	return out
}

// diffPairs reports the entries of got that differ from want, by position.
func diffPairs(t testing.TB, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d parameters, want %d", len(got), len(want))
	}
	for i := 0; i < min(len(got), len(want)); i++ {
		if got[i] != want[i] {
			t.Errorf("parameter %d: got %s, want %s", i, got[i], want[i])
		}
	}
}

func network(t testing.TB, s *Scenario, id string) *Network {
	t.Helper()
	for i := range s.Networks {
		if s.Networks[i].ID == id {
			return &s.Networks[i]
		}
	}
	t.Fatalf("no network %q", id)
	return nil
}

func stream(t testing.TB, n *Network, id string) *Stream {
	t.Helper()
	for i := range n.Streams {
		if n.Streams[i].ID == id {
			return &n.Streams[i]
		}
	}
	t.Fatalf("network %s has no stream %q", n.ID, id)
	return nil
}

func market(t testing.TB, s *Scenario, id string) *Market {
	t.Helper()
	for i := range s.Markets {
		if s.Markets[i].ID == id {
			return &s.Markets[i]
		}
	}
	t.Fatalf("no market %q", id)
	return nil
}

func archetype(t testing.TB, s *Scenario, id string) *Archetype {
	t.Helper()
	for i := range s.Archetypes {
		if s.Archetypes[i].ID == id {
			return &s.Archetypes[i]
		}
	}
	t.Fatalf("no archetype %q", id)
	return nil
}

func stage(t testing.TB, s *Scenario, id string) *Stage {
	t.Helper()
	for i := range s.Stages {
		if s.Stages[i].ID == id {
			return &s.Stages[i]
		}
	}
	t.Fatalf("no stage %q", id)
	return nil
}

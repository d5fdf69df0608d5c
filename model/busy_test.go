package model

import "testing"

// TestBusyCounters: BusyQuarters counts the quarters a joined member is busy
// and BusyParticipations its participations in them. Firms busy from the
// first quarter and never free are busy in every quarter of membership and
// take part only while busy; firms never busy count nothing. Comparison
// firms are never counted.
func TestBusyCounters(t *testing.T) {
	for _, tc := range []struct {
		name       string
		start, end float64 // firm.busy_start, firm.busy_end
		alwaysBusy bool
	}{
		{"always busy", 1, 0, true},
		{"never busy", 0, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := thesis(t)
			s.Firm.BusyStart, s.Firm.BusyEnd = tc.start, tc.end
			s.Firm.BusyParticipation = 1 // busy firms still take part, so the counts can differ from 0
			s.Networks[0].NonMembers = 10
			w := newWorld(t, s, 3)
			for !w.Done() {
				w.Step()
			}
			f := &w.Firms
			steps := s.Steps()
			attended := 0
			for i := range f.N {
				attended += int(f.Participations[i])
				want, wantPart := int32(0), int32(0)
				if tc.alwaysBusy && f.Group[i] == GroupMember {
					want, wantPart = int32(steps)-f.JoinStep[i], f.Participations[i]
				}
				if f.BusyQuarters[i] != want || f.BusyParticipations[i] != wantPart {
					t.Fatalf("firm %d (%v, joined %d): busy quarters %d, busy participations %d; want %d and %d",
						i, f.Group[i], f.JoinStep[i], f.BusyQuarters[i], f.BusyParticipations[i], want, wantPart)
				}
			}
			if attended == 0 {
				t.Fatal("nobody took part; the test would not see a wrong count")
			}
		})
	}
}

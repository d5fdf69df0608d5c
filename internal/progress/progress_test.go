package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeBar returns a bar on a fake clock starting at t0, with the default
// delay (1 s) and period (200 ms), and a function that sets the clock.
func fakeBar(t *testing.T) (*Bar, *bytes.Buffer, func(d time.Duration)) {
	t.Helper()
	var buf bytes.Buffer
	b := New(&buf, "sweep")
	if b == nil {
		t.Fatal("New with a writer returned nil")
	}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	b.start, b.now = t0, func() time.Time { return now }
	return b, &buf, func(d time.Duration) { now = t0.Add(d) }
}

func TestNilBarIsSilent(t *testing.T) {
	if b := New(nil, "x"); b != nil {
		t.Fatalf("New(nil) = %#v, want nil", b)
	}
	var b *Bar
	// None of these may panic.
	b.Update(1, 2)
	b.Update(2, 2)
	b.Done()
}

func TestNewDefaults(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "label")
	if b.delay != time.Second || b.period != 200*time.Millisecond || b.now == nil || b.label != "label" {
		t.Errorf("New: delay %v, period %v, label %q, now set %v", b.delay, b.period, b.label, b.now != nil)
	}
	// With the real clock, work that finishes at once prints nothing.
	b.Update(1, 1)
	b.Done()
	if buf.Len() != 0 {
		t.Errorf("instant work printed %q", buf.String())
	}
}

func TestLine(t *testing.T) {
	cases := []struct {
		name        string
		at          time.Duration
		done, total int
		want        []string // substrings of the line
	}{
		{"half", 2 * time.Second, 5, 10, []string{"\rsweep [", "] 5/10 ", " 50%", "ETA 2s"}},
		{"quarter", 4 * time.Second, 1, 4, []string{"1/4", " 25%", "ETA 12s"}},
		{"nothing done", 3 * time.Second, 0, 7, []string{"0/7", "  0%", "ETA ?"}},
		{"all done", 90 * time.Second, 3, 3, []string{"3/3", "100%", "ETA 0s"}},
		{"rounded ETA", 1500 * time.Millisecond, 2, 3, []string{"2/3", " 67%", "ETA 1s"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, buf, set := fakeBar(t)
			set(c.at)
			b.Update(c.done, c.total)
			line := buf.String()
			for _, w := range c.want {
				if !strings.Contains(line, w) {
					t.Errorf("line %q lacks %q", line, w)
				}
			}
			// The bar is 30 wide and filled in proportion.
			open, end := strings.IndexByte(line, '['), strings.IndexByte(line, ']')
			if open < 0 || end < open {
				t.Fatalf("line %q has no bar", line)
			}
			bar := line[open+1 : end]
			if len(bar) != 30 {
				t.Errorf("bar %q is %d wide, want 30", bar, len(bar))
			}
			if got, want := strings.Count(bar, "="), 30*c.done/c.total; got != want {
				t.Errorf("bar %q has %d '=', want %d", bar, got, want)
			}
			if strings.Contains(line, "\n") {
				t.Errorf("line %q contains a newline before Done", line)
			}
		})
	}
}

// step is one call on a bar at a time on the fake clock.
type step struct {
	at          time.Duration
	done, total int
	printed     bool // a new line was written
}

func TestThrottle(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"silent before the delay", []step{
			{0, 0, 10, false},
			{500 * time.Millisecond, 3, 10, false},
			{999 * time.Millisecond, 9, 10, false},
		}},
		{"final update before the delay is silent too", []step{
			{900 * time.Millisecond, 10, 10, false},
		}},
		{"shown at the delay", []step{
			{999 * time.Millisecond, 1, 10, false},
			{time.Second, 2, 10, true},
		}},
		{"throttled to the period", []step{
			{1100 * time.Millisecond, 1, 10, true},
			{1200 * time.Millisecond, 2, 10, false},
			{1299 * time.Millisecond, 3, 10, false},
			{1300 * time.Millisecond, 4, 10, true},
			{1400 * time.Millisecond, 5, 10, false},
			{1600 * time.Millisecond, 6, 10, true},
		}},
		{"final update not throttled", []step{
			{1100 * time.Millisecond, 8, 10, true},
			{1101 * time.Millisecond, 9, 10, false},
			{1102 * time.Millisecond, 10, 10, true},
		}},
		{"zero total is ignored", []step{
			{5 * time.Second, 0, 0, false},
			{5 * time.Second, 1, -1, false},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, buf, set := fakeBar(t)
			anything := false
			for k, s := range c.steps {
				before := buf.Len()
				set(s.at)
				b.Update(s.done, s.total)
				out := buf.String()[before:]
				if printed := out != ""; printed != s.printed {
					t.Errorf("step %d (%v, %d/%d): printed %q, want printed=%v", k, s.at, s.done, s.total, out, s.printed)
				}
				if s.printed && !strings.Contains(out, "\rsweep [") {
					t.Errorf("step %d: output %q does not redraw the line", k, out)
				}
				anything = anything || s.printed
			}
			before := buf.Len()
			b.Done()
			out := buf.String()[before:]
			want := ""
			if anything {
				want = "\n"
			}
			if out != want {
				t.Errorf("Done wrote %q, want %q", out, want)
			}
		})
	}
}

// TestOutOfRangeCountsAreClamped: a caller reporting more done than total,
// or a negative count, gets a full or empty bar rather than a panic.
func TestOutOfRangeCountsAreClamped(t *testing.T) {
	b, buf, advance := fakeBar(t)
	advance(2 * time.Second)
	b.Update(7, 5)
	if !strings.Contains(buf.String(), "5/5 100%") {
		t.Errorf("done > total: %q, want a full bar", buf.String())
	}
	advance(3 * time.Second)
	b.Update(-1, 5)
	if !strings.Contains(buf.String(), "0/5") {
		t.Errorf("negative done: %q, want an empty bar", buf.String())
	}
}

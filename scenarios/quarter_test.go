package scenarios

import (
	"strings"
	"testing"
)

func TestParseQuarterValid(t *testing.T) {
	tests := []struct {
		in      string
		year, q int
		str     string
	}{
		{"2007Q1", 2007, 1, "2007Q1"},
		{"2016Q4", 2016, 4, "2016Q4"},
		{"2009Q2", 2009, 2, "2009Q2"},
		{"2010Q3", 2010, 3, "2010Q3"},
		{"2016q4", 2016, 4, "2016Q4"},   // lower-case q is accepted
		{" 2007Q1 ", 2007, 1, "2007Q1"}, // surrounding space is trimmed
		{"\t2012Q2\n", 2012, 2, "2012Q2"},
		{"1900Q1", 1900, 1, "1900Q1"}, // lower bound
		{"2200Q4", 2200, 4, "2200Q4"}, // upper bound
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseQuarter(tt.in)
			if err != nil {
				t.Fatalf("ParseQuarter(%q): %v", tt.in, err)
			}
			if got != NewQuarter(tt.year, tt.q) {
				t.Errorf("ParseQuarter(%q) = %d, want NewQuarter(%d, %d) = %d", tt.in, got, tt.year, tt.q, NewQuarter(tt.year, tt.q))
			}
			if got.Year() != tt.year || got.Q() != tt.q {
				t.Errorf("ParseQuarter(%q): Year, Q = %d, %d; want %d, %d", tt.in, got.Year(), got.Q(), tt.year, tt.q)
			}
			if got.String() != tt.str {
				t.Errorf("ParseQuarter(%q).String() = %q, want %q", tt.in, got.String(), tt.str)
			}
		})
	}
}

func TestParseQuarterInvalid(t *testing.T) {
	tests := []string{
		"",
		"   ",
		"2007",
		"Q1",
		"2007Q",
		"2007Q0",
		"2007Q5",
		"2007Q-1",
		"1899Q4", // below 1900
		"2201Q1", // above 2200
		"0Q1",    // what a zero Quarter prints; not a valid input
		"2007-Q1",
		"2007 Q1",
		"abcdQ1",
		"2007Qx",
		"2007Q1x",
		"2007Q1Q2",
		"2007.5Q1",
		"2007Q1.0",
		"99999999999999999999Q1", // overflows int
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			q, err := ParseQuarter(in)
			if err == nil {
				t.Fatalf("ParseQuarter(%q) = %s, want an error", in, q)
			}
			if !strings.Contains(err.Error(), "2007Q1") {
				t.Errorf("ParseQuarter(%q) error %q does not show the expected form 2007Q1", in, err)
			}
		})
	}
}

func TestQuarterRoundTrip(t *testing.T) {
	for y := 1900; y <= 2200; y++ {
		for n := 1; n <= 4; n++ {
			q := NewQuarter(y, n)
			if q.Year() != y || q.Q() != n {
				t.Fatalf("NewQuarter(%d, %d): Year, Q = %d, %d", y, n, q.Year(), q.Q())
			}
			p, err := ParseQuarter(q.String())
			if err != nil || p != q {
				t.Fatalf("ParseQuarter(%q) = %d, %v; want %d", q.String(), p, err, q)
			}
			text, err := q.MarshalText()
			if err != nil {
				t.Fatalf("MarshalText(%s): %v", q, err)
			}
			if string(text) != q.String() {
				t.Fatalf("MarshalText = %q, String = %q", text, q.String())
			}
			var u Quarter
			if err := u.UnmarshalText(text); err != nil || u != q {
				t.Fatalf("UnmarshalText(%q) = %d, %v; want %d", text, u, err, q)
			}
		}
	}
}

func TestQuarterArithmetic(t *testing.T) {
	// Quarters are consecutive integers, so the engine can step with +1.
	if got, want := NewQuarter(2007, 4)+1, NewQuarter(2008, 1); got != want {
		t.Errorf("2007Q4 + 1 = %s, want %s", got, want)
	}
	if got := NewQuarter(2016, 4) - NewQuarter(2007, 1) + 1; got != 40 {
		t.Errorf("2007Q1..2016Q4 spans %d quarters, want 40", got)
	}
	if !(NewQuarter(2007, 4) < NewQuarter(2008, 1)) {
		t.Error("quarters do not order chronologically")
	}
}

func TestQuarterUnmarshalTextErrorKeepsValue(t *testing.T) {
	q := NewQuarter(2010, 2)
	for _, in := range []string{"", "2010Q9", "garbage"} {
		if err := q.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("UnmarshalText(%q) succeeded, want an error", in)
		}
		if q != NewQuarter(2010, 2) {
			t.Errorf("UnmarshalText(%q) changed the quarter to %s on error", in, q)
		}
	}
}

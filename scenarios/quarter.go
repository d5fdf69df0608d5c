package scenarios

import (
	"fmt"
	"strconv"
	"strings"
)

// Quarter is a calendar quarter counted from year 0: year*4 + (q-1).
// Its text form is "2007Q1".
type Quarter int

// NewQuarter returns the quarter q (1..4) of year.
func NewQuarter(year, q int) Quarter { return Quarter(year*4 + q - 1) }

// Year returns the calendar year of the quarter.
func (q Quarter) Year() int { return int(q) / 4 }

// Q returns the quarter of the year, 1..4.
func (q Quarter) Q() int { return int(q)%4 + 1 }

func (q Quarter) String() string { return fmt.Sprintf("%dQ%d", q.Year(), q.Q()) }

// MarshalText implements encoding.TextMarshaler.
func (q Quarter) MarshalText() ([]byte, error) { return []byte(q.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it accepts "2007Q1".
func (q *Quarter) UnmarshalText(b []byte) error {
	p, err := ParseQuarter(string(b))
	if err != nil {
		return err
	}
	*q = p
	return nil
}

// ParseQuarter parses "YYYYQn" with n in 1..4 and YYYY in 1900..2200.
func ParseQuarter(s string) (Quarter, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, "Qq")
	if i < 0 {
		return 0, fmt.Errorf("quarter %q: want the form 2007Q1", s)
	}
	y, err1 := strconv.Atoi(s[:i])
	n, err2 := strconv.Atoi(s[i+1:])
	if err1 != nil || err2 != nil || n < 1 || n > 4 || y < 1900 || y > 2200 {
		return 0, fmt.Errorf("quarter %q: want the form 2007Q1 (year 1900..2200, quarter 1..4)", s)
	}
	return NewQuarter(y, n), nil
}

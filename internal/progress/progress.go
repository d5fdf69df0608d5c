// Package progress shows the progress of long work on stderr: nothing for
// work that ends within a second, then a line with a bar and the time left,
// redrawn at most a few times per second.
package progress

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Bar reports progress of a task of known size. The zero value is not
// usable; make one with New. A nil *Bar is silent.
type Bar struct {
	w      io.Writer
	label  string
	start  time.Time
	last   time.Time
	shown  bool
	now    func() time.Time
	delay  time.Duration
	period time.Duration
}

// New returns a bar writing to w, or nil (silent) when w is nil.
func New(w io.Writer, label string) *Bar {
	if w == nil {
		return nil
	}
	t := time.Now()
	return &Bar{w: w, label: label, start: t, now: time.Now, delay: time.Second, period: 200 * time.Millisecond}
}

// Update reports that done of total units are finished.
func (b *Bar) Update(done, total int) {
	if b == nil || total <= 0 {
		return
	}
	done = min(max(done, 0), total)
	t := b.now()
	elapsed := t.Sub(b.start)
	if elapsed < b.delay || (t.Sub(b.last) < b.period && done < total) {
		return
	}
	b.last, b.shown = t, true
	frac := float64(done) / float64(total)
	eta := "?"
	if done > 0 {
		left := time.Duration(float64(elapsed) * (1 - frac) / frac)
		eta = left.Round(time.Second).String()
	}
	const width = 30
	fill := int(frac * width)
	fmt.Fprintf(b.w, "\r%s [%s%s] %d/%d %3.0f%% ETA %s ", b.label, strings.Repeat("=", fill),
		strings.Repeat(" ", width-fill), done, total, 100*frac, eta)
}

// Done ends the line if anything was shown.
func (b *Bar) Done() {
	if b != nil && b.shown {
		fmt.Fprintln(b.w)
	}
}

// Package suggest finds the nearest valid word for a mistyped one, for
// "did you mean" hints on commands, flags, scenario names and parameter keys.
package suggest

import "strings"

// Nearest returns the candidate closest to word by edit distance, or "" when
// none is close enough to be a plausible typo (at most a third of the
// longer word's letters, and never more than 3, differ). Ties go to the
// earlier candidate, so the result is deterministic.
//
// Candidates whose length differs from word's by more than the limit are
// skipped without computing the distance (it is at least that difference),
// so a word of any length costs time linear in the candidates, not
// quadratic in the word: a mistyped key may be megabytes long.
func Nearest(word string, candidates []string) string {
	best, bestD := "", 0
	lw := strings.ToLower(word)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if abs(len(lw)-len(lc)) > limit(word, c) {
			continue
		}
		d := Distance(lw, lc)
		if d == 0 {
			return c
		}
		if d <= limit(word, c) && (best == "" || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// Key returns the nearest dotted key (such as funding.cwn.scale). Keys with
// the same leading segments come first, compared by their last segment (a
// typo in a short last segment of a long key, or the last segment's start:
// "arena.nok" for "arena.nok_per_year"); then the whole key; then the last
// segment against every key's last segment.
func Key(key string, keys []string) string {
	prefix, last := split(key)
	var same, lasts []string
	byLast := map[string]string{}
	for _, k := range keys {
		p, l := split(k)
		if p == prefix {
			same = append(same, l)
		}
		if _, ok := byLast[l]; !ok {
			byLast[l] = k
			lasts = append(lasts, l)
		}
	}
	join := func(l string) string {
		if prefix == "" {
			return l
		}
		return prefix + "." + l
	}
	if l := Nearest(last, same); l != "" {
		return join(l)
	}
	for _, l := range same {
		if len(last) >= 3 && strings.HasPrefix(l, last) {
			return join(l)
		}
	}
	if k := Nearest(key, keys); k != "" {
		return k
	}
	if l := Nearest(last, lasts); l != "" {
		return byLast[l]
	}
	return ""
}

func split(key string) (prefix, last string) {
	i := strings.LastIndex(key, ".")
	if i < 0 {
		return "", key
	}
	return key[:i], key[i+1:]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// limit is the largest edit distance still taken for a typo.
func limit(a, b string) int {
	return min(3, max(1, max(len(a), len(b))/3))
}

// Distance is the optimal string alignment distance between a and b, in
// bytes: Levenshtein's insertions, deletions and substitutions plus the
// transposition of two neighbours ("rnu" is one step from "run").
func Distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

package scenarios

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// keyLines says on which line of a TOML scenario file each key is written.
// BurntSushi/toml keeps key positions private, so locateKeys scans the text
// itself: tables, [[arrays]] of tables, dotted keys, inline tables and
// arrays, with strings and comments skipped.
//
// Keys are named as Scenario.Params names them: the table path, with the
// elements of an [[array]] named by their `id = "..."` value, or by their
// 0-based index when they have none. Tables and elements are located too
// ("channel.info" and "network.cwn" give the line of their header), so
// problems with a whole table or list entry have a line as well.
type keyLines struct {
	named map[string][]int      // dotted key -> 1-based lines of its definitions, in file order
	raw   map[string][]rawEntry // toml.Key.String() of a key, without element names -> every definition in file order
}

// rawEntry is one definition of a key as BurntSushi/toml's MetaData.Keys
// lists it: the path without element names, so that every element of
// [[network]] has the same key.
type rawEntry struct {
	line  int
	named string
	kind  valueKind
}

// line returns the 1-based line where field is written, 0 if the file does
// not set it (e.g. the value comes from the base scenario). A problem with an
// element's missing id (field "network[2].id" or "network.x.id") gets the
// line of the element.
func (kl *keyLines) line(field string) int { return kl.nth(field, 0) }

// nth returns the line of the n-th (0-based) definition of field, as line does.
func (kl *keyLines) nth(field string, n int) int {
	if kl == nil {
		return 0
	}
	ls, ok := kl.named[field]
	if !ok {
		if el, isID := strings.CutSuffix(field, ".id"); isID {
			ls = kl.named[el]
		}
	}
	if n < len(ls) {
		return ls[n]
	}
	return 0
}

// occurrence returns the named key and line of the n-th (0-based) definition
// of a TOML key path as MetaData lists it.
func (kl *keyLines) occurrence(key toml.Key, n int) (rawEntry, bool) {
	if kl == nil {
		return rawEntry{}, false
	}
	es := kl.raw[key.String()]
	if n < 0 || n >= len(es) {
		return rawEntry{}, false
	}
	return es[n], true
}

// part is one step of a path: a key, or an element of the array named by
// the preceding key.
type part struct {
	key string
	el  *element
}

type element struct {
	index int
	id    string
	hasID bool
}

func (e *element) name() string {
	if e.hasID && e.id != "" {
		return e.id
	}
	return strconv.Itoa(e.index)
}

// tnode is a table in the scanned document.
type tnode struct {
	kids map[string]*kid
	el   *element // the element this table is, nil for plain tables
}

// kid is what a key of a table holds: a table, or an array of tables.
type kid struct {
	table *tnode
	elems []*tnode
}

func (t *tnode) kid(key string) *kid {
	if t.kids == nil {
		t.kids = map[string]*kid{}
	}
	k := t.kids[key]
	if k == nil {
		k = &kid{}
		t.kids[key] = k
	}
	return k
}

// descend follows key from t as a TOML header or dotted key does: into the
// table, or into the last element of an array of tables.
func (t *tnode) descend(key string, path []part) (*tnode, []part) {
	k := t.kid(key)
	path = appendPart(path, part{key: key})
	if len(k.elems) > 0 {
		last := k.elems[len(k.elems)-1]
		return last, appendPart(path, part{el: last.el})
	}
	if k.table == nil {
		k.table = &tnode{}
	}
	return k.table, path
}

// appendElement adds a new element to the array key of t.
func (t *tnode) appendElement(key string, path []part) (*tnode, []part) {
	k := t.kid(key)
	n := &tnode{el: &element{index: len(k.elems)}}
	k.elems = append(k.elems, n)
	path = appendPart(path, part{key: key})
	return n, appendPart(path, part{el: n.el})
}

// appendPart appends without sharing the backing array of path.
func appendPart(path []part, p part) []part {
	out := make([]part, len(path), len(path)+1)
	copy(out, path)
	return append(out, p)
}

// def is one located definition, named once every element's id is known.
type def struct {
	path []part
	line int
	raw  bool      // a key MetaData lists (headers and full keys, not implicit tables)
	kind valueKind // of a key's value; tables for headers
}

type lineScanner struct {
	src  []byte
	pos  int
	line int
	defs []def
}

// locateKeys scans a TOML document. It never fails: a line it cannot make
// sense of is skipped, and a value it cannot read ends the line.
func locateKeys(data []byte) *keyLines {
	sc := &lineScanner{src: data, line: 1}
	sc.document()
	kl := &keyLines{named: map[string][]int{}, raw: map[string][]rawEntry{}}
	for _, d := range sc.defs {
		var named, keys []string
		for _, p := range d.path {
			if p.el != nil {
				named = append(named, p.el.name())
				continue
			}
			named = append(named, p.key)
			keys = append(keys, p.key)
		}
		n := strings.Join(named, ".")
		kl.named[n] = append(kl.named[n], d.line)
		// Validate names an element with an empty id by its position in its
		// list, "market[0].id" or "network.cwn.stream[1].id": each element
		// is also located by that name.
		for i, p := range d.path {
			if p.el == nil || i == 0 {
				continue
			}
			alias := append(append([]string{}, named[:i-1]...), named[i-1]+"["+strconv.Itoa(p.el.index)+"]")
			a := strings.Join(append(alias, named[i+1:]...), ".")
			kl.named[a] = append(kl.named[a], d.line)
		}
		if d.raw {
			r := toml.Key(keys).String()
			kl.raw[r] = append(kl.raw[r], rawEntry{line: d.line, named: n, kind: d.kind})
		}
	}
	return kl
}

func (sc *lineScanner) eof() bool { return sc.pos >= len(sc.src) }

func (sc *lineScanner) peek() byte {
	if sc.eof() {
		return 0
	}
	return sc.src[sc.pos]
}

func (sc *lineScanner) advance() {
	if sc.eof() {
		return
	}
	if sc.src[sc.pos] == '\n' {
		sc.line++
	}
	sc.pos++
}

func (sc *lineScanner) hasPrefix(s string) bool {
	return strings.HasPrefix(string(sc.src[sc.pos:min(len(sc.src), sc.pos+len(s))]), s)
}

// skipSpace skips blanks and, if newlines, also line breaks and comments.
func (sc *lineScanner) skipSpace(newlines bool) {
	for !sc.eof() {
		switch c := sc.peek(); {
		case c == ' ' || c == '\t':
			sc.advance()
		case c == '#':
			for !sc.eof() && sc.peek() != '\n' {
				sc.advance()
			}
		case newlines && (c == '\n' || c == '\r'):
			sc.advance()
		default:
			return
		}
	}
}

// skipLine skips the rest of the line, for recovery from unexpected text.
func (sc *lineScanner) skipLine() {
	for !sc.eof() && sc.peek() != '\n' {
		sc.advance()
	}
}

func (sc *lineScanner) document() {
	root := &tnode{}
	cur, curPath := root, []part(nil)
	for {
		sc.skipSpace(true)
		if sc.eof() {
			return
		}
		start := sc.pos
		line := sc.line
		switch {
		case sc.hasPrefix("[["):
			sc.advance()
			sc.advance()
			keys, ok := sc.key()
			sc.skipSpace(false)
			if !ok || !sc.hasPrefix("]]") {
				sc.skipLine()
				continue
			}
			sc.advance()
			sc.advance()
			cur, curPath = root, nil
			for _, k := range keys[:len(keys)-1] {
				cur, curPath = cur.descend(k, curPath)
				sc.defs = append(sc.defs, def{path: curPath, line: line})
			}
			cur, curPath = cur.appendElement(keys[len(keys)-1], curPath)
			sc.defs = append(sc.defs,
				def{path: curPath[:len(curPath)-1], line: line}, // the list: "network" is where the first [[network]] is
				def{path: curPath, line: line, raw: true, kind: kindTable})
		case sc.peek() == '[':
			sc.advance()
			keys, ok := sc.key()
			sc.skipSpace(false)
			if !ok || sc.peek() != ']' {
				sc.skipLine()
				continue
			}
			sc.advance()
			cur, curPath = root, nil
			for i, k := range keys {
				cur, curPath = cur.descend(k, curPath)
				sc.defs = append(sc.defs, def{path: curPath, line: line, raw: i == len(keys)-1, kind: kindTable})
			}
		default:
			if !sc.keyValue(cur, curPath) {
				sc.skipLine()
			}
		}
		if sc.pos == start {
			sc.advance() // always make progress
		}
	}
}

// keyValue scans `a.b = value` in table t at path.
func (sc *lineScanner) keyValue(t *tnode, path []part) bool {
	line := sc.line
	keys, ok := sc.key()
	if !ok {
		return false
	}
	sc.skipSpace(false)
	if sc.peek() != '=' {
		return false
	}
	sc.advance()
	sc.skipSpace(false)
	for _, k := range keys[:len(keys)-1] {
		t, path = t.descend(k, path)
		sc.defs = append(sc.defs, def{path: path, line: line})
	}
	last := keys[len(keys)-1]
	full := appendPart(path, part{key: last})
	sc.defs = append(sc.defs, def{path: full, line: line, raw: true})
	at := len(sc.defs) - 1
	str, kind, ok := sc.value(t, path, last)
	sc.defs[at].kind = kind
	if len(keys) == 1 && last == "id" && kind == kindString && t.el != nil && !t.el.hasID {
		t.el.id, t.el.hasID = str, true
	}
	return ok
}

// key scans a possibly dotted, possibly quoted key.
func (sc *lineScanner) key() ([]string, bool) {
	var keys []string
	for {
		sc.skipSpace(false)
		switch c := sc.peek(); {
		case c == '"' || c == '\'':
			s, ok := sc.str()
			if !ok {
				return nil, false
			}
			keys = append(keys, s)
		case isBare(c):
			start := sc.pos
			for !sc.eof() && isBare(sc.peek()) {
				sc.advance()
			}
			keys = append(keys, string(sc.src[start:sc.pos]))
		default:
			return nil, false
		}
		sc.skipSpace(false)
		if sc.peek() != '.' {
			return keys, true
		}
		sc.advance()
	}
}

func isBare(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// valueKind is the TOML type of a value as the scanner sees it.
type valueKind uint8

const (
	kindUnknown valueKind = iota
	kindString
	kindInt
	kindFloat
	kindBool
	kindDate
	kindTable
	kindArray
)

// value scans the value of key in table t at path. Inline tables define
// their keys under path.key; inline tables in an array are the array's
// elements. It returns the string value, if the value is a string, and the
// value's kind.
func (sc *lineScanner) value(t *tnode, path []part, key string) (string, valueKind, bool) {
	switch c := sc.peek(); {
	case c == '"' || c == '\'':
		s, ok := sc.str()
		return s, kindString, ok
	case c == '{':
		nt, np := t.descend(key, path)
		return "", kindTable, sc.inlineTable(nt, np)
	case c == '[':
		sc.advance()
		for {
			sc.skipSpace(true)
			switch sc.peek() {
			case ']':
				sc.advance()
				return "", kindArray, true
			case ',':
				sc.advance()
				continue
			case 0:
				return "", kindArray, false
			case '{':
				nt, np := t.appendElement(key, path)
				sc.defs = append(sc.defs, def{path: np, line: sc.line})
				if !sc.inlineTable(nt, np) {
					return "", kindArray, false
				}
				continue
			}
			start := sc.pos
			if _, _, ok := sc.value(t, path, key); !ok || sc.pos == start {
				return "", kindArray, false
			}
		}
	case c == 0 || c == '\n' || c == '\r' || c == '#':
		return "", kindUnknown, false
	}
	// A number, boolean or date: up to the next separator.
	start := sc.pos
	for !sc.eof() {
		c := sc.peek()
		if c == ',' || c == ']' || c == '}' || c == '#' || c == '\n' || c == '\r' {
			break
		}
		if c == ' ' || c == '\t' {
			// A date and time may be separated by one space.
			if sc.pos+1 < len(sc.src) && sc.src[sc.pos+1] >= '0' && sc.src[sc.pos+1] <= '9' && sc.pos > start && sc.src[sc.pos-1] >= '0' && sc.src[sc.pos-1] <= '9' {
				sc.advance()
				continue
			}
			break
		}
		sc.advance()
	}
	text := string(sc.src[start:sc.pos])
	sc.skipSpace(false)
	return "", scalarKind(text), sc.pos > start
}

// scalarKind classifies a bare value: boolean, date or time, integer or float.
func scalarKind(s string) valueKind {
	u := strings.TrimLeft(s, "+-")
	switch {
	case s == "true" || s == "false":
		return kindBool
	case strings.Contains(s, ":") || len(s) >= 10 && s[4] == '-' && s[7] == '-':
		return kindDate
	case strings.HasPrefix(u, "0x") || strings.HasPrefix(u, "0o") || strings.HasPrefix(u, "0b"):
		return kindInt
	case u == "inf" || u == "nan":
		return kindFloat
	case u == "" || strings.Trim(u, "0123456789_.eE+-") != "" || u[0] < '0' || u[0] > '9':
		return kindUnknown
	case strings.ContainsAny(u, ".eE"):
		return kindFloat
	}
	return kindInt
}

// inlineTable scans `{ k = v, ... }` (TOML 1.1 allows line breaks inside),
// defining its keys in table t at path.
func (sc *lineScanner) inlineTable(t *tnode, path []part) bool {
	sc.advance() // '{'
	for {
		sc.skipSpace(true)
		switch sc.peek() {
		case '}':
			sc.advance()
			return true
		case ',':
			sc.advance()
			continue
		case 0:
			return false
		}
		start := sc.pos
		if !sc.keyValue(t, path) || sc.pos == start {
			return false
		}
	}
}

// str scans a basic, literal or multi-line string and returns its value.
func (sc *lineScanner) str() (string, bool) {
	q := sc.peek()
	multi := sc.hasPrefix(strings.Repeat(string(q), 3))
	if multi {
		sc.advance()
		sc.advance()
		sc.advance()
		if sc.peek() == '\n' {
			sc.advance()
		} else if sc.hasPrefix("\r\n") {
			sc.advance()
			sc.advance()
		}
	} else {
		sc.advance()
	}
	start := sc.pos
	for !sc.eof() {
		c := sc.peek()
		switch {
		case c == '\\' && q == '"':
			sc.advance()
			sc.advance()
			continue
		case c == '\n' && !multi:
			return "", false
		case c == q && (!multi || sc.hasPrefix(strings.Repeat(string(q), 3))):
			end := sc.pos
			if multi {
				// Up to two quotes may end the content: """a"""" is `a"`.
				for sc.hasPrefix(strings.Repeat(string(q), 4)) {
					sc.advance()
					end++
				}
				sc.advance()
				sc.advance()
			}
			sc.advance()
			return unquote(string(sc.src[start:end]), q), true
		}
		sc.advance()
	}
	return "", false
}

// unquote resolves the escapes of a basic string's content, as far as Go's
// escapes agree with TOML's; otherwise it keeps the text as written.
func unquote(s string, q byte) string {
	if q != '"' || !strings.Contains(s, `\`) {
		return s
	}
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil && utf8.ValidString(u) {
		return u
	}
	return s
}

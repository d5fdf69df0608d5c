package scenarios

import (
	"fmt"
	"io"
	"os"
)

// Limits on a TOML file read from the user, checked before decoding: the
// decoder and locateKeys take time quadratic in the nesting depth (20,000
// levels in 40 KB took minutes and gigabytes), and a path such as /dev/zero
// never ends. Scenario keys are at most 6 levels deep; a generated scenario
// takes about 1.3 KB per network, so 64 MiB hold about 50,000 (larger
// populations are generated when loaded: synthetic.smes).
const (
	MaxFileBytes = 64 << 20
	MaxDepth     = 32
)

// ReadFile reads a TOML file of at most MaxFileBytes and checks its depth.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := readLimited(f, MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, CheckDepth(b, path)
}

// readLimited reads r to its end, but never more than limit+1 bytes of it:
// a longer input is refused, whatever it is (/dev/zero never ends).
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes (%d MiB), the limit for a TOML file", limit, limit>>20)
	}
	return b, nil
}

// CheckDepth refuses TOML nested more than MaxDepth levels: arrays and
// inline tables inside each other, plus the segments of a dotted key or
// table header. It skips strings and comments; it only has to bound the
// depth, so it accepts anything else (the decoder judges the syntax).
func CheckDepth(data []byte, file string) error {
	depth, dots, line := 0, 0, 1
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line++
			dots = 0
		case '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			i, line = skipString(data, i, line)
		case '[', '{':
			depth++
			dots = 0
		case ']', '}':
			depth = max(0, depth-1)
			dots = 0
		case '=', ',':
			dots = 0
		case '.':
			dots++
		}
		if depth+dots > MaxDepth {
			return fmt.Errorf("%s: line %d: nested more than %d levels deep, the limit for a TOML file", file, line, MaxDepth)
		}
	}
	return nil
}

// skipString returns the index of the closing quote of the string that
// opens at i (basic or literal, single- or multi-line), and the line there.
func skipString(data []byte, i, line int) (int, int) {
	q := data[i]
	multi := i+2 < len(data) && data[i+1] == q && data[i+2] == q
	if multi {
		i += 2
	}
	for i++; i < len(data); i++ {
		switch {
		case data[i] == '\n':
			line++
		case data[i] == '\\' && q == '"':
			i++
		case data[i] == q && (!multi || (i+2 < len(data) && data[i+1] == q && data[i+2] == q)):
			if multi {
				i += 2
			}
			return i, line
		}
	}
	return i, line
}

package scenarios

import (
	"bytes"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// FuzzCheckDepth: the depth check never panics, and what it accepts has
// keys at most about twice MaxDepth deep (a table header and a dotted key
// below it are counted apart), so the decoder's time stays bounded.
func FuzzCheckDepth(f *testing.F) {
	f.Add("a.b.c = 1\n[x.y]\nz = [[1], {a = 'b.c'}]\n")
	f.Add("s = \"\"\"\n...\\\"\"\"\"\n")
	f.Add(strings.Repeat("a.", 40) + "b = 1")
	f.Fuzz(func(t *testing.T, doc string) {
		if CheckDepth([]byte(doc), "f.toml") != nil {
			return
		}
		var m map[string]any
		md, err := toml.NewDecoder(bytes.NewReader([]byte(doc))).Decode(&m)
		if err != nil {
			return
		}
		for _, k := range md.Keys() {
			if len(k) > 2*(MaxDepth+1) {
				t.Fatalf("key %v is %d levels deep and passed", k, len(k))
			}
		}
	})
}

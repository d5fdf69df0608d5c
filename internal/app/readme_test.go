package app

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// Every rinsim command line in README.md, in code blocks and in inline
// code, names an existing command and only flags that command has, so the
// README cannot drift from the CLI. (.ci/readme-examples.sh runs the marked
// examples as well.)
func TestREADMECommandsExist(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	inBlock := false
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "```") {
			inBlock = !inBlock
			continue
		}
		if inBlock {
			lines = append(lines, l)
			continue
		}
		for _, m := range regexp.MustCompile("`((?:\\./)?rinsim [^`]*)`").FindAllStringSubmatch(l, -1) {
			lines = append(lines, m[1])
		}
	}
	cmds := commands(os.Stdout, os.Stderr)
	checked := 0
	invocation := regexp.MustCompile(`(?:^|\s|\./)rinsim ([a-z]+(?: [a-z]+)?)(.*)`)
	for _, l := range lines {
		for _, part := range regexp.MustCompile(`&&|\||;|#`).Split(l, -1) {
			m := invocation.FindStringSubmatch(part)
			if m == nil {
				continue
			}
			words := strings.Fields(m[1])
			c := findCommand(cmds, words[0])
			if c == nil {
				t.Errorf("README: %q: no command %q", strings.TrimSpace(part), words[0])
				continue
			}
			if len(c.Subcommands) > 0 && len(words) > 1 {
				if c = findCommand(c.Subcommands, words[1]); c == nil {
					t.Errorf("README: %q: no subcommand %q", strings.TrimSpace(part), words[1])
					continue
				}
			}
			for _, f := range regexp.MustCompile(`--([a-z][a-z0-9-]*)`).FindAllStringSubmatch(m[2], -1) {
				if !hasFlagNamed(c, f[1]) {
					t.Errorf("README: %q: rinsim %s has no flag --%s", strings.TrimSpace(part), c.Name, f[1])
				}
			}
			checked++
		}
	}
	if checked < 20 {
		t.Errorf("checked only %d rinsim command lines in README.md; is the pattern stale?", checked)
	}
}

func hasFlagNamed(c *cli.Command, name string) bool {
	if name == "help" {
		return true
	}
	for _, f := range c.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

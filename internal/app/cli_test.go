package app

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Issue 12, "CLI": each case was accepted silently, answered with 40 lines
// of help, or gave no hint.
func TestUsageErrorsAreOneLineWithAHint(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // fragments of the message
	}{
		{"mistyped command", []string{"rnu"}, []string{`unknown command "rnu"`, `did you mean "run"`}},
		{"stray argument", []string{"sweep", "--param", "funding.scale=0:1:2", "thesis"}, []string{`unexpected argument "thesis"`}},
		{"stray argument compare", []string{"compare", "cwn"}, []string{`unexpected argument "cwn"`}},
		{"mistyped help topic", []string{"help", "swep"}, []string{`did you mean "sweep"`}},
		{"mistyped subcommand", []string{"scenarios", "shwo", "thesis"}, []string{`did you mean "show"`}},
		{"mistyped flag", []string{"run", "--sead", "3"}, []string{"-sead", "did you mean --seed", "see rinsim run --help"}},
		{"bad flag value", []string{"run", "--seed", "x"}, []string{"invalid value", "see rinsim run --help"}},
		{"missing required flag", []string{"sweep", "--reps", "2"}, []string{"--param is required", "see rinsim sweep --help"}},
		{"mistyped scenario", []string{"run", "--scenario", "thesiss"}, []string{`did you mean "thesis"`}},
		{"mistyped alias key", []string{"run", "--set", "funding.cwn.scal=2"}, []string{`did you mean "funding.cwn.scale"`}},
		{"negative workers", []string{"run", "--workers", "-1"}, []string{"--workers -1"}},
		{"negative workers sweep", []string{"sweep", "--param", "funding.scale=0:1:2", "--workers", "-1"}, []string{"--workers -1"}},
		{"seed beyond 15 digits", []string{"sweep", "--param", "funding.scale=0:1:2", "--seed", "18446744073709551615"}, []string{"--seed", "999999999999999"}},
		{"lhs with :n", []string{"sweep", "--lhs", "4", "--param", "funding.scale=0:1:5"}, []string{"funding.scale=0:1:5", "key=lo:hi"}},
		{"sensitivity range with :n", []string{"sensitivity", "--method", "morris", "--param", "funding.scale=0:1:5"}, []string{"key=lo:hi"}},
		{"integer key given 2014.5", []string{"sweep", "--lhs", "3", "--param", "network.cwn.stream.arena.to=2014.5:2016"}, []string{"2014.5", "not an integer"}},
		{"network id case", []string{"sensitivity", "--method", "morris", "--param", "funding.scale=0:1", "--network", "CWN"},
			[]string{`"CWN"`, `did you mean "cwn"`, "oreec, oslo-medtech, cwn"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			stdout, stderr, code := execute(t, context.Background(), append(tc.args, "--out", out)...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr %s", code, ExitUsage, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("message lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stdout+stderr, "USAGE") || strings.Count(stderr, "\n") > 0 {
				t.Errorf("want one line without the help text; stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}
}

func TestOutcomeErrorListsOnlyValidOutcomes(t *testing.T) {
	_, stderr, code := execute(t, context.Background(), "sensitivity", "--method", "morris", "--param", "funding.scale=0:1", "--outcome", "group")
	if code != ExitUsage {
		t.Fatalf("--outcome group: exit %d", code)
	}
	_, list, _ := strings.Cut(stderr, "column: ")
	for _, col := range strings.Split(list, ", ") {
		if col == "group" || col == "network" {
			t.Errorf("the error lists %q, which --outcome refuses: %s", col, stderr)
		}
	}
	if !strings.Contains(list, "entrant_share") {
		t.Errorf("the error does not list the outcomes: %s", stderr)
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	before := mustRun(t, "scenarios", "show", "--params", "--set", "funding.scale=2", "thesis")
	after := mustRun(t, "scenarios", "show", "thesis", "--params", "--set", "funding.scale=2")
	if before != after || !strings.Contains(after, "funding.scale") {
		t.Error("scenarios show gives another answer with the flags after the name")
	}
	// "--" ends the flags: what follows is an argument even if it starts with "-".
	if _, stderr, code := execute(t, context.Background(), "scenarios", "show", "--", "-x"); code != ExitUsage || !strings.Contains(stderr, `"-x"`) {
		t.Errorf("after --: exit %d, %s", code, stderr)
	}
}

func TestReorder(t *testing.T) {
	flags := mergeCommand(nil).Flags
	tests := []struct{ in, want string }{
		{"a b --out x", "--out x a b"},
		{"--out x a b", "--out x a b"},
		{"a --force b --out=x", "--force --out=x a b"},
		{"a -- --out x", "-- a --out x"},
		{"a --out", "a --out"}, // a missing value is left to the parser, not taken from the arguments
	}
	for _, tt := range tests {
		if got := strings.Join(reorder(flags, strings.Fields(tt.in)), " "); got != tt.want {
			t.Errorf("reorder(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	stdout := mustRun(t, "version")
	for _, w := range []string{"rinsim ", "module ", "commit ", runtime.Version()} {
		if !strings.Contains(stdout, w) {
			t.Errorf("version output lacks %q:\n%s", w, stdout)
		}
	}
}

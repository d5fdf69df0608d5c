package report

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestCommandLineQuotes(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"rinsim", "run", "--seed", "7"}, "rinsim run --seed 7"},
		{[]string{"rinsim", "run", "--set", "funding.cwn.scale=2"}, "rinsim run --set funding.cwn.scale=2"},
		{[]string{"rinsim", "run", "--scenario", "my scenario.toml"}, "rinsim run --scenario 'my scenario.toml'"},
		{[]string{"rinsim", "run", "--scenario", "it's.toml"}, `rinsim run --scenario 'it'\''s.toml'`},
		{[]string{"rinsim", "run", "--out", ""}, "rinsim run --out ''"},
		{[]string{"a$b", "*", "x;y"}, "'a$b' '*' 'x;y'"},
	}
	for _, tt := range tests {
		if got := CommandLine(tt.args); got != tt.want {
			t.Errorf("CommandLine(%q) = %s, want %s", tt.args, got, tt.want)
		}
	}
}

func TestReferencesAreFullAndKnown(t *testing.T) {
	for k, r := range references {
		if len(r) < 60 || !strings.Contains(r, "(") {
			t.Errorf("reference %s is not a full reference: %q", k, r)
		}
	}
	var b strings.Builder
	if err := WriteReferences(&b, RefThesis, RefMorris, RefThesis); err != nil {
		t.Fatal(err)
	}
	if strings.Count(b.String(), "\n- ") != 2 || !strings.Contains(b.String(), "Oslo Medtech") {
		t.Errorf("WriteReferences:\n%s", b.String())
	}
	defer func() {
		if recover() == nil {
			t.Error("Reference of an unknown key did not panic")
		}
	}()
	Reference("nobody 2099")
}

func ExampleCommandLine() {
	fmt.Println(CommandLine([]string{"rinsim", "run", "--scenario", "my run.toml", "--set", "funding.scale=1.5"}))
	// Output: rinsim run --scenario 'my run.toml' --set funding.scale=1.5
}

func ExampleWriteReferences() {
	WriteReferences(os.Stdout, RefMorris)
	// Output:
	// ## References
	//
	// - Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments. *Technometrics*, 33(2), 161-174.
}

package app

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/internal/suggest"
	"github.com/rinsim/rinsim/sim"
)

// normalizeArgs checks the command names in args and moves the flags of the
// final command before its positional arguments, so that
// `rinsim merge sweep/shard-* --out sweep/all` works like
// `rinsim merge --out sweep/all sweep/shard-*` (urfave/cli, like Go's flag
// package, stops at the first positional argument). An unknown command is
// an error with the nearest command name.
func normalizeArgs(cmds []*cli.Command, args []string) ([]string, error) {
	out := []string{args[0]}
	rest := args[1:]
	path := "rinsim"
	for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name := rest[0]
		if name == "help" {
			// `rinsim help CMD`: a mistyped CMD gets the same hint.
			if len(rest) > 1 && !strings.HasPrefix(rest[1], "-") && findCommand(cmds, rest[1]) == nil {
				return nil, unknownCommand(path, rest[1], cmds)
			}
			return append(out, rest...), nil
		}
		c := findCommand(cmds, name)
		if c == nil {
			return nil, unknownCommand(path, name, cmds)
		}
		out, rest, path = append(out, name), rest[1:], path+" "+name
		if len(c.Subcommands) == 0 {
			return append(out, reorder(c.Flags, rest)...), nil
		}
		cmds = c.Subcommands
	}
	return append(out, rest...), nil
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

func unknownCommand(path, name string, cmds []*cli.Command) error {
	var names []string
	for _, c := range cmds {
		names = append(names, c.Names()...)
	}
	hint := ""
	if near := suggest.Nearest(name, names); near != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", near)
	}
	return fmt.Errorf("%sunknown command %q%s; commands: %s; see %s --help", prefix(path), name, hint, strings.Join(names, ", "), path)
}

// reorder puts flags (with their values) before positional arguments,
// keeping the order within each. Everything after "--" is positional.
func reorder(flags []cli.Flag, args []string) []string {
	var fl, pos []string
	dashdash := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos, dashdash = append(pos, args[i+1:]...), true
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		needsValue := !strings.Contains(name, "=") && takesValue(flags, name)
		if needsValue && i+1 == len(args) {
			// No value left: keep the flag last, so the parser says so
			// instead of taking an argument as its value.
			return append(append(fl, pos...), a)
		}
		fl = append(fl, a)
		if needsValue {
			fl = append(fl, args[i+1])
			i++
		}
	}
	if dashdash {
		fl = append(fl, "--")
	}
	return append(fl, pos...)
}

func takesValue(flags []cli.Flag, name string) bool {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				v, ok := f.(interface{ TakesValue() bool })
				return ok && v.TakesValue()
			}
		}
	}
	return false // unknown flags are reported by the parser
}

// takeArgs are the commands with positional arguments; the others refuse
// them instead of ignoring them.
var takeArgs = []string{"rinsim merge", "rinsim plot", "rinsim scenarios show"}

// prepareCommands makes usage errors one line that names the command and
// points to its --help, instead of printing the whole help text first; and
// it checks required flags the same way. Each action first calls parsed.
func prepareCommands(cmds []*cli.Command, path string, parsed func()) {
	for _, c := range cmds {
		p := path + " " + c.Name
		c.Flags = cloneFlags(c.Flags)
		c.OnUsageError = usageError(p, c.Flags)
		if required := takeRequired(c.Flags); c.Action != nil {
			action := c.Action
			c.Action = func(ctx *cli.Context) error {
				parsed()
				for _, name := range required {
					if !ctx.IsSet(name) {
						return fmt.Errorf("%sflag --%s is required; see %s --help", prefix(p), name, p)
					}
				}
				if ctx.NArg() > 0 && !slices.Contains(takeArgs, p) {
					hint := ""
					if hasFlag(ctx, "scenario") {
						hint = " (give a scenario with --scenario)"
					}
					return fmt.Errorf("%sunexpected argument %q: this command takes flags only%s; see %s --help", prefix(p), ctx.Args().First(), hint, p)
				}
				if err := checkCommon(ctx); err != nil {
					return err
				}
				return action(ctx)
			}
		}
		prepareCommands(c.Subcommands, p, parsed)
	}
}

// cloneFlags copies each flag, so that every Execute parses into flags of
// its own: urfave/cli writes into a flag while parsing (defaults, separator,
// HasBeenSet), and several commands share flag values (scenarioFlag,
// forceFlag, ...), so concurrent Execute calls raced on them (go test -race).
func cloneFlags(flags []cli.Flag) []cli.Flag {
	out := make([]cli.Flag, len(flags))
	for i, f := range flags {
		v := reflect.ValueOf(f)
		if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
			out[i] = f
			continue
		}
		c := reflect.New(v.Elem().Type())
		c.Elem().Set(v.Elem())
		out[i] = c.Interface().(cli.Flag)
	}
	return out
}

func usageError(path string, flags []cli.Flag) cli.OnUsageErrorFunc {
	return func(_ *cli.Context, err error, _ bool) error {
		hint := ""
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
			var names []string
			for _, f := range flags {
				names = append(names, f.Names()...)
			}
			if near := suggest.Nearest(strings.TrimLeft(name, "-"), names); near != "" {
				hint = fmt.Sprintf(" (did you mean --%s?)", near)
			}
		}
		return fmt.Errorf("%s%v%s; see %s --help", prefix(path), err, hint, path)
	}
}

// takeRequired returns the names of the required flags and clears their
// Required mark, so that urfave/cli does not print the whole help for a
// missing one; prepareCommands checks them instead.
func takeRequired(flags []cli.Flag) []string {
	var names []string
	for _, f := range flags {
		switch f := f.(type) {
		case *cli.StringFlag:
			if f.Required {
				names, f.Required = append(names, f.Name), false
			}
		case *cli.StringSliceFlag:
			if f.Required {
				names, f.Required = append(names, f.Name), false
			}
		case *cli.IntFlag:
			if f.Required {
				names, f.Required = append(names, f.Name), false
			}
		case *cli.Uint64Flag:
			if f.Required {
				names, f.Required = append(names, f.Name), false
			}
		}
	}
	return names
}

// prefix starts a message about command path: "run: " for "rinsim run",
// nothing for rinsim itself (main already prints "rinsim: ").
func prefix(path string) string {
	if p, ok := strings.CutPrefix(path, "rinsim "); ok {
		return p + ": "
	}
	return ""
}

// checkCommon checks the flags that several commands share: seeds within
// sim.MaxSeed and a worker count that is not negative.
func checkCommon(c *cli.Context) error {
	if hasFlag(c, "seed") {
		if err := sim.CheckSeed(c.Uint64("seed")); err != nil {
			return err
		}
	}
	if hasFlag(c, "workers") && c.Int("workers") < 0 {
		return fmt.Errorf("--workers %d: want 0 (one per CPU) or more", c.Int("workers"))
	}
	if hasFlag(c, "workers") {
		if err := checkWorkers(c.Int("workers")); err != nil {
			return err
		}
	}
	return nil
}

func hasFlag(c *cli.Context, name string) bool {
	for _, f := range c.Command.Flags {
		if slices.Contains(f.Names(), name) {
			return true
		}
	}
	return false
}

// notDeciding are flags that change where or how fast results are written,
// not what they are: the recorded command line leaves them out, so that it
// is the same for every shard, worker count and output folder.
var notDeciding = []string{"out", "workers", "shard", "quiet", "force", "help"}

// commandLine is the command that writes c's results: the command path,
// then every flag that decides them in the order the command defines them,
// with its value (--scenario and --seed always, others when given), then
// the arguments. It is what manifests and reports print as "the exact
// command".
//
// Flags named in skip are left out too (calibrate's checkpoint key skips
// the flags that change only how the posterior is written up).
func commandLine(c *cli.Context, skip ...string) string {
	args := []string{}
	for _, ctx := range c.Lineage() {
		if ctx.Command != nil && ctx.Command.Name != "" && ctx.Command.Name != c.App.Name {
			args = append([]string{ctx.Command.Name}, args...)
		}
	}
	args = append([]string{"rinsim"}, args...)
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if slices.Contains(notDeciding, name) || slices.Contains(skip, name) || !(c.IsSet(name) || name == "scenario" || name == "seed") {
			continue
		}
		switch f.(type) {
		case *cli.StringSliceFlag:
			for _, v := range c.StringSlice(name) {
				args = append(args, "--"+name, v)
			}
		case *cli.BoolFlag:
			if c.Bool(name) {
				args = append(args, "--"+name)
			} else {
				args = append(args, "--"+name+"=false")
			}
		default:
			args = append(args, "--"+name, fmt.Sprint(c.Value(name)))
		}
	}
	if c.NArg() > 0 {
		args = append(append(args, "--"), c.Args().Slice()...)
	}
	return report.CommandLine(args)
}

// Package app is the rinsim command line: main only wires os.Args, the
// streams and the exit code into Execute, so every command is testable.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/report"
	"github.com/rinsim/rinsim/scenarios"
	"github.com/rinsim/rinsim/sim"
)

// Exit codes (README, "Exit codes").
const (
	ExitOK          = 0
	ExitFailure     = 1 // the run failed: I/O error, internal error
	ExitUsage       = 2 // bad command line, scenario or parameter, or a limit exceeded
	ExitInternal    = 3 // a bug in rinsim (a recovered panic): please report it
	ExitInterrupted = 130
)

// runtimeError marks failures that are not the user's input.
type runtimeError struct{ err error }

func (e runtimeError) Error() string { return e.err.Error() }
func (e runtimeError) Unwrap() error { return e.err }

// failure marks err as a runtime failure (exit code 1).
func failure(err error) error {
	if err == nil {
		return nil
	}
	return runtimeError{err}
}

// ExitCode maps an error from Execute to the process exit code: nil is 0,
// an interruption 130, a bug 3, a runtime failure 1, anything else (bad
// input) 2.
func ExitCode(err error) int {
	var rt runtimeError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.Is(err, sim.ErrInternal):
		return ExitInternal
	case errors.As(err, &rt):
		return ExitFailure
	}
	return ExitUsage
}

// Escape writes the control characters of msg other than newline and tab
// as Go escapes (\r, \x1b, ...), so that ids and file names taken from the
// user cannot move the cursor or recolour the terminal when echoed.
func Escape(msg string) string {
	if !strings.ContainsFunc(msg, needsEscape) {
		return msg
	}
	var b strings.Builder
	for _, r := range msg {
		if needsEscape(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func needsEscape(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }

// maxMessageLine is the longest line of an error message printed in full.
const maxMessageLine = 2000

// ClipLines shortens every line of msg longer than maxMessageLine bytes to
// its start and length (scenarios.Clip), so that no user input, however
// long, is echoed whole to the terminal by an error message.
func ClipLines(msg string) string {
	if len(msg) <= maxMessageLine {
		return msg
	}
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		lines[i] = scenarios.Clip(l, maxMessageLine)
	}
	return strings.Join(lines, "\n")
}

// parsing is held by an Execute call from before urfave/cli parses its
// arguments until its command's action starts.
var parsing sync.Mutex

// Execute runs the rinsim command line args (args[0] is the program name).
// Flags may come before or after a command's positional arguments.
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v\n%s", sim.ErrInternal, r, debug.Stack())
		}
	}()
	app := &cli.App{
		Name:  "rinsim",
		Usage: "agent-based simulation of how regional innovation networks help SMEs enter foreign markets",
		Description: "Exit codes: 0 success, 1 runtime failure (I/O), 2 usage or input error or a limit exceeded,\n" +
			"3 internal error (a bug), 130 interrupted. Go's own fatal errors exit 2; the limits (README) are\n" +
			"checked up front so that they do not happen.\n" +
			"Example: rinsim run --scenario thesis --seed 7 --set funding.scale=1.5",
		Version:                   report.Version + " (" + report.Commit() + ")",
		Writer:                    stdout,
		ErrWriter:                 stderr,
		DisableSliceFlagSeparator: true,
		ExitErrHandler:            func(*cli.Context, error) {}, // only main exits
		OnUsageError:              usageError("rinsim", nil),
		Commands:                  commands(stdout, stderr),
	}
	args, err = normalizeArgs(app.Commands, args)
	if err != nil {
		return err
	}
	// urfave/cli writes into its package-level help flag and help command
	// while it sets up and parses; concurrent calls take turns until their
	// action starts.
	var once sync.Once
	parsed := func() { once.Do(parsing.Unlock) }
	parsing.Lock()
	defer parsed()
	prepareCommands(app.Commands, "rinsim", parsed)
	err = app.RunContext(ctx, args)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("interrupted: %w", context.Canceled)
	}
	return err
}

// commands are rinsim's commands, in the order --help lists them.
func commands(stdout, stderr io.Writer) []*cli.Command {
	return []*cli.Command{runCommand(stdout, stderr), compareCommand(stdout, stderr), sweepCommand(stdout, stderr),
		sensitivityCommand(stdout, stderr), mergeCommand(stderr), reproduceCommand(stdout, stderr), validateCommand(stdout, stderr), calibrateCommand(stdout, stderr), generateCommand(stderr),
		plotCommand(stdout, stderr), serveCommand(stderr), scenariosCommand(stdout), versionCommand(stdout)}
}

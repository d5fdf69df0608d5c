// Command rinsim simulates how regional innovation networks help SMEs enter
// foreign markets. Run `rinsim --help` for the commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rinsim/rinsim/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.Execute(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "rinsim:", app.Escape(app.ClipLines(err.Error())))
	}
	os.Exit(app.ExitCode(err))
}

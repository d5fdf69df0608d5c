package app

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/scenarios"
)

func scenariosCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:        "scenarios",
		Usage:       "list the built-in scenarios or show one, resolved",
		Description: "Example:\n   rinsim scenarios list\n   rinsim scenarios show --params thesis",
		Subcommands: []*cli.Command{
			{
				Name:        "list",
				Usage:       "list the built-in scenarios",
				UsageText:   "rinsim scenarios list",
				Description: "Prints each built-in scenario's name, first and last quarter and description.\n\nExample:\n   rinsim scenarios list",
				Action: func(c *cli.Context) error {
					return listScenarios(stdout)
				},
			},
			{
				Name:      "show",
				Usage:     "print a scenario with overrides applied, as TOML, or its parameter table",
				UsageText: "rinsim scenarios show [--set key=value ...] [--params] NAME|FILE",
				Description: "Without --params, prints the resolved scenario file, which `rinsim run --scenario FILE`\n" +
					"accepts. With --params, prints every addressable key with its value, unit, range and source.\n\n" +
					"Example:\n   rinsim scenarios show --params thesis | grep funding",
				Flags: []cli.Flag{setFlag, &cli.BoolFlag{Name: "params", Usage: "print the parameter table instead of the file"}},
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return fmt.Errorf("scenarios show: want exactly one scenario NAME or FILE, got %d arguments", c.NArg())
					}
					s, _, err := loadScenario(c.Args().First(), c.StringSlice("set"))
					if err != nil {
						return err
					}
					if c.Bool("params") {
						return failure(printParams(stdout, s))
					}
					text, err := s.Encode()
					if err != nil {
						return failure(err)
					}
					_, err = stdout.Write(text)
					return failure(err)
				},
			},
		},
	}
}

func listScenarios(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, name := range scenarios.BuiltinNames() {
		s, err := scenarios.Builtin(name)
		if err != nil {
			return failure(fmt.Errorf("built-in scenario %s: %w", name, err))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name, s.Start, s.End, s.Description)
	}
	return failure(tw.Flush())
}

func printParams(w io.Writer, s *scenarios.Scenario) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "key\tvalue\tallowed\tmeaning and source")
	for _, p := range s.Params() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Key, p.String(), p.Range(), p.Doc)
	}
	return tw.Flush()
}

package app

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/report"
)

func versionCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "version",
		Usage:     "print the release, module version, commit and Go version of this binary",
		UsageText: "rinsim version",
		Description: "The commit is known for binaries built by `go build` or `go install` from a git checkout,\n" +
			"and the module version for `go install github.com/rinsim/rinsim/cmd/rinsim@VERSION`;\n" +
			"`go run` records neither (\"unknown\").\n\nExample:\n   rinsim version",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("version: unexpected argument %q", c.Args().First())
			}
			_, err := io.WriteString(stdout, report.ReadBuild().String())
			return failure(err)
		},
	}
}

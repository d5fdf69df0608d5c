package app

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/rinsim/rinsim/internal/experiment"
	"github.com/rinsim/rinsim/internal/lock"
)

func mergeCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "combine the outputs of sweep or compare shards into one unsharded result",
		UsageText: "rinsim merge --out DIR SHARD_DIR...",
		Description: "Every shard 0/n .. n-1/n of the same experiment must be given, each complete. The merged\n" +
			"runs.csv (and steps.csv, points.csv) equal those of one unsharded run. Flags may follow the folders.\n\n" +
			"Example:\n   rinsim merge out/sweep-shard-* --out out/sweep",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "merged output `DIR`", Required: true},
			forceFlag,
		},
		Action: func(c *cli.Context) error {
			l, err := lock.Acquire(c.String("out"))
			if err != nil {
				return err
			}
			defer l.Release()
			if err := experiment.Merge(c.Args().Slice(), c.String("out"), c.Bool("force")); err != nil {
				return err // every merge error is about its inputs
			}
			fmt.Fprintf(stderr, "merged %d shards into %s\n", c.NArg(), c.String("out"))
			return nil
		},
	}
}

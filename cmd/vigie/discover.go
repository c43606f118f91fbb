package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v3"

	"vigie/runner"
)

// discoverCommand is `vigie organisation discover`.
func discoverCommand(stdin io.Reader, stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "discover",
		ArgsUsage: "SITE ...",
		Usage:     "look on sites for their DPO's contact (legal notice, personal-data and privacy pages, /.well-known/security.txt) and propose it for the directory; saved only once confirmed",
		Flags: concat([]cli.Flag{
			dbFlag(dbUsage),
			&cli.StringFlag{Name: "organisation", Usage: "directory entry `NAME` the contacts are for (one site; default: the organisation the directory attaches the site to)"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"save"}, Usage: "save the proposals without asking"},
		}, networkFlags()),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			fo, err := fetchOptions(cmd)
			if err != nil {
				return err
			}
			o := runner.DiscoverOptions{DB: cmd.String("db"), Sites: cmd.Args().Slice(), Organisation: cmd.String("organisation"),
				Fetch: fo, Save: cmd.Bool("yes"), Stdout: stdout}
			if isTerminal(stdin) {
				in := bufio.NewReader(stdin)
				o.Confirm = func(q string) bool {
					fmt.Fprint(stdout, q)
					line, _ := in.ReadString('\n')
					a := strings.ToLower(strings.TrimSpace(line))
					return a == "y" || a == "yes" || a == "o" || a == "oui"
				}
			}
			_, err = runner.OrganisationDiscover(ctx, o)
			return err
		},
	}
}

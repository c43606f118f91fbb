package main

import (
	"context"
	"io"

	"github.com/urfave/cli/v3"

	"vigie/runner"
)

func dkimSelectorFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "dkim-selector", Category: catScope, Usage: "also look for a DKIM key under `SELECTOR` (repeatable; common selectors are always asked)"}
}

func mailSettings(cmd *cli.Command) *runner.MailSettings {
	return &runner.MailSettings{DNS: cmd.String("dns"), Selectors: cmd.StringSlice("dkim-selector"), NoTLSProbe: cmd.Bool("no-tls-probe")}
}

func mailCommand(stdout, stderr io.Writer, code *int) *cli.Command {
	return &cli.Command{
		Name:      "mail",
		Usage:     "audit the mail posture of domains: SPF, DMARC, DKIM, MTA-STS, TLS-RPT, STARTTLS of each MX, DNSSEC",
		ArgsUsage: "DOMAIN ...",
		Flags: concat([]cli.Flag{
			dkimSelectorFlag(),
			&cli.BoolFlag{Name: "no-tls-probe", Category: catScope, Usage: "ask each MX whether it offers STARTTLS, but skip the TLS audit (protocols, suites, certificate)"},
		}, outputFlags(), networkFlags()),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			format, err := outputFormat(cmd)
			if err != nil {
				return err
			}
			fo, err := fetchOptions(cmd)
			if err != nil {
				return err
			}
			c, err := runner.Mail(ctx, runner.MailOptions{
				Domains: cmd.Args().Slice(), Mail: *mailSettings(cmd), Fetch: fo,
				Format: format, Output: cmd.String("o"), Lang: cmd.String("lang"), FailOn: cmd.String("fail-on"),
				Stdout: stdout, Stderr: stderr, StdoutIsTTY: isTerminal(stdout),
			})
			*code = c
			return err
		},
	}
}

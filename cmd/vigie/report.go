package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v3"

	"vigie/runner"
)

// outputFormat reads --format and its shorthands --jsonl, --sarif and
// --html.
func outputFormat(cmd *cli.Command) (string, error) {
	format := cmd.String("format")
	for _, f := range []string{"jsonl", "sarif", "html"} {
		if cmd.Bool(f) {
			if format != "" && format != f {
				return "", fmt.Errorf("choose one output format (--format %s and --%s)", format, f)
			}
			format = f
		}
	}
	return format, nil
}

// reportCommand is `vigie report [SCAN_ID]`.
func reportCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write a stored scan again (default: the latest), as the scan wrote it, in any output format",
		ArgsUsage: "[SCAN_ID]",
		Flags: []cli.Flag{
			dbFlag("history database: SQLite `PATH` (default under the XDG data directory) or postgres://... URL"),
			&cli.StringFlag{Name: "format", Category: catOutput, Usage: "jsonl, csv, sarif, html or table (default)"},
			&cli.BoolFlag{Name: "jsonl", Category: catOutput, Usage: "same as --format jsonl"},
			&cli.BoolFlag{Name: "sarif", Category: catOutput, Usage: "same as --format sarif"},
			&cli.BoolFlag{Name: "html", Category: catOutput, Usage: "same as --format html"},
			&cli.StringFlag{Name: "o", Aliases: []string{"output"}, Category: catOutput, Usage: "write to `FILE` (default: standard output)"},
			&cli.StringFlag{Name: "lang", Value: "en", Category: catOutput, Usage: "language of titles in reports: en or fr"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 1 {
				return errors.New("report takes at most one scan ID")
			}
			format, err := outputFormat(cmd)
			if err != nil {
				return err
			}
			return runner.Report(ctx, runner.ReportOptions{DB: cmd.String("db"), Scan: cmd.Args().First(), Format: format,
				Output: cmd.String("o"), Lang: cmd.String("lang"), Stdout: stdout, StdoutIsTTY: isTerminal(stdout)})
		},
	}
}

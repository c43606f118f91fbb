package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"vigie/finding"

	"github.com/urfave/cli/v3"

	"vigie/crawl"
	"vigie/runner"
)

func serveCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the dashboard: findings, evidence, scans, cases and the catalogue, for signed-in users (vigie user add)",
		Flags: concat([]cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8080", Usage: "listen on `ADDR`"},
			dbFlag(dbUsage),
			&cli.StringFlag{Name: "data-dir", Category: catState, Usage: "signing key, evidence and dashboard files under `DIR` (default: the XDG data directory)"},
			&cli.StringFlag{Name: "cert", Usage: "serve HTTPS with the certificate chain in PEM `FILE`"},
			&cli.StringFlag{Name: "key", Usage: "private key of --cert, PEM `FILE`"},
			&cli.BoolFlag{Name: "allow-private", Usage: "let scans launched from the dashboard reach loopback, private and link-local addresses"},
			&cli.IntFlag{Name: "max-scans", Value: 2, Usage: "scans launched from the dashboard running at once"},
			&cli.StringFlag{Name: "archive", Value: runner.ArchiveFindings, Category: catState, Usage: "evidence of launched scans: findings, all or none"},
			&cli.StringFlag{Name: "from", Usage: "sender of generated letters, e.g. \"Vigie <alerte@example.org>\" (needed for .eml letters)"},
			minSeverityFlag("open findings at or above it make a site failing and bring it into cases opened here; below, notes"),
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "log format on standard error: text or json"},
			&cli.IntFlag{Name: "max-pages", Value: 30, Category: catScope, Usage: "pages fetched per site"},
			&cli.IntFlag{Name: "max-depth", Value: 3, Category: catScope, Usage: "links followed from the entry page"},
			&cli.BoolFlag{Name: "no-tls-probe", Category: catScope, Usage: "skip the TLS audit of HTTPS sites"},
		}, networkFlags(), hostingFlags()),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			var h slog.Handler
			switch f := cmd.String("log-format"); f {
			case "text":
				h = slog.NewTextHandler(stderr, nil)
			case "json":
				h = slog.NewJSONHandler(stderr, nil)
			default:
				return fmt.Errorf("--log-format %q: want text or json", f)
			}
			fo, err := fetchOptions(cmd)
			if err != nil {
				return err
			}
			minSev, err := finding.ParseThreshold(cmd.String("min-severity"))
			if err != nil {
				return fmt.Errorf("--min-severity: %w", err)
			}
			maxDepth := cmd.Int("max-depth")
			if maxDepth == 0 {
				maxDepth = -1 // crawl.Options: negative means the entry page only
			}
			return runner.Serve(ctx, runner.ServeOptions{
				Hosting: hostingSettings(cmd),
				Listen:  cmd.String("listen"), DB: cmd.String("db"), DataDir: cmd.String("data-dir"),
				CertFile: cmd.String("cert"), KeyFile: cmd.String("key"), AllowPrivate: cmd.Bool("allow-private"),
				Fetch: fo, Crawl: crawl.Options{MaxPages: cmd.Int("max-pages"), MaxDepth: maxDepth},
				Concurrency: cmd.Int("c"), NoTLSProbe: cmd.Bool("no-tls-probe"), MaxScans: cmd.Int("max-scans"),
				Archive: cmd.String("archive"), From: cmd.String("from"), MinSeverity: minSev, Log: slog.New(h),
			})
		},
	}
}

func userCommand(stdin io.Reader, stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "user",
		Usage: "manage the dashboard's accounts",
		Commands: []*cli.Command{
			{
				Name:      "add",
				Usage:     "create or replace an account; the password (12 characters or more) is read from standard input, one line",
				ArgsUsage: "NAME",
				Flags: []cli.Flag{
					dbFlag(dbUsage),
					&cli.StringFlag{Name: "role", Value: "viewer", Usage: "viewer (reads everything) or editor (also launches scans and works on cases)"},
				},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					name, err := oneArg(cmd, "user name")
					if err != nil {
						return err
					}
					return runner.UserAdd(ctx, runner.UserOptions{DB: cmd.String("db"), Name: name, Role: cmd.String("role"), Password: stdin, Stdout: stdout})
				},
			},
			{
				Name:  "list",
				Usage: "list the accounts",
				Flags: []cli.Flag{dbFlag(dbUsage)},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					return runner.UserList(ctx, cmd.String("db"), stdout)
				},
			},
			{
				Name:      "delete",
				Usage:     "delete an account and its sessions",
				ArgsUsage: "NAME",
				Flags:     []cli.Flag{dbFlag(dbUsage)},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					name, err := oneArg(cmd, "user name")
					if err != nil {
						return err
					}
					return runner.UserDelete(ctx, cmd.String("db"), name, stdout)
				},
			},
		},
	}
}

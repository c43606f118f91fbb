package main

import (
	"context"
	"fmt"
	"io"
	"vigie/finding"

	"github.com/urfave/cli/v3"

	"vigie/runner"
)

func serveCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the dashboard: findings, evidence, scans, cases and the catalogue, for signed-in users (vigie user add); runs the schedules too",
		Flags: concat([]cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8080", Usage: "listen on `ADDR`"},
			dbFlag(dbUsage),
			&cli.StringFlag{Name: "cert", Usage: "serve HTTPS with the certificate chain in PEM `FILE`"},
			&cli.StringFlag{Name: "key", Usage: "private key of --cert, PEM `FILE`"},
			&cli.StringFlag{Name: "from", Usage: "sender of generated letters, e.g. \"Vigie <alerte@example.org>\" (needed for .eml letters)"},
			&cli.BoolFlag{Name: "no-schedules", Category: catWatch, Usage: "leave the schedules to a vigie watch process"},
			minSeverityFlag("open findings at or above it make a site failing and bring it into cases opened here; below, notes"),
		}, watchFlags(), networkFlags(), hostingFlags()),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			log, fo, ws, err := watchInputs(cmd, stderr)
			if err != nil {
				return err
			}
			minSev, err := finding.ParseThreshold(cmd.String("min-severity"))
			if err != nil {
				return fmt.Errorf("--min-severity: %w", err)
			}
			ws.NoSchedules = cmd.Bool("no-schedules")
			return runner.Serve(ctx, runner.ServeOptions{
				Hosting: hostingSettings(cmd),
				Listen:  cmd.String("listen"), DB: cmd.String("db"), DataDir: cmd.String("data-dir"),
				CertFile: cmd.String("cert"), KeyFile: cmd.String("key"), AllowPrivate: cmd.Bool("allow-private"),
				Fetch: fo, Crawl: crawlOptions(cmd),
				Concurrency: cmd.Int("c"), NoTLSProbe: cmd.Bool("no-tls-probe"), MaxScans: cmd.Int("max-scans"),
				Archive: cmd.String("archive"), From: cmd.String("from"), MinSeverity: minSev, Watch: ws, Log: log,
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

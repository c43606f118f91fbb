package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/urfave/cli/v3"

	"vigie/alert"
	"vigie/crawl"
	"vigie/fetch"
	"vigie/runner"
)

const catWatch = "Schedules and alerts"

// watchFlags are the schedule and alert flags of vigie serve and vigie
// watch.
func watchFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "smtp", Category: catWatch, Usage: "send alert emails through the submission server `HOST:PORT` (STARTTLS required)"},
		&cli.StringFlag{Name: "smtp-user", Category: catWatch, Usage: "SMTP user name (the password comes from $VIGIE_SMTP_PASSWORD)"},
		&cli.StringFlag{Name: "smtp-from", Category: catWatch, Usage: "sender of alert emails, e.g. \"Vigie <alertes@example.org>\""},
		&cli.StringFlag{Name: "smtp-ca", Category: catWatch, Usage: "trust the CA certificates in PEM `FILE` for the SMTP server (default: the system's)"},
		&cli.StringFlag{Name: "dashboard-url", Category: catWatch, Usage: "public `URL` of the dashboard, for links in alerts"},
		&cli.BoolFlag{Name: "webhook-allow-private", Category: catWatch, Usage: "let alert webhooks reach loopback and private addresses"},
		&cli.StringFlag{Name: "digest-at", Value: "0 7 * * *", Category: catWatch, Usage: "cron `TIMES` of the daily alert digests"},
		&cli.IntFlag{Name: "max-scans", Value: 2, Usage: "scans running at once (launched and scheduled)"},
		&cli.StringFlag{Name: "log-format", Value: "text", Usage: "log format on standard error: text or json"},
		&cli.IntFlag{Name: "max-pages", Value: 30, Category: catScope, Usage: "pages fetched per site"},
		&cli.IntFlag{Name: "max-depth", Value: 3, Category: catScope, Usage: "links followed from the entry page"},
		&cli.BoolFlag{Name: "no-tls-probe", Category: catScope, Usage: "skip the TLS audit of HTTPS sites"},
		&cli.StringFlag{Name: "archive", Value: runner.ArchiveFindings, Category: catState, Usage: "evidence of scans: findings, all or none"},
		&cli.StringFlag{Name: "data-dir", Category: catState, Usage: "signing key, evidence and dashboard files under `DIR` (default: the XDG data directory)"},
		&cli.BoolFlag{Name: "allow-private", Usage: "let scans reach loopback, private and link-local addresses"},
	}
}

func logger(cmd *cli.Command, stderr io.Writer) (*slog.Logger, error) {
	switch f := cmd.String("log-format"); f {
	case "text":
		return slog.New(slog.NewTextHandler(stderr, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(stderr, nil)), nil
	default:
		return nil, fmt.Errorf("--log-format %q: want text or json", f)
	}
}

// watchInputs reads what vigie serve and vigie watch share: the logger,
// the network options and the schedule and alert settings.
func watchInputs(cmd *cli.Command, stderr io.Writer) (*slog.Logger, fetch.Options, runner.WatchSettings, error) {
	log, err := logger(cmd, stderr)
	if err != nil {
		return nil, fetch.Options{}, runner.WatchSettings{}, err
	}
	fo, err := fetchOptions(cmd)
	if err != nil {
		return nil, fo, runner.WatchSettings{}, err
	}
	ws, err := watchSettings(cmd)
	return log, fo, ws, err
}

func watchSettings(cmd *cli.Command) (runner.WatchSettings, error) {
	w := runner.WatchSettings{
		DigestCron: cmd.String("digest-at"), Dashboard: cmd.String("dashboard-url"), WebhookPrivate: cmd.Bool("webhook-allow-private"),
		SMTP: alert.SMTP{Addr: cmd.String("smtp"), Username: cmd.String("smtp-user"), Password: os.Getenv("VIGIE_SMTP_PASSWORD"), From: cmd.String("smtp-from")},
	}
	if w.SMTP.Addr != "" && w.SMTP.From == "" {
		return w, fmt.Errorf("--smtp needs --smtp-from")
	}
	if f := cmd.String("smtp-ca"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return w, fmt.Errorf("--smtp-ca: %w", err)
		}
		w.SMTP.RootCAs = x509.NewCertPool()
		if !w.SMTP.RootCAs.AppendCertsFromPEM(b) {
			return w, fmt.Errorf("--smtp-ca %s: no PEM certificate", f)
		}
	}
	return w, nil
}

func crawlOptions(cmd *cli.Command) crawl.Options {
	maxDepth := cmd.Int("max-depth")
	if maxDepth == 0 {
		maxDepth = -1 // crawl.Options: negative means the entry page only
	}
	return crawl.Options{MaxPages: cmd.Int("max-pages"), MaxDepth: maxDepth}
}

func watchCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "watch",
		Usage: "run the schedules stored in the database (rescans, case verification, alerts) without the dashboard",
		Flags: concat([]cli.Flag{dbFlag(dbUsage),
			&cli.StringFlag{Name: "chromium", Category: catScope, Usage: "Chromium `PATH` for schedules in browser mode (default: found on PATH)"},
		}, watchFlags(), networkFlags()),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			log, fo, ws, err := watchInputs(cmd, stderr)
			if err != nil {
				return err
			}
			ws.Browser.Chromium = cmd.String("chromium")
			return runner.Watch(ctx, runner.WatchOptions{
				DB: cmd.String("db"), DataDir: cmd.String("data-dir"), AllowPrivate: cmd.Bool("allow-private"),
				Fetch: fo, Crawl: crawlOptions(cmd), Concurrency: cmd.Int("c"), NoTLSProbe: cmd.Bool("no-tls-probe"),
				MaxScans: cmd.Int("max-scans"), Archive: cmd.String("archive"), Watch: ws, Log: log,
			})
		},
	}
}

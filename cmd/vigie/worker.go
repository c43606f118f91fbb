package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/urfave/cli/v3"

	"vigie/queue"
	"vigie/runner"
)

func workerCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "worker",
		Usage: "audit the sites queued by vigie scan --queue, recording them in the shared database",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "queue", Required: true, Usage: "NATS JetStream server `URL` (nats://HOST:PORT)"},
			dbFlag("shared database: postgres://... `URL` (or a SQLite path on one machine)"),
			&cli.IntFlag{Name: "c", Aliases: []string{"concurrency"}, Value: 8, Usage: "sites audited at once"},
			&cli.StringFlag{Name: "listen", Usage: "serve /healthz and /metrics on `ADDR` (e.g. 127.0.0.1:9464)"},
			&cli.DurationFlag{Name: "ack-wait", Value: queue.DefaultAckWait, Usage: "redeliver a job held this long without news"},
			&cli.IntFlag{Name: "max-deliver", Value: queue.DefaultMaxDeliver, Usage: "deliveries of a job at most"},
			&cli.DurationFlag{Name: "grace", Value: 30 * time.Second, Usage: "on SIGTERM, let in-flight jobs finish this long before handing them back"},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "log format on standard error: text or json"},
			&cli.StringFlag{Name: "chromium", Usage: "Chromium executable `PATH` for browser-mode sites, started when a job needs it (default: found on PATH)"},
			&cli.IntFlag{Name: "browser-tabs", HideDefault: true, Usage: "sites one Chromium renders at once (default: -c)"},
			&cli.StringFlag{Name: "hds-list", Usage: "list of certified health-data hosts replacing the bundled one (see vigie scan)"},
			&cli.StringFlag{Name: "ip-data", Usage: "IP dataset `DIR` written by vigie data update (default: the XDG data directory)"},
			&cli.BoolFlag{Name: "no-hosting", Usage: "do not look up where sites are hosted"},
			&cli.BoolFlag{Name: "allow-private", Usage: "audit sites on loopback, private, link-local and other non-public addresses (refused by default, whatever the job says)"},
			&cli.BoolFlag{Name: "allow-job-network", Usage: "obey the --resolve, --connect-to, --no-dns, --dns and --ca-cert settings jobs carry (refused by default: such jobs are recorded as failed)"},
		}, queueFlags()...),
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
			// The worker stops on the command's context (SIGINT, SIGTERM)
			// and may take its grace period to do so.
			w, err := runner.NewWorker(ctx, runner.WorkerOptions{
				Queue:           cmd.String("queue"),
				DB:              cmd.String("db"),
				Concurrency:     cmd.Int("c"),
				Listen:          cmd.String("listen"),
				AckWait:         cmd.Duration("ack-wait"),
				MaxDeliver:      cmd.Int("max-deliver"),
				Grace:           cmd.Duration("grace"),
				GiveUp:          cmd.Duration("give-up"),
				Chromium:        cmd.String("chromium"),
				BrowserTabs:     cmd.Int("browser-tabs"),
				Hosting:         hostingSettings(cmd),
				QueueAuth:       queueAuth(cmd),
				AllowPrivate:    cmd.Bool("allow-private"),
				AllowJobNetwork: cmd.Bool("allow-job-network"),
				Log:             slog.New(h),
			})
			if err != nil {
				return err
			}
			defer w.Close()
			return w.Run(ctx)
		},
	}
}

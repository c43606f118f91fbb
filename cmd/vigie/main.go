// The crawler must reach servers that sign their TLS 1.2 key exchange with
// SHA-1 only, to audit what they serve (the TLS prober reports them);
// crypto/tls allows that only with this setting, for the whole binary.
//go:debug tlssha1=1

// Command vigie audits web sites for personal-data security failures. This
// file only parses the command line; each verb's logic lives in package
// runner.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v3"

	"vigie/crawl"
	"vigie/fetch"
	"vigie/runner"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// run executes the command line and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	code := runner.ExitOK
	app := &cli.Command{
		Name:      "vigie",
		Usage:     "audit web sites for personal-data security failures",
		Version:   runner.Version,
		Writer:    stdout,
		ErrWriter: stderr,
		Commands: []*cli.Command{
			scanCommand(stdin, stdout, stderr, &code),
			demoCommand(stdout, stderr, &code),
			checksCommand(stdout),
			diffCommand(stdout),
			reportCommand(stdout),
			farmCommand(stderr),
			tlsCommand(stdout),
			evidenceCommand(stdout, stderr),
			keyCommand(stdout),
			caseCommand(stdout, stderr),
			organisationCommand(stdout, discoverCommand(stdin, stdout)),
			workerCommand(stderr),
			serveCommand(stderr), userCommand(stdin, stdout),
		},
		// Keep urfave/cli from calling os.Exit itself.
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	if err := app.Run(ctx, args); err != nil {
		fmt.Fprintf(stderr, "vigie: %v\n", err)
		return runner.ExitError
	}
	return code
}

// Flag categories shown in grouped help.
const (
	catInput   = "Targets"
	catOutput  = "Output"
	catNetwork = "Network"
	catScope   = "Scope"
	catState   = "State"
)

func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Category: catOutput, Usage: "machine-readable output: jsonl, csv, sarif or html"},
		&cli.BoolFlag{Name: "jsonl", Category: catOutput, Usage: "same as --format jsonl"},
		&cli.BoolFlag{Name: "sarif", Category: catOutput, Usage: "same as --format sarif"},
		&cli.BoolFlag{Name: "html", Category: catOutput, Usage: "same as --format html"},
		&cli.StringFlag{Name: "o", Aliases: []string{"output"}, Category: catOutput, Usage: "write the --format output to `FILE` (default: standard output)"},
		&cli.StringFlag{Name: "lang", Value: "en", Category: catOutput, Usage: "language of titles in reports: en or fr"},
		&cli.StringFlag{Name: "fail-on", Value: "high", Category: catOutput, Usage: "exit with status 1 when a finding is at or above this severity (info, low, medium, high, critical, none)"},
	}
}

func networkFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "c", Aliases: []string{"concurrency"}, Value: 16, Category: catNetwork, Usage: "sites audited at once"},
		&cli.IntFlag{Name: "per-host", Value: 2, Category: catNetwork, Usage: "concurrent requests per host"},
		&cli.FloatFlag{Name: "rate", Category: catNetwork, Usage: "global limit in requests per second (0: none)"},
		&cli.DurationFlag{Name: "timeout", Value: 15 * time.Second, Category: catNetwork, Usage: "timeout of each request, body included"},
		&cli.IntFlag{Name: "retries", Value: 2, Category: catNetwork, Usage: "retries of transient failures"},
		&cli.Int64Flag{Name: "max-body", Value: 5 << 20, Category: catNetwork, Usage: "largest body read, in bytes"},
		&cli.StringSliceFlag{Name: "resolve", Category: catNetwork, Usage: "connect `HOST:PORT:ADDR` to ADDR (curl syntax; repeatable)"},
		&cli.StringSliceFlag{Name: "resolve-file", Category: catNetwork, Usage: "read --resolve triples from `FILE`, one a line"},
		&cli.StringSliceFlag{Name: "connect-to", Category: catNetwork, Usage: "connect `HOST1:PORT1:HOST2:PORT2` (curl syntax; repeatable)"},
		&cli.BoolFlag{Name: "no-dns", Category: catNetwork, Usage: "never use DNS: only --resolve and --connect-to addresses"},
		&cli.StringSliceFlag{Name: "ca-cert", Category: catNetwork, Usage: "also trust the CA certificates in PEM `FILE`"},
		&cli.StringFlag{Name: "user-agent", Value: fetch.DefaultUserAgent, Category: catNetwork, Usage: "User-Agent header"},
	}
}

func scopeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "max-pages", Value: 30, Category: catScope, Usage: "pages fetched per site"},
		&cli.IntFlag{Name: "max-depth", Value: 3, Category: catScope, Usage: "links followed from the entry page"},
		&cli.BoolFlag{Name: "no-tls-probe", Category: catScope, Usage: "skip the TLS audit (protocols, cipher suites, certificates) of HTTPS sites"},
		&cli.BoolFlag{Name: "active", Category: catScope, Usage: "also send the active probes (read-only GETs): neighbouring record IDs of pages showing personal data, and 11 well-known export and backup paths"},
		&cli.BoolFlag{Name: "browser", Category: catScope, Usage: "render every page in headless Chromium (CSV rows whose mode is \"static\" excepted; rows whose mode is \"browser\" are rendered anyway)"},
		&cli.StringFlag{Name: "chromium", Category: catScope, Usage: "Chromium executable `PATH` for browser mode (default: chromium or chromium-headless-shell on PATH)"},
		&cli.StringFlag{Name: "tracker-list", Category: catScope, Usage: "CSV `FILE` of known trackers (domain,name,category) added to the bundled list"},
		&cli.BoolFlag{Name: "no-typing", Category: catScope, Usage: "browser mode: do not type canary values into form fields"},
		&cli.BoolFlag{Name: "no-consent", Category: catScope, Usage: "browser mode: skip the consent pass (the entry page's cookie banner is neither analysed nor clicked)"},
		&cli.BoolFlag{Name: "no-screenshots", Category: catScope, Usage: "browser mode: take no page screenshots"},
		&cli.DurationFlag{Name: "page-timeout", Value: 20 * time.Second, Category: catScope, Usage: "browser mode: time allowed to render one page"},
	}
}

func dbFlag(usage string) cli.Flag {
	return &cli.StringFlag{Name: "db", Category: catState, Usage: usage}
}

func concat(groups ...[]cli.Flag) []cli.Flag {
	var out []cli.Flag
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// fetchOptions reads the network flags.
func fetchOptions(cmd *cli.Command) (fetch.Options, error) {
	resolve := cmd.StringSlice("resolve")
	for _, file := range cmd.StringSlice("resolve-file") {
		more, err := fetch.ReadResolveFile(file)
		if err != nil {
			return fetch.Options{}, err
		}
		resolve = append(resolve, more...)
	}
	retries := cmd.Int("retries")
	if retries == 0 {
		retries = -1 // fetch.Options: zero means the default, negative none
	}
	return fetch.Options{
		Timeout:     cmd.Duration("timeout"),
		MaxBody:     cmd.Int64("max-body"),
		UserAgent:   cmd.String("user-agent"),
		Retries:     retries,
		PerHost:     cmd.Int("per-host"),
		Rate:        cmd.Float("rate"),
		Resolve:     resolve,
		ConnectTo:   cmd.StringSlice("connect-to"),
		NoDNS:       cmd.Bool("no-dns"),
		CACertFiles: cmd.StringSlice("ca-cert"),
	}, nil
}

// scanOptions reads the output, network and scope flags shared by scan and
// demo.
func scanOptions(cmd *cli.Command, stdout, stderr io.Writer) (runner.ScanOptions, error) {
	format, err := outputFormat(cmd)
	if err != nil {
		return runner.ScanOptions{}, err
	}
	fo, err := fetchOptions(cmd)
	if err != nil {
		return runner.ScanOptions{}, err
	}
	maxDepth := cmd.Int("max-depth")
	if maxDepth == 0 {
		maxDepth = -1 // crawl.Options: negative means the entry page only
	}
	return runner.ScanOptions{
		Format:      format,
		Output:      cmd.String("o"),
		Lang:        cmd.String("lang"),
		FailOn:      cmd.String("fail-on"),
		Concurrency: cmd.Int("c"),
		NoTLSProbe:  cmd.Bool("no-tls-probe"),
		Fetch:       fo,
		Crawl:       crawl.Options{MaxPages: cmd.Int("max-pages"), MaxDepth: maxDepth, Active: cmd.Bool("active")},
		Browser: runner.BrowserSettings{
			All: cmd.Bool("browser"), Chromium: cmd.String("chromium"), TrackerList: cmd.String("tracker-list"),
			NoTyping: cmd.Bool("no-typing"), NoConsent: cmd.Bool("no-consent"), NoScreenshots: cmd.Bool("no-screenshots"), PageTimeout: cmd.Duration("page-timeout"),
		},
		DB:          cmd.String("db"),
		Stdout:      stdout,
		Stderr:      stderr,
		StdoutIsTTY: isTerminal(stdout),
		StderrIsTTY: isTerminal(stderr),
	}, nil
}

func scanCommand(stdin io.Reader, stdout, stderr io.Writer, code *int) *cli.Command {
	return &cli.Command{
		Name:      "scan",
		Usage:     "audit sites (URLs or host names as arguments, -l FILE, --csv FILE or standard input)",
		ArgsUsage: "[URL|HOST ...]",
		Flags: concat([]cli.Flag{
			&cli.StringSliceFlag{Name: "l", Aliases: []string{"list"}, Category: catInput, Usage: "read targets from `FILE`, one a line, # comments (- for stdin)"},
			&cli.StringSliceFlag{Name: "csv", Category: catInput, Usage: "read targets from CSV `FILE` with columns url,organisation,tags"},
			dbFlag("history database: SQLite `PATH` (default under the XDG data directory), postgres://... URL, or none"),
			&cli.StringFlag{Name: "queue", Category: catState, Usage: "send the sites as jobs to vigie workers through the NATS JetStream server at `URL` (nats://HOST:PORT) instead of auditing them here; needs --db postgres://..."},
			&cli.BoolFlag{Name: "wait", Category: catState, Usage: "with --queue: follow progress until every site is recorded, then write the results"},
		}, outputFlags(), networkFlags(), scopeFlags(), evidenceFlags()),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			o, err := scanOptions(cmd, stdout, stderr)
			if err != nil {
				return err
			}
			o.Targets = runner.TargetSources{
				Args:         cmd.Args().Slice(),
				ListFiles:    cmd.StringSlice("l"),
				CSVFiles:     cmd.StringSlice("csv"),
				Stdin:        stdin,
				StdinIsInput: !isTerminal(stdin),
			}
			o.Evidence = evidenceSettings(cmd)
			o.Queue, o.Wait = cmd.String("queue"), cmd.Bool("wait")
			if o.Queue != "" && !cmd.IsSet("archive") {
				o.Evidence.Archive = runner.ArchiveNone // workers keep no evidence
			}
			c, err := runner.Scan(ctx, o)
			*code = c
			return err
		},
	}
}

func demoCommand(stdout, stderr io.Writer, code *int) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "serve simulated sites on loopback and audit them with the embedded defaults",
		Flags: concat([]cli.Flag{
			&cli.BoolFlag{Name: "hostile", Usage: "add hostile sites (endless redirects, a server that never answers, a 1 GB body, bad certificates)"},
			&cli.IntFlag{Name: "sites", Usage: "generate this many sites instead of the catalogue of examples"},
			dbFlag("history database (default: demo.db beside the default database), or none"),
		}, outputFlags(), networkFlags(), scopeFlags()),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			o, err := scanOptions(cmd, stdout, stderr)
			if err != nil {
				return err
			}
			c, err := runner.Demo(ctx, runner.DemoOptions{Hostile: cmd.Bool("hostile"), Sites: cmd.Int("sites"), Scan: o})
			*code = c
			return err
		},
	}
}

func checksCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "checks",
		Usage: "print the catalogue of checks",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text, md or json"},
			&cli.StringFlag{Name: "lang", Value: "en", Usage: "en or fr"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runner.Checks(stdout, cmd.String("format"), cmd.String("lang"))
		},
	}
}

func diffCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "list new, fixed and regressed findings of a scan (default: the latest)",
		ArgsUsage: "[SCAN_ID]",
		Flags: []cli.Flag{
			dbFlag("history database: SQLite `PATH` (default under the XDG data directory) or postgres://... URL"),
			&cli.BoolFlag{Name: "jsonl", Usage: "one JSON record a line, with a \"change\" field"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 1 {
				return errors.New("diff takes at most one scan ID")
			}
			return runner.Diff(ctx, runner.DiffOptions{DB: cmd.String("db"), Scan: cmd.Args().First(), JSONL: cmd.Bool("jsonl"), Stdout: stdout})
		},
	}
}

func farmCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "farm",
		Usage: "serve the simulated sites on loopback until interrupted (for benchmarks and trials)",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "sites", Usage: "generate this many sites instead of the catalogue of examples"},
			&cli.BoolFlag{Name: "hostile", Usage: "add hostile sites"},
			&cli.StringFlag{Name: "dir", Usage: "write targets.csv, connect-to.txt and ca.pem to `DIR`"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runner.ServeFarm(ctx, runner.FarmOptions{Sites: cmd.Int("sites"), Hostile: cmd.Bool("hostile"), Dir: cmd.String("dir"), Stderr: stderr})
		},
	}
}

func tlsCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "tls",
		Usage:     "audit the TLS protocols, cipher suites and certificate of hosts",
		ArgsUsage: "HOST[:PORT] ...",
		Flags: concat([]cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
		}, networkFlags()),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			fo, err := fetchOptions(cmd)
			if err != nil {
				return err
			}
			return runner.TLS(ctx, runner.TLSOptions{Hosts: cmd.Args().Slice(), Format: cmd.String("format"), Fetch: fo, Stdout: stdout})
		},
	}
}

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
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/urfave/cli/v3"

	"vigie/check/transparency"
	"vigie/crawl"
	"vigie/dnsq"
	"vigie/fetch"
	"vigie/queue"
	"vigie/runner"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// A scan allocates much short-lived garbage (pages, parse trees) and
	// keeps a small live heap: collecting at 3× the live heap rather than
	// 2× trades a few tens of megabytes for fewer collections. GOGC, when
	// set, decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	// A soft limit on the Go heap and runtime: at 3× the live heap a long
	// scan's collections sometimes let garbage reach 300 MB beside the
	// SQLite page cache, above the 500 MB a 100,000-site scan is to stay
	// within. Near the limit the collector runs more often; far from it
	// (every 1,000-site scan) nothing changes. GOMEMLIMIT, when set,
	// decides.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(320 << 20)
	}
	// VIGIE_CPUPROFILE=FILE writes a CPU profile of the whole run (bench/cli.sh).
	if path := os.Getenv("VIGIE_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			_ = pprof.StartCPUProfile(f)
		}
	}
	// VIGIE_MEMSTATS and VIGIE_MEMPROFILE: see watchMemory (bench/scale.sh).
	stopMemory := watchMemory(os.Stderr)
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	stopMemory()
	pprof.StopCPUProfile()
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
			emlCommand(stdout, &code),
			dataCommand(stdout),
			mailCommand(stdout, stderr, &code),
			evidenceCommand(stdout, stderr),
			keyCommand(stdout),
			caseCommand(stdout, stderr),
			organisationCommand(stdout, discoverCommand(stdin, stdout)),
			workerCommand(stderr),
			serveCommand(stderr), watchCommand(stderr), userCommand(stdin, stdout),
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
		&cli.StringFlag{Name: "dns", Category: catNetwork, Usage: "send every DNS lookup (connections, TLS audit, hosting, mail audit) to the server at `ADDR:PORT` instead of the system's resolvers"},
		&cli.StringSliceFlag{Name: "ca-cert", Category: catNetwork, Usage: "also trust the CA certificates in PEM `FILE`"},
		&cli.StringFlag{Name: "user-agent", Value: fetch.DefaultUserAgent, Category: catNetwork, Usage: "User-Agent header"},
	}
}

func scopeFlags() []cli.Flag {
	return concat([]cli.Flag{
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
		&cli.StringSliceFlag{Name: "retention-limit", Category: catScope, Usage: "longest retention accepted for a purpose of forms, `PURPOSE=DURATION` (contact, newsletter, recruitment; y, m or d: contact=3y); repeatable"},
	}, hostingFlags())
}

// hostingFlags select the hosting lookups (scan, demo, case, serve, worker).
func hostingFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "hds-list", Category: catScope, Usage: "list of certified health-data hosts (JSON or CSV name,asns,providers,note) replacing the bundled one"},
		&cli.StringFlag{Name: "ip-data", Category: catScope, Usage: "IP dataset `DIR` written by vigie data update (default: the XDG data directory)"},
		&cli.BoolFlag{Name: "no-hosting", Category: catScope, Usage: "do not look up where sites are hosted (no DNS questions beyond connections)"},
	}
}

// hostingSettings reads the hosting flags.
func hostingSettings(cmd *cli.Command) runner.HostingSettings {
	return runner.HostingSettings{Off: cmd.Bool("no-hosting"), HDSList: cmd.String("hds-list"), DataDir: cmd.String("ip-data")}
}

func dbFlag(usage string) cli.Flag {
	return &cli.StringFlag{Name: "db", Category: catState, Usage: usage}
}

// queueFlags are the NATS connection settings of the coordinator and the
// workers. Secrets may come from the environment rather than the command
// line, where other users of the machine can read them.
func queueFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "queue-user", Category: catState, Usage: "NATS user name (or nats://USER:PASSWORD@HOST:PORT)"},
		&cli.StringFlag{Name: "queue-password", Category: catState, Sources: cli.EnvVars("VIGIE_QUEUE_PASSWORD"), Usage: "NATS password"},
		&cli.StringFlag{Name: "queue-token", Category: catState, Sources: cli.EnvVars("VIGIE_QUEUE_TOKEN"), Usage: "NATS authentication token"},
		&cli.StringFlag{Name: "queue-nkey", Category: catState, Usage: "NATS NKey user seed `FILE`"},
		&cli.StringFlag{Name: "queue-creds", Category: catState, Usage: "NATS credentials `FILE` (user JWT and seed)"},
		&cli.StringFlag{Name: "queue-ca", Category: catState, Usage: "trust the NATS server's certificate if it chains to the CA in PEM `FILE` (requires TLS)"},
		&cli.StringFlag{Name: "queue-cert", Category: catState, Usage: "client certificate PEM `FILE` for the NATS server (with --queue-key)"},
		&cli.StringFlag{Name: "queue-key", Category: catState, Usage: "private key PEM `FILE` of --queue-cert"},
		&cli.DurationFlag{Name: "give-up", Category: catState, Value: runner.DefaultGiveUp, Usage: "keep retrying a failing database or queue (a restart) this long: then the coordinator (scan --queue --wait) exits with status 2, a worker fails the job"},
	}
}

func queueAuth(cmd *cli.Command) queue.Auth {
	return queue.Auth{
		User: cmd.String("queue-user"), Password: cmd.String("queue-password"), Token: cmd.String("queue-token"),
		NKeySeedFile: cmd.String("queue-nkey"), CredsFile: cmd.String("queue-creds"),
		CAFile: cmd.String("queue-ca"), CertFile: cmd.String("queue-cert"), KeyFile: cmd.String("queue-key"),
	}
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
	dns, err := dnsq.ParseServer(cmd.String("dns"))
	if err != nil {
		return fetch.Options{}, err
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
		DNS:         dns,
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
	limits, err := retentionLimits(cmd)
	if err != nil {
		return runner.ScanOptions{}, err
	}
	return runner.ScanOptions{
		Format:          format,
		Output:          cmd.String("o"),
		Lang:            cmd.String("lang"),
		FailOn:          cmd.String("fail-on"),
		Concurrency:     cmd.Int("c"),
		NoTLSProbe:      cmd.Bool("no-tls-probe"),
		Fetch:           fo,
		Crawl:           crawl.Options{MaxPages: cmd.Int("max-pages"), MaxDepth: maxDepth, Active: cmd.Bool("active")},
		Hosting:         hostingSettings(cmd),
		RetentionLimits: limits,
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
			&cli.BoolFlag{Name: "mail", Category: catScope, Usage: "also audit the mail posture (SPF, DMARC, DKIM, MTA-STS, STARTTLS, DNSSEC) of each site's registrable domain, as vigie mail does"},
			dkimSelectorFlag(),
			&cli.StringFlag{Name: "resume", Category: catState, Usage: "continue the interrupted scan `SCAN_ID` of --db with the same targets: the sites it recorded are skipped (the output covers the rest; vigie report SCAN_ID the whole scan)"},
		}, queueFlags(), outputFlags(), networkFlags(), scopeFlags(), evidenceFlags()),
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
			o.Queue, o.Wait, o.QueueAuth, o.GiveUp = cmd.String("queue"), cmd.Bool("wait"), queueAuth(cmd), cmd.Duration("give-up")
			o.Resume = cmd.String("resume")
			if cmd.Bool("mail") {
				o.Mail = mailSettings(cmd)
			}
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

func emlCommand(stdout io.Writer, code *int) *cli.Command {
	return &cli.Command{
		Name:      "eml",
		Usage:     "triage received emails (.eml) for phishing: DKIM, SPF, DMARC, senders, links, look-alike domains, requests for secrets, attachments, breach-notice contents; exit 0 likely legitimate, 1 suspicious or likely phishing, 2 error",
		ArgsUsage: "FILE ... (- for standard input)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
			&cli.StringFlag{Name: "lang", Value: "en", Usage: "language of the report: en or fr"},
			&cli.StringFlag{Name: "dns", Usage: "send every DNS question (DKIM keys, DMARC, SPF) to `ADDR:PORT`"},
			&cli.StringSliceFlag{Name: "official-domain", Usage: "an official `DOMAIN` of the organisation the message claims to come from (repeatable)"},
			&cli.StringFlag{Name: "organisation", Usage: "take the official domains from this organisation's entry in the directory (--db)"},
			dbFlag("organisation directory: SQLite `PATH` (default under the XDG data directory) or postgres://... URL"),
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			c, err := runner.Eml(ctx, runner.EmlOptions{
				Files: cmd.Args().Slice(), Format: cmd.String("format"), Lang: cmd.String("lang"), DNS: cmd.String("dns"),
				OfficialDomains: cmd.StringSlice("official-domain"), DB: cmd.String("db"), Organisation: cmd.String("organisation"),
				Stdout: stdout,
			})
			*code = c
			return err
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

func dataCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "data",
		Usage: "manage the open datasets Vigie judges with",
		Commands: []*cli.Command{{
			Name:  "update",
			Usage: "fetch the current release of the IP datasets (sapics' ip-location-db: country CC0, ASN CC BY 4.0 by RouteViews, DB-IP and the NRO)",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "dir", Usage: "write the files to `DIR` (default: the XDG data directory, as --ip-data)"},
				&cli.StringFlag{Name: "base-url", Usage: "fetch the files from `URL`/NAME instead of the upstream release (a mirror)"},
			},
			Action: func(ctx context.Context, cmd *cli.Command) error {
				return runner.DataUpdate(ctx, runner.DataUpdateOptions{Dir: cmd.String("dir"), BaseURL: cmd.String("base-url"), Stdout: stdout})
			},
		}},
	}
}

// retentionLimits reads the --retention-limit flags.
func retentionLimits(cmd *cli.Command) (map[string]int, error) {
	var limits map[string]int
	for _, l := range cmd.StringSlice("retention-limit") {
		purpose, days, err := transparency.ParseLimit(l)
		if err != nil {
			return nil, fmt.Errorf("--retention-limit: %w", err)
		}
		if limits == nil {
			limits = map[string]int{}
		}
		limits[purpose] = days
	}
	return limits, nil
}

package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"vigie/crawl"
	"vigie/fetch"
	"vigie/finding"
	"vigie/report"
	"vigie/scan"
	"vigie/store"
	"vigie/store/postgres"
	"vigie/store/sqlite"
)

// Exit statuses of the vigie command (see DESIGN.md).
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitError    = 2
)

// Version is the tool version, set by the command at build time.
var Version = fetch.Version // one version for reports, evidence and the User-Agent

// ScanOptions are the settings of `vigie scan`.
type ScanOptions struct {
	Targets TargetSources

	// Format is the machine-readable output format ("jsonl", "csv",
	// "sarif", "html") or "" for none; Output is its file ("" = stdout).
	Format string
	Output string
	Lang   string
	// FailOn is the severity at or above which the exit status is 1.
	FailOn string

	Concurrency int
	// NoTLSProbe skips the TLS prober (protocols, suites, certificates).
	NoTLSProbe bool
	Fetch      fetch.Options
	Crawl      crawl.Options

	// DB is the store: a SQLite path, "" for the default path, a
	// postgres:// URL, or "none" to keep no history.
	DB string
	// Queue, a nats://HOST:PORT URL, sends the sites to vigie workers as
	// jobs instead of auditing them here; Wait then follows the scan until
	// every site is recorded, and writes the results as a local scan does.
	Queue string
	Wait  bool
	// pollEvery is how often Wait reads progress (default 1 s).
	pollEvery time.Duration
	// Evidence selects what exchanges are archived as evidence, and where.
	Evidence EvidenceSettings
	// Browser selects browser mode for every target (except CSV rows whose
	// mode is "static"); rows whose mode is "browser" are rendered anyway.
	Browser BrowserSettings

	// Stdout and Stderr receive the results and the progress; the Is*
	// fields say whether they are terminals.
	Stdout, Stderr           io.Writer
	StdoutIsTTY, StderrIsTTY bool
	Settings                 map[string]string
	onSummary                func(*scan.Summary)
}

// Scan runs `vigie scan` and returns the exit status.
func Scan(ctx context.Context, o ScanOptions) (int, error) {
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	if o.FailOn == "" {
		o.FailOn = "high"
	}
	failOn, err := finding.ParseSeverity(o.FailOn)
	if err != nil {
		return ExitError, fmt.Errorf("--fail-on: %w", err)
	}
	targets, err := LoadTargets(o.Targets, o.Stderr)
	if err != nil {
		return ExitError, err
	}
	if len(targets) == 0 {
		return ExitError, errors.New("no valid target: give URLs or host names as arguments, -l FILE, --csv FILE or on standard input")
	}

	if o.Queue != "" {
		if o.DB == "none" {
			return ExitError, errors.New("--queue needs a store the workers share (--db postgres://...)")
		}
		if !o.Wait && o.Format != "" {
			return ExitError, errors.New("--queue without --wait writes no results: add --wait or drop the output format")
		}
	}
	st, err := OpenStore(ctx, o.DB)
	if err != nil {
		return ExitError, err
	}
	if st != nil {
		defer st.Close()
	}

	// Writers: the requested format (file or stdout) and the table.
	var writers []report.Writer
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	ropts := report.Options{Lang: o.Lang}
	if o.Format != "" {
		w := o.Stdout
		if o.Output != "" && o.Output != "-" {
			f, err := os.Create(o.Output)
			if err != nil {
				return ExitError, fmt.Errorf("creating output: %w", err)
			}
			closers = append(closers, f)
			w = f
		}
		rw, err := report.New(o.Format, w, ropts)
		if err != nil {
			return ExitError, err
		}
		writers = append(writers, rw)
	}
	if o.Format == "" || (o.Output != "" && o.Output != "-") {
		topts := ropts
		topts.Color = o.StdoutIsTTY
		tw, err := report.New("table", o.Stdout, topts)
		if err != nil {
			return ExitError, err
		}
		writers = append(writers, tw)
	}

	settings := map[string]string{
		"concurrency": strconv.Itoa(o.Concurrency),
		"max_pages":   strconv.Itoa(o.Crawl.MaxPages),
		"max_depth":   strconv.Itoa(o.Crawl.MaxDepth),
		"timeout":     o.Fetch.Timeout.String(),
		"rate":        strconv.FormatFloat(o.Fetch.Rate, 'g', -1, 64),
		"user_agent":  o.Fetch.UserAgent,
		"tls_probe":   strconv.FormatBool(!o.NoTLSProbe),
		"active":      strconv.FormatBool(o.Crawl.Active),
	}
	ev, err := o.Evidence.scanEvidence()
	if err != nil {
		return ExitError, err
	}
	if ev != nil {
		settings["archive"] = o.Evidence.Archive
		settings["keep_personal_data"] = strconv.FormatBool(o.Evidence.KeepPersonalData)
	}
	for k, v := range o.Settings {
		settings[k] = v
	}
	if o.Queue != "" {
		if ev != nil {
			return ExitError, errors.New("--archive is not available with --queue: workers keep no evidence")
		}
		// Workers render the browser sites with their own Chromium.
		return queueScan(ctx, o, targets, st, settings, writers, closers, failOn)
	}
	bro, err := o.Browser.scanBrowser(targets, o.Concurrency)
	if err != nil {
		return ExitError, err
	}
	if bro != nil {
		settings["browser"] = strconv.FormatBool(bro.All)
		settings["browser_typing"] = strconv.FormatBool(!bro.NoTyping)
		settings["browser_consent"] = strconv.FormatBool(!bro.NoConsent)
	}
	prog := newProgress(o.Stderr, o.StderrIsTTY, len(targets))
	failing := 0
	sum, runErr := scan.Run(ctx, targets, scan.Options{
		Concurrency: o.Concurrency,
		TLSProbe:    !o.NoTLSProbe,
		Crawl:       o.Crawl,
		Fetch:       o.Fetch,
		Store:       st,
		Evidence:    ev,
		Browser:     bro,
		Version:     Version,
		Settings:    settings,
	}, func(r *scan.Result) error {
		rs := reportSite(r)
		for _, w := range writers {
			if err := w.WriteSite(rs); err != nil {
				return fmt.Errorf("writing results: %w", err)
			}
		}
		for _, f := range r.Findings {
			if f.Severity >= failOn {
				failing++
			}
		}
		prog.site(r)
		return nil
	})
	prog.done()
	if sum == nil {
		return ExitError, runErr
	}
	rscan := report.Scan{
		ID: sum.Scan.ID, Started: sum.Scan.Started, Ended: sum.Scan.Ended, Version: Version,
		Sites: sum.Sites, Failed: sum.Failed, Settings: settings,
	}
	for _, w := range writers {
		if err := w.Close(rscan); err != nil && runErr == nil {
			runErr = fmt.Errorf("writing results: %w", err)
		}
	}
	for _, c := range closers {
		if err := c.Close(); err != nil && runErr == nil {
			runErr = fmt.Errorf("writing %s: %w", o.Output, err)
		}
	}
	closers = nil
	if o.onSummary != nil {
		o.onSummary(sum)
	}
	printChanges(o.Stderr, sum, st != nil, o.DB)
	printEvidence(o.Stderr, sum.Evidence)
	if runErr != nil {
		return ExitError, runErr
	}
	if failing > 0 {
		return ExitFindings, nil
	}
	return ExitOK, nil
}

func reportSite(r *scan.Result) *report.Site {
	return &report.Site{
		URL: r.Site.URL, Organisation: r.Site.Organisation, Tags: r.Site.Tags,
		Pages: len(r.Site.Pages), Forms: r.Forms, PersonalForms: r.PersonalForms,
		Error: r.Site.Error, ErrorKind: r.Site.ErrorKind, Findings: r.Findings,
	}
}

// printChanges writes the scan's one-line summary; db, when not the
// default store, is named in the suggested diff command.
func printChanges(w io.Writer, sum *scan.Summary, history bool, db string) {
	fmt.Fprintf(w, "scan %s: %d sites in %s (%d failed), %d findings",
		sum.Scan.ID, sum.Sites, sum.Scan.Ended.Sub(sum.Scan.Started).Round(time.Millisecond), sum.Failed, sum.Findings)
	if history {
		dbFlag := ""
		if db != "" {
			dbFlag = " --db " + db
		}
		fmt.Fprintf(w, "; since the previous scan: %d new, %d fixed, %d regressed (details: vigie diff%s %s)", sum.New, sum.Fixed, sum.Regressed, dbFlag, sum.Scan.ID)
	}
	fmt.Fprintln(w)
}

// OpenStore opens the store named by db: "" is the default SQLite file,
// "none" keeps no history (nil store), a postgres:// or postgresql:// URL
// a PostgreSQL database, anything else a SQLite path.
func OpenStore(ctx context.Context, db string) (store.Store, error) {
	if postgres.IsURL(db) {
		return postgres.Open(ctx, db)
	}
	switch db {
	case "none":
		return nil, nil
	case "":
		p, err := sqlite.DefaultPath()
		if err != nil {
			return nil, err
		}
		db = p
	}
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil && db != ":memory:" {
		return nil, fmt.Errorf("creating database directory: %w", err)
	}
	return sqlite.Open(ctx, db)
}

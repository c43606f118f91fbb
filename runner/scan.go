package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"vigie/cases"
	"vigie/crawl"
	"vigie/fetch"
	"vigie/finding"
	"vigie/mailcheck"
	"vigie/queue"
	"vigie/report"
	"vigie/scan"
	"vigie/store"
	"vigie/store/postgres"
	"vigie/store/sqlite"
	"vigie/target"
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
	// RetentionLimits override the transparency checks' retention limits
	// per purpose of a form, in days (--retention-limit contact=3y).
	RetentionLimits map[string]int

	// DB is the store: a SQLite path, "" for the default path, a
	// postgres:// URL, or "none" to keep no history.
	DB string
	// Queue, a nats://HOST:PORT URL, sends the sites to vigie workers as
	// jobs instead of auditing them here; Wait then follows the scan until
	// every site is recorded, and writes the results as a local scan does.
	Queue string
	Wait  bool
	// Resume continues the interrupted scan of this ID: the targets it
	// already recorded are skipped, the others audited into it.
	Resume string
	// QueueAuth authenticates the queue connection.
	QueueAuth queue.Auth
	// GiveUp is how long --wait rides through a store or queue that fails
	// (a PostgreSQL or NATS restart) before giving up (default
	// DefaultGiveUp).
	GiveUp time.Duration
	// pollEvery is how often Wait reads progress (default ProgressEvery).
	pollEvery time.Duration
	// Evidence selects what exchanges are archived as evidence, and where.
	Evidence EvidenceSettings
	// Browser selects browser mode for every target (except CSV rows whose
	// mode is "static"); rows whose mode is "browser" are rendered anyway.
	Browser BrowserSettings
	// Hosting selects the hosting lookups (DNS, IP datasets, HDS list).
	Hosting HostingSettings
	// Mail, when set, also audits the mail posture of each site's
	// registrable domain (scan --mail).
	Mail *MailSettings

	// Stdout and Stderr receive the results and the progress; the Is*
	// fields say whether they are terminals.
	Stdout, Stderr           io.Writer
	StdoutIsTTY, StderrIsTTY bool
	Settings                 map[string]string
	onSummary                func(*scan.Summary)
	// onSite, a test hook, is called after each site is written, with the
	// number written so far.
	onSite func(n int)
}

// Scan runs `vigie scan` and returns the exit status.
func Scan(ctx context.Context, o ScanOptions) (int, error) {
	failOn, err := outputDefaults(&o.Stdout, &o.Stderr, &o.FailOn)
	if err != nil {
		return ExitError, err
	}
	targets, err := LoadTargets(o.Targets, o.Stderr)
	if err != nil {
		return ExitError, err
	}
	if len(targets) == 0 {
		return ExitError, errors.New("no valid target: give URLs or host names as arguments, -l FILE, --csv FILE or on standard input")
	}

	if o.Resume != "" && o.Queue != "" {
		return ExitError, errors.New("--resume resumes a local scan; a queued scan goes on by itself while workers run")
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
	if err := markPublic(ctx, st, targets); err != nil {
		return ExitError, err
	}

	writers, closers, err := openWriters(report.Options{Lang: o.Lang, SiteRecords: true}, o.Format, o.Output, o.Stdout, o.StdoutIsTTY)
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	if err != nil {
		return ExitError, err
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
	var mail *mailcheck.Auditor
	if o.Mail != nil {
		if o.Queue != "" {
			return ExitError, errors.New("--mail is not available with --queue")
		}
		if mail, err = o.Mail.auditor(o.Fetch); err != nil {
			return ExitError, err
		}
		settings["mail"] = "true"
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
	hd, err := o.Hosting.load(o.Stderr)
	if err != nil {
		return ExitError, err
	}
	defer hd.db.Close()
	judge := hd.judge(o.Hosting.Off, o.Fetch, settings)
	if bro != nil {
		settings["browser"] = strconv.FormatBool(bro.All)
		settings["browser_typing"] = strconv.FormatBool(!bro.NoTyping)
		settings["browser_consent"] = strconv.FormatBool(!bro.NoConsent)
	}
	var resume *store.Scan
	if o.Resume != "" {
		if resume, targets, err = resumeScan(ctx, st, o.Resume, targets, o.Stderr); err != nil {
			return ExitError, err
		}
		// The scan's own settings stand; those of this run are noted.
		settings = resume.Settings
	}
	prog := newProgress(o.Stderr, o.StderrIsTTY, len(targets))
	failing := 0
	sum, runErr := scan.Run(ctx, targets, scan.Options{
		Concurrency:     o.Concurrency,
		TLSProbe:        !o.NoTLSProbe,
		Crawl:           o.Crawl,
		Fetch:           o.Fetch,
		Store:           st,
		Evidence:        ev,
		Browser:         bro,
		Hosting:         judge,
		Mail:            mail,
		Version:         Version,
		Settings:        settings,
		Resume:          resume,
		RetentionLimits: o.RetentionLimits,
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
		if o.onSite != nil {
			o.onSite(prog.count)
		}
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

// outputDefaults fills in the defaults of scan's and mail's output
// (discarded streams, --fail-on high) and parses the threshold.
func outputDefaults(stdout, stderr *io.Writer, failOn *string) (finding.Severity, error) {
	if *stdout == nil {
		*stdout = io.Discard
	}
	if *stderr == nil {
		*stderr = io.Discard
	}
	if *failOn == "" {
		*failOn = "high"
	}
	s, err := finding.ParseSeverity(*failOn)
	if err != nil {
		return 0, fmt.Errorf("--fail-on: %w", err)
	}
	return s, nil
}

// openWriters opens the report writers of scan and mail: the requested
// format (to output, or stdout) and the table on stdout unless the format
// goes there.
func openWriters(ropts report.Options, format, output string, stdout io.Writer, tty bool) ([]report.Writer, []io.Closer, error) {
	var writers []report.Writer
	var closers []io.Closer
	if format != "" {
		w := stdout
		if output != "" && output != "-" {
			f, err := os.Create(output)
			if err != nil {
				return nil, nil, fmt.Errorf("creating output: %w", err)
			}
			closers = append(closers, f)
			w = f
		}
		rw, err := report.New(format, w, ropts)
		if err != nil {
			return nil, closers, err
		}
		writers = append(writers, rw)
	}
	if format == "" || (output != "" && output != "-") {
		topts := ropts
		topts.Color = tty
		tw, err := report.New("table", stdout, topts)
		if err != nil {
			return nil, closers, err
		}
		writers = append(writers, tw)
	}
	return writers, closers, nil
}

// recordedLister is the store's list of the sites a scan recorded (both
// back ends have one).
type recordedLister interface {
	RecordedSites(ctx context.Context, id string) (map[string]bool, error)
}

// resumeScan reads scan id from st and returns it with the targets it has
// not recorded yet, filtered in targets' own array.
func resumeScan(ctx context.Context, st store.Store, id string, targets []target.Target, stderr io.Writer) (*store.Scan, []target.Target, error) {
	if st == nil {
		return nil, nil, errors.New("--resume needs the database holding the scan (--db)")
	}
	sc, err := st.Scan(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("--resume: %w", err)
	}
	var done map[string]bool
	if rl, ok := st.(recordedLister); ok {
		done, err = rl.RecordedSites(ctx, id)
	} else {
		var sites []store.SiteResult
		sites, err = st.Sites(ctx, id)
		done = map[string]bool{}
		for _, s := range sites {
			done[s.URL] = true
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("--resume: %w", err)
	}
	// In place: a copy of 100,000 targets would stay live all the scan.
	total := len(targets)
	left := slices.DeleteFunc(targets, func(t target.Target) bool { return done[t.URL] })
	fmt.Fprintf(stderr, "scan %s: resuming: %d of %d sites already recorded, %d to audit\n", id, total-len(left), total, len(left))
	return sc, left, nil
}

func reportSite(r *scan.Result) *report.Site {
	return &report.Site{
		URL: r.Site.URL, Organisation: r.Site.Organisation, Tags: r.Site.Tags,
		Pages: len(r.Site.Pages), Forms: r.Forms, PersonalForms: r.PersonalForms,
		Error: r.Site.Error, ErrorKind: r.Site.ErrorKind, Findings: r.Findings,
		HTTPObservatory: r.Observatory,
		Hosting:         r.Site.Hosting,
		Retention:       r.Retention,
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

// markPublic marks the targets whose organisation the directory (the
// store's organisations) says is a public body, by its sector or the
// tags it claims sites by (see target.PublicTag); the scan input's own
// tags were read already. A store without a directory changes nothing.
func markPublic(ctx context.Context, st store.Store, targets []target.Target) error {
	cs, ok := st.(cases.Store)
	if !ok {
		return nil
	}
	orgs, err := cs.Organisations(ctx)
	if err != nil {
		return fmt.Errorf("reading the organisation directory: %w", err)
	}
	if len(orgs) == 0 {
		return nil
	}
	tags := map[string][]string{}
	for _, t := range targets {
		tags[t.URL] = t.Tags
	}
	dir := cases.NewDirectory(orgs).WithSiteTags(tags)
	for i := range targets {
		t := &targets[i]
		name := t.Organisation
		if name == "" {
			name = dir.ForSite(t.URL)
		}
		if o, ok := dir.Lookup(name); ok && (target.PublicTag(o.Sector) || target.PublicTags(o.SiteTags)) {
			t.Public = true
		}
	}
	return nil
}

package runner

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"strconv"
	"sync"
	"time"
	"vigie/finding"

	"vigie/cases"
	"vigie/crawl"
	"vigie/dnsq"
	"vigie/fetch"
	"vigie/scan"
	"vigie/store"
	"vigie/target"
	"vigie/web"
)

// ServeOptions are the settings of `vigie serve`.
type ServeOptions struct {
	// Listen is the address to serve on (default 127.0.0.1:8080).
	Listen string
	// Hosting selects the hosting lookups of the scans it launches.
	Hosting HostingSettings
	DB      string
	// DataDir holds the signing key, the evidence of scans launched from
	// the dashboard and the dashboard's files; "" for the XDG default.
	DataDir string
	// CertFile and KeyFile, when both set, serve HTTPS.
	CertFile, KeyFile string
	// AllowPrivate lets scans launched from the dashboard reach loopback,
	// private and link-local addresses.
	AllowPrivate bool
	// Fetch, Crawl, Concurrency and NoTLSProbe configure the scans
	// launched from the dashboard, as for vigie scan.
	Fetch       fetch.Options
	Crawl       crawl.Options
	Concurrency int
	NoTLSProbe  bool
	// MaxScans bounds the scans running at once, launched from the
	// dashboard and scheduled (default 2).
	MaxScans int
	// Archive is the evidence kept by launched scans (default findings).
	Archive string
	// From signs the letters generated from the dashboard.
	From string
	// MinSeverity is the dashboard's failure threshold (zero:
	// finding.DefaultThreshold); see web.Options.
	MinSeverity finding.Severity
	// Watch configures schedules and alerts.
	Watch WatchSettings
	Log   *slog.Logger
	// Ready, when set, is called with the listening address once the
	// server accepts connections.
	Ready func(addr net.Addr)
}

// Serve runs the dashboard until ctx is cancelled, then stops accepting
// requests, cancels the scans it launched and waits for them.
func Serve(ctx context.Context, o ServeOptions) error {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:8080"
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if (o.CertFile == "") != (o.KeyFile == "") {
		return errors.New("serve: give both --cert and --key for HTTPS, or neither")
	}
	if o.DB == "none" {
		return errors.New("serve: the dashboard needs a database; --db none keeps none")
	}
	data, err := dataDir(o.DataDir)
	if err != nil {
		return err
	}
	st, err := OpenStore(ctx, o.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	br, ok1 := st.(store.Browser)
	acc, ok2 := st.(store.Accounts)
	if !ok1 || !ok2 {
		return fmt.Errorf("serve: the %T store cannot serve the dashboard", st)
	}
	cs, _ := st.(cases.Store)
	if o.Archive == "" {
		o.Archive = ArchiveFindings
	}
	ev, err := EvidenceSettings{Archive: o.Archive, DataDir: data}.scanEvidence()
	if err != nil {
		return err
	}
	lookup, err := ResolverLookup(o.Fetch)
	if err != nil {
		return err
	}
	hd, err := o.Hosting.load(nil)
	if err != nil {
		return err
	}
	defer hd.db.Close()

	// Launched scans outlive their request, not the server.
	scanCtx, cancelScans := context.WithCancel(context.WithoutCancel(ctx))
	fo := o.Fetch
	fo.DenyPrivate = !o.AllowPrivate
	settings := map[string]string{
		"origin": "dashboard", "max_pages": strconv.Itoa(o.Crawl.MaxPages), "max_depth": strconv.Itoa(o.Crawl.MaxDepth),
		"tls_probe": strconv.FormatBool(!o.NoTLSProbe), "archive": o.Archive, "allow_private": strconv.FormatBool(o.AllowPrivate),
	}
	l := newLauncher(scanCtx, st, o.MaxScans, scan.Options{
		Concurrency: o.Concurrency, TLSProbe: !o.NoTLSProbe, Crawl: o.Crawl, Fetch: fo, Evidence: ev, Version: Version,
		Hosting: hd.judge(o.Hosting.Off, fo, settings), Settings: settings,
	}, o.Log)
	var schedDone chan struct{}
	defer func() {
		cancelScans()
		l.wait()
		if schedDone != nil {
			<-schedDone
		}
	}()
	ws, _ := st.(store.Watch)
	if !o.Watch.NoSchedules {
		sched, err := newScheduler(st, schedulerConfig{
			db: o.DB, dataDir: data, allowPrivate: o.AllowPrivate, fetch: o.Fetch, crawl: o.Crawl,
			concurrency: o.Concurrency, noTLSProbe: o.NoTLSProbe, maxScans: o.MaxScans, archive: o.Archive, watch: o.Watch, log: o.Log,
			slots: l.sem, // one bound for launched and scheduled scans
		})
		if err != nil {
			return err
		}
		schedDone = make(chan struct{})
		go func() {
			defer close(schedDone)
			sched.Run(scanCtx)
		}()
	}

	secure := o.CertFile != ""
	dash, err := web.New(web.Options{
		Store: st, Browser: br, Accounts: acc, Cases: cs, Watch: ws, Launcher: l,
		EvidenceRoot: filepath.Join(data, "evidence"), FilesDir: filepath.Join(data, "dashboard"),
		Secure: secure, AllowPrivate: o.AllowPrivate, Lookup: lookup, LetterFrom: o.From, MinSeverity: o.MinSeverity, Log: o.Log,
		OwnKey: ownKey(ev, data),
	})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           dash,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // event documents upload
		WriteTimeout:      5 * time.Minute, // exports and bundles
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(o.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	if secure {
		cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return fmt.Errorf("serve: certificate %s: %w", o.CertFile, err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	scheme := "http"
	if secure {
		scheme = "https"
	}
	o.Log.Info("dashboard listening", "url", scheme+"://"+ln.Addr().String(), "db", o.DB, "allow_private", o.AllowPrivate)
	if o.Ready != nil {
		o.Ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() {
		if secure {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutCtx)
}

// ResolverLookup returns how the dashboard resolves a target host for its
// private-address check: as the scans' fetcher does, through the
// --connect-to and --resolve entries first, then DNS unless disabled.
func ResolverLookup(fo fetch.Options) (func(ctx context.Context, host string) ([]netip.Addr, error), error) {
	var res []fetch.ResolveEntry
	for _, s := range fo.Resolve {
		e, err := fetch.ParseResolve(s)
		if err != nil {
			return nil, err
		}
		res = append(res, e)
	}
	var conn []fetch.ConnectToEntry
	for _, s := range fo.ConnectTo {
		e, err := fetch.ParseConnectTo(s)
		if err != nil {
			return nil, err
		}
		conn = append(conn, e)
	}
	var lookup func(ctx context.Context, host string, depth int) ([]netip.Addr, error)
	lookup = func(ctx context.Context, host string, depth int) ([]netip.Addr, error) {
		if a, err := netip.ParseAddr(host); err == nil {
			return []netip.Addr{a}, nil
		}
		var out []netip.Addr
		// Every port's entries count: the check is about where the host
		// may lead, whatever the port.
		for _, e := range conn {
			if (e.Host == "" || e.Host == host) && e.ToHost != "" && e.ToHost != host && depth < 4 {
				more, err := lookup(ctx, e.ToHost, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, more...)
			}
		}
		for _, e := range res {
			if e.Host == host || e.Host == "*" {
				out = append(out, e.Addrs...)
			}
		}
		if len(out) > 0 {
			return out, nil
		}
		if fo.NoDNS {
			return nil, &fetch.DNSDisabledError{Host: host}
		}
		return (&dnsq.Client{Server: fo.DNS}).Resolver().LookupNetIP(ctx, "ip", host)
	}
	return func(ctx context.Context, host string) ([]netip.Addr, error) { return lookup(ctx, host, 0) }, nil
}

// launcher runs the dashboard's scans in the background, at most max at
// once, under the server's context.
type launcher struct {
	ctx  context.Context
	st   store.Store
	base scan.Options
	log  *slog.Logger
	sem  chan struct{}
	wg   sync.WaitGroup

	mu   sync.Mutex
	jobs map[string]*scanJob
}

// scanJob is the progress of one launched scan.
type scanJob struct {
	done, total int
	finished    bool
	err         error
}

func newLauncher(ctx context.Context, st store.Store, max int, base scan.Options, log *slog.Logger) *launcher {
	if max <= 0 {
		max = 2
	}
	return &launcher{ctx: ctx, st: st, base: base, log: log, sem: make(chan struct{}, max), jobs: map[string]*scanJob{}}
}

// beginHook passes the scan's ID on as soon as the store records it.
type beginHook struct {
	store.Store
	began chan<- string
}

func (b *beginHook) BeginScan(ctx context.Context, s *store.Scan) error {
	err := b.Store.BeginScan(ctx, s)
	if err == nil {
		b.began <- s.ID
	}
	return err
}

// Launch starts a scan and returns its ID once recorded; it refuses when
// the maximum number of scans already run.
func (l *launcher) Launch(ctx context.Context, targets []target.Target, name string) (string, error) {
	select {
	case l.sem <- struct{}{}:
	default:
		return "", fmt.Errorf("%d scans are already running: wait for one to finish", cap(l.sem))
	}
	o := l.base
	o.Settings = map[string]string{"name": name}
	for k, v := range l.base.Settings {
		o.Settings[k] = v
	}
	began := make(chan string, 1)
	failed := make(chan error, 1)
	o.Store = &beginHook{Store: l.st, began: began}
	job := &scanJob{total: len(targets)}
	l.wg.Go(func() {
		defer func() { <-l.sem }()
		var id string
		sum, err := scan.Run(l.ctx, targets, o, func(r *scan.Result) error {
			l.mu.Lock()
			job.done++
			l.mu.Unlock()
			return nil
		})
		if sum != nil {
			id = sum.Scan.ID
		}
		l.mu.Lock()
		job.finished, job.err = true, err
		l.mu.Unlock()
		if id == "" || sum == nil {
			failed <- err
			return
		}
		l.log.Info("scan finished", "scan", id, "sites", sum.Sites, "failed", sum.Failed, "findings", sum.Findings, "err", err)
	})
	select {
	case id := <-began:
		l.mu.Lock()
		l.jobs[id] = job
		l.mu.Unlock()
		return id, nil
	case err := <-failed:
		if err == nil {
			err = errors.New("the scan did not start")
		}
		return "", err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Progress reports a launched scan's progress; scans this server did not
// launch are an error wrapping store.ErrNotFound.
func (l *launcher) Progress(id string) (done, total int, finished bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	j, ok := l.jobs[id]
	if !ok {
		return 0, 0, false, fmt.Errorf("scan %s: not launched here: %w", id, store.ErrNotFound)
	}
	return j.done, j.total, j.finished, j.err
}

func (l *launcher) wait() { l.wg.Wait() }

// ownKey is the public key of the evidence this server's scans write:
// that of the scans' settings, else the one in the data directory (nil
// when this machine never signed anything).
func ownKey(ev *scan.Evidence, data string) ed25519.PublicKey {
	if ev != nil && ev.Key != nil {
		return ev.Key.Public().(ed25519.PublicKey)
	}
	return localPublicKey(data)
}

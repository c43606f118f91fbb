package browser

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"vigie/observation"
)

// ErrBrowserGone is wrapped by the errors of Open and Render when the
// Chromium process died (killed, out of memory) under them. The pool starts
// a new browser for the next Open.
var ErrBrowserGone = errors.New("browser: process gone")

// startTimeout bounds the start of a browser process.
const startTimeout = 30 * time.Second

// Find returns the Chromium executable: path when not empty (it must exist
// and be executable), else the first of chromium, chromium-headless-shell,
// chromium-browser and google-chrome found on PATH, then
// /usr/lib/chromium/chromium. It never downloads anything.
func Find(path string) (string, error) {
	if path != "" {
		st, err := os.Stat(path)
		if err != nil {
			return "", fmt.Errorf("browser: executable %s: %w", path, err)
		}
		if st.IsDir() || st.Mode().Perm()&0o111 == 0 {
			return "", fmt.Errorf("browser: %s is not an executable file", path)
		}
		return path, nil
	}
	for _, name := range []string{"chromium", "chromium-headless-shell", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	const fallback = "/usr/lib/chromium/chromium"
	if st, err := os.Stat(fallback); err == nil && !st.IsDir() && st.Mode().Perm()&0o111 != 0 {
		return fallback, nil
	}
	return "", errors.New("browser: no Chromium found (looked for chromium, chromium-headless-shell, chromium-browser, google-chrome on PATH and " + fallback + ")")
}

// CanaryFunc decides what to type into a field: frameURL is the URL of the
// frame's document, formIndex the form's index in that document (numbered
// like package page numbers forms), field the field as far as the browser
// describes it. It returns the value and true to type it, or false to leave
// the field alone.
type CanaryFunc func(frameURL string, formIndex int, field observation.Field) (value string, ok bool)

// Options configures a Pool.
type Options struct {
	// ExecPath is the Chromium executable, from Find.
	ExecPath string
	// Tabs is the number of sites rendered at once (default 1).
	Tabs int
	// Dial opens every connection the browser makes, through the pool's
	// proxy on 127.0.0.1. nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// CACertPEM holds extra certificate authorities to trust, in PEM.
	CACertPEM []byte
	// UserAgent replaces the browser's User-Agent when not empty.
	UserAgent string
	// UserAgentToken, when UserAgent is empty, is appended to
	// Chromium's own User-Agent, in which "HeadlessChrome" becomes
	// "Chrome": pages then see what a visitor's browser sends (some
	// consent managers hide their banner from user agents that contain
	// "bot", "crawl" or "spider", or from a browser that says it is
	// automated), while the token names the audit.
	UserAgentToken string
	// PageTimeout bounds one Render: navigation, settling, typing and
	// capture (default 20s).
	PageTimeout time.Duration
	// Settle is the network quiet time awaited after the load event and
	// after typing (default 500ms); the whole wait is capped.
	Settle time.Duration
	// AfterTyping is the least time awaited after the last value typed,
	// before the network quiet time (default 2s).
	AfterTyping time.Duration
	// Classify, when set, is called at the end of each Render to fill the
	// Tracker and Purpose fields.
	Classify func(*observation.Rendering)
	// Canaries, when set, chooses the values typed into form fields for
	// every Render not given canaries of its own; nil means no typing.
	Canaries CanaryFunc
	// Screenshot asks for a full-page PNG of each rendered page.
	Screenshot bool
	// Mask, when set, finds the personal data a screenshot must not
	// show: given an HTML rendition of the text the page displays (see
	// maskScript), it returns the byte spans to hide. Screenshots then
	// have those spans blacked out, and are dropped when any of them
	// cannot be located (see Rendering.ScreenshotMasked).
	Mask func(doc []byte) [][2]int
	// Log receives the browser's output and the pool's events; nil
	// discards them.
	Log io.Writer
}

// Pool is one headless Chromium process shared by up to Options.Tabs
// sessions at a time, restarted when it dies.
type Pool struct {
	o     Options
	proxy *proxy
	flags []chromedp.ExecAllocatorOption
	slots chan struct{}
	// cas are the extra authorities; certutil, when not empty, adds them
	// to the NSS database of each browser started.
	cas      []*x509.Certificate
	certutil string

	mu     sync.Mutex
	cur    *instance
	closed bool
}

// instance is one Chromium process.
type instance struct {
	allocCancel context.CancelFunc
	ctx         context.Context // chromedp browser context; done when the browser is gone
	cancel      context.CancelFunc
	pid         int
	ua          string // User-Agent set on every tab ("" to keep Chromium's)
	dir         string // profile directory (and HOME, when trusting CAs in NSS), removed by stop
	lost        <-chan struct{}
}

// alive reports whether the browser still runs. The lost connection is
// seen first: chromedp cancels the context a moment later.
func (in *instance) alive() bool {
	select {
	case <-in.lost:
		return false
	default:
		return in.ctx.Err() == nil
	}
}

// Start launches Chromium with its proxy. The browser lives until Close;
// ctx bounds only the start.
//
// The authorities of Options.CACertPEM are added as trusted roots to an
// NSS database in a temporary HOME given to Chromium, made with certutil
// (Debian package libnss3-tools) found on PATH. Without certutil they are
// passed in --ignore-certificate-errors-spki-list instead, which Chromium
// only matches against the chain a server sends: a server must then send
// the CA certificate after its leaf. The log says which way is taken.
func Start(ctx context.Context, o Options) (*Pool, error) {
	certutil, err := exec.LookPath("certutil")
	if err != nil {
		certutil = ""
	}
	return start(ctx, o, certutil)
}

// start is Start with the certutil executable to use, "" for none.
func start(ctx context.Context, o Options, certutil string) (*Pool, error) {
	if o.ExecPath == "" {
		return nil, errors.New("browser: Options.ExecPath is empty (use Find)")
	}
	if o.Tabs <= 0 {
		o.Tabs = 1
	}
	if o.PageTimeout <= 0 {
		o.PageTimeout = 20 * time.Second
	}
	if o.AfterTyping <= 0 {
		o.AfterTyping = 2 * time.Second
	}
	if o.Settle <= 0 {
		o.Settle = 500 * time.Millisecond
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	cas, err := parseCAs(o.CACertPEM)
	if err != nil {
		return nil, err
	}
	var spki []string
	switch {
	case len(cas) == 0:
		certutil = ""
	case certutil != "":
		fmt.Fprintf(o.Log, "browser: trusting %d CA certificate(s) as roots in an NSS database made with %s\n", len(cas), certutil)
	default:
		spki = spkiList(cas)
		fmt.Fprintf(o.Log, "browser: certutil (Debian package libnss3-tools) not found on PATH: trusting %d CA certificate(s) "+
			"through --ignore-certificate-errors-spki-list, which needs servers to send them in their chain\n", len(cas))
	}
	px, err := startProxy(o.Dial)
	if err != nil {
		return nil, err
	}
	p := &Pool{o: o, proxy: px, slots: make(chan struct{}, o.Tabs), cas: cas, certutil: certutil}
	p.flags = p.execOptions(spki)
	in, err := p.launch(ctx)
	if err != nil {
		px.close()
		return nil, err
	}
	p.cur = in
	return p, nil
}

// execOptions lists Chromium's command line. Site isolation is turned off
// so that cross-origin frames stay in the page's renderer and target: one
// DevTools session then sees every frame's requests and DOM, and memory
// stays lower.
func (p *Pool) execOptions(spki []string) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(p.o.ExecPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.CombinedOutput(p.o.Log),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-hang-monitor", true),
		chromedp.Flag("disable-prompt-on-repost", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-ipc-flooding-protection", true),
		chromedp.Flag("disable-notifications", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("disable-site-isolation-trials", true),
		// navigator.webdriver stays false, as in a visitor's browser.
		chromedp.Flag("disable-blink-features", "AutomationControlled"),
		chromedp.Flag("disable-features", "site-per-process,IsolateOrigins,Translate,OptimizationHints,MediaRouter,"+
			"DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater,"+
			"InterestFeedContentSuggestions,PrivacySandboxSettings4,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable"),
		chromedp.Flag("proxy-server", "http://"+p.proxy.addr()),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		// Chromium resolves no name itself: everything goes to the proxy.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	}
	if p.o.UserAgent != "" {
		opts = append(opts, chromedp.UserAgent(p.o.UserAgent))
	}
	if len(spki) > 0 {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors-spki-list", strings.Join(spki, ",")))
	}
	return opts
}

// launch starts one Chromium process and waits until its DevTools
// connection answers, within ctx.
func (p *Pool) launch(ctx context.Context) (*instance, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	dir, err := profileDir()
	if err != nil {
		return nil, err
	}
	flags := append(p.flags[:len(p.flags):len(p.flags)], chromedp.UserDataDir(dir))
	if p.certutil != "" {
		home := filepath.Join(dir, "home")
		if err := trustInNSS(ctx, p.certutil, home, p.cas); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		flags = append(flags, chromedp.Env("HOME="+home))
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), flags...)
	bctx, bcancel := chromedp.NewContext(allocCtx)
	in := &instance{allocCancel: allocCancel, ctx: bctx, cancel: bcancel, dir: dir}
	errc := make(chan error, 1)
	// chromedp ties the browser's life to the context given to the first
	// Run, so ctx cannot be that context: it only bounds the wait.
	go func() { _, err := chromedp.Run(bctx, attach); errc <- err }()
	select {
	case err := <-errc:
		if err != nil {
			in.stop()
			return nil, fmt.Errorf("browser: start %s: %w", p.o.ExecPath, err)
		}
	case <-ctx.Done():
		in.stop()
		return nil, fmt.Errorf("browser: start %s: %w", p.o.ExecPath, ctx.Err())
	}
	c := chromedp.FromContext(bctx)
	in.lost = c.Browser.LostConnection
	if c.Browser.Process() != nil {
		in.pid = c.Browser.Process().Pid
	}
	if p.o.UserAgent == "" && p.o.UserAgentToken != "" {
		v, err := cdp.Call(ctx, c.Browser, browser.GetVersion, cdp.Empty{})
		if err != nil {
			in.stop()
			return nil, fmt.Errorf("browser: version of %s: %w", p.o.ExecPath, err)
		}
		in.ua = strings.Replace(v.UserAgent, "HeadlessChrome/", "Chrome/", 1) + " " + p.o.UserAgentToken
	}
	fmt.Fprintf(p.o.Log, "browser: started %s pid %d\n", p.o.ExecPath, in.pid)
	return in, nil
}

// attach is the action of a first Run: it does nothing, Run itself starts
// the browser or opens the tab.
func attach(context.Context, *chromedp.Target) (struct{}, error) { return struct{}{}, nil }

// stop kills the process and waits until its profile directory is gone.
func (in *instance) stop() {
	in.cancel()
	in.allocCancel()
	os.RemoveAll(in.dir)
}

// profileDir makes a fresh profile directory. Its preferences turn off the
// blocking of third-party cookies that Chromium applies by default to the
// off-the-record browser contexts sessions use: the audit must see the
// cookies trackers set in an ordinary visitor's browser.
func profileDir() (string, error) {
	dir, err := os.MkdirTemp("", "vigie-chromium-")
	if err != nil {
		return "", fmt.Errorf("browser: profile directory: %w", err)
	}
	prefs := `{"profile":{"cookie_controls_mode":0,"block_third_party_cookies":false}}`
	err = os.Mkdir(filepath.Join(dir, "Default"), 0o700)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "Default", "Preferences"), []byte(prefs), 0o600)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("browser: profile directory: %w", err)
	}
	return dir, nil
}

// current returns the live browser, starting a new one when the last died.
func (p *Pool) current(ctx context.Context) (*instance, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errors.New("browser: pool closed")
	}
	if p.cur != nil && p.cur.alive() {
		return p.cur, nil
	}
	if p.cur != nil {
		fmt.Fprintf(p.o.Log, "browser: pid %d gone, restarting\n", p.cur.pid)
		p.cur.stop()
		p.cur = nil
	}
	in, err := p.launch(ctx)
	if err != nil {
		return nil, err
	}
	p.cur = in
	return in, nil
}

// PIDs returns the process id of the current browser (none when it is not
// running).
func (p *Pool) PIDs() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur == nil || p.cur.pid == 0 || !p.cur.alive() {
		return nil
	}
	return []int{p.cur.pid}
}

// Close kills the browser, removes its profile directory (and with it the
// temporary HOME holding its NSS database) and stops the proxy. Sessions
// still open fail from then on.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	in := p.cur
	p.cur = nil
	p.mu.Unlock()
	if in != nil {
		in.stop()
	}
	return p.proxy.close()
}

package browser

import (
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"golang.org/x/net/publicsuffix"

	"vigie/observation"
)

// maxPostData caps the request bodies kept for the leak search.
const maxPostData = 64 << 10

// maxInlinePost is the largest body DevTools sends with a request event.
const maxInlinePost = 4 << 20

// recorder gathers the network events of one Render.
type recorder struct {
	mu       sync.Mutex
	reqs     []observation.Request
	ids      map[network.RequestID][]int // entries of a request id, redirects included
	pending  map[network.RequestID]network.Headers
	postLate map[int]network.RequestID // bodies to ask for with getRequestPostData
	inflight map[network.RequestID]cdp.LoaderID
	last     time.Time // last network activity
	typing   bool
	setBy    map[string]string // cookieKey -> URL of the response that set it
	load     chan struct{}
	loaded   bool
	crash    chan struct{} // closed when the tab's renderer crashed
	crashed  bool
}

func newRecorder() *recorder {
	return &recorder{
		ids:      map[network.RequestID][]int{},
		pending:  map[network.RequestID]network.Headers{},
		postLate: map[int]network.RequestID{},
		inflight: map[network.RequestID]cdp.LoaderID{},
		setBy:    map[string]string{},
		load:     make(chan struct{}),
		crash:    make(chan struct{}),
		last:     time.Now(),
	}
}

func (r *recorder) event(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *page.EventLoadEventFired:
		if !r.loaded {
			r.loaded = true
			close(r.load)
		}
	case *page.EventFrameNavigated:
		// The top document changed: what the old one still loaded was
		// cancelled, often without a loadingFailed event.
		if ev.Frame != nil && ev.Frame.ParentID == "" {
			for id, loader := range r.inflight {
				if loader != "" && loader != ev.Frame.LoaderID {
					delete(r.inflight, id)
				}
			}
		}
	case *inspector.EventTargetCrashed:
		if !r.crashed {
			r.crashed = true
			close(r.crash)
		}
	case *network.EventRequestWillBeSent:
		r.last = time.Now()
		if ev.Request == nil {
			return
		}
		if ev.RedirectResponse != nil {
			if idx := r.ids[ev.RequestID]; len(idx) > 0 {
				r.reqs[idx[len(idx)-1]].Status = int(ev.RedirectResponse.Status)
			}
		}
		q := observation.Request{
			URL:         ev.Request.URL + ev.Request.URLFragment,
			Method:      ev.Request.Method,
			Type:        strings.ToLower(string(ev.Type)),
			Initiator:   initiator(ev.Initiator),
			AfterTyping: r.typing,
			Header:      headerMap(ev.Request.Headers, nil),
		}
		if q.Type == "" {
			q.Type = "other"
		}
		var body []byte
		for _, e := range ev.Request.PostDataEntries {
			body = append(body, e.Bytes...)
			if len(body) >= maxPostData {
				break
			}
		}
		q.PostData = capString(string(body))
		i := len(r.reqs)
		if ev.Request.HasPostData && len(body) == 0 {
			r.postLate[i] = ev.RequestID
		}
		if h, ok := r.pending[ev.RequestID]; ok {
			q.Header = headerMap(h, q.Header)
			delete(r.pending, ev.RequestID)
		}
		r.reqs = append(r.reqs, q)
		r.ids[ev.RequestID] = append(r.ids[ev.RequestID], i)
		r.inflight[ev.RequestID] = ev.LoaderID
	case *network.EventRequestWillBeSentExtraInfo:
		// The raw headers (Cookie included) can come before or after the
		// request they belong to.
		if idx := r.ids[ev.RequestID]; len(idx) > 0 {
			q := &r.reqs[idx[len(idx)-1]]
			q.Header = headerMap(ev.Headers, q.Header)
		} else {
			r.pending[ev.RequestID] = ev.Headers
		}
	case *network.EventWebSocketCreated:
		r.last = time.Now()
		r.reqs = append(r.reqs, observation.Request{URL: ev.URL, Method: "GET", Type: "websocket",
			Initiator: initiator(ev.Initiator), AfterTyping: r.typing})
	case *network.EventResponseReceived:
		r.last = time.Now()
		if idx := r.ids[ev.RequestID]; len(idx) > 0 && ev.Response != nil {
			r.reqs[idx[len(idx)-1]].Status = int(ev.Response.Status)
		}
	case *network.EventResponseReceivedExtraInfo:
		r.setCookies(ev)
	case *network.EventLoadingFinished:
		r.last = time.Now()
		delete(r.inflight, ev.RequestID)
	case *network.EventLoadingFailed:
		r.last = time.Now()
		delete(r.inflight, ev.RequestID)
	}
}

// setCookies notes which response set which cookie, from the raw
// Set-Cookie headers.
func (r *recorder) setCookies(ev *network.EventResponseReceivedExtraInfo) {
	idx := r.ids[ev.RequestID]
	if len(idx) == 0 {
		return
	}
	// A redirect's extra info can arrive after the next hop was sent: take
	// the latest hop with the same status.
	at := idx[len(idx)-1]
	for k := len(idx) - 1; k >= 0; k-- {
		if st := r.reqs[idx[k]].Status; st == int(ev.StatusCode) || st == 0 {
			at = idx[k]
			break
		}
	}
	respURL := r.reqs[at].URL

	u, err := url.Parse(respURL)
	if err != nil {
		return
	}
	for k, v := range ev.Headers {
		if !strings.EqualFold(k, "set-cookie") {
			continue
		}
		s, _ := v.(string)
		for _, line := range strings.Split(s, "\n") {
			name, domain, ok := parseSetCookie(line, u.Hostname())
			if !ok {
				continue
			}
			r.setBy[cookieKey(name, domain)] = respURL
		}
	}
}

// parseSetCookie returns the name and the domain of a Set-Cookie line; the
// domain is the request's host when the line names none.
func parseSetCookie(line, host string) (name, domain string, ok bool) {
	parts := strings.Split(line, ";")
	nv := strings.TrimSpace(parts[0])
	eq := strings.IndexByte(nv, '=')
	if eq < 0 {
		return "", "", false
	}
	name, domain = strings.TrimSpace(nv[:eq]), host
	for _, a := range parts[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(a), "=")
		if strings.EqualFold(strings.TrimSpace(k), "domain") && strings.TrimSpace(v) != "" {
			domain = strings.TrimSpace(v)
		}
	}
	return name, domain, name != ""
}

func cookieKey(name, domain string) string {
	return name + "\x00" + strings.ToLower(strings.TrimPrefix(domain, "."))
}

// quiet reports whether no request is in flight and nothing happened on the
// network for d.
func (r *recorder) quiet(d time.Duration) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.inflight) == 0 && time.Since(r.last) >= d
}

func (r *recorder) startTyping() {
	r.mu.Lock()
	r.typing = true
	r.mu.Unlock()
}

// initiator returns the URL of what caused a request: the initiator's URL,
// else the top frame of its script stack.
func initiator(in *network.Initiator) string {
	if in == nil {
		return ""
	}
	if in.URL != "" {
		return in.URL
	}
	for st := in.Stack; st != nil; st = st.Parent {
		for _, f := range st.CallFrames {
			if f.URL != "" {
				return f.URL
			}
		}
	}
	return ""
}

// headerMap adds h to into (made when nil); names are lower case.
func headerMap(h network.Headers, into map[string]string) map[string]string {
	if len(h) == 0 {
		return into
	}
	if into == nil {
		into = make(map[string]string, len(h))
	}
	for k, v := range h {
		if s, ok := v.(string); ok {
			into[strings.ToLower(k)] = s
		}
	}
	return into
}

func capString(s string) string {
	if len(s) > maxPostData {
		return s[:maxPostData]
	}
	return s
}

// party returns the registrable domain of host, or host itself for IP
// addresses and names without a public suffix match.
func party(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || net.ParseIP(host) != nil {
		return host
	}
	if p, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return p
	}
	return host
}

// urlParty is party of a URL's host; "" for URLs without one (data:, blob:
// of an opaque origin).
func urlParty(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if u.Scheme == "blob" {
		if inner, err := url.Parse(u.Opaque); err == nil {
			u = inner
		}
	}
	return party(u.Hostname())
}

package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"vigie/fetch"
	"vigie/store"
	"vigie/target"
)

func itoa(n int) string { return strconv.Itoa(n) }

// lookupTimeout bounds the resolution of one target host.
const lookupTimeout = 5 * time.Second

// maxLaunchTargets caps the sites of one scan launched from the dashboard.
const maxLaunchTargets = 10000

type scanRow struct {
	store.ScanSummary
	Running     bool
	Done, Total int
	Name        string
}

type scansData struct {
	Rows   []scanRow
	Groups []string
	// Targets is the submitted list, kept when the launch is refused.
	Targets   string
	CanLaunch bool
}

var scanHeader = []string{"scan", "started", "ended", "version", "targets", "sites", "failed", "new", "fixed", "regressed", "critical", "high", "medium", "low", "info"}

type scanRecord struct {
	ID        string         `json:"scan"`
	Started   time.Time      `json:"started"`
	Ended     *time.Time     `json:"ended,omitempty"`
	Version   string         `json:"version"`
	Targets   int            `json:"targets"`
	Sites     int            `json:"sites"`
	Failed    int            `json:"failed"`
	New       int            `json:"new"`
	Fixed     int            `json:"fixed"`
	Regressed int            `json:"regressed"`
	Seen      map[string]int `json:"seen"`
}

func (s *Server) scans(w http.ResponseWriter, r *http.Request, v *view) {
	s.renderScans(w, r, v, http.StatusOK, "")
}

func (s *Server) renderScans(w http.ResponseWriter, r *http.Request, v *view, status int, targets string) {
	format := r.URL.Query().Get("format")
	limit := 100
	if format != "" {
		limit = 0
	}
	all, err := s.o.Browser.ScanSummaries(r.Context(), limit)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	if format != "" {
		e, err := newExporter(w, format, "scans", scanHeader)
		if err != nil {
			s.fail(w, r, v, http.StatusBadRequest, err)
			return
		}
		for _, sc := range all {
			rec := scanRecord{sc.ID, sc.Started.UTC(), nil, sc.Version, sc.Targets, sc.Sites, sc.Failed, sc.New, sc.Fixed, sc.Regressed, sc.Seen}
			ended := ""
			if !sc.Ended.IsZero() {
				e := sc.Ended.UTC()
				rec.Ended, ended = &e, e.Format(time.RFC3339)
			}
			cells := append([]string{sc.ID, sc.Started.UTC().Format(time.RFC3339), ended, sc.Version, itoa(sc.Targets), itoa(sc.Sites),
				itoa(sc.Failed), itoa(sc.New), itoa(sc.Fixed), itoa(sc.Regressed)}, severityCells(sc.Seen)...)
			if err = e.row(cells, rec); err != nil {
				break
			}
		}
		if err == nil {
			err = e.close()
		}
		if err != nil {
			s.o.Log.Warn("export scans", "err", err)
		}
		return
	}
	d := scansData{Targets: targets, CanLaunch: s.o.Launcher != nil && v.Editor()}
	for _, sc := range all {
		row := scanRow{ScanSummary: sc, Running: sc.Ended.IsZero(), Done: sc.Sites, Total: sc.Targets, Name: sc.Settings["name"]}
		if row.Running {
			p := s.progress(r.Context(), sc.ID)
			row.Done, row.Total, row.Running = p.Done, p.Total, !p.Finished
		}
		d.Rows = append(d.Rows, row)
	}
	if d.CanLaunch {
		if d.Groups, err = s.groups(r); err != nil {
			s.fail(w, r, v, http.StatusInternalServerError, err)
			return
		}
	}
	s.render(w, r, v, status, "scans.html", d)
}

// groups lists the saved groups of sites a scan may be launched on: each
// tag ("tag:X") and each organisation ("organisation:Y") of known sites.
func (s *Server) groups(r *http.Request) ([]string, error) {
	seen := map[string]bool{}
	if s.o.Watch != nil {
		saved, err := s.o.Watch.Groups(r.Context())
		if err != nil {
			return nil, err
		}
		for _, g := range saved {
			seen[g.Name] = true
		}
	}
	err := s.eachSite(r, store.SiteQuery{}, func(site store.SiteSummary) error {
		for _, t := range site.Tags {
			seen["tag:"+t] = true
		}
		if site.Organisation != "" {
			seen["organisation:"+site.Organisation] = true
		}
		return nil
	})
	var out []string
	for g := range seen {
		out = append(out, g)
	}
	slices.Sort(out)
	return out, err
}

// progressJSON is the answer of the progress endpoint.
type progressJSON struct {
	Scan     string `json:"scan"`
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Finished bool   `json:"finished"`
	Error    string `json:"error,omitempty"`
}

// progress reads a scan's progress from the launcher when it launched it,
// else from the store.
func (s *Server) progress(ctx context.Context, id string) progressJSON {
	p := progressJSON{Scan: id}
	if s.o.Launcher != nil {
		done, total, finished, err := s.o.Launcher.Progress(id)
		if err == nil || finished {
			p.Done, p.Total, p.Finished = done, total, finished
			if err != nil {
				p.Error = err.Error()
			}
			return p
		}
	}
	// The scan's summary counts its recorded sites without reading them
	// (a running scan of 100,000 sites); scans are few enough to walk.
	all, err := s.o.Browser.ScanSummaries(ctx, 0)
	if err != nil {
		p.Error = err.Error()
		return p
	}
	for _, sc := range all {
		if sc.ID == id {
			p.Done, p.Total, p.Finished = sc.Sites, sc.Targets, !sc.Ended.IsZero()
			return p
		}
	}
	p.Error = fmt.Sprintf("scan %s: %v", id, store.ErrNotFound)
	return p
}

func (s *Server) scanProgress(w http.ResponseWriter, r *http.Request, v *view) {
	id := r.PathValue("id")
	if _, err := s.o.Store.Scan(r.Context(), id); err != nil {
		s.fail(w, r, v, http.StatusNotFound, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(s.progress(r.Context(), id))
}

// launchTargets reads the targets of a launch form: a list (one URL or
// host a line) or a saved group.
func (s *Server) launchTargets(r *http.Request) ([]target.Target, string, []string, error) {
	return s.resolveLaunch(r.Context(), r.PostFormValue("group"), r.PostFormValue("targets"))
}

func (s *Server) launch(w http.ResponseWriter, r *http.Request, v *view) {
	if s.o.Launcher == nil {
		s.fail(w, r, v, http.StatusNotFound, nil)
		return
	}
	list := r.PostFormValue("targets")
	ts, name, bad, err := s.launchTargets(r)
	if err != nil {
		s.fail(w, r, v, http.StatusBadRequest, err)
		return
	}
	if len(bad) > 0 || len(ts) == 0 || len(ts) > maxLaunchTargets {
		v.Error, v.Detail = "scans.badtargets", bad
		if len(ts) > maxLaunchTargets {
			v.Detail = append(v.Detail, fmt.Sprintf("%d > %d", len(ts), maxLaunchTargets))
		}
		s.renderScans(w, r, v, http.StatusBadRequest, list)
		return
	}
	if !s.o.AllowPrivate {
		if refused := s.refusePrivate(r.Context(), ts); len(refused) > 0 {
			v.Error, v.Detail = "scans.private", refused
			s.renderScans(w, r, v, http.StatusForbidden, list)
			return
		}
	}
	// The scan outlives the request: the launcher gives it the server's
	// context, not this one.
	id, err := s.o.Launcher.Launch(r.Context(), ts, name)
	if err != nil {
		v.Error, v.Detail = "scans.failed.launch", []string{err.Error()}
		s.renderScans(w, r, v, http.StatusInternalServerError, list)
		return
	}
	s.o.Log.Info("scan launched", "scan", id, "user", v.User.Name, "sites", len(ts))
	http.Redirect(w, r, "/scans#scan-"+id, http.StatusSeeOther)
}

// refusePrivate returns why each target that reaches a private, loopback
// or link-local address is refused: "TARGET: ADDRESS is loopback".
//
// Hosts are resolved lookupWorkers at a time, each once, within
// launchLookupTimeout in all: a list of thousands of sites must not hold
// the request for thousands of lookups in a row. A host not resolved in
// time is refused (the launch can be tried again).
func (s *Server) refusePrivate(ctx context.Context, ts []target.Target) []string {
	ctx, cancel := context.WithTimeout(ctx, launchLookupTimeout)
	defer cancel()
	hosts := map[string]string{}
	var order []string
	for _, t := range ts {
		if _, ok := hosts[t.Host]; !ok {
			hosts[t.Host] = ""
			order = append(order, t.Host)
		}
	}
	work := make(chan string)
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for range min(lookupWorkers, len(order)) {
		wg.Go(func() {
			for h := range work {
				why := s.privateTarget(ctx, h)
				mu.Lock()
				hosts[h] = why
				mu.Unlock()
			}
		})
	}
	for _, h := range order {
		work <- h
	}
	close(work)
	wg.Wait()
	var out []string
	for _, t := range ts {
		if why := hosts[t.Host]; why != "" {
			out = append(out, t.Input+": "+why)
		}
	}
	return out
}

// lookupWorkers and launchLookupTimeout bound the resolution of a
// launch's hosts.
const (
	lookupWorkers       = 32
	launchLookupTimeout = 20 * time.Second
)

// privateTarget returns why host may not be scanned from the dashboard, ""
// when it may.
func (s *Server) privateTarget(ctx context.Context, host string) string {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if why := fetch.PrivateAddr(a); why != "" {
			return fmt.Sprintf("%s is a %s address", a, why)
		}
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	var (
		addrs []netip.Addr
		err   error
	)
	if s.o.Lookup != nil {
		addrs, err = s.o.Lookup(ctx, host)
	} else {
		addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return "the name does not resolve"
		}
		return "cannot resolve: " + err.Error()
	}
	for _, a := range addrs {
		if why := fetch.PrivateAddr(a); why != "" {
			return fmt.Sprintf("%s resolves to %s, a %s address", host, a, why)
		}
	}
	return ""
}

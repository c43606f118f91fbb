package web

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWatchPage(t *testing.T) {
	env := newEnv(t, nil)
	ctx := t.Context()
	ed := env.client().login("ed")
	vi := env.client().login("vi")
	post := func(c *client, path string, form url.Values) int {
		form.Set("csrf", c.csrf("/watch"))
		return c.post(path, form).Code
	}
	steps := []struct {
		name string
		c    *client
		path string
		form url.Values
		want int
	}{
		{"group", ed, "/watch/groups", url.Values{"action": {"create"}, "name": {"mairies"}, "tags": {"mairie"}}, http.StatusSeeOther},
		{"group again", ed, "/watch/groups", url.Values{"action": {"create"}, "name": {"mairies"}, "tags": {"mairie"}}, http.StatusConflict},
		{"empty group", ed, "/watch/groups", url.Values{"action": {"create"}, "name": {"vide"}}, http.StatusBadRequest},
		{"colon", ed, "/watch/groups", url.Values{"action": {"create"}, "name": {"tag:x"}, "tags": {"x"}}, http.StatusBadRequest},
		{"viewer group", vi, "/watch/groups", url.Values{"action": {"create"}, "name": {"v"}, "tags": {"x"}}, http.StatusForbidden},
		{"rename", ed, "/watch/groups", url.Values{"action": {"rename"}, "name": {"mairies"}, "to": {"communes"}}, http.StatusSeeOther},
		{"label", ed, "/watch/labels", url.Values{"action": {"add"}, "kind": {"organisation"}, "subject": {"Préfecture A"}, "tag": {"etat"}}, http.StatusSeeOther},
		{"viewer label", vi, "/watch/labels", url.Values{"action": {"add"}, "kind": {"site"}, "subject": {"x"}, "tag": {"y"}}, http.StatusForbidden},
		{"schedule", ed, "/watch/schedules", url.Values{"action": {"create"}, "name": {"nuit"}, "kind": {"scan"}, "group": {"communes"}, "cron": {"0 3 * * *"}}, http.StatusSeeOther},
		{"bad cron", ed, "/watch/schedules", url.Values{"action": {"create"}, "name": {"x"}, "kind": {"scan"}, "group": {"communes"}, "cron": {"99 * * * *"}}, http.StatusBadRequest},
		{"unknown group", ed, "/watch/schedules", url.Values{"action": {"create"}, "name": {"x"}, "kind": {"scan"}, "group": {"nope"}, "every": {"24h"}}, http.StatusNotFound},
		{"verify", ed, "/watch/schedules", url.Values{"action": {"create"}, "name": {"verif"}, "kind": {"verify"}, "every": {"24h"}}, http.StatusSeeOther},
		{"viewer subscription", vi, "/watch/subscriptions", url.Values{"action": {"create"}, "email": {"vi@example.org"}, "lang": {"fr"}, "groups": {"communes"}, "min_severity": {"high"}, "digest": {"daily"}}, http.StatusOK},
		{"info threshold", vi, "/watch/subscriptions", url.Values{"action": {"create"}, "email": {"vi@example.org"}, "min_severity": {"info"}, "digest": {"daily"}}, http.StatusBadRequest},
	}
	for _, s := range steps {
		if got := post(s.c, s.path, s.form); got != s.want {
			t.Errorf("%s: %d, want %d", s.name, got, s.want)
		}
	}
	g, err := env.db.Group(ctx, "communes")
	if err != nil || g.Tags[0] != "mairie" {
		t.Errorf("renamed group: %+v, %v", g, err)
	}
	scheds, _ := env.db.Schedules(ctx)
	if len(scheds) != 2 || scheds[0].Group != "communes" || scheds[0].NextRun.IsZero() {
		t.Errorf("schedules = %+v", scheds)
	}
	// Lists filter by the label: sites, findings, organisations.
	for _, path := range []string{"/sites?tag=etat", "/findings?tag=etat", "/organisations?tag=etat"} {
		body := vi.get(path).Body.String()
		if !strings.Contains(body, "prefecture-a.test") || strings.Contains(body, "mairie-b.test") {
			t.Errorf("%s: the label does not filter", path)
		}
	}
	// A webhook subscription shows its secret once.
	rec := vi.post("/watch/subscriptions", url.Values{"csrf": {vi.csrf("/watch")}, "action": {"create"}, "webhook": {"https://hooks.example.org/v"}, "lang": {"en"}, "min_severity": {"low"}, "digest": {"immediate"}})
	subs, _ := env.db.Subscriptions(ctx, "vi")
	var secret string
	for _, s := range subs {
		if s.Webhook != "" {
			secret = s.Secret
		}
	}
	if len(subs) != 2 || secret == "" || !strings.Contains(rec.Body.String(), secret) || strings.Contains(vi.get("/watch").Body.String(), secret) {
		t.Errorf("webhook secret not shown exactly once (%d subscriptions)", len(subs))
	}
	// Nobody deletes another's subscription.
	if got := post(ed, "/watch/subscriptions", url.Values{"action": {"delete"}, "id": {subs[0].ID}}); got != http.StatusNotFound {
		t.Errorf("ed deleting vi's subscription: %d", got)
	}
	if got := post(ed, "/watch/groups", url.Values{"action": {"delete"}, "name": {"communes"}}); got != http.StatusSeeOther {
		t.Errorf("delete group: %d", got)
	}
	if gs, _ := env.db.Groups(ctx); len(gs) != 0 {
		t.Errorf("groups after delete: %+v", gs)
	}
}

// A long list's hosts are resolved in parallel, each once, with a bound.
func TestLaunchResolvesInParallel(t *testing.T) {
	var (
		mu            sync.Mutex
		running, peak int
		seen          = map[string]int{}
	)
	env := newEnv(t, func(o *Options) {
		o.Lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			mu.Lock()
			running++
			peak = max(peak, running)
			seen[host]++
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			if host == "www.site-0150.test" {
				return []netip.Addr{netip.MustParseAddr("10.1.2.3")}, nil
			}
			return []netip.Addr{netip.MustParseAddr("203.0.113.9")}, nil
		}
	})
	ed := env.client().login("ed")
	var list []string
	for i := range 300 {
		list = append(list, fmt.Sprintf("https://www.site-%04d.test/", i), fmt.Sprintf("http://www.site-%04d.test/other", i))
	}
	rec := ed.post("/scans", url.Values{"csrf": {ed.csrf("/scans")}, "targets": {strings.Join(list, "\n")}})
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "www.site-0150.test") {
		t.Errorf("launch with one private host among 600 targets: %d", rec.Code)
	}
	if len(seen) != 300 || peak < 2 || peak > lookupWorkers {
		t.Errorf("%d hosts resolved, at most %d at once; want 300, in parallel, at most %d", len(seen), peak, lookupWorkers)
	}
	for h, n := range seen {
		if n != 1 {
			t.Errorf("%s resolved %d times", h, n)
		}
	}
}

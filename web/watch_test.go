package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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

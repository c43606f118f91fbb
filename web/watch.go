package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"vigie/finding"
	"vigie/store"
	"vigie/watch"
)

// The Watch page: saved groups and labels, schedules, the user's alert
// subscriptions and API keys, and the delivery log.

type watchData struct {
	Groups        []store.Group
	Labels        []store.Label
	Schedules     []store.Schedule
	Subscriptions []store.Subscription
	Keys          []store.APIKey
	Deliveries    []store.Delivery
	GroupNames    []string
	// NewKey and NewSecret are shown once, right after their creation.
	NewKey, NewSecret string
}

func (s *Server) watchPage(w http.ResponseWriter, r *http.Request, v *view) {
	s.renderWatch(w, r, v, http.StatusOK, watchData{})
}

func (s *Server) renderWatch(w http.ResponseWriter, r *http.Request, v *view, status int, d watchData) {
	ctx := r.Context()
	var err error
	if d.Groups, err = s.o.Watch.Groups(ctx); err == nil {
		if d.Labels, err = s.o.Watch.Labels(ctx, ""); err == nil {
			if d.Schedules, err = s.o.Watch.Schedules(ctx); err == nil {
				if d.Subscriptions, err = s.o.Watch.Subscriptions(ctx, v.User.Name); err == nil {
					if d.Keys, err = s.o.Watch.APIKeys(ctx, v.User.Name); err == nil {
						d.Deliveries, err = s.o.Watch.Deliveries(ctx, v.User.Name, 50)
					}
				}
			}
		}
	}
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	for _, g := range d.Groups {
		d.GroupNames = append(d.GroupNames, g.Name)
	}
	s.render(w, r, v, status, "watch.html", d)
}

// watchError shows the page again with a message; store errors that are
// the user's (a name taken, a thing gone) are shown, others logged.
func (s *Server) watchError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, store.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, store.ErrExists):
		status = http.StatusConflict
	}
	v.Error, v.Detail = "watch.refused", []string{err.Error()}
	s.renderWatch(w, r, v, status, watchData{})
}

// list splits a comma- or line-separated field.
func list(v string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func (s *Server) watchGroups(w http.ResponseWriter, r *http.Request, v *view) {
	ctx, name := r.Context(), strings.TrimSpace(r.PostFormValue("name"))
	var err error
	switch r.PostFormValue("action") {
	case "create", "update":
		g := store.Group{Name: name, Sites: list(r.PostFormValue("sites")), Tags: list(r.PostFormValue("tags")),
			Organisations: list(r.PostFormValue("organisations")), Created: s.o.Now()}
		if strings.ContainsRune(name, ':') {
			err = fmt.Errorf("group name %q: no colon (tag:X and organisation:Y are taken)", name)
		} else if len(g.Sites)+len(g.Tags)+len(g.Organisations) == 0 {
			err = fmt.Errorf("group %q selects no site: give sites, tags or organisations", name)
		} else if r.PostFormValue("action") == "create" {
			err = s.o.Watch.CreateGroup(ctx, g)
		} else {
			err = s.o.Watch.PutGroup(ctx, g)
		}
	case "rename":
		to := strings.TrimSpace(r.PostFormValue("to"))
		if strings.ContainsRune(to, ':') {
			err = fmt.Errorf("group name %q: no colon", to)
		} else {
			err = s.o.Watch.RenameGroup(ctx, name, to)
		}
	case "delete":
		err = s.o.Watch.DeleteGroup(ctx, name)
	default:
		err = errors.New("unknown action")
	}
	s.watchDone(w, r, v, err, "group", name)
}

func (s *Server) watchDone(w http.ResponseWriter, r *http.Request, v *view, err error, what, name string) {
	if err != nil {
		s.watchError(w, r, v, err)
		return
	}
	s.o.Log.Info("watch changed", "what", what, "action", r.PostFormValue("action"), "name", name, "user", v.User.Name)
	http.Redirect(w, r, "/watch#"+what+"s", http.StatusSeeOther)
}

func (s *Server) watchLabels(w http.ResponseWriter, r *http.Request, v *view) {
	l := store.Label{Kind: r.PostFormValue("kind"), Subject: strings.TrimSpace(r.PostFormValue("subject")), Tag: strings.TrimSpace(r.PostFormValue("tag"))}
	var err error
	switch r.PostFormValue("action") {
	case "add":
		err = s.o.Watch.AddLabel(r.Context(), l)
	case "remove":
		err = s.o.Watch.RemoveLabel(r.Context(), l)
	default:
		err = errors.New("unknown action")
	}
	s.watchDone(w, r, v, err, "label", l.Tag)
}

// parseSchedule reads a schedule form: "every" is a Go duration (24h,
// 90m) or a number of hours; "cron" five cron fields or a descriptor.
func (s *Server) parseSchedule(r *http.Request, owner string) (store.Schedule, error) {
	sc := store.Schedule{Name: strings.TrimSpace(r.PostFormValue("name")), Kind: r.PostFormValue("kind"), Group: r.PostFormValue("group"),
		Cron: strings.TrimSpace(r.PostFormValue("cron")), Browser: r.PostFormValue("browser") == "1", Active: r.PostFormValue("active") == "1",
		Owner: owner, Created: s.o.Now()}
	if sc.Name == "" {
		return sc, errors.New("a schedule needs a name")
	}
	if e := strings.TrimSpace(r.PostFormValue("every")); e != "" {
		d, err := time.ParseDuration(e)
		if err != nil {
			return sc, fmt.Errorf("interval %q: want a duration such as 24h or 30m", e)
		}
		sc.Every = d
	}
	switch sc.Kind {
	case store.ScheduleScan:
		if _, err := s.o.Watch.Group(r.Context(), sc.Group); err != nil {
			return sc, fmt.Errorf("group %q: %w", sc.Group, err)
		}
	case store.ScheduleVerify:
		sc.Group, sc.Browser, sc.Active = "", false, false
	default:
		return sc, fmt.Errorf("kind %q: want scan or verify", sc.Kind)
	}
	if err := watch.Validate(sc); err != nil {
		return sc, err
	}
	// An interval schedule first runs now; cron times at their next time.
	sc.NextRun = s.o.Now()
	if sc.Cron != "" {
		next, err := watch.Next(sc, s.o.Now())
		if err != nil {
			return sc, err
		}
		sc.NextRun = next
	}
	return sc, nil
}

func (s *Server) watchSchedules(w http.ResponseWriter, r *http.Request, v *view) {
	var err error
	name := r.PostFormValue("name")
	switch r.PostFormValue("action") {
	case "create":
		var sc store.Schedule
		if sc, err = s.parseSchedule(r, v.User.Name); err == nil {
			err = s.o.Watch.PutSchedule(r.Context(), sc)
		}
	case "delete":
		err = s.o.Watch.DeleteSchedule(r.Context(), name)
	default:
		err = errors.New("unknown action")
	}
	s.watchDone(w, r, v, err, "schedule", name)
}

// randomSecret returns n random bytes in hex.
func randomSecret(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails, see crypto/rand.Read
	return hex.EncodeToString(b)
}

func (s *Server) watchSubscriptions(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	switch r.PostFormValue("action") {
	case "create":
		sub := &store.Subscription{User: v.User.Name, Email: strings.TrimSpace(r.PostFormValue("email")),
			Webhook: strings.TrimSpace(r.PostFormValue("webhook")), Lang: r.PostFormValue("lang"),
			Groups: r.PostForm["groups"], MinSeverity: r.PostFormValue("min_severity"), Digest: r.PostFormValue("digest"),
			Fixes: r.PostFormValue("fixes") == "1", Created: s.o.Now()}
		if sub.Lang != "fr" {
			sub.Lang = "en"
		}
		if _, err := finding.ParseThreshold(sub.MinSeverity); err != nil {
			s.watchError(w, r, v, err)
			return
		}
		if sub.Webhook != "" {
			u, err := url.Parse(sub.Webhook)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				s.watchError(w, r, v, fmt.Errorf("webhook %q: want an http(s) URL", sub.Webhook))
				return
			}
			sub.Secret = randomSecret(32)
		}
		if err := s.o.Watch.CreateSubscription(ctx, sub); err != nil {
			s.watchError(w, r, v, err)
			return
		}
		s.o.Log.Info("subscription created", "user", v.User.Name, "id", sub.ID)
		// The webhook's secret is shown once, here.
		s.renderWatch(w, r, v, http.StatusOK, watchData{NewSecret: sub.Secret})
	case "delete":
		id := r.PostFormValue("id")
		subs, err := s.o.Watch.Subscriptions(ctx, v.User.Name)
		if err == nil {
			err = fmt.Errorf("subscription %s: %w", id, store.ErrNotFound)
			for _, x := range subs {
				if x.ID == id { // only one's own
					err = s.o.Watch.DeleteSubscription(ctx, id)
				}
			}
		}
		s.watchDone(w, r, v, err, "subscription", id)
	default:
		s.watchError(w, r, v, errors.New("unknown action"))
	}
}

// CreateAPIKey makes a key for user and returns it; the store keeps its
// SHA-256 only, so this is the one time it is seen.
func (s *Server) CreateAPIKey(ctx context.Context, user, name string) (string, error) {
	if s.o.Watch == nil {
		return "", errors.New("web: no store for API keys")
	}
	key := APIKeyPrefix + randomToken()
	err := s.o.Watch.CreateAPIKey(ctx, store.APIKey{ID: randomSecret(6), User: user, Name: name, Hash: tokenHash(key), Created: s.o.Now()})
	return key, err
}

func (s *Server) watchKeys(w http.ResponseWriter, r *http.Request, v *view) {
	switch r.PostFormValue("action") {
	case "create":
		key, err := s.CreateAPIKey(r.Context(), v.User.Name, strings.TrimSpace(r.PostFormValue("name")))
		if err != nil {
			s.watchError(w, r, v, err)
			return
		}
		s.o.Log.Info("API key created", "user", v.User.Name)
		s.renderWatch(w, r, v, http.StatusOK, watchData{NewKey: key})
	case "revoke":
		id := r.PostFormValue("id")
		s.watchDone(w, r, v, s.o.Watch.RevokeAPIKey(r.Context(), v.User.Name, id, s.o.Now()), "key", id)
	default:
		s.watchError(w, r, v, errors.New("unknown action"))
	}
}

// tagged returns the organisations and sites that carry tag (scan input
// or label), for the lists that filter by tag.
func (s *Server) tagged(r *http.Request, tag string) (orgs, sites map[string]bool, err error) {
	orgs, sites = map[string]bool{}, map[string]bool{}
	err = s.eachSite(r, store.SiteQuery{Tag: tag}, func(site store.SiteSummary) error {
		sites[site.URL] = true
		return nil
	})
	if err != nil || s.o.Watch == nil {
		return orgs, sites, err
	}
	ls, err := s.o.Watch.Labels(r.Context(), store.LabelOrganisation)
	for _, l := range ls {
		if l.Tag == tag {
			orgs[l.Subject] = true
		}
	}
	return orgs, sites, err
}

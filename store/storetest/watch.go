package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"vigie/finding"
	"vigie/store"
)

// WatchStore is a back end under RunWatch.
type WatchStore interface {
	store.Store
	store.Browser
	store.Accounts
	store.Watch
}

// RunWatch runs the suite of store.Watch. open must return an empty store;
// RunWatch closes every store it returns.
func RunWatch(t *testing.T, open func(t *testing.T) WatchStore) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, h *harness, w WatchStore)
	}{
		{"Groups", testGroups},
		{"Labels", testLabels},
		{"Schedules", testSchedules},
		{"Subscriptions", testSubscriptions},
		{"APIKeys", testAPIKeys},
		{"SessionIdle", testSessionIdle},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(t *testing.T) store.Store { return open(t) })
			tc.run(t, h, h.s.(WatchStore))
		})
	}
}

func siteURLs(ss []store.SiteSummary) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.URL)
	}
	return out
}

func testGroups(t *testing.T, h *harness, w WatchStore) {
	ctx := t.Context()
	h.scans(w, 1)
	h.record(w, "scan1", audit(siteA, orgA, t0, "prefecture"))
	h.record(w, "scan1", audit(siteB, orgB, t0, "region"))
	g := store.Group{Name: "ain", Tags: []string{"prefecture"}, Sites: []string{"https://never.example/"}, Created: t0}
	if err := w.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	if err := w.CreateGroup(ctx, g); !errors.Is(err, store.ErrExists) {
		t.Errorf("CreateGroup twice: %v, want ErrExists", err)
	}
	got, err := w.GroupSites(ctx, "ain")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://never.example/", siteA}; !reflect.DeepEqual(siteURLs(got), want) {
		t.Errorf("GroupSites = %v, want %v", siteURLs(got), want)
	}
	g.Organisations = []string{orgB}
	if err := w.PutGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	got, _ = w.GroupSites(ctx, "ain")
	if len(got) != 3 {
		t.Errorf("GroupSites after adding %s = %v, want 3 sites", orgB, siteURLs(got))
	}
	if err := w.PutSchedule(ctx, store.Schedule{Name: "weekly", Kind: store.ScheduleScan, Group: "ain", Every: time.Hour, Created: t0}); err != nil {
		t.Fatal(err)
	}
	if err := w.PutUser(ctx, alice); err != nil {
		t.Fatal(err)
	}
	sub := &store.Subscription{User: "alice", Email: "a@example.org", Groups: []string{"ain"}, MinSeverity: "low", Digest: store.DigestImmediate, Created: t0}
	if err := w.CreateSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if err := w.RenameGroup(ctx, "ain", "prefectures"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Group(ctx, "ain"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Group(old name): %v, want ErrNotFound", err)
	}
	scheds, _ := w.Schedules(ctx)
	subs, _ := w.Subscriptions(ctx, "alice")
	if len(scheds) != 1 || scheds[0].Group != "prefectures" || len(subs) != 1 || !reflect.DeepEqual(subs[0].Groups, []string{"prefectures"}) {
		t.Errorf("after rename: schedules %+v, subscriptions %+v: want the new name", scheds, subs)
	}
	if err := w.DeleteGroup(ctx, "prefectures"); err != nil {
		t.Fatal(err)
	}
	if gs, _ := w.Groups(ctx); len(gs) != 0 {
		t.Errorf("Groups after delete = %v", gs)
	}
	if scheds, _ := w.Schedules(ctx); len(scheds) != 0 {
		t.Errorf("schedules of a deleted group stay: %v", scheds)
	}
	if err := w.DeleteGroup(ctx, "prefectures"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteGroup twice: %v, want ErrNotFound", err)
	}
}

func testLabels(t *testing.T, h *harness, w WatchStore) {
	ctx := t.Context()
	h.scans(w, 1)
	h.record(w, "scan1", audit(siteA, orgA, t0), fnd(siteA, "form.http-page", "/", finding.High))
	h.record(w, "scan1", audit(siteB, orgB, t0), fnd(siteB, "form.http-page", "/", finding.High))
	tagged := func(tag string) ([]string, int) {
		ss, _, err := w.SiteSummaries(ctx, store.SiteQuery{Tag: tag})
		if err != nil {
			t.Fatal(err)
		}
		fs, _, err := w.Query(ctx, store.Query{Tag: tag})
		if err != nil {
			t.Fatal(err)
		}
		return siteURLs(ss), len(fs)
	}
	if got, n := tagged("ministry"); len(got) != 0 || n != 0 {
		t.Fatalf("before labels: %v, %d findings", got, n)
	}
	for _, l := range []store.Label{
		{Kind: store.LabelSite, Subject: siteA, Tag: "ministry"},
		{Kind: store.LabelOrganisation, Subject: orgB, Tag: "region"},
		{Kind: store.LabelSite, Subject: siteA, Tag: "ministry"}, // again: no error
	} {
		if err := w.AddLabel(ctx, l); err != nil {
			t.Fatalf("AddLabel(%+v): %v", l, err)
		}
	}
	if got, n := tagged("ministry"); !reflect.DeepEqual(got, []string{siteA}) || n != 1 {
		t.Errorf("site label: sites %v, %d findings; want %s, 1", got, n, siteA)
	}
	if got, n := tagged("region"); !reflect.DeepEqual(got, []string{siteB}) || n != 1 {
		t.Errorf("organisation label: sites %v, %d findings; want %s, 1", got, n, siteB)
	}
	ls, _ := w.Labels(ctx, store.LabelSite)
	if len(ls) != 1 {
		t.Errorf("Labels(site) = %v", ls)
	}
	if err := w.RemoveLabel(ctx, store.Label{Kind: store.LabelSite, Subject: siteA, Tag: "ministry"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := tagged("ministry"); len(got) != 0 {
		t.Errorf("removed label still selects %v", got)
	}
	if err := w.AddLabel(ctx, store.Label{Kind: "planet", Subject: "x", Tag: "y"}); err == nil {
		t.Error("AddLabel of an unknown kind: no error")
	}
}

func testSchedules(t *testing.T, h *harness, w WatchStore) {
	ctx := t.Context()
	s := store.Schedule{Name: "nightly", Kind: store.ScheduleScan, Group: "g", Cron: "0 3 * * *", Browser: true, Created: t0, NextRun: t1}
	if err := w.PutSchedule(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := w.PutSchedule(ctx, store.Schedule{Name: "both", Kind: store.ScheduleScan, Every: time.Hour, Cron: "@daily"}); err == nil {
		t.Error("PutSchedule with interval and cron: no error")
	}
	ok, err := w.ClaimSchedule(ctx, "nightly", t1, t2)
	if err != nil || !ok {
		t.Fatalf("ClaimSchedule = %v, %v; want true", ok, err)
	}
	if ok, _ := w.ClaimSchedule(ctx, "nightly", t1, t2); ok {
		t.Error("the same run claimed twice")
	}
	if err := w.FinishSchedule(ctx, "nightly", t1, "scan9", ""); err != nil {
		t.Fatal(err)
	}
	// Saving the settings again keeps the run state.
	s.NextRun = time.Time{}
	s.Active = true
	if err := w.PutSchedule(ctx, s); err != nil {
		t.Fatal(err)
	}
	all, _ := w.Schedules(ctx)
	if len(all) != 1 || !all[0].NextRun.Equal(t2) || !all[0].LastRun.Equal(t1) || all[0].LastScan != "scan9" || !all[0].Active || !all[0].Browser {
		t.Errorf("Schedules = %+v", all)
	}
	if err := w.DeleteSchedule(ctx, "nightly"); err != nil {
		t.Fatal(err)
	}
	if err := w.DeleteSchedule(ctx, "nightly"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteSchedule twice: %v", err)
	}
}

func testSubscriptions(t *testing.T, h *harness, w WatchStore) {
	ctx := t.Context()
	if err := w.PutUser(ctx, alice); err != nil {
		t.Fatal(err)
	}
	if err := w.CreateSubscription(ctx, &store.Subscription{User: "nobody", Email: "x@example.org", Digest: store.DigestDaily}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("subscription of an unknown user: %v", err)
	}
	s := &store.Subscription{User: "alice", Webhook: "https://hooks.example/v", Secret: "k", Lang: "fr", MinSeverity: "high", Digest: store.DigestDaily, Fixes: true, Created: t0}
	if err := w.CreateSubscription(ctx, s); err != nil || s.ID == "" {
		t.Fatalf("CreateSubscription: %v, ID %q", err, s.ID)
	}
	for i, at := range []time.Time{t1, t0} {
		if err := w.QueueAlert(ctx, store.QueuedAlert{Subscription: s.ID, Created: at, Alert: []byte(`{"n":` + string(rune('0'+i)) + `}`)}); err != nil {
			t.Fatal(err)
		}
	}
	q, _ := w.QueuedAlerts(ctx, s.ID)
	if len(q) != 2 || !q[0].Created.Equal(t0) || string(q[1].Alert) != `{"n":0}` {
		t.Errorf("QueuedAlerts = %+v", q)
	}
	if err := w.DeleteQueuedAlerts(ctx, []string{q[0].ID}); err != nil {
		t.Fatal(err)
	}
	if q, _ := w.QueuedAlerts(ctx, s.ID); len(q) != 1 {
		t.Errorf("after delete: %d queued", len(q))
	}
	for i, at := range []time.Time{t0, t1} {
		if err := w.AddDelivery(ctx, store.Delivery{Subscription: s.ID, Channel: "webhook", Target: s.Webhook, At: at, Attempt: i + 1, Status: "failed", Detail: "503"}); err != nil {
			t.Fatal(err)
		}
	}
	ds, _ := w.Deliveries(ctx, "alice", 10)
	if len(ds) != 2 || ds[0].Attempt != 2 {
		t.Errorf("Deliveries = %+v, want newest first", ds)
	}
	if ds, _ := w.Deliveries(ctx, "bob", 10); len(ds) != 0 {
		t.Errorf("bob sees alice's deliveries: %+v", ds)
	}
	got, _ := w.Subscriptions(ctx, "alice")
	s.Groups = nil
	if len(got) != 1 || !reflect.DeepEqual(got[0], *s) {
		t.Errorf("Subscriptions = %+v, want %+v", got, *s)
	}
	if err := w.DeleteUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.Subscriptions(ctx, ""); len(got) != 0 {
		t.Errorf("subscriptions of a deleted user stay: %+v", got)
	}
}

func testAPIKeys(t *testing.T, h *harness, w WatchStore) {
	ctx := t.Context()
	putUsers(t, w, alice, bob)
	k := store.APIKey{ID: "k1", User: "alice", Name: "ci", Hash: "h1", Created: t0}
	if err := w.CreateAPIKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	got, err := w.APIKeyByHash(ctx, "h1")
	if err != nil || got.User != "alice" || !got.Revoked.IsZero() {
		t.Fatalf("APIKeyByHash = %+v, %v", got, err)
	}
	if _, err := w.APIKeyByHash(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown hash: %v", err)
	}
	if err := w.RevokeAPIKey(ctx, "bob", "k1", t1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob revoking alice's key: %v, want ErrNotFound", err)
	}
	if err := w.TouchAPIKey(ctx, "k1", t1); err != nil {
		t.Fatal(err)
	}
	if err := w.RevokeAPIKey(ctx, "alice", "k1", t2); err != nil {
		t.Fatal(err)
	}
	ks, _ := w.APIKeys(ctx, "alice")
	if len(ks) != 1 || !ks[0].Revoked.Equal(t2) || !ks[0].LastUsed.Equal(t1) {
		t.Errorf("APIKeys = %+v", ks)
	}
	if err := w.DeleteUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.APIKeyByHash(ctx, "h1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("key of a deleted user: %v", err)
	}
}

func testSessionIdle(t *testing.T, h *harness, w WatchStore) {
	ctx := t.Context()
	putUsers(t, w, alice)
	if err := w.CreateSession(ctx, session("s1", "alice", t0.Add(12*time.Hour))); err != nil {
		t.Fatal(err)
	}
	idle := 2 * time.Hour
	steps := []struct {
		at    time.Time
		alive bool
	}{
		{t0.Add(time.Hour), true},
		{t0.Add(2*time.Hour + 59*time.Minute), true},
		{t0.Add(5 * time.Hour), false}, // idle 2 h 01 min
		{t0.Add(5 * time.Hour), false}, // deleted
	}
	for i, s := range steps {
		alive, err := w.TouchSession(ctx, "s1", s.at, idle)
		if err != nil || alive != s.alive {
			t.Errorf("step %d: TouchSession = %v, %v; want %v", i, alive, err, s.alive)
		}
	}
	if _, err := w.Session(ctx, "s1", t0.Add(5*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("idle session not deleted: %v", err)
	}
}

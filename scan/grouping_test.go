package scan

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/farm"
	"vigie/fetch"
	"vigie/finding"
	"vigie/store"
	"vigie/store/sqlite"
	"vigie/target"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// runOne audits one target and returns its findings and changes.
func runOne(t *testing.T, tg target.Target, o Options) ([]finding.Finding, []store.Change) {
	t.Helper()
	var (
		mu  sync.Mutex
		fs  []finding.Finding
		chs []store.Change
	)
	_, err := Run(context.Background(), []target.Target{tg}, o, func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		if r.Site.Error != "" {
			t.Errorf("site %s failed: %s", r.Site.URL, r.Site.Error)
		}
		fs = append(fs, r.Findings...)
		chs = append(chs, r.Changes...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fs, chs
}

// TestSameFormOnFortyPages audits the farm's site whose 40 pages share a
// log-in form and a newsletter form: one finding per defect, each listing
// the 40 pages (count 40), with the evidence of a few of them; a second
// audit that reaches only the home page (and revisits a few pages of the
// open findings) sees the same findings, by ID: none new, none fixed.
func TestSameFormOnFortyPages(t *testing.T) {
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tg target.Target
	for i, s := range f.Sites() {
		if s.Archetype == "same-form" {
			tg = farmTargets(t, f)[i]
		}
	}
	if tg.URL == "" {
		t.Fatal("no same-form site in the farm")
	}
	o := farmOptions(f)
	o.Store = openStore(t)
	o.Crawl.MaxPages = 2 * farm.SameFormPages
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	o.Evidence = &Evidence{Dir: filepath.Join(t.TempDir(), "evidence"), Key: key}

	first, _ := runOne(t, tg, o)
	byCheck := map[string][]finding.Finding{}
	for _, fd := range first {
		byCheck[fd.Check] = append(byCheck[fd.Check], fd)
	}
	if n := len(byCheck["form.http-page"]); n != 2 {
		t.Errorf("%d form.http-page findings, want 2 (log-in, newsletter)", n)
	}
	if n := len(byCheck["form.password-http"]); n != 1 {
		t.Errorf("%d form.password-http findings, want 1", n)
	}
	if n := len(byCheck["form.http-action"]); n != 0 {
		t.Errorf("%d form.http-action findings, want none (the page's defect)", n)
	}
	for _, fd := range first {
		if !strings.HasPrefix(fd.Check, "form.") {
			continue
		}
		pages := finding.Pages(fd.Detail)
		if fd.Detail[finding.DetailPagesCount] != farm.SameFormPages || len(pages) != farm.SameFormPages {
			t.Errorf("%s: pages_count %v, %d pages listed; want %d", fd.Check, fd.Detail[finding.DetailPagesCount], len(pages), farm.SameFormPages)
		}
		if !slices.IsSorted(pages) || finding.NormaliseURL(fd.URL) != pages[0] {
			t.Errorf("%s: URL %s, pages not sorted or not first: %v", fd.Check, fd.URL, pages[:min(3, len(pages))])
		}
		if len(fd.Evidence) == 0 || len(fd.Evidence) > 2*evidencePagesPerFinding {
			t.Errorf("%s: %d evidence records, want the exchanges of 1 to %d pages", fd.Check, len(fd.Evidence), evidencePagesPerFinding)
		}
	}

	o.Crawl.MaxPages = 1
	o.Evidence = nil
	second, changes := runOne(t, tg, o)
	if len(changes) != 0 {
		t.Errorf("second audit changed %d findings: %+v", len(changes), changes)
	}
	ids := func(fs []finding.Finding) []string {
		var out []string
		for _, fd := range fs {
			out = append(out, fd.ID)
		}
		slices.Sort(out)
		return out
	}
	if !slices.Equal(ids(first), ids(second)) {
		t.Errorf("finding IDs changed between audits:\n%v\n%v", ids(first), ids(second))
	}
}

// TestGroupedFindingHistory follows a form shown on six pages of a site
// across audits that examine few pages: gone from the page the finding
// names but still on others the audit revisits, it stays open (seen on
// those pages); gone from every page, it is fixed by an audit that reached
// only the home page, since the audit revisits pages of the open finding.
func TestGroupedFindingHistory(t *testing.T) {
	var mu sync.Mutex
	on := map[string]bool{"/": true, "/p1": true, "/p2": true, "/p3": true, "/p4": true, "/p5": true}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		show, known := on[r.URL.Path]
		mu.Unlock()
		if !known {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Mairie</title></head><body><nav>`)
		for _, p := range []string{"/p1", "/p2", "/p3", "/p4", "/p5"} {
			fmt.Fprintf(w, `<a href="%s">%s</a> `, p, p)
		}
		fmt.Fprint(w, `</nav>`)
		if show {
			fmt.Fprint(w, `<form action="/lettre" method="post"><label for="e">Votre courriel</label><input type="email" id="e" name="courriel"><button>OK</button></form>`)
		}
		fmt.Fprint(w, `</body></html>`)
	}))
	defer srv.Close()
	tg, err := target.Parse(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	set := func(paths ...string) {
		mu.Lock()
		defer mu.Unlock()
		for p := range on {
			on[p] = slices.Contains(paths, p)
		}
	}
	o := Options{Store: openStore(t), Fetch: fetch.Options{Timeout: 2 * time.Second, Retries: -1}}

	o.Crawl.MaxPages = 20
	fs, _ := runOne(t, tg, o)
	form := func(fs []finding.Finding) *finding.Finding {
		for i := range fs {
			if fs[i].Check == "form.http-page" {
				return &fs[i]
			}
		}
		return nil
	}
	f1 := form(fs)
	if f1 == nil || f1.Detail[finding.DetailPagesCount] != 6 || f1.URL != srv.URL+"/" {
		t.Fatalf("first audit: form finding %+v, want one at the home page listing 6 pages", f1)
	}

	// Gone from the home page; the audit reaches the home page only, and
	// revisits the next pages the open finding lists.
	set("/p1", "/p2", "/p3", "/p4", "/p5")
	o.Crawl.MaxPages = 1
	fs, changes := runOne(t, tg, o)
	f2 := form(fs)
	if f2 == nil || f2.ID != f1.ID || f2.FixedAt != nil || len(changes) != 0 {
		t.Fatalf("second audit: form finding %+v, changes %+v; want the same finding, open, seen again", f2, changes)
	}
	// The crawl revisits at most max-pages (1) pages besides its own.
	if got := finding.Pages(f2.Detail); !slices.Equal(got, []string{srv.URL + "/p1"}) {
		t.Errorf("second audit: pages %v, want the revisited page that still shows it", got)
	}

	// Gone everywhere: the revisited pages no longer show it. (The
	// form's transparency.no-notice, the same grouped finding of another
	// check, is fixed with it.)
	set()
	fs, changes = runOne(t, tg, o)
	changes = slices.DeleteFunc(changes, func(c store.Change) bool { return c.Finding.Check != "form.http-page" })
	if form(fs) != nil || len(changes) != 1 || changes[0].Kind != store.ChangeFixed || changes[0].Finding.ID != f1.ID {
		t.Fatalf("third audit: findings %+v, changes %+v; want the form finding fixed", fs, changes)
	}
}

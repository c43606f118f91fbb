package scan

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"vigie/crawl"
	"vigie/fetch"
	"vigie/finding"
	"vigie/target"
)

// debianDoc is Debian's documentation tree: READMEs, changelogs and
// copyright files of every installed package.
const debianDoc = "/usr/share/doc"

// TestNginxDocumentationTree audits a real nginx serving Debian's
// documentation tree with directory listings on. Expected before running
// Vigie on it: one exposure.directory-listing finding for the whole site,
// of low severity (public documents: READMEs, changelogs, copyright
// files), listing the folders it saw; no exposure.pii-unauthenticated,
// though copyright files and changelogs credit their authors by name and
// e-mail address; no other exposure finding.
func TestNginxDocumentationTree(t *testing.T) {
	if _, err := os.Stat(debianDoc + "/dpkg/copyright"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no Debian documentation tree: %v", err)
		}
		t.Skip("no Debian documentation tree")
	}
	port := startNginx(t, debianDoc)
	host := "doc.paquets-debian.test"
	tg, err := target.Parse(fmt.Sprintf("http://%s:%d/", host, port))
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{
		Concurrency: 1,
		Crawl:       crawl.Options{MaxPages: 1200},
		Fetch: fetch.Options{
			Timeout: 5 * time.Second,
			Retries: -1,
			NoDNS:   true,
			Resolve: []string{fmt.Sprintf("%s:%d:127.0.0.1", host, port)},
		},
	}
	var got []finding.Finding
	listings, credited, read := 0, 0, 0
	if _, err := Run(context.Background(), []target.Target{tg}, opts, func(r *Result) error {
		if r.Site.Error != "" {
			t.Errorf("site failed: %s", r.Site.Error)
		}
		for _, p := range r.Site.Pages {
			switch {
			case len(p.Listing) > 0:
				listings++
			case p.Personal.Has():
				credited++
			}
			if p.Status == 200 && len(p.Listing) == 0 {
				read++
			}
		}
		got = append(got, r.Findings...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d listings, %d files read, %d showing people's addresses", listings, read, credited)
	if listings < 20 || read < 10 {
		t.Errorf("the crawl saw %d listings and read %d files: too few to judge", listings, read)
	}
	var dirListings []finding.Finding
	for _, f := range got {
		switch f.Check {
		case "exposure.directory-listing":
			dirListings = append(dirListings, f)
		case "exposure.pii-unauthenticated", "exposure.data-file", "exposure.enumerable-records":
			t.Errorf("%s %v at %s: %v", f.Check, f.Severity, f.URL, f.Detail["severity_reason"])
		}
	}
	if len(dirListings) != 1 {
		t.Fatalf("%d directory-listing findings, want 1 for the site", len(dirListings))
	}
	f := dirListings[0]
	if f.Severity != finding.Low {
		t.Errorf("listing severity %v, want low: %v %v", f.Severity, f.Detail["severity_reason"], f.Detail["files_of_concern"])
	}
	if n, _ := f.Detail["directory_count"].(int); n != listings {
		t.Errorf("the finding lists %d folders, the crawl saw %d", n, listings)
	}
	if why, _ := f.Detail["severity_reason"].(map[string]string); !strings.Contains(why["en"], "documents") {
		t.Errorf("severity reason %q", why["en"])
	}
}

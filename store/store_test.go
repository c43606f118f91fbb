package store

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"vigie/finding"
)

func TestNewScanID(t *testing.T) {
	at := time.Date(2026, 11, 26, 12, 30, 0, 999, time.FixedZone("CET", 3600))
	id := NewScanID(at)
	if !regexp.MustCompile(`^20261126T113000Z-[0-9a-f]{4}$`).MatchString(id) {
		t.Errorf("NewScanID = %q, want 20261126T113000Z-xxxx", id)
	}
	seen := map[string]bool{}
	var ids []string
	for i := range 50 {
		id := NewScanID(at.Add(time.Duration(i) * time.Second))
		if seen[id] {
			t.Fatalf("duplicate ID %q", id)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if !sort.StringsAreSorted(ids) {
		t.Errorf("IDs of successive seconds do not sort in time order: %v", ids)
	}
}

func TestPrepareFindings(t *testing.T) {
	const url = "https://www.ain.gouv.fr/"
	site := SiteResult{URL: url, Organisation: "Préfecture de l'Ain"}
	f := finding.Finding{Check: "form.http-page", Severity: finding.High, Location: "/contact#form=0"}
	id := finding.MakeID(f.Check, url, f.Location)

	for _, tc := range []struct {
		name    string
		site    SiteResult
		in      []finding.Finding
		wantIDs []string
		wantErr string
	}{
		{"fills ID, site, organisation", site, []finding.Finding{f}, []string{id}, ""},
		{"deduplicates", site, []finding.Finding{f, f}, []string{id}, ""},
		{"same site spelled otherwise", site, []finding.Finding{with(f, func(f *finding.Finding) { f.Site = "HTTPS://www.ain.gouv.fr:443" })}, []string{id}, ""},
		{"other site", site, []finding.Finding{with(f, func(f *finding.Finding) { f.Site = "https://www.aisne.gouv.fr/" })}, nil, "belongs to site"},
		{"no check", site, []finding.Finding{with(f, func(f *finding.Finding) { f.Check = "" })}, nil, "no check"},
		{"bad severity", site, []finding.Finding{with(f, func(f *finding.Finding) { f.Severity = finding.Critical + 1 })}, nil, "invalid"},
		{"no site URL", SiteResult{}, nil, nil, "no URL"},
		{"no findings", site, nil, []string{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PrepareFindings(tc.site, tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.wantIDs) {
				t.Fatalf("got %d findings, want %v", len(got), tc.wantIDs)
			}
			for i, g := range got {
				if g.ID != tc.wantIDs[i] || g.Site != url || g.Organisation != site.Organisation {
					t.Errorf("finding %d = %+v, want ID %s, site %s, organisation %s", i, g, tc.wantIDs[i], url, site.Organisation)
				}
			}
		})
	}
}

func with(f finding.Finding, edit func(*finding.Finding)) finding.Finding {
	edit(&f)
	return f
}

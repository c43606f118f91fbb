package exposure

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
)

// fixture is a page read from testdata as the crawler reads it; ex, when
// not nil, is what the crawler would have said the page is published as.
func fixture(t *testing.T, name, ct string, ex *observation.PageExposure) observation.Page {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p := scanned("https://www.mairie.test/"+name, ct, string(body))
	p.Exposure = ex
	return p
}

// TestSingleRecords checks that one person's record in the open is an
// exposure by itself, passively, and that what organisations and projects
// publish on purpose (elected officials' contacts, credited authors) is
// not; severities and their reasons follow what was seen.
func TestSingleRecords(t *testing.T) {
	tests := []struct {
		name, file, ct string
		ex             *observation.PageExposure
		severity       finding.Severity // 0: no finding
		reasons        []string
		special        []string
	}{
		{name: "a member's record with a birth date", file: "fiche-naissance.html", ct: "text/html",
			severity: finding.Critical, reasons: []string{"identifier:birth"}},
		{name: "one person's IBAN", file: "rib.html", ct: "text/html",
			severity: finding.Critical, reasons: []string{"identifier:iban"}},
		{name: "a patient's record", file: "dossier-patient.html", ct: "text/html",
			ex:       &observation.PageExposure{Special: map[string][]string{"health": {"diabete"}}},
			severity: finding.Critical, reasons: []string{"identifier:birth", "special:health"}, special: []string{"health"}},
		{name: "an IP address next to a person's account", file: "connexions.html", ct: "text/html",
			severity: finding.High, reasons: []string{"ip-with-person"}},
		{name: "a birth date in running text, nothing else", file: "fiche-naissance.html", ct: "text/html",
			ex: &observation.PageExposure{BirthInProse: true}},
		{name: "a birth date in running text, with an address", file: "connexions.html", ct: "text/html",
			ex: &observation.PageExposure{BirthInProse: true}, severity: finding.High, reasons: []string{"ip-with-person"}},
		{name: "a server's IP address", file: "serveur.html", ct: "text/html"},
		{name: "elected officials' contacts", file: "elus.html", ct: "text/html"},
		{name: "a copyright file crediting 26 authors", file: "copyright", ct: "application/octet-stream",
			ex: &observation.PageExposure{Attribution: "name"}},
		{name: "press contacts", file: "liste.txt", ct: "text/plain",
			ex: &observation.PageExposure{Contacts: "title"}},
		{name: "a date of birth on a credits page is still reported", file: "fiche-naissance.html", ct: "text/html",
			ex: &observation.PageExposure{Attribution: "title"}, severity: finding.Critical, reasons: []string{"identifier:birth"}},
		{name: "the same addresses as a plain list", file: "liste.txt", ct: "text/plain",
			severity: finding.High, reasons: []string{"people:25,kinds:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &observation.Site{URL: "https://www.mairie.test/", Host: "www.mairie.test",
				Pages: []observation.Page{fixture(t, tt.file, tt.ct, tt.ex)}}
			fs := check.Run(site)
			if tt.severity == 0 {
				if len(fs) > 0 {
					t.Fatalf("findings %v %v, want none", fs[0].Check, fs[0].Detail)
				}
				return
			}
			if len(fs) != 1 || fs[0].Check != "exposure.pii-unauthenticated" {
				t.Fatalf("findings %+v, want one exposure.pii-unauthenticated", fs)
			}
			f := fs[0]
			if f.Severity != tt.severity {
				t.Errorf("severity %v, want %v (%v)", f.Severity, tt.severity, f.Detail["severity_reason"])
			}
			if got := f.Detail["reasons"].([]string); !reflect.DeepEqual(got, tt.reasons) {
				t.Errorf("reasons %v, want %v", got, tt.reasons)
			}
			if got := f.Detail["special_categories"].([]string); !slices.Equal(got, tt.special) {
				t.Errorf("special categories %v, want %v", got, tt.special)
			}
			if f.Detail["people"].(int) < 1 {
				t.Errorf("people %v", f.Detail["people"])
			}
		})
	}
}

// TestListingSeverity checks the severity of a site's directory listings
// from what the files listed were seen to hold, and that a site's
// listings are one finding.
func TestListingSeverity(t *testing.T) {
	people := scanned("https://www.mairie.test/exports/adherents-2024.csv", "text/csv",
		"nom;courriel;telephone;date_naissance\nA;a.b@gmail.com;06 11 22 33 44;01/02/1970\nB;c.d@free.fr;06 22 33 44 55;03/04/1980\nC;e.f@orange.fr;07 33 44 55 66;05/06/1990\n")
	prices := scanned("https://www.mairie.test/exports/tarifs-2024.csv", "text/csv", "produit;prix\ncantine;3,20\ngarderie;1,10\n")
	readme := scanned("https://www.mairie.test/doc/README.txt", "text/plain", "Documents publics du conseil municipal.\n")
	tests := []struct {
		name     string
		pages    []observation.Page
		severity finding.Severity
		reasons  []string
		dirs     int
	}{
		{"an export read, holding people's data", []observation.Page{
			listed("https://www.mairie.test/exports/", "adherents-2024.csv", "tarifs-2024.csv"), people, prices},
			finding.Critical, []string{"read:personal-data:1"}, 1},
		{"a price list read", []observation.Page{listed("https://www.mairie.test/exports/", "tarifs-2024.csv"), prices},
			finding.Low, []string{"documents:1"}, 1},
		{"an export not read", []observation.Page{listed("https://www.mairie.test/exports/", "tarifs-2024.csv", "base.sql.gz")},
			finding.Critical, []string{"export-format:2"}, 1},
		{"an export the server refuses to serve", []observation.Page{listed("https://www.mairie.test/exports/", "base.sql"), func() observation.Page {
			p := page("https://www.mairie.test/exports/base.sql", nil)
			p.Status = 403
			return p
		}()}, finding.Low, []string{"documents:1"}, 1},
		{"an archive named as a backup of members", []observation.Page{listed("https://www.mairie.test/old/", "sauvegarde-membres.zip")},
			finding.Critical, []string{"export-name:1"}, 1},
		{"a documentation tree", []observation.Page{
			listed("https://www.mairie.test/doc/", "bash/", "zlib1g/", "README.txt"),
			listed("https://www.mairie.test/doc/bash/", "copyright", "changelog.Debian.gz", "README.gz", "NEWS.gz", "examples/"),
			listed("https://www.mairie.test/doc/bash/examples/", "bashrc.txt.gz", "loadables.tar.xz.txt"),
			listed("https://www.mairie.test/doc/zlib1g/?C=M;O=A", "copyright", "changelog.gz", "FAQ.gz", "txtvsbin.txt.gz"), readme},
			finding.Low, []string{"documents:11"}, 4},
		{"council minutes as PDF", []observation.Page{listed("https://www.mairie.test/deliberations/", "cm-2024-01-15.pdf", "cm-2024-02-12.pdf", "cm-2024-03-18.pdf")},
			finding.Low, []string{"documents:3"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &observation.Site{URL: "https://www.mairie.test/", Host: "www.mairie.test", Pages: tt.pages}
			var listings []finding.Finding
			for _, f := range check.Run(site) {
				if f.Check == "exposure.directory-listing" {
					listings = append(listings, f)
				}
			}
			if len(listings) != 1 {
				t.Fatalf("%d listing findings, want 1", len(listings))
			}
			f := listings[0]
			if f.Severity != tt.severity {
				t.Errorf("severity %v, want %v (%v)", f.Severity, tt.severity, f.Detail["severity_reason"])
			}
			if got := f.Detail["reasons"].([]string); !reflect.DeepEqual(got, tt.reasons) {
				t.Errorf("reasons %v, want %v", got, tt.reasons)
			}
			if got := f.Detail["directory_count"].(int); got != tt.dirs {
				t.Errorf("%d directories, want %d: %v", got, tt.dirs, f.Detail["directories"])
			}
			if f.Location != "listing" || f.ID != finding.MakeID("exposure.directory-listing", site.URL, "listing") {
				t.Errorf("location %q, ID %s: not one stable finding a site", f.Location, f.ID)
			}
		})
	}
}

// TestClassifyFile checks how a listed file that was not read is weighed
// by its name.
func TestClassifyFile(t *testing.T) {
	for name, want := range map[string]finding.Severity{
		"adherents-2024.csv": finding.Critical, "base.sql.gz": finding.Critical, "dump.SQL": finding.Critical,
		"inscrits.xlsx": finding.Critical, "tableau.ods": finding.Critical, "export-membres.json": finding.Critical,
		"backup-2023.tar.gz": finding.Critical, "site.zip": finding.Medium, "xtrans.html.db": finding.Low, "Thumbs.db": finding.Low, "users.db": finding.Critical,
		"changelog.Debian.gz": finding.Low, "README.gz": finding.Low, "copyright": finding.Low, "logo.png": finding.Low,
		"package.xml.gz": finding.Low, "cm-2024-01-15.pdf": finding.Low, "export-0.11.xsd.gz": finding.Low,
		"module.json.gz": finding.Low,
	} {
		if got := classifyFile(name, nil).severity; got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
}

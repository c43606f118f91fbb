package hosting

import (
	"strings"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
)

func field(name, cat string) observation.Field {
	return observation.Field{Tag: "input", Type: "text", Name: name, Label: name, Category: cat}
}

var (
	healthForm = observation.Form{Action: "https://www.s.test/rdv", Method: "post", Fields: []observation.Field{
		field("nom", "identity"), field("courriel", "contact"), {Tag: "textarea", Name: "symptomes", Label: "Vos symptômes", Category: "health"}}}
	contactForm = observation.Form{Action: "https://www.s.test/contact", Method: "post", Fields: []observation.Field{
		field("nom", "identity"), field("courriel", "contact"), {Tag: "textarea", Name: "message", Label: "Message", Category: "message"}}}
	newsletter = observation.Form{Action: "https://www.s.test/lettre", Method: "post", Fields: []observation.Field{
		{Tag: "input", Type: "email", Name: "email", Label: "Votre adresse électronique", Category: "contact"}}}
	search = observation.Form{Action: "https://www.s.test/recherche", Method: "get", Fields: []observation.Field{
		{Tag: "input", Type: "search", Name: "q"}}}
)

func page(forms ...observation.Form) observation.Page {
	return observation.Page{Probe: observation.Probe{URL: "https://www.s.test/", FinalURL: "https://www.s.test/", Status: 200}, Forms: forms}
}

func host(provider, hds, jurisdiction string, cdn bool, countries ...string) *observation.Hosting {
	return &observation.Hosting{Host: "www.s.test", Provider: provider, ProviderName: provider, HDS: hds, Jurisdiction: jurisdiction,
		CDN: cdn, OriginHidden: cdn, Countries: countries,
		Addresses: []observation.HostAddress{{IP: "88.198.1.2", ASN: 24940, ASName: "Hetzner Online GmbH", Country: "DE"}},
		Datasets:  []observation.Dataset{{Name: "fixture/asn.mmdb", Date: "2026-12-01", SHA256: "ab"}}}
}

func TestHosting(t *testing.T) {
	showing := page()
	showing.Personal = &observation.PersonalData{Counts: map[string]int{"health": 2, "contact": 3}, People: 3, Kinds: []string{"email", "health"}}
	newsOnly := page()
	newsOnly.Personal = &observation.PersonalData{Counts: map[string]int{"health": 1}, People: 0, Kinds: []string{"health"}}
	tests := []struct {
		name    string
		tags    []string
		pages   []observation.Page
		hosting *observation.Hosting
		want    map[string]finding.Severity
	}{
		{"health form on a host absent from the list", nil, []observation.Page{page(healthForm)}, host("hetzner", "not-listed", "eea", false, "DE"),
			map[string]finding.Severity{"hosting.health-data-non-hds": finding.High}},
		{"health form on a listed host", nil, []observation.Page{page(healthForm)}, host("ovhcloud", "listed", "eea", false, "FR"), nil},
		{"health form, provider unknown", nil, []observation.Page{page(healthForm)}, host("", "", "eea", false, "DE"), nil},
		{"health form behind a CDN", nil, []observation.Page{page(healthForm)}, host("cloudflare", "", "", true), nil},
		{"health records shown", nil, []observation.Page{showing}, host("hetzner", "not-listed", "eea", false, "DE"),
			map[string]finding.Severity{"hosting.health-data-non-hds": finding.High}},
		{"health words about no one", nil, []observation.Page{newsOnly, page(contactForm)}, host("hetzner", "not-listed", "eea", false, "DE"), nil},
		{"hospital's contact form", []string{"hopital"}, []observation.Page{page(contactForm)}, host("hetzner", "not-listed", "eea", false, "DE"),
			map[string]finding.Severity{"hosting.health-data-non-hds": finding.High}},
		{"hospital's newsletter only", []string{"hopital"}, []observation.Page{page(newsletter)}, host("hetzner", "not-listed", "eea", false, "DE"), nil},
		{"town hall's contact form", []string{"commune"}, []observation.Page{page(contactForm)}, host("hetzner", "not-listed", "eea", false, "DE"), nil},
		{"contact form in the US", nil, []observation.Page{page(contactForm)}, host("digitalocean", "not-listed", "partial", false, "US"),
			map[string]finding.Severity{"hosting.outside-eea": finding.Info}},
		{"contact form in Singapore", nil, []observation.Page{page(contactForm)}, host("digitalocean", "not-listed", "outside", false, "SG"),
			map[string]finding.Severity{"hosting.outside-eea": finding.Info}},
		{"health form in the US", nil, []observation.Page{page(healthForm)}, host("digitalocean", "not-listed", "partial", false, "US"),
			map[string]finding.Severity{"hosting.outside-eea": finding.Medium, "hosting.health-data-non-hds": finding.High}},
		{"contact form in Switzerland", nil, []observation.Page{page(contactForm)}, host("", "", "adequacy", false, "CH"), nil},
		{"search form only in the US", nil, []observation.Page{page(search)}, host("digitalocean", "not-listed", "partial", false, "US"), nil},
		{"contact form behind a CDN", nil, []observation.Page{page(contactForm)}, host("cloudflare", "", "", true), nil},
		{"no hosting looked up", nil, []observation.Page{page(healthForm)}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := &observation.Site{URL: "https://www.s.test/", Host: "www.s.test", Tags: tc.tags, Pages: tc.pages, Hosting: tc.hosting}
			got := map[string]finding.Severity{}
			for _, f := range check.Run(site) {
				if strings.HasPrefix(f.Check, "hosting.") {
					got[f.Check] = f.Severity
					if f.Confidence != finding.Tentative {
						t.Errorf("%s: confidence %s", f.Check, f.Confidence)
					}
					if f.Check == "hosting.health-data-non-hds" && f.Detail["would_disprove"] == nil {
						t.Errorf("%s: the detail does not say what would disprove it", f.Check)
					}
					if f.Detail["datasets"] == nil {
						t.Errorf("%s: no datasets in the detail", f.Check)
					}
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

func TestAdequacyNotes(t *testing.T) {
	notes := adequacyNotes([]string{"FR", "US", "SG"})
	if len(notes) != 2 || notes[0].Country != "US" || notes[0].Date != "2023-07-10" || !strings.Contains(notes[0].Note, "certified") || notes[1].Decision != "" {
		t.Errorf("%+v", notes)
	}
}

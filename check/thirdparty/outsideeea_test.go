package thirdparty

import (
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
)

func partyHost(h, jurisdiction string, cdn bool) *observation.Hosting {
	return &observation.Hosting{Host: h, Jurisdiction: jurisdiction, CDN: cdn, OriginHidden: cdn, Countries: []string{"US"},
		Addresses: []observation.HostAddress{{IP: "159.89.1.1", ASN: 14061, Country: "US"}}}
}

func TestOutsideEEA(t *testing.T) {
	leakPage := rendered("https://www.pref.test/contact", []observation.Form{contact}, ga)
	leakPage.Rendering.Leaks = []observation.Leak{{Party: "tracker.test", RequestURL: "https://collect.tracker.test/c?e=x", Field: "courriel", Category: "contact"}}
	tests := []struct {
		name    string
		pages   []observation.Page
		parties []*observation.Hosting
		want    map[string]finding.Severity
	}{
		{"analytics on a contact form page, in the US", []observation.Page{rendered("https://www.pref.test/contact", []observation.Form{contact}, ga)},
			[]*observation.Hosting{partyHost("www.google-analytics.com", "partial", false)},
			map[string]finding.Severity{"party:google-analytics.com": finding.Info}},
		{"analytics on a health form page", []observation.Page{rendered("https://www.clinique.test/rdv", []observation.Form{health}, ga)},
			[]*observation.Hosting{partyHost("www.google-analytics.com", "outside", false)},
			map[string]finding.Severity{"party:google-analytics.com": finding.Medium}},
		{"leak to a host outside", []observation.Page{leakPage},
			[]*observation.Hosting{partyHost("collect.tracker.test", "outside", false)},
			map[string]finding.Severity{"party:tracker.test": finding.Info}},
		{"two hosts of one party: one finding", []observation.Page{rendered("https://www.pref.test/contact", []observation.Form{contact}, ga,
			req("https://region1.google-analytics.com/g/collect", "ping", "google-analytics.com", true, "analytics", "Google Analytics"))},
			[]*observation.Hosting{partyHost("www.google-analytics.com", "partial", false), partyHost("region1.google-analytics.com", "outside", false)},
			map[string]finding.Severity{"party:google-analytics.com": finding.Info}},
		{"analytics on a page without a personal form", []observation.Page{rendered("https://www.pref.test/", []observation.Form{search}, ga)},
			[]*observation.Hosting{partyHost("www.google-analytics.com", "partial", false)}, nil},
		{"fonts on a contact page, outside", []observation.Page{rendered("https://www.pref.test/contact", []observation.Form{contact}, fonts)},
			[]*observation.Hosting{partyHost("fonts.googleapis.com", "partial", false)}, nil},
		{"analytics in the EEA", []observation.Page{rendered("https://www.pref.test/contact", []observation.Form{contact}, ga)},
			[]*observation.Hosting{partyHost("www.google-analytics.com", "eea", false)}, nil},
		{"analytics behind a CDN", []observation.Page{rendered("https://www.pref.test/contact", []observation.Form{contact}, ga)},
			[]*observation.Hosting{partyHost("www.google-analytics.com", "", true)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := &observation.Site{URL: "https://www.pref.test/", Host: "www.pref.test", Mode: "browser", Pages: tc.pages, PartyHosting: tc.parties}
			got := map[string]finding.Severity{}
			for _, f := range check.Run(site) {
				if f.Check == "thirdparty.outside-eea" {
					got[f.Location] = f.Severity
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

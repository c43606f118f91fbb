package form

import (
	"reflect"
	"sort"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
)

func field(name, typ, cat string) observation.Field {
	return observation.Field{Tag: "input", Name: name, Type: typ, Category: cat}
}

func page(url string, forms ...observation.Form) observation.Page {
	return observation.Page{Probe: observation.Probe{URL: url, FinalURL: url, Status: 200}, Forms: forms}
}

var (
	contact = []observation.Field{field("nom", "text", "identity"), field("courriel", "email", "contact"), {Tag: "textarea", Name: "message", Category: "message"}}
	search  = []observation.Field{field("q", "search", "")}
	login   = []observation.Field{field("login", "text", "credentials"), field("pass", "password", "credentials")}
	health  = []observation.Field{field("nom", "text", "identity"), {Tag: "textarea", Name: "antecedents", Category: "health"}}
)

type want struct {
	check    string
	severity finding.Severity
}

func TestFormChecks(t *testing.T) {
	tests := []struct {
		name  string
		pages []observation.Page
		want  []want
	}{
		{"contact form on http page with relative action", []observation.Page{page("http://pref.test/contact",
			observation.Form{Action: "http://pref.test/envoi", Method: "post", Fields: contact})},
			[]want{{"form.http-action", finding.High}, {"form.http-page", finding.High}}},
		{"http page posting to https", []observation.Page{page("http://pref.test/contact",
			observation.Form{Action: "https://pref.test/envoi", Method: "post", Fields: contact})},
			[]want{{"form.http-page", finding.High}}},
		{"https page posting to http", []observation.Page{page("https://pref.test/contact",
			observation.Form{Action: "http://pref.test/envoi", Method: "post", Fields: contact})},
			[]want{{"form.http-action", finding.High}}},
		{"https page, formaction to http", []observation.Page{page("https://pref.test/contact",
			observation.Form{Action: "https://pref.test/envoi", Method: "post", Fields: contact,
				Submitters: []observation.Submitter{{Action: "HTTP://pref.test/old", Method: "post"}}})},
			[]want{{"form.http-action", finding.High}}},
		{"login on http is critical three times", []observation.Page{page("http://pref.test/login",
			observation.Form{Action: "http://pref.test/login", Method: "post", Fields: login})},
			[]want{{"form.http-action", finding.Critical}, {"form.http-page", finding.Critical}, {"form.password-http", finding.Critical}}},
		{"health data raises severity", []observation.Page{page("http://clinique.test/rdv",
			observation.Form{Action: "https://clinique.test/rdv", Method: "post", Fields: health})},
			[]want{{"form.http-page", finding.Critical}}},
		{"all https is fine", []observation.Page{page("https://pref.test/contact",
			observation.Form{Action: "https://pref.test/envoi", Method: "post", Fields: login})}, nil},
		{"search box on http is not personal", []observation.Page{page("http://pref.test/",
			observation.Form{Action: "http://pref.test/recherche", Method: "get", Fields: search})}, nil},
		{"form without fields", []observation.Page{page("http://pref.test/",
			observation.Form{Action: "http://pref.test/x", Method: "get"})}, nil},
		{"failed page is skipped", []observation.Page{{Probe: observation.Probe{URL: "http://pref.test/c", Error: "timeout"},
			Forms: []observation.Form{{Action: "http://pref.test/envoi", Fields: contact}}}}, nil},
		{"form in an http frame of an https page (browser mode)", []observation.Page{page("https://pref.test/contact",
			observation.Form{Frame: "http://formulaires.test/contact", Action: "https://formulaires.test/envoi", Method: "post", Fields: contact})},
			[]want{{"form.http-page", finding.High}}},
		{"form in an https frame of an http page is protected by the frame", []observation.Page{page("http://pref.test/contact",
			observation.Form{Frame: "https://formulaires.test/contact", Action: "https://formulaires.test/envoi", Method: "post", Fields: contact})}, nil},
		{"two forms, two findings", []observation.Page{page("http://pref.test/contact",
			observation.Form{Index: 0, Action: "https://pref.test/a", Fields: contact},
			observation.Form{Index: 1, Action: "https://pref.test/b", Fields: contact})},
			[]want{{"form.http-page", finding.High}, {"form.http-page", finding.High}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &observation.Site{URL: "http://pref.test/", Pages: tt.pages}
			var got []want
			for _, f := range check.Run(site) {
				got = append(got, want{f.Check, f.Severity})
				if f.ID == "" || f.Location == "" || len(f.Legal) == 0 || f.Title == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
			sort.Slice(got, func(i, j int) bool { return got[i].check < got[j].check })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFindingIDStableAcrossScans(t *testing.T) {
	mk := func() []finding.Finding {
		site := &observation.Site{URL: "http://pref.test", Pages: []observation.Page{page("http://PREF.test/contact#top",
			observation.Form{Action: "http://pref.test/envoi", Fields: contact})}}
		return check.Run(site)
	}
	a, b := mk(), mk()
	if len(a) != 2 || a[0].ID != b[0].ID || a[0].ID == a[1].ID {
		t.Fatalf("IDs not stable/distinct: %+v %+v", a, b)
	}
}

package cookies

import (
	"encoding/json"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/internal/golden"
	"vigie/observation"
)

func ck(name, domain, party string, third bool, purpose string) observation.Cookie {
	return observation.Cookie{Name: name, Domain: domain, Party: party, ThirdParty: third, Purpose: purpose,
		Lifetime: 395.04, Expires: 1_800_000_000, ValueLength: 26}
}

var (
	ga       = ck("_ga", ".pref.test", "pref.test", false, "analytics")
	gaID     = ck("_ga_ABC", ".pref.test", "pref.test", false, "analytics")
	ide      = ck("IDE", ".doubleclick.net", "doubleclick.net", true, "advertising")
	hotjar   = ck("_hjSessionUser_1", ".pref.test", "pref.test", false, "session-replay")
	pkID     = ck("_pk_id.1.a1b2", "www.pref.test", "pref.test", false, "analytics")
	pkSes    = ck("_pk_ses.1.a1b2", "www.pref.test", "pref.test", false, "analytics")
	pkCloud  = ck("_pk_id.3.ffff", ".matomo.cloud", "matomo.cloud", true, "analytics")
	ytTrack  = ck("YSC", ".youtube.com", "youtube.com", true, "tracking")
	session  = observation.Cookie{Name: "PHPSESSID", Domain: "www.pref.test", Party: "pref.test", Session: true, Purpose: "essential", HTTPOnly: true}
	consent  = ck("didomi_token", ".pref.test", "pref.test", false, "consent")
	mystery  = ck("xq_visit", ".pref.test", "pref.test", false, "")
	lbCookie = ck("AWSALB", "www.pref.test", "pref.test", false, "essential")
)

func page(url string, cookies ...observation.Cookie) observation.Page {
	return observation.Page{Probe: observation.Probe{URL: url, FinalURL: url, Status: 200},
		Rendering: &observation.Rendering{URL: url, Cookies: cookies}}
}

func staticPage(url string) observation.Page {
	return observation.Page{Probe: observation.Probe{URL: url, FinalURL: url, Status: 200}}
}

func TestBeforeConsent(t *testing.T) {
	static := page("https://www.pref.test/", ga, ide)
	static.Rendering = nil
	tests := []struct {
		name     string
		pages    []observation.Page
		severity finding.Severity // 0: no finding
		url      string
		exempt   bool
		count    int
	}{
		{"analytics cookies", []observation.Page{page("https://www.pref.test/", session, ga, gaID)}, finding.Medium, "https://www.pref.test/", false, 2},
		{"advertising cookie is high", []observation.Page{page("https://www.pref.test/", ga, ide)}, finding.High, "https://www.pref.test/", false, 2},
		{"session replay is high", []observation.Page{page("https://www.pref.test/", hotjar)}, finding.High, "https://www.pref.test/", false, 1},
		{"tracking purpose counts", []observation.Page{page("https://www.pref.test/", ytTrack)}, finding.Medium, "https://www.pref.test/", false, 1},
		{"first-party Matomo only is low and possibly exempt", []observation.Page{page("https://www.pref.test/", session, pkID, pkSes)},
			finding.Low, "https://www.pref.test/", true, 2},
		{"Matomo with Google Analytics is not exempt", []observation.Page{page("https://www.pref.test/", pkID, ga)}, finding.Medium, "https://www.pref.test/", false, 2},
		{"third-party Matomo is not exempt", []observation.Page{page("https://www.pref.test/", pkCloud)}, finding.Medium, "https://www.pref.test/", false, 1},
		{"reported at the first page where cookies appear, all pages listed", []observation.Page{
			staticPage("https://www.pref.test/plan"),
			page("https://www.pref.test/", session, consent),
			page("https://www.pref.test/contact", ga),
			page("https://www.pref.test/actualites", ga, ide)}, finding.High, "https://www.pref.test/contact", false, 2},
		// Look-alikes that must not trigger.
		{"only a session cookie", []observation.Page{page("https://www.pref.test/", session, lbCookie)}, 0, "", false, 0},
		{"only a consent cookie", []observation.Page{page("https://www.pref.test/", consent)}, 0, "", false, 0},
		{"cookie of unknown purpose", []observation.Page{page("https://www.pref.test/", mystery)}, 0, "", false, 0},
		{"cookies on a static-mode page", []observation.Page{static}, 0, "", false, 0},
		{"no cookies at all", []observation.Page{page("https://www.pref.test/")}, 0, "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := check.Run(&observation.Site{URL: "https://www.pref.test/", Pages: tt.pages})
			if tt.severity == 0 {
				if len(fs) != 0 {
					t.Fatalf("unexpected findings %+v", fs)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("got %d findings, want 1: %+v", len(fs), fs)
			}
			f := fs[0]
			if f.Check != "cookies.before-consent" || f.Severity != tt.severity || f.URL != tt.url {
				t.Errorf("got %s %s at %s, want %s at %s", f.Check, f.Severity, f.URL, tt.severity, tt.url)
			}
			if exempt, _ := f.Detail["possibly_exempt"].(bool); exempt != tt.exempt {
				t.Errorf("possibly_exempt = %v, want %v", exempt, tt.exempt)
			}
			if n := f.Detail["count"]; n != tt.count {
				t.Errorf("count = %v, want %d", n, tt.count)
			}
			if f.ID == "" || len(f.Legal) == 0 || f.Title == "" {
				t.Errorf("incomplete finding %+v", f)
			}
		})
	}
}

// The finding keeps its ID whichever page shows the cookies first.
func TestFindingIDStable(t *testing.T) {
	a := check.Run(&observation.Site{URL: "https://www.pref.test", Pages: []observation.Page{page("https://www.pref.test/", ga)}})
	b := check.Run(&observation.Site{URL: "https://www.pref.test", Pages: []observation.Page{page("https://www.pref.test/x"), page("https://www.pref.test/y", ide)}})
	if len(a) != 1 || len(b) != 1 || a[0].ID != b[0].ID {
		t.Fatalf("IDs differ: %+v / %+v", a, b)
	}
}

func TestDetailGolden(t *testing.T) {
	setBy := ide
	setBy.SetBy = "https://ad.doubleclick.net/ddm/activity"
	site := &observation.Site{URL: "https://www.pref.test/", Organisation: "Préfecture de test", Pages: []observation.Page{
		page("https://www.pref.test/", session, consent, mystery, pkID),
		page("https://www.pref.test/contact", pkID, setBy, ga),
	}}
	b, err := json.MarshalIndent(check.Run(site), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "findings.json.golden", append(b, '\n'))
}

package consent

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/internal/golden"
	"vigie/observation"
)

const entry = "https://www.pref.test/"

// btn is a control of the given role and look.
func btn(role, text, kind string, w, h, font, contrast float64) observation.Control {
	return observation.Control{Role: role, Text: text, Tag: "button", Kind: kind, Width: w, Height: h,
		FontSize: font, FontWeight: 400, Color: "rgb(0,0,0)", Background: "rgb(255,255,255)", Contrast: contrast}
}

var (
	accept      = btn("accept", "Tout accepter", "button", 140, 40, 16, 14.9)
	refuse      = btn("refuse", "Tout refuser", "button", 130, 40, 16, 14.9)
	outlined    = btn("refuse", "Tout refuser", "button", 130, 40, 16, 8.6) // secondary button of a design system
	greyLink    = btn("refuse", "refuser", "link", 39, 13, 11, 1.7)
	paleLink    = btn("refuse", "Continuer sans accepter", "link", 200, 20, 14, 2.5)
	smallLink   = btn("refuse", "Continuer sans accepter", "link", 100, 14, 11, 7.0)
	plainLink   = btn("refuse", "Continuer sans accepter", "link", 180, 18, 14, 7.0) // CNIL's usual pattern: legible
	settings    = btn("settings", "Personnaliser", "button", 130, 40, 16, 12.6)
	okOnly      = btn("accept", "OK", "button", 56, 28, 14, 16.7)
	closeCross  = btn("close", "×", "button", 24, 24, 20, 12)
	secondLayer = []observation.Control{btn("accept", "Tout accepter", "button", 140, 40, 16, 14.9), btn("refuse", "Tout refuser", "button", 130, 40, 16, 14.9)}
)

func ck(name, domain string, third bool, purpose string, days float64, n int) observation.Cookie {
	party := strings.TrimPrefix(domain, ".")
	if i := strings.Index(party, "."); i >= 0 && strings.Count(party, ".") > 1 {
		party = party[i+1:]
	}
	return observation.Cookie{Name: name, Domain: domain, Party: party, ThirdParty: third, Purpose: purpose,
		Lifetime: days, Session: days == 0, ValueLength: n}
}

func req(u, party, trk string) observation.Request {
	return observation.Request{URL: u, Method: "GET", Type: "image", Party: party, ThirdParty: party != "pref.test", Tracker: trk}
}

// consent builds a consent pass over one banner; refusal is the visit
// after refusing (nil: none).
// The audience measurement the banner governs loads after acceptance.
func mkConsent(b observation.Banner, refusal *observation.ConsentVisit) *observation.Consent {
	accepted := &observation.ConsentVisit{Choice: "accept", Clicked: []string{"Tout accepter"},
		Requests: []observation.Request{req("https://collecte.mesure.test/c?cid=123", "mesure.test", "analytics")}}
	return &observation.Consent{URL: entry, Banners: []observation.Banner{b}, Refusal: refusal, Acceptance: accepted}
}

func mkBanner(manager string, acceptClicks, refuseClicks int, controls ...observation.Control) observation.Banner {
	return observation.Banner{Manager: manager, Text: "Ce site utilise des cookies.", Controls: controls,
		AcceptClicks: acceptClicks, RefuseClicks: refuseClicks}
}

func refused(before []observation.Cookie, after []observation.Cookie, reqs ...observation.Request) *observation.ConsentVisit {
	return &observation.ConsentVisit{Choice: "refuse", Clicked: []string{"Tout refuser"}, CookiesBefore: before, Cookies: after, Requests: reqs}
}

func TestConsentChecks(t *testing.T) {
	equal := mkBanner("generic", 1, 1, accept, refuse)
	choice := ck("tarteaucitron", "www.pref.test", false, "consent", 180, 40)
	sess := ck("PHPSESSID", "www.pref.test", false, "essential", 0, 26)
	ga := ck("_ga", ".pref.test", false, "analytics", 730, 26)
	pk := ck("_pk_id.1.a1b2", "www.pref.test", false, "analytics", 395, 26)
	ide := ck("IDE", ".pub.test", true, "advertising", 395, 40)
	thirdID := ck("uid", ".mesure.test", true, "", 365, 32)
	thirdShort := ck("lb", ".cdn.test", true, "", 0.02, 32)
	thirdConsent := ck("euconsent-v2", ".cmp.test", true, "", 395, 120)
	firstUnknown := ck("xq_visit", "www.pref.test", false, "", 365, 32)
	second := mkBanner("tarteaucitron", 1, 2, accept, settings)
	second.SecondLayer = secondLayer
	noWay := mkBanner("klaro", 1, 0, accept, settings)
	noWay.SecondLayer = []observation.Control{btn("accept", "Accepter la sélection", "button", 140, 40, 16, 14.9)}

	tests := []struct {
		name string
		c    *observation.Consent
		want []string // check[:severity[:confidence]]
	}{
		{"equal buttons, nothing after refusal", mkConsent(equal, refused(nil, []observation.Cookie{choice, sess})), nil},
		{"design-system secondary button", mkConsent(mkBanner("generic", 1, 1, accept, outlined), refused(nil, nil)), nil},
		{"legible plain link", mkConsent(mkBanner("generic", 1, 1, accept, plainLink), refused(nil, nil)), nil},
		{"no refuse at all", mkConsent(mkBanner("generic", 1, 0, okOnly), nil), []string{"consent.no-refuse-first-layer:medium"}},
		{"unlabelled close cross is no refusal", mkConsent(mkBanner("generic", 1, 0, accept, closeCross), nil), []string{"consent.no-refuse-first-layer:medium"}},
		{"refuse only in the second layer", mkConsent(second, refused(nil, nil)),
			[]string{"consent.no-refuse-first-layer:medium", "consent.refuse-harder:medium"}},
		{"second layer without refusal", mkConsent(noWay, nil), []string{"consent.no-refuse-first-layer:medium"}},
		{"grey small link", mkConsent(mkBanner("generic", 1, 1, accept, greyLink), refused(nil, nil)), []string{"consent.refuse-harder:medium"}},
		{"pale link", mkConsent(mkBanner("generic", 1, 1, accept, paleLink), refused(nil, nil)), []string{"consent.refuse-harder:medium"}},
		{"tiny link", mkConsent(mkBanner("generic", 1, 1, accept, smallLink), refused(nil, nil)), []string{"consent.refuse-harder:medium"}},
		{"tracker contacted after refusal", mkConsent(equal, refused(nil, nil,
			req("https://collecte.mesure.test/c?cid=123", "mesure.test", "analytics"),
			req("https://ad.pub.test/px.gif?id=9", "pub.test", "advertising"),
			req("https://ad.pub.test/px.gif?id=10", "pub.test", "advertising"))),
			[]string{"consent.tracking-after-refusal:high:firm"}},
		{"analytics cookie set after refusal", mkConsent(equal, refused([]observation.Cookie{sess}, []observation.Cookie{sess, choice, ga})),
			[]string{"consent.tracking-after-refusal:high:firm"}},
		{"advertising cookie set after refusal", mkConsent(equal, refused(nil, []observation.Cookie{ide})),
			[]string{"consent.tracking-after-refusal:high:firm"}},
		{"unknown third-party identifier after refusal", mkConsent(equal, refused(nil, []observation.Cookie{thirdID})),
			[]string{"consent.tracking-after-refusal:medium:tentative"}},
		{"first-party Matomo only", mkConsent(equal, refused(nil, []observation.Cookie{pk})),
			[]string{"consent.tracking-after-refusal:low:firm"}},
		// Look-alikes of tracking after refusal.
		{"tracking cookie already there before the click", mkConsent(equal, refused([]observation.Cookie{ga}, []observation.Cookie{ga})), nil},
		{"consent-manager cookie of a third party", mkConsent(equal, refused(nil, []observation.Cookie{thirdConsent})), nil},
		{"short-lived third-party cookie", mkConsent(equal, refused(nil, []observation.Cookie{thirdShort})), nil},
		{"first-party cookie of unknown purpose", mkConsent(equal, refused(nil, []observation.Cookie{firstUnknown, sess})), nil},
		{"consent and content third parties", mkConsent(equal, refused(nil, nil,
			req("https://cdn.cmp.test/sdk.js", "cmp.test", "consent"),
			req("https://tiles.maps.test/1/2/3.png", "maps.test", "content"),
			req("https://unknown.test/x.js", "unknown.test", ""))), nil},
		{"no banner", &observation.Consent{URL: entry}, nil},
		{"informative banner: nothing needing consent after acceptance", func() *observation.Consent {
			c := mkConsent(mkBanner("generic", 1, 0, okOnly), nil)
			c.Acceptance.Requests = []observation.Request{req("https://www.pref.test/", "pref.test", "")}
			c.Acceptance.Cookies = []observation.Cookie{choice, sess}
			return c
		}(), nil},
		{"subordinate refusal of an informative banner", func() *observation.Consent {
			c := mkConsent(mkBanner("generic", 1, 1, accept, greyLink), refused(nil, nil))
			c.Acceptance.Requests = nil
			return c
		}(), nil},
		{"acceptance not clicked", func() *observation.Consent {
			c := mkConsent(mkBanner("generic", 1, 0, okOnly), nil)
			c.Acceptance = nil
			return c
		}(), nil},
		{"failed pass", &observation.Consent{URL: entry, Error: "timeout", Banners: []observation.Banner{mkBanner("generic", 1, 0, okOnly)}}, nil},
		{"refusal not clicked", mkConsent(mkBanner("generic", 1, 0, okOnly), refused(nil, []observation.Cookie{ide})),
			[]string{"consent.no-refuse-first-layer:medium"}},
	}
	var all []finding.Finding
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &observation.Site{URL: entry, Consent: tt.c}
			fs := check.Run(site)
			var got []string
			for _, f := range fs {
				if !strings.HasPrefix(f.Check, "consent.") {
					continue
				}
				s := f.Check + ":" + f.Severity.String()
				if f.Check == "consent.tracking-after-refusal" {
					s += ":" + f.Confidence
				}
				got = append(got, s)
				if f.URL != entry {
					t.Errorf("%s at %s, want %s", f.Check, f.URL, entry)
				}
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
			all = append(all, fs...)
		})
	}
	// The details, as reports show them.
	var docs []map[string]any
	for _, f := range all {
		docs = append(docs, map[string]any{"check": f.Check, "severity": f.Severity.String(), "confidence": f.Confidence, "detail": f.Detail})
	}
	b, err := json.MarshalIndent(docs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "findings.json.golden", append(b, '\n'))
}

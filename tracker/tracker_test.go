package tracker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/observation"
)

func TestLookup(t *testing.T) {
	l := Default()
	tests := []struct {
		host     string
		ok       bool
		domain   string
		category string
	}{
		{"www.google-analytics.com", true, "google-analytics.com", Analytics},
		{"google-analytics.com", true, "google-analytics.com", Analytics},
		{"region1.analytics.google.com", true, "analytics.google.com", Analytics},
		{"WWW.Google-Analytics.COM.", true, "google-analytics.com", Analytics},
		{"www.googletagmanager.com:443", true, "googletagmanager.com", TagManager},
		// Longest suffix wins over the parent domain's entry.
		{"fonts.googleapis.com", true, "fonts.googleapis.com", Content},
		{"px.ads.linkedin.com", true, "px.ads.linkedin.com", Advertising},
		{"www.linkedin.com", true, "linkedin.com", Social},
		{"connect.facebook.net", true, "connect.facebook.net", Advertising},
		{"static.hotjar.com", true, "hotjar.com", SessionReplay},
		{"logc.xiti.com", true, "xiti.com", Analytics},
		{"sdk.privacy-center.org", true, "privacy-center.org", Consent},
		{"o123.ingest.sentry.io", true, "ingest.sentry.io", Monitoring},
		{"widget.crisp.chat", true, "crisp.chat", Support},
		// A suffix that is not a whole label does not match.
		{"notgoogle-analytics.com", false, "", ""},
		{"google-analytics.com.evil.test", false, "", ""},
		{"stats.prefecture.gouv.fr", false, "", ""},
		{"matomo.mairie.test", false, "", ""},
		{"", false, "", ""},
		{".", false, "", ""},
		{"[::1]:80", false, "", ""},
		{"com", false, "", ""},
	}
	for _, tt := range tests {
		e, ok := l.Lookup(tt.host)
		if ok != tt.ok || e.Domain != tt.domain || e.Category != tt.category {
			t.Errorf("Lookup(%q) = %+v, %v; want %s %s, %v", tt.host, e, ok, tt.domain, tt.category, tt.ok)
		}
		if ok && e.Name == "" {
			t.Errorf("Lookup(%q): entry without name", tt.host)
		}
	}
}

func TestCookiePurpose(t *testing.T) {
	l := Default()
	tests := []struct{ name, domain, want string }{
		{"_ga", ".pref.test", Analytics},
		{"_ga_ABC123", "pref.test", Analytics},
		{"_gat_UA-1-1", "pref.test", Analytics},
		{"_gid", "", Analytics},
		{"_gcl_au", "pref.test", Advertising},
		{"_fbp", ".pref.test", Advertising},
		{"fr", ".facebook.com", Advertising},
		{"fr", "pref.test", ""}, // short name, bound to facebook.com
		{"IDE", ".doubleclick.net", Advertising},
		{"IDE", "pref.test", ""},
		{"test_cookie", "doubleclick.net", Advertising},
		{"_hjSessionUser_123", "pref.test", SessionReplay},
		{"_hjSession_123", "pref.test", SessionReplay},
		{"_clck", "pref.test", SessionReplay},
		{"MUID", ".bing.com", Advertising},
		{"_uetvid", "pref.test", Advertising},
		{"_pk_id.1.abcd", "mairie.test", Analytics},
		{"_pk_ses.1.abcd", "mairie.test", Analytics},
		{"atuserid", "pref.test", Analytics},
		{"_pin_unauth", "pref.test", Advertising},
		{"_ttp", "pref.test", Advertising},
		{"bcookie", ".linkedin.com", Social},
		{"lidc", ".linkedin.com", Social},
		{"cto_bundle", "pref.test", Advertising},
		{"__utmz", "pref.test", Analytics},
		{"euconsent-v2", "pref.test", Consent},
		{"didomi_token", "pref.test", Consent},
		{"tarteaucitron", "pref.test", Consent},
		{"axeptio_cookies", "pref.test", Consent},
		{"CookieConsent", "pref.test", Consent},
		{"OptanonConsent", "pref.test", Consent},
		{"OptanonAlertBoxClosed", "pref.test", Consent},
		{"cookieyes-consent", "pref.test", Consent},
		{"cookielawinfo-checkbox-analytics", "pref.test", Consent},
		{"PHPSESSID", "pref.test", Essential},
		{"phpsessid", "pref.test", Essential},
		{"JSESSIONID", "pref.test", Essential},
		{"ASP.NET_SessionId", "pref.test", Essential},
		{"csrftoken", "pref.test", Essential},
		{"XSRF-TOKEN", "pref.test", Essential},
		{"__Host-session", "pref.test", Essential},
		{"SERVERID", "pref.test", Essential},
		{"AWSALBCORS", "pref.test", Essential},
		{"__cf_bm", ".pref.test", Essential},
		// Unknown names fall back on the domain's category.
		{"xyz", "ad.doubleclick.net", Advertising},
		{"xyz", ".hotjar.com", SessionReplay},
		{"xyz", "www.googletagmanager.com", Tracking},
		{"xyz", "consent.cookiebot.com", Consent},
		{"xyz", "fonts.googleapis.com", ""},
		{"xyz", "pref.test", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := l.CookiePurpose(tt.name, tt.domain); got != tt.want {
			t.Errorf("CookiePurpose(%q, %q) = %q, want %q", tt.name, tt.domain, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	r := &observation.Rendering{
		URL: "https://www.pref.test/contact",
		Requests: []observation.Request{
			{URL: "https://www.pref.test/contact", Type: "document", Party: "pref.test"},
			{URL: "https://www.google-analytics.com/g/collect?v=2", Type: "ping", Party: "google-analytics.com", ThirdParty: true},
			{URL: "https://fonts.gstatic.com/s/x.woff2", Type: "font", Party: "gstatic.com", ThirdParty: true},
			{URL: "https://cdn.unknown.test/lib.js", Type: "script", Party: "unknown.test", ThirdParty: true},
			// The site being audited is itself a listed domain: its own
			// requests are first party and not trackers.
			{URL: "https://www.hotjar.com/x.js", Type: "script", Party: "hotjar.com", Tracker: "stale", TrackerName: "stale"},
		},
		Cookies: []observation.Cookie{
			{Name: "_ga", Domain: ".pref.test", Party: "pref.test"},
			{Name: "IDE", Domain: ".doubleclick.net", Party: "doubleclick.net", ThirdParty: true},
			{Name: "xyz", Domain: ".hotjar.com", Party: "hotjar.com", ThirdParty: true},
			{Name: "xyz", Domain: ".hotjar.com", Party: "hotjar.com"},
			{Name: "PHPSESSID", Domain: "www.pref.test", Party: "pref.test"},
		},
		Leaks: []observation.Leak{
			{Field: "email", Category: "contact", Party: "facebook.net", RequestURL: "https://connect.facebook.net/tr?ud=***"},
			{Field: "email", Category: "contact", Party: "unknown.test", RequestURL: "https://x.unknown.test/c"},
		},
	}
	Default().Classify(r)
	wantReq := [][2]string{{"", ""}, {Analytics, "Google Analytics"}, {Content, "Google Fonts"}, {"", ""}, {"", ""}}
	for i, w := range wantReq {
		if got := [2]string{r.Requests[i].Tracker, r.Requests[i].TrackerName}; got != w {
			t.Errorf("request %s classified %v, want %v", r.Requests[i].URL, got, w)
		}
	}
	wantCookie := []string{Analytics, Advertising, SessionReplay, "", Essential}
	for i, w := range wantCookie {
		if got := r.Cookies[i].Purpose; got != w {
			t.Errorf("cookie %s on %s (third party %v) = %q, want %q", r.Cookies[i].Name, r.Cookies[i].Domain, r.Cookies[i].ThirdParty, got, w)
		}
	}
	if r.Leaks[0].Tracker != Advertising || r.Leaks[1].Tracker != "" {
		t.Errorf("leak trackers = %q, %q", r.Leaks[0].Tracker, r.Leaks[1].Tracker)
	}
	Default().Classify(nil) // must not panic
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unknown category", "# c\nx.test,X,analytics\ny.test,Y,spyware\n", "user.csv:3: unknown category \"spyware\""},
		{"too few fields", "domain,name,category\nx.test,X\n", "user.csv:2: 2 fields, want 3"},
		{"too many fields", "x.test,X,analytics,extra\n", "user.csv:1: 4 fields"},
		{"bad domain", "\n\nexa mple.test,X,analytics\n", "user.csv:3: invalid domain"},
		{"single label", "localhost,X,analytics\n", "user.csv:1: invalid domain"},
		{"empty label", "a..test,X,analytics\n", "user.csv:1: invalid domain"},
		{"wildcard", "*.x.test,X,analytics\n", "user.csv:1: invalid domain"},
		{"no name", "x.test,,analytics\n", "user.csv:1: domain x.test has no name"},
		{"duplicate", "x.test,X,analytics\n# gap\nX.TEST.,X again,advertising\n", "user.csv:3: domain x.test already listed at line 1"},
		{"bad quote", "x.test,\"X,analytics\n", "user.csv:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.in), "user.csv")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadFileExtendsDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "extra.csv")
	data := "# our own additions\ndomain,name,category\nstats.partenaire.test,Partner analytics,analytics\nhotjar.com,Hotjar (renamed),session-replay\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	user, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if user.Len() != 2 {
		t.Fatalf("user list has %d entries, want 2", user.Len())
	}
	merged := Default().Merge(user)
	if merged.Len() != Default().Len()+1 {
		t.Errorf("merged list has %d entries, want %d", merged.Len(), Default().Len()+1)
	}
	if e, ok := merged.Lookup("a.stats.partenaire.test"); !ok || e.Name != "Partner analytics" {
		t.Errorf("user entry not found: %+v %v", e, ok)
	}
	if e, _ := merged.Lookup("static.hotjar.com"); e.Name != "Hotjar (renamed)" {
		t.Errorf("user entry does not override the default: %+v", e)
	}
	if _, ok := merged.Lookup("www.google-analytics.com"); !ok {
		t.Error("default entry lost in merge")
	}
	if _, ok := Default().Lookup("stats.partenaire.test"); ok {
		t.Error("Merge modified the default list")
	}
	// Used alone, the user's list replaces the default.
	if _, ok := user.Lookup("www.google-analytics.com"); ok {
		t.Error("user list alone knows a default domain")
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "missing.csv")); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing file error = %v", err)
	}
}

func TestEmbeddedLists(t *testing.T) {
	l, err := Load(strings.NewReader(trackersCSV), "trackers.csv")
	if err != nil {
		t.Fatal(err) // duplicates and unknown categories are errors of Load
	}
	if n := l.Len(); n < 150 || n > 400 {
		t.Errorf("embedded list has %d domains, want 150-400", n)
	}
	seen := map[string]bool{}
	cats := map[string]int{}
	for _, e := range l.Entries() {
		if seen[e.Domain] {
			t.Errorf("duplicate domain %s", e.Domain)
		}
		seen[e.Domain] = true
		if !KnownCategory(e.Category) {
			t.Errorf("%s: unknown category %q", e.Domain, e.Category)
		}
		cats[e.Category]++
	}
	for _, c := range []string{Analytics, Advertising, SessionReplay, Social, TagManager, Consent, Content, Monitoring, Support} {
		if cats[c] == 0 {
			t.Errorf("no domain of category %s", c)
		}
	}
	// The data rows, comments and header excluded, are exactly the entries.
	rows := 0
	for _, line := range strings.Split(trackersCSV, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") && line != "domain,name,category" {
			rows++
		}
	}
	if rows != l.Len() {
		t.Errorf("%d data rows but %d entries", rows, l.Len())
	}
	ct, err := loadCookies(strings.NewReader(cookiesCSV), "cookies.csv")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ct.exact) + len(ct.prefixes); n < 100 {
		t.Errorf("embedded cookie names: %d, want at least 100", n)
	}
	for _, f := range []string{trackersCSV, cookiesCSV} {
		if !strings.Contains(f, "Licence: the licence of the Vigie project") {
			t.Error("embedded file lacks its source and licence header")
		}
	}
}

func TestLoadCookiesErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"_ga,analytics,\n_x,spying,\n", "c.csv:2: unknown purpose"},
		{"a*b,analytics,\n", "c.csv:1: invalid cookie name"},
		{"*,analytics,\n", "c.csv:1: invalid cookie name"},
		{"fr,advertising,facebook\n", "c.csv:1: invalid domain"},
		{"fr,advertising,facebook.com\nFR,social,facebook.com\n", "c.csv:2: cookie FR,facebook.com already listed at line 1"},
	}
	for _, tt := range tests {
		_, err := loadCookies(strings.NewReader(tt.in), "c.csv")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("loadCookies(%q) error = %v, want %q", tt.in, err, tt.want)
		}
	}
	// Precedence: exact over prefix, longer prefix over shorter, bound
	// domain over general.
	ct, err := loadCookies(strings.NewReader("a*,analytics,\nab*,advertising,\nabc,consent,\nabd*,social,x.test\nabd*,tracking,\n"), "c.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, domain, want string }{
		{"abc", "", Consent}, {"abx", "", Advertising}, {"ax", "", Analytics},
		{"abdz", "www.x.test", Social}, {"abdz", "y.test", Tracking}, {"b", "", ""},
	} {
		if got := ct.purpose(tt.name, tt.domain); got != tt.want {
			t.Errorf("purpose(%q, %q) = %q, want %q", tt.name, tt.domain, got, tt.want)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(trackersCSV)
	f.Add("x.test,X,analytics\n")
	f.Add("domain,name,category\n\"a.test\",\"A, Inc.\",content\n")
	f.Add("x.test,\"X\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := Load(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Errorf("error does not name its source: %v", err)
			}
			return
		}
		for _, e := range l.Entries() {
			got, ok := l.Lookup(e.Domain)
			if !ok || got != e {
				t.Errorf("Lookup(%q) = %+v, %v; want %+v", e.Domain, got, ok, e)
			}
			if !KnownCategory(e.Category) || e.Name == "" {
				t.Errorf("invalid entry accepted: %+v", e)
			}
		}
	})
}

func BenchmarkClassify(b *testing.B) {
	l := Default()
	r := &observation.Rendering{}
	for _, h := range []string{"www.google-analytics.com", "fonts.gstatic.com", "static.pref.test", "px.ads.linkedin.com", "cdn.unknown.test"} {
		r.Requests = append(r.Requests, observation.Request{URL: "https://" + h + "/x?y=1", ThirdParty: true})
	}
	for _, n := range []string{"_ga", "_pk_id.1.ab", "PHPSESSID", "unknown", "IDE"} {
		r.Cookies = append(r.Cookies, observation.Cookie{Name: n, Domain: ".doubleclick.net", ThirdParty: true})
	}
	for b.Loop() {
		l.Classify(r)
	}
}

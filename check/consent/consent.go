// Package consent holds the browser-mode checks on consent banners, made
// from the consent pass over a site's entry page (observation.Consent):
// consent.no-refuse-first-layer, consent.refuse-harder and
// consent.tracking-after-refusal. Each reports at most once per site. The
// first two consider only a banner that governs something: after
// acceptance, a tracker was contacted or a cookie needing consent set.
package consent

import (
	_ "embed"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/tracker"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("consent", catalogue, run) }

// Thresholds of a "clearly subordinate" refuse control, next to an accept
// control of the same banner. The CNIL's recommendation of 17 September
// 2020 asks that refusing be as easy as accepting, with controls at the
// same level and in the same format; the thresholds only catch a clear
// asymmetry, never a primary/secondary pair of buttons of a design system.
const (
	// Legibility: the refuse label's contrast is below 3:1, the least
	// WCAG 2.1 (success criterion 1.4.3) accepts even for large text,
	// while the accept label meets the 4.5:1 asked of normal text.
	minRefuseContrast = 3.0
	goodContrast      = 4.5
	// Size: the refuse label's font is at most three quarters of the
	// accept label's and its box at most a quarter of the accept box's
	// area.
	maxFontRatio = 0.75
	maxAreaRatio = 0.25
)

// run reports the consent findings of a site.
func run(site *observation.Site, r *check.Reporter) {
	c := site.Consent
	if c == nil || c.Error != "" {
		return
	}
	b := banner(c)
	if b == nil {
		return
	}
	accept, hasAccept := find(b.Controls, observation.ControlAccept)
	refuse, hasRefuse := find(b.Controls, observation.ControlRefuse)
	base := func() map[string]any {
		d := map[string]any{
			"manager":       b.Manager,
			"banner_text":   b.Text,
			"first_layer":   labels(b.Controls),
			"accept_clicks": b.AcceptClicks,
			"refuse_clicks": b.RefuseClicks,
		}
		if len(b.SecondLayer) > 0 {
			d["second_layer"] = labels(b.SecondLayer)
		}
		if c.TCF {
			d["tcf"] = true
		}
		if c.ScreenshotDigest != "" {
			d["screenshot"] = c.ScreenshotDigest
		}
		return d
	}
	// A banner that only informs (nothing needing consent follows
	// acceptance: "this site uses only necessary cookies. OK") asks for
	// no consent, so how to refuse it is no failure.
	accepted := tracked(c.Acceptance)
	if !accepted.any() {
		trackingAfterRefusal(c, b, r)
		return
	}
	governs := func(d map[string]any) {
		var hosts []string
		for _, ct := range accepted.contacts {
			hosts = append(hosts, ct.Host)
		}
		for _, k := range accepted.cookies {
			hosts = append(hosts, "cookie "+k.Name+" ("+k.Domain+")")
		}
		d["after_acceptance"] = hosts
	}
	if hasAccept && !hasRefuse {
		d := base()
		governs(d)
		d["accept"] = control(accept)
		if rf, ok := find(b.SecondLayer, observation.ControlRefuse); ok {
			d["refuse_second_layer"] = control(rf)
		}
		r.Report(check.Issue{Check: "consent.no-refuse-first-layer", URL: c.URL, Location: "consent:no-refuse-first-layer", Detail: d})
	}
	var reasons []string
	if b.RefuseClicks > b.AcceptClicks && b.AcceptClicks > 0 {
		reasons = append(reasons, "more-clicks")
	}
	if hasAccept && hasRefuse {
		if refuse.Contrast < minRefuseContrast && accept.Contrast >= goodContrast {
			reasons = append(reasons, "low-contrast")
		}
		if accept.FontSize > 0 && accept.Area() > 0 &&
			refuse.FontSize <= maxFontRatio*accept.FontSize && refuse.Area() <= maxAreaRatio*accept.Area() {
			reasons = append(reasons, "smaller")
		}
	}
	if len(reasons) > 0 {
		d := base()
		governs(d)
		d["reasons"] = reasons
		if hasAccept {
			d["accept"] = control(accept)
		}
		if hasRefuse {
			d["refuse"] = control(refuse)
		} else if rf, ok := find(b.SecondLayer, observation.ControlRefuse); ok {
			d["refuse"] = control(rf)
		}
		r.Report(check.Issue{Check: "consent.refuse-harder", URL: c.URL, Location: "consent:refuse-harder", Detail: d})
	}
	trackingAfterRefusal(c, b, r)
}

// banner returns the first banner offering a choice.
func banner(c *observation.Consent) *observation.Banner {
	for i := range c.Banners {
		b := &c.Banners[i]
		if _, ok := find(b.Controls, observation.ControlAccept); ok {
			return b
		}
		if _, ok := find(b.Controls, observation.ControlRefuse); ok {
			return b
		}
	}
	return nil
}

// consentName matches the names of cookies that record a consent choice
// (the managers' own and the usual generic names): never identifiers of
// tracking, whoever sets them.
var consentName = regexp.MustCompile(`(?i)consent|cookie|tarteaucitron|klaro|orejime|axeptio|didomi|optanon|cookiebot|cmp|gdpr|rgpd|choi[cx]|preference`)

// contact is a tracker the browser contacted after a choice.
type contact struct {
	Host    string `json:"host"`
	Party   string `json:"party"`
	Tracker string `json:"tracker"`
	Name    string `json:"name,omitempty"`
	Count   int    `json:"requests"`
	Example string `json:"example"`
}

// cookie is a cookie needing consent set after a choice.
type cookie struct {
	Name       string  `json:"name"`
	Domain     string  `json:"domain"`
	ThirdParty bool    `json:"third_party"`
	Purpose    string  `json:"purpose,omitempty"`
	Lifetime   float64 `json:"lifetime_days,omitempty"`
	Session    bool    `json:"session,omitempty"`
	SetBy      string  `json:"set_by,omitempty"`
	Why        string  `json:"why"`
}

// tracking is what needs consent in a visit, after its click.
type tracking struct {
	contacts []contact
	cookies  []cookie
	// listed: some of it is known to the tracker list; matomoOnly: the
	// cookies are all first-party Matomo ones.
	listed, matomoOnly bool
}

func (t tracking) any() bool { return len(t.contacts) > 0 || len(t.cookies) > 0 }

// tracked finds, in visit v, what needs consent after the click:
//   - requests to third parties the tracker list knows as analytics,
//     advertising, session replay or social networks;
//   - cookies set after the click whose name or domain the tracker list
//     classifies as needing consent (analytics, advertising...);
//   - by behaviour, a third-party cookie set after the click that
//     outlives the visit by a day or more, holds a value long enough to
//     identify a browser and is not named as a consent record: an
//     identifier a third party keeps on the visitor's device.
//
// First-party session cookies and cookies of unknown purpose set by the
// site itself never count: they are what strictly necessary cookies look
// like.
func tracked(v *observation.ConsentVisit) tracking {
	t := tracking{matomoOnly: true}
	if v == nil || len(v.Clicked) == 0 {
		return t
	}
	at := map[string]int{}
	for _, q := range v.Requests {
		if !q.ThirdParty || !needsConsent(q.Tracker) {
			continue
		}
		h := host(q.URL)
		if i, ok := at[h]; ok {
			t.contacts[i].Count++
			continue
		}
		at[h] = len(t.contacts)
		t.contacts = append(t.contacts, contact{Host: h, Party: q.Party, Tracker: q.Tracker, Name: q.TrackerName, Count: 1, Example: maskQuery(q.URL)})
	}
	t.listed = len(t.contacts) > 0
	before := map[string]bool{}
	for _, k := range v.CookiesBefore {
		before[key(k)] = true
	}
	for _, k := range v.Cookies {
		if before[key(k)] {
			continue
		}
		why := ""
		switch {
		case needsConsent(k.Purpose):
			why = "tracker-list"
			t.listed = true
			if k.ThirdParty || !strings.HasPrefix(strings.ToLower(k.Name), "_pk_") {
				t.matomoOnly = false
			}
		case k.ThirdParty && !k.Session && k.Lifetime >= 1 && k.ValueLength >= 8 &&
			k.Purpose != tracker.Essential && k.Purpose != tracker.Consent && !consentName.MatchString(k.Name):
			why = "third-party-identifier"
			t.matomoOnly = false
		default:
			continue
		}
		t.cookies = append(t.cookies, cookie{Name: k.Name, Domain: k.Domain, ThirdParty: k.ThirdParty, Purpose: k.Purpose,
			Lifetime: math.Round(k.Lifetime*10) / 10, Session: k.Session, SetBy: maskQuery(k.SetBy), Why: why})
	}
	sort.Slice(t.cookies, func(i, j int) bool {
		if t.cookies[i].Name != t.cookies[j].Name {
			return t.cookies[i].Name < t.cookies[j].Name
		}
		return t.cookies[i].Domain < t.cookies[j].Domain
	})
	return t
}

// trackingAfterRefusal reports what the browser did, after the visitor
// refused, that needs consent (see tracked). A finding resting only on
// behaviour (a third-party identifier the list does not know) is
// tentative and medium; with a tracker known to the list it is firm and
// high.
func trackingAfterRefusal(c *observation.Consent, b *observation.Banner, r *check.Reporter) {
	if b.RefuseClicks == 0 {
		return
	}
	t := tracked(c.Refusal)
	if !t.any() {
		return
	}
	d := map[string]any{
		"manager": b.Manager,
		"refused": c.Refusal.Clicked,
	}
	if len(t.contacts) > 0 {
		d["trackers_contacted"] = t.contacts
	}
	if len(t.cookies) > 0 {
		d["cookies_set"] = t.cookies
	}
	iss := check.Issue{Check: "consent.tracking-after-refusal", URL: c.URL, Location: "consent:tracking-after-refusal", Detail: d}
	switch {
	case !t.listed:
		iss.Severity, iss.Confidence = finding.Medium, finding.Tentative
	case len(t.contacts) == 0 && t.matomoOnly:
		// Matomo can be set up within the CNIL's exemption for audience
		// measurement, which cannot be verified from outside.
		d["possibly_exempt"] = true
		iss.Severity = finding.Low
	}
	r.Report(iss)
}

// needsConsent reports whether a tracker category or cookie purpose
// requires consent.
func needsConsent(p string) bool {
	switch p {
	case tracker.Analytics, tracker.Advertising, tracker.SessionReplay, tracker.Social, tracker.Tracking:
		return true
	}
	return false
}

func key(c observation.Cookie) string {
	return c.Name + "\x00" + strings.ToLower(strings.TrimPrefix(c.Domain, "."))
}

func find(cs []observation.Control, role string) (observation.Control, bool) {
	for _, c := range cs {
		if c.Role == role {
			return c, true
		}
	}
	return observation.Control{}, false
}

// labels lists the controls as "role: label".
func labels(cs []observation.Control) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Role+": "+label(c))
	}
	return out
}

func label(c observation.Control) string {
	if c.Text != "" {
		return c.Text
	}
	return c.Aria
}

// control is what a finding shows of a control's visual weight.
func control(c observation.Control) map[string]any {
	return map[string]any{
		"label": label(c), "kind": c.Kind, "tag": c.Tag,
		"width": math.Round(c.Width), "height": math.Round(c.Height),
		"font_size": c.FontSize, "font_weight": c.FontWeight,
		"color": c.Color, "background": c.Background, "contrast": c.Contrast,
	}
}

func host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// maskQuery drops the query and fragment of a URL: trackers carry the
// visitor's identifiers there.
func maskQuery(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i]
	}
	return raw
}

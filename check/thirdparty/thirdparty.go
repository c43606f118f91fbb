// Package thirdparty holds the browser-mode checks on third parties that
// receive what a page collects: thirdparty.on-form-page (third-party
// requests from a page with a personal-data form) and
// thirdparty.form-data-leak (values typed into a form found in a request to
// another party before anything was submitted).
package thirdparty

import (
	_ "embed"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/publicsuffix"

	"vigie/check"
	"vigie/check/form"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("thirdparty", catalogue, run) }

func run(site *observation.Site, r *check.Reporter) {
	for i := range site.Pages {
		scriptNoSRI(&site.Pages[i], r)
	}
	for i := range site.Pages {
		p := &site.Pages[i]
		if p.Rendering == nil {
			continue // static mode: no requests were observed
		}
		pageURL := pageURL(p)
		rendered := p.Rendering.URL
		if rendered == "" {
			rendered = pageURL
		}
		own := registrable(rendered)
		onFormPage(p, pageURL, own, r)
		formDataLeak(p, pageURL, own, r)
	}
}

// scriptNoSRI reports the scripts of another registrable domain that a
// page collecting personal data loads without Subresource Integrity: the
// other party, or whoever takes over its server, can change the script
// to read what is typed. The page's own scripts are never reported.
func scriptNoSRI(p *observation.Page, r *check.Reporter) {
	if p.Status != 200 {
		return
	}
	var personal *observation.Form
	for i := range p.Forms {
		if pii.CollectsPersonalData(&p.Forms[i]).Personal {
			personal = &p.Forms[i]
			break
		}
	}
	if personal == nil {
		return
	}
	u := pageURL(p)
	own := registrable(u)
	for _, res := range p.Resources {
		if res.Kind != "script" || res.Integrity != "" {
			continue
		}
		party := registrable(res.URL)
		if party == "" || own == "" || strings.EqualFold(party, own) {
			continue
		}
		r.Report(check.Issue{Check: "thirdparty.script-no-sri", URL: u, Location: "script=" + res.URL, Grouped: true,
			Detail: map[string]any{"script": res.URL, "party": party, "forms": []int{personal.Index}}})
	}
}

// party is what the detail of thirdparty.on-form-page says of one receiving
// registrable domain.
type party struct {
	Party       string   `json:"party"`
	Requests    int      `json:"requests"`
	Types       []string `json:"types"`
	Hosts       []string `json:"hosts"`
	Tracker     string   `json:"tracker,omitempty"`
	TrackerName string   `json:"tracker_name,omitempty"`
}

// onFormPage reports, for each form of the page that collects personal
// data and each other party the page sends requests to, one sighting of
// the defect (the form, the party): a tracker in the site's template
// beside a newsletter form in its footer is one finding listing the
// pages, not one per page.
func onFormPage(p *observation.Page, pageURL, own string, r *check.Reporter) {
	parties := thirdParties(p.Rendering.Requests, own)
	if len(parties) == 0 {
		return
	}
	for i := range p.Forms {
		f := &p.Forms[i]
		v := pii.CollectsPersonalData(f)
		if !v.Personal {
			continue
		}
		special := false
		for _, c := range v.Categories {
			special = special || pii.IsSpecial(c)
		}
		// The location names the form by its signature and the party,
		// never the page, so that the ID does not depend on which page
		// the crawl met first.
		sig := form.Signature(f)
		for _, pt := range parties {
			d := map[string]any{
				"parties":    []party{pt},
				"categories": v.Categories,
				"forms":      []int{f.Index},
			}
			if f.Action != "" {
				d["form_action"] = f.Action
			}
			r.Report(check.Issue{Check: "thirdparty.on-form-page", URL: pageURL,
				Location: sig + " party=" + pt.Party, Severity: onFormSeverity(pt, special), Grouped: true, Detail: d})
		}
	}
}

// onFormSeverity grades one party on a page with a personal-data form:
// high for a tracker that profiles (audience, advertising, session
// replay, social) or beside a special category, low for a content or
// consent service, medium for any other party.
func onFormSeverity(pt party, special bool) finding.Severity {
	switch {
	case special:
		return finding.High
	case pt.Tracker == "analytics", pt.Tracker == "advertising", pt.Tracker == "session-replay", pt.Tracker == "social":
		return finding.High
	case pt.Tracker == "content", pt.Tracker == "consent":
		return finding.Low
	}
	return finding.Medium
}

// thirdParties groups the requests sent to parties other than own, sorted
// by party.
func thirdParties(reqs []observation.Request, own string) []party {
	byParty := map[string]*party{}
	var order []string
	for _, q := range reqs {
		if !q.ThirdParty || q.Party == "" || strings.EqualFold(q.Party, own) {
			continue
		}
		pt := byParty[q.Party]
		if pt == nil {
			pt = &party{Party: q.Party}
			byParty[q.Party] = pt
			order = append(order, q.Party)
		}
		pt.Requests++
		pt.Types = addSorted(pt.Types, q.Type)
		if u, err := url.Parse(q.URL); err == nil {
			pt.Hosts = addSorted(pt.Hosts, strings.ToLower(u.Hostname()))
		}
		if pt.Tracker == "" && q.Tracker != "" {
			pt.Tracker, pt.TrackerName = q.Tracker, q.TrackerName
		}
	}
	sort.Strings(order)
	out := make([]party, 0, len(order))
	for _, name := range order {
		out = append(out, *byParty[name])
	}
	return out
}

// leaked is one entry of the detail of thirdparty.form-data-leak.
type leaked struct {
	Form       int    `json:"form"`
	Frame      string `json:"frame,omitempty"`
	Field      string `json:"field"`
	Category   string `json:"category"`
	Encoding   string `json:"encoding"`
	Where      string `json:"where"`
	Method     string `json:"method"`
	RequestURL string `json:"request_url"`
	// Value is the canary typed (fictitious data).
	Value string `json:"value,omitempty"`
}

// formDataLeak reports, for each party other than the page's own, the typed
// values that reached it.
func formDataLeak(p *observation.Page, pageURL, own string, r *check.Reporter) {
	byParty := map[string][]leaked{}
	trackers := map[string]string{}
	for _, lk := range p.Rendering.Leaks {
		if lk.Party == "" || strings.EqualFold(lk.Party, own) {
			continue
		}
		if f := leakForm(p, lk); f != nil && !pii.CollectsPersonalData(f).Personal {
			// A value typed into a search or navigation form (a
			// commune to look for) is what to show, not who asks.
			continue
		}
		e := leaked{Form: lk.Form, Frame: lk.Frame, Field: lk.Field, Category: lk.Category, Encoding: lk.Encoding,
			Where: lk.Where, Method: lk.Method, RequestURL: lk.RequestURL, Value: lk.Value}
		dup := false
		for _, x := range byParty[lk.Party] {
			if x == e {
				dup = true
				break
			}
		}
		if !dup {
			byParty[lk.Party] = append(byParty[lk.Party], e)
		}
		if trackers[lk.Party] == "" {
			trackers[lk.Party] = lk.Tracker
		}
	}
	for name, leaks := range byParty {
		sort.SliceStable(leaks, func(i, j int) bool {
			a, b := leaks[i], leaks[j]
			if a.Form != b.Form {
				return a.Form < b.Form
			}
			if a.Field != b.Field {
				return a.Field < b.Field
			}
			return a.RequestURL < b.RequestURL
		})
		sev := finding.High
		var cats []string
		for _, l := range leaks {
			if pii.IsCritical(l.Category) {
				sev = finding.Critical
			}
			cats = addSorted(cats, l.Category)
		}
		detail := map[string]any{
			"party":      name,
			"categories": cats,
			"leaks":      leaks,
		}
		if t := trackers[name]; t != "" {
			detail["tracker"] = t
		}
		if n := trackerName(p.Rendering.Requests, name); n != "" {
			detail["tracker_name"] = n
		}
		r.Report(check.Issue{Check: "thirdparty.form-data-leak", URL: pageURL,
			Location: finding.NormaliseURL(pageURL) + "#party=" + name, Severity: sev, Detail: detail})
	}
}

// leakForm returns the form of the page a leak's field was typed into, or
// nil when it cannot be told.
func leakForm(p *observation.Page, lk observation.Leak) *observation.Form {
	top := false
	for _, fr := range p.Rendering.Frames {
		if fr.Top && fr.URL == lk.Frame {
			top = true
		}
	}
	for i := range p.Forms {
		f := &p.Forms[i]
		if f.Index == lk.Form && (f.Frame == lk.Frame && lk.Frame != "" || f.Frame == "" && top) {
			return f
		}
	}
	return nil
}

// trackerName returns the name the tracker list gave a party's requests.
func trackerName(reqs []observation.Request, party string) string {
	for _, q := range reqs {
		if q.Party == party && q.TrackerName != "" {
			return q.TrackerName
		}
	}
	return ""
}

// addSorted inserts s into the sorted set ss.
func addSorted(ss []string, s string) []string {
	if s == "" {
		return ss
	}
	i := sort.SearchStrings(ss, s)
	if i < len(ss) && ss[i] == s {
		return ss
	}
	return append(ss[:i], append([]string{s}, ss[i:]...)...)
}

// pageURL is the URL findings are reported at, as in the other families.
func pageURL(p *observation.Page) string {
	switch {
	case p.FinalURL != "":
		return p.FinalURL
	case p.URL != "":
		return p.URL
	}
	return p.Rendering.URL
}

// registrable returns the registrable domain (eTLD+1) of a URL's host, the
// host itself when it has none (an IP address, a bare suffix).
func registrable(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if reg, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return reg
	}
	return host
}

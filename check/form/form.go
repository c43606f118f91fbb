// Package form holds the checks on forms that collect personal data over
// unencrypted HTTP: form.http-page, form.http-action and form.password-http.
package form

import (
	_ "embed"
	"net/url"
	"sort"
	"strings"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("form", catalogue, run) }

func run(site *observation.Site, r *check.Reporter) {
	for i := range site.Pages {
		p := &site.Pages[i]
		if p.Error != "" {
			continue
		}
		pageURL := p.FinalURL
		if pageURL == "" {
			pageURL = p.URL
		}
		for j := range p.Forms {
			f := &p.Forms[j]
			v := pii.CollectsPersonalData(f)
			cats, password := v.Categories, hasPassword(f)
			httpActions := httpActions(f)
			// A form in a frame (browser mode) is typed into the frame's
			// document: the frame's scheme is what protects it.
			pageHTTP := isHTTP(pageURL)
			if f.Frame != "" {
				pageHTTP = isHTTP(f.Frame)
			}
			// The same form on several pages (a login box in the header)
			// is one defect: the location is the form's signature, never
			// the page, and the reporter lists the pages.
			loc := Signature(f)
			detail := func() map[string]any {
				d := map[string]any{
					"form_action":     f.Action,
					"method":          f.Method,
					"form_index":      f.Index,
					"fields":          fieldDetail(f, v),
					"categories":      cats,
					"personal_reason": v.Reason,
					"http_actions":    httpActions,
				}
				if f.Frame != "" {
					d["frame"] = f.Frame
				}
				return d
			}
			if password && (pageHTTP || len(httpActions) > 0) {
				r.Report(check.Issue{Check: "form.password-http", URL: pageURL, Location: loc, Detail: detail(), Grouped: true})
			}
			if len(cats) == 0 {
				continue
			}
			sev := finding.High
			for _, c := range cats {
				if pii.IsCritical(c) {
					sev = finding.Critical
				}
			}
			// A form on an HTTP page that also posts over HTTP is one
			// transport defect: the page's, whose detail names the HTTP
			// actions; form.http-action is for pages served over HTTPS.
			switch {
			case pageHTTP:
				r.Report(check.Issue{Check: "form.http-page", URL: pageURL, Location: loc, Severity: sev, Detail: detail(), Grouped: true})
			case len(httpActions) > 0:
				r.Report(check.Issue{Check: "form.http-action", URL: pageURL, Location: loc, Severity: sev, Detail: detail(), Grouped: true})
			}
		}
	}
}

// Signature identifies a form independently of the page it shows on, so
// that the same form on several pages is one finding whose ID does not
// depend on which page the crawl met first: "form:" and the method, the
// normalised action (see signatureURL) and formactions, the frame's URL
// when the form lives in one, and the sorted names of its fields.
func Signature(f *observation.Form) string {
	var b strings.Builder
	b.WriteString("form:")
	b.WriteString(strings.ToLower(f.Method))
	b.WriteString(" ")
	b.WriteString(signatureURL(f.Action))
	for _, s := range f.Submitters {
		if s.Action != f.Action {
			b.WriteString(" formaction=")
			b.WriteString(signatureURL(s.Action))
		}
	}
	if f.Frame != "" {
		b.WriteString(" frame=")
		b.WriteString(signatureURL(f.Frame))
	}
	names := make([]string, 0, len(f.Fields))
	seen := map[string]bool{}
	for _, fl := range f.Fields {
		n := fl.Name
		if n == "" {
			n = "#" + fl.ID
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	b.WriteString(" fields=")
	b.WriteString(strings.Join(names, ","))
	return b.String()
}

// signatureURL normalises an action or frame URL for a form's signature:
// scheme, host and path, without the query. The query is what a page
// puts there about itself: a wiki's log-in form returns to the page it was
// opened from (returnto=, returntoquery=, present or not), a form without
// an action posts to its own page (?id=41, ?id=42). The form is the same;
// its fields tell it from another form posting to the same script.
func signatureURL(raw string) string {
	u, err := url.Parse(finding.NormaliseURL(raw))
	if err != nil {
		return raw
	}
	u.RawQuery, u.ForceQuery = "", false
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// hasPassword reports whether a form has a password field that can be
// filled in.
func hasPassword(f *observation.Form) bool {
	for _, fl := range f.Fields {
		if fl.Type == "password" && !fl.Disabled {
			return true
		}
	}
	return false
}

// httpActions lists the form's submission URLs that use plain HTTP.
func httpActions(f *observation.Form) []string {
	var out []string
	for _, a := range f.Actions() {
		if isHTTP(a) {
			out = append(out, a)
		}
	}
	return out
}

type fieldInfo struct {
	Name     string `json:"name"`
	Type     string `json:"type,omitempty"`
	Label    string `json:"label,omitempty"`
	Category string `json:"category"`
}

// fieldDetail lists the personal fields of a form for the finding record:
// those the verdict rests on.
func fieldDetail(f *observation.Form, v pii.Verdict) []fieldInfo {
	var out []fieldInfo
	for _, i := range v.Fields {
		fl := f.Fields[i]
		name := fl.Name
		if name == "" {
			name = fl.ID
		}
		out = append(out, fieldInfo{Name: name, Type: fl.Type, Label: fl.Label, Category: fl.Category})
	}
	return out
}

func isHTTP(u string) bool {
	return len(u) >= 7 && strings.EqualFold(u[:7], "http://")
}

// Package form holds the checks on forms that collect personal data over
// unencrypted HTTP: form.http-page, form.http-action and form.password-http.
package form

import (
	_ "embed"
	"fmt"
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
			loc := fmt.Sprintf("%s#form=%d", finding.NormaliseURL(pageURL), f.Index)
			if f.Frame != "" {
				pageHTTP = isHTTP(f.Frame)
				loc = fmt.Sprintf("%s#frame=%s#form=%d", finding.NormaliseURL(pageURL), finding.NormaliseURL(f.Frame), f.Index)
			}
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
				r.Report(check.Issue{Check: "form.password-http", URL: pageURL, Location: loc, Detail: detail()})
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
			if pageHTTP {
				r.Report(check.Issue{Check: "form.http-page", URL: pageURL, Location: loc, Severity: sev, Detail: detail()})
			}
			if len(httpActions) > 0 {
				r.Report(check.Issue{Check: "form.http-action", URL: pageURL, Location: loc, Severity: sev, Detail: detail()})
			}
		}
	}
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

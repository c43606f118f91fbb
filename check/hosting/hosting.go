// Package hosting holds the checks on where a site's data lives:
// hosting.health-data-non-hds (health data on a provider absent from the
// list of certified health-data hosts, French public health code art.
// L.1111-8) and hosting.outside-eea (personal data collected by a site
// hosted outside the European Economic Area and the countries with an
// adequacy decision, GDPR chapter V). Both judge the observation.Hosting
// the scan made from DNS and the open IP datasets, and both stay silent
// when the provider is unknown or a CDN hides the origin.
package hosting

import (
	_ "embed"
	"slices"
	"strings"

	"vigie/check"
	"vigie/finding"
	"vigie/hosting"
	"vigie/observation"
	"vigie/pii"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("hosting", catalogue, run) }

// HealthTags are the organisation tags that make a site a health-sector
// one (hospitals, clinics, care homes, health agencies), lower case.
var HealthTags = []string{"sante", "santé", "health", "hopital", "hôpital", "chu", "clinique", "ehpad", "secteur:sante", "sector:health"}

func run(site *observation.Site, r *check.Reporter) {
	h := site.Hosting
	if h == nil || h.OriginHidden || len(h.Addresses) == 0 || len(site.Pages) == 0 {
		return
	}
	health := HealthEvidence(site)
	forms := PersonalForms(site)
	entry := pageURL(&site.Pages[0])
	if h.HDS == hosting.HDSNotListed && len(health) > 0 {
		d := facts(h)
		d["health_data"] = health
		d["hds"] = h.HDS
		d["would_disprove"] = "an HDS contract (hébergement de données de santé) covering this service, with a certified host; or the health data being held elsewhere than on these servers"
		r.Report(check.Issue{Check: "hosting.health-data-non-hds", URL: entry, Location: "hosting:" + h.Host, Detail: d})
	}
	if len(forms) > 0 && (h.Jurisdiction == hosting.JurisdictionOutside || h.Jurisdiction == hosting.JurisdictionPartial) {
		d := facts(h)
		d["jurisdiction"] = h.Jurisdiction
		d["forms"] = forms
		sev := finding.Info
		special := len(health) > 0
		for _, f := range forms {
			for _, c := range f.Categories {
				special = special || pii.IsSpecial(c)
			}
		}
		if special {
			sev = finding.Medium
			d["special_categories"] = true
		}
		d["adequacy"] = adequacyNotes(h.Countries)
		r.Report(check.Issue{Check: "hosting.outside-eea", URL: entry, Location: "hosting:" + h.Host, Severity: sev, Detail: d})
	}
}

// facts is the part of a detail every hosting finding carries.
func facts(h *observation.Hosting) map[string]any {
	d := map[string]any{
		"host":      h.Host,
		"addresses": h.Addresses,
		"countries": h.Countries,
		"datasets":  h.Datasets,
	}
	if h.Provider != "" {
		d["provider"] = h.Provider
		d["provider_name"] = h.ProviderName
		d["clues"] = h.Clues
	}
	if len(h.CNAMEs) > 0 {
		d["cname_chain"] = h.CNAMEs
	}
	if h.DNSServer != "" {
		d["dns_server"] = h.DNSServer
	}
	return d
}

// AdequacyNote says, for a country outside the EEA, which decision (if
// any) covers it.
type AdequacyNote struct {
	Country  string `json:"country"`
	Decision string `json:"decision,omitempty"`
	Date     string `json:"date,omitempty"`
	Note     string `json:"note"`
}

func adequacyNotes(countries []string) []AdequacyNote {
	j := hosting.DefaultJurisdictions()
	var out []AdequacyNote
	for _, c := range countries {
		kind, a := j.Of(c)
		switch kind {
		case hosting.JurisdictionPartial:
			out = append(out, AdequacyNote{Country: c, Decision: a.Decision, Date: a.Date,
				Note: "adequacy decision for certified organisations only (" + a.Name + "): the transfer is covered only if the provider is certified, otherwise it needs standard contractual clauses (GDPR art. 46)"})
		case hosting.JurisdictionOutside:
			out = append(out, AdequacyNote{Country: c, Note: "no adequacy decision: the transfer needs appropriate safeguards (GDPR art. 46)"})
		}
	}
	return out
}

// HealthClue is one reason to hold that a site handles health data.
type HealthClue struct {
	// Kind is "form" (a form asks for health data), "page" (a page shows
	// health data about people) or "sector" (the organisation is tagged
	// as a health-sector one and a form asks who someone is and what
	// brings them).
	Kind   string   `json:"kind"`
	URL    string   `json:"url,omitempty"`
	Fields []string `json:"fields,omitempty"`
	Tag    string   `json:"tag,omitempty"`
}

// HealthEvidence returns why the site is held to handle health data,
// nil when nothing says so.
func HealthEvidence(site *observation.Site) []HealthClue {
	var out []HealthClue
	// A form of a health-sector organisation that asks who someone is
	// and lets them write or attach something (an appointment, a
	// question to a department) collects health data; a newsletter's
	// address alone does not.
	careForm := false
	for i := range site.Pages {
		p := &site.Pages[i]
		for k := range p.Forms {
			f := &p.Forms[k]
			v := pii.CollectsPersonalData(f)
			if !v.Personal {
				continue
			}
			careForm = careForm || slices.Contains(v.Categories, pii.Identity) &&
				(slices.Contains(v.Categories, pii.Message) || slices.Contains(v.Categories, pii.Upload) ||
					slices.Contains(v.Categories, pii.Birth) || slices.Contains(v.Categories, pii.NationalID))
			if !slices.Contains(v.Categories, pii.Health) {
				continue
			}
			var fields []string
			for _, fi := range v.Fields {
				if fl := f.Fields[fi]; fl.Category == pii.Health {
					fields = append(fields, fieldName(fl))
				}
			}
			out = append(out, HealthClue{Kind: "form", URL: pageURL(p), Fields: fields})
		}
		if pd := p.Personal; pd.Has() && pd.People > 0 && (pd.Counts[pii.Health] > 0 || p.Exposure != nil && len(p.Exposure.Special[pii.Health]) > 0) {
			out = append(out, HealthClue{Kind: "page", URL: pageURL(p)})
		}
	}
	if careForm {
		for _, t := range site.Tags {
			if slices.Contains(HealthTags, strings.ToLower(t)) {
				out = append(out, HealthClue{Kind: "sector", Tag: t})
				break
			}
		}
	}
	return out
}

// PersonalForm is a form that collects personal data, as a detail lists it.
type PersonalForm struct {
	URL        string   `json:"url"`
	Form       int      `json:"form"`
	Categories []string `json:"categories"`
}

// PersonalForms returns the site's forms that collect personal data,
// one per page and form index, at most ten.
func PersonalForms(site *observation.Site) []PersonalForm {
	var out []PersonalForm
	for i := range site.Pages {
		p := &site.Pages[i]
		for k := range p.Forms {
			if v := pii.CollectsPersonalData(&p.Forms[k]); v.Personal && len(out) < 10 {
				out = append(out, PersonalForm{URL: pageURL(p), Form: p.Forms[k].Index, Categories: v.Categories})
			}
		}
	}
	return out
}

func fieldName(f observation.Field) string {
	switch {
	case f.Name != "":
		return f.Name
	case f.ID != "":
		return f.ID
	}
	return f.Label
}

func pageURL(p *observation.Page) string {
	if p.FinalURL != "" {
		return p.FinalURL
	}
	return p.URL
}

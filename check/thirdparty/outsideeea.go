package thirdparty

import (
	_ "embed"
	"net/url"
	"slices"
	"strings"

	"vigie/check"
	"vigie/finding"
	"vigie/hosting"
	"vigie/observation"
	"vigie/pii"
)

// thirdparty.outside-eea: a third party that receives personal data from
// the site's pages (typed values leaked to it, or a tracker that profiles
// people loaded by a page with a personal-data form) is hosted outside
// the European Economic Area and the countries with an adequacy decision,
// as the scan's hosting lookup of its host says (observation.Site.
// PartyHosting).

//go:embed catalogue_hosting.json
var catalogueHosting []byte

func init() { check.Register("thirdparty", catalogueHosting, outsideEEA) }

// ReceivesPersonalData reports whether a request from a page with a
// personal-data form hands personal data to its party by itself: a
// third-party tracker that profiles people (analytics, advertising,
// session replay, social network, tag manager). The scan looks up the
// hosting of these parties' hosts and of those that received leaks.
func ReceivesPersonalData(q *observation.Request) bool {
	if !q.ThirdParty {
		return false
	}
	switch q.Tracker {
	case "analytics", "advertising", "session-replay", "social", "tag-manager":
		return true
	}
	return false
}

// receipt is what one party's host received, for the detail.
type receipt struct {
	Page       string   `json:"page"`
	How        string   `json:"how"` // "leak" or "tracker"
	Categories []string `json:"categories,omitempty"`
}

func outsideEEA(site *observation.Site, r *check.Reporter) {
	for _, h := range site.PartyHosting {
		if h == nil || h.OriginHidden || (h.Jurisdiction != hosting.JurisdictionOutside && h.Jurisdiction != hosting.JurisdictionPartial) {
			continue
		}
		var got []receipt
		special := false
		for i := range site.Pages {
			p := &site.Pages[i]
			if p.Rendering == nil {
				continue
			}
			var formCats []string
			for k := range p.Forms {
				if v := pii.CollectsPersonalData(&p.Forms[k]); v.Personal {
					for _, c := range v.Categories {
						formCats = addSorted(formCats, c)
					}
				}
			}
			for _, lk := range p.Rendering.Leaks {
				if hostOf(lk.RequestURL) == h.Host {
					got = append(got, receipt{Page: pageURL(p), How: "leak", Categories: []string{lk.Category}})
					special = special || pii.IsSpecial(lk.Category)
				}
			}
			if len(formCats) == 0 {
				continue
			}
			for k := range p.Rendering.Requests {
				if q := &p.Rendering.Requests[k]; ReceivesPersonalData(q) && hostOf(q.URL) == h.Host {
					got = append(got, receipt{Page: pageURL(p), How: "tracker", Categories: formCats})
					for _, c := range formCats {
						special = special || pii.IsSpecial(c)
					}
					break
				}
			}
		}
		if len(got) == 0 {
			continue
		}
		slices.SortFunc(got, func(a, b receipt) int { return strings.Compare(a.Page+a.How, b.Page+b.How) })
		got = slices.CompactFunc(got, func(a, b receipt) bool { return a.Page == b.Page && a.How == b.How })
		sev := finding.Info
		if special {
			sev = finding.Medium
		}
		d := map[string]any{
			"host":         h.Host,
			"jurisdiction": h.Jurisdiction,
			"countries":    h.Countries,
			"addresses":    h.Addresses,
			"datasets":     h.Datasets,
			"received":     got,
		}
		if h.Provider != "" {
			d["provider"], d["provider_name"] = h.Provider, h.ProviderName
		}
		r.Report(check.Issue{Check: "thirdparty.outside-eea", URL: got[0].Page, Location: "party-host:" + h.Host, Severity: sev, Detail: d})
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

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

// outsideEEA reports one finding per receiving party (registrable
// domain) with a host outside, listing the hosts and what they received.
func outsideEEA(site *observation.Site, r *check.Reporter) {
	outside := map[string]*observation.Hosting{} // host -> hosting
	for _, h := range site.PartyHosting {
		if h != nil && !h.OriginHidden && (h.Jurisdiction == hosting.JurisdictionOutside || h.Jurisdiction == hosting.JurisdictionPartial) {
			outside[h.Host] = h
		}
	}
	if len(outside) == 0 {
		return
	}
	type party struct {
		hosts   []string
		got     []receipt
		special bool
	}
	parties := map[string]*party{}
	note := func(host, page, how string, cats []string) {
		if outside[host] == nil {
			return
		}
		name := registrable("https://" + host + "/")
		pt := parties[name]
		if pt == nil {
			pt = &party{}
			parties[name] = pt
		}
		pt.hosts = addSorted(pt.hosts, host)
		pt.got = append(pt.got, receipt{Page: page, How: how, Categories: cats})
		for _, c := range cats {
			pt.special = pt.special || pii.IsSpecial(c)
		}
	}
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
			note(hostOf(lk.RequestURL), pageURL(p), "leak", []string{lk.Category})
		}
		if len(formCats) == 0 {
			continue
		}
		for k := range p.Rendering.Requests {
			if q := &p.Rendering.Requests[k]; ReceivesPersonalData(q) {
				note(hostOf(q.URL), pageURL(p), "tracker", formCats)
			}
		}
	}
	for name, pt := range parties {
		got := pt.got
		slices.SortFunc(got, func(a, b receipt) int { return strings.Compare(a.Page+" "+a.How, b.Page+" "+b.How) })
		merged := got[:0]
		for _, g := range got {
			if n := len(merged); n > 0 && merged[n-1].Page == g.Page && merged[n-1].How == g.How {
				for _, c := range g.Categories {
					merged[n-1].Categories = addSorted(merged[n-1].Categories, c)
				}
				continue
			}
			g.Categories = append([]string(nil), g.Categories...)
			slices.Sort(g.Categories)
			merged = append(merged, g)
		}
		sev := finding.Info
		if pt.special {
			sev = finding.Medium
		}
		var hosts []*observation.Hosting
		var countries []string
		for _, h := range pt.hosts {
			hosts = append(hosts, outside[h])
			for _, c := range outside[h].Countries {
				countries = addSorted(countries, c)
			}
		}
		d := map[string]any{
			"party":     name,
			"hosts":     hostFacts(hosts),
			"countries": countries,
			"received":  merged,
		}
		r.Report(check.Issue{Check: "thirdparty.outside-eea", URL: merged[0].Page, Location: "party:" + name, Severity: sev, Detail: d})
	}
}

// hostFact is what the detail says of one host of a party.
type hostFact struct {
	Host         string                    `json:"host"`
	Jurisdiction string                    `json:"jurisdiction"`
	Provider     string                    `json:"provider,omitempty"`
	Addresses    []observation.HostAddress `json:"addresses"`
	Datasets     []observation.Dataset     `json:"datasets,omitempty"`
}

func hostFacts(hs []*observation.Hosting) []hostFact {
	out := make([]hostFact, len(hs))
	for i, h := range hs {
		out[i] = hostFact{Host: h.Host, Jurisdiction: h.Jurisdiction, Provider: h.Provider, Addresses: h.Addresses, Datasets: h.Datasets}
	}
	return out
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

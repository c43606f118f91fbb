package auth

import (
	"net/url"

	"vigie/check"
	"vigie/check/internal/urlsecret"
	"vigie/observation"
)

func tokensInURLs(site *observation.Site, r *check.Reporter) {
	look := func(page, where, raw string) {
		for _, p := range urlsecret.Find(raw) {
			r.Report(check.Issue{
				Check:    "auth.token-in-url",
				URL:      urlsecret.Mask(page),
				Location: "token-in-url:" + p.Host + ":" + p.Name,
				// The pages that show one parameter are listed in one
				// finding: the application puts it in every URL it writes.
				Grouped: true,
				Detail: map[string]any{
					"parameter": p.Name,
					"where":     where,
					"url":       urlsecret.Mask(raw),
					"value":     urlsecret.MaskValue(p.Value),
				},
			})
		}
	}
	probes := []*observation.Probe{site.HTTPS, site.HTTP}
	for i := range site.Pages {
		probes = append(probes, &site.Pages[i].Probe)
	}
	for k, p := range probes {
		if p == nil {
			continue
		}
		page := finalURL(p)
		look(page, "page-url", p.URL)
		look(page, "page-url", page)
		for _, h := range p.Chain {
			look(page, "redirect", h.URL)
			if h.Location == "" {
				continue
			}
			if base, err := url.Parse(h.URL); err == nil {
				if loc, err := base.Parse(h.Location); err == nil {
					look(page, "redirect", loc.String())
				}
			}
		}
		if k < 2 || site.Pages[k-2].Error != "" {
			continue
		}
		pg := &site.Pages[k-2]
		for _, l := range pg.Links {
			look(page, "link", l)
		}
		for _, f := range pg.Forms {
			for _, a := range f.Actions() {
				look(page, "form-action", a)
			}
		}
	}
}

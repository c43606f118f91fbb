package scan

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"vigie/check/thirdparty"
	"vigie/hosting"
	"vigie/observation"
	"vigie/pii"
)

// maxPartyHosts bounds the third-party hosts looked up per site.
const maxPartyHosts = 16

// examineHosting looks up where the site's pages are served from and, in
// browser mode, where the third parties that receive personal data from
// them are hosted.
func examineHosting(ctx context.Context, j *hosting.Judge, site *observation.Site) {
	if j == nil || j.DNS == nil || len(site.Pages) == 0 {
		return
	}
	host := site.Host
	if u, err := url.Parse(pageURLOf(&site.Pages[0])); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	site.Hosting = j.Examine(ctx, host, hosting.SignalsOf(site))
	for _, h := range receivingHosts(site, host) {
		if ctx.Err() != nil {
			return
		}
		site.PartyHosting = append(site.PartyHosting, j.Examine(ctx, h, hosting.Signals{}))
	}
}

// receivingHosts returns the third-party hosts, other than own, that got
// typed values (leaks) or that are trackers on a page with a personal-data
// form, sorted, at most maxPartyHosts.
func receivingHosts(site *observation.Site, own string) []string {
	var out []string
	add := func(raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		h := strings.ToLower(u.Hostname())
		if h != "" && h != own && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	for i := range site.Pages {
		p := &site.Pages[i]
		if p.Rendering == nil {
			continue
		}
		for _, lk := range p.Rendering.Leaks {
			add(lk.RequestURL)
		}
		personal := false
		for k := range p.Forms {
			personal = personal || pii.CollectsPersonalData(&p.Forms[k]).Personal
		}
		if !personal {
			continue
		}
		for k := range p.Rendering.Requests {
			if q := &p.Rendering.Requests[k]; thirdparty.ReceivesPersonalData(q) {
				add(q.URL)
			}
		}
	}
	slices.Sort(out)
	if len(out) > maxPartyHosts {
		out = out[:maxPartyHosts]
	}
	return out
}

// pageURLOf is the URL a page was served at, after redirects.
func pageURLOf(p *observation.Page) string {
	if p.FinalURL != "" {
		return p.FinalURL
	}
	return p.URL
}

package store

import (
	"fmt"

	"vigie/finding"
)

// PrepareFindings returns the findings of site as a back end stores them:
// an empty ID is computed with finding.MakeID, an empty Site or
// Organisation is taken from site, Site is set to site.URL exactly (so that
// fixes are matched on one spelling), and duplicate IDs keep their first
// occurrence. A finding whose Site does not normalise to site.URL is an
// error: RecordSite only fixes findings of the site it records.
func PrepareFindings(site SiteResult, fs []finding.Finding) ([]finding.Finding, error) {
	if site.URL == "" {
		return nil, fmt.Errorf("store: site has no URL")
	}
	norm := finding.NormaliseURL(site.URL)
	out := make([]finding.Finding, 0, len(fs))
	seen := make(map[string]bool, len(fs))
	for _, f := range fs {
		if f.Site == "" {
			f.Site = site.URL
		} else if f.Site != site.URL && finding.NormaliseURL(f.Site) != norm {
			return nil, fmt.Errorf("store: finding %s (%s) belongs to site %q, not %q", f.ID, f.Check, f.Site, site.URL)
		}
		if f.Check == "" {
			return nil, fmt.Errorf("store: finding %s of site %q has no check", f.ID, site.URL)
		}
		if f.Severity < finding.Info || f.Severity > finding.Critical {
			return nil, fmt.Errorf("store: finding %s (%s) of site %q has invalid %v", f.ID, f.Check, site.URL, f.Severity)
		}
		if f.ID == "" {
			f.ID = finding.MakeID(f.Check, f.Site, f.Location)
		}
		f.Site = site.URL
		if f.Organisation == "" {
			f.Organisation = site.Organisation
		}
		if seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		out = append(out, f)
	}
	return out, nil
}

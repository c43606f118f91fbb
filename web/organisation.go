package web

import (
	"net/http"

	"vigie/observation"
)

// maxOrgSites bounds the sites an organisation page reads the history of.
const maxOrgSites = 200

// orgSite is one site of an organisation page: the retention statements
// of its notices, as its latest successful audit read them.
type orgSite struct {
	URL       string
	Scan      string
	Retention []observation.RetentionStatement
}

type orgData struct {
	Name  string
	Sites []orgSite
	// More is set when the organisation has more sites than the page
	// reads.
	More bool
}

// organisation shows one organisation: its sites and the retention
// periods their information notices state (package notice), so that
// what an organisation says it keeps, and for how long, reads in one
// place.
func (s *Server) organisation(w http.ResponseWriter, r *http.Request, v *view) {
	name := r.URL.Query().Get("name")
	ctx := r.Context()
	sites, total, err := s.o.Browser.OrganisationSites(ctx, name, maxOrgSites, 0)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	if len(sites) == 0 {
		s.fail(w, r, v, http.StatusNotFound, nil)
		return
	}
	d := orgData{Name: name, More: total > len(sites)}
	for _, site := range sites {
		d.Sites = append(d.Sites, orgSite{URL: site.URL, Scan: site.Scan, Retention: site.Retention})
	}
	s.render(w, r, v, http.StatusOK, "organisation.html", d)
}

// Package check is the registry and catalogue of Vigie's checks. A check is
// metadata (stable ID, severity, French and English text, legal basis) plus
// a pure function over a site's observations. Each family of checks lives in
// its own sub-package and registers itself in init().
package check

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"vigie/finding"
	"vigie/observation"
	"vigie/pii/detect"
)

// Text is a sentence in French and English.
type Text struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

// Meta documents one check in the catalogue.
type Meta struct {
	ID          string           `json:"id"`
	Family      string           `json:"family"`
	Severity    finding.Severity `json:"severity"`
	Confidence  string           `json:"confidence"`
	Title       Text             `json:"title"`
	Rationale   Text             `json:"rationale"`
	Remediation Text             `json:"remediation"`
	// Legal lists the legal basis, e.g. "GDPR art. 32".
	Legal []string `json:"legal"`
	// Guidance names the recommendations the check follows.
	Guidance []string `json:"guidance,omitempty"`
	// Active is true for checks that need an opt-in active probe.
	Active bool `json:"active,omitempty"`
}

// Func inspects the observations of one site and reports failures through r.
// It must not do I/O.
type Func func(site *observation.Site, r *Reporter)

type family struct {
	name string
	run  Func
}

var (
	mu       sync.RWMutex
	metas    = map[string]Meta{}
	families []family
)

// Register adds a family of checks: catalogue is a JSON array of Meta (the
// family's embedded catalogue file) and run reports its findings. It panics
// on malformed metadata or a duplicate ID, since both are programming errors
// caught by any test.
func Register(name string, catalogue []byte, run Func) {
	var ms []Meta
	if err := json.Unmarshal(catalogue, &ms); err != nil {
		panic(fmt.Sprintf("check: catalogue of family %s: %v", name, err))
	}
	mu.Lock()
	defer mu.Unlock()
	for _, m := range ms {
		if m.Family == "" {
			m.Family = name
		}
		if err := validate(m); err != nil {
			panic(fmt.Sprintf("check: family %s: %v", name, err))
		}
		if _, dup := metas[m.ID]; dup {
			panic(fmt.Sprintf("check: duplicate check ID %q", m.ID))
		}
		metas[m.ID] = m
	}
	families = append(families, family{name: name, run: run})
}

func validate(m Meta) error {
	switch {
	case m.ID == "":
		return fmt.Errorf("check without ID")
	case m.Severity == 0:
		return fmt.Errorf("check %s: no severity", m.ID)
	case m.Title.FR == "" || m.Title.EN == "":
		return fmt.Errorf("check %s: title needs fr and en", m.ID)
	case m.Rationale.FR == "" || m.Rationale.EN == "":
		return fmt.Errorf("check %s: rationale needs fr and en", m.ID)
	case m.Remediation.FR == "" || m.Remediation.EN == "":
		return fmt.Errorf("check %s: remediation needs fr and en", m.ID)
	case len(m.Legal) == 0:
		return fmt.Errorf("check %s: no legal basis", m.ID)
	}
	switch m.Confidence {
	case finding.Certain, finding.Firm, finding.Tentative:
	default:
		return fmt.Errorf("check %s: confidence %q", m.ID, m.Confidence)
	}
	return nil
}

// Lookup returns the metadata of a check.
func Lookup(id string) (Meta, bool) {
	mu.RLock()
	defer mu.RUnlock()
	m, ok := metas[id]
	return m, ok
}

// Catalogue returns every registered check, sorted by ID.
func Catalogue() []Meta {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Meta, 0, len(metas))
	for _, m := range metas {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Run applies every registered family to site and returns the findings,
// sorted by check then location. Scan, FirstSeen and LastSeen are left for
// the caller to fill.
func Run(site *observation.Site) []finding.Finding {
	mu.RLock()
	fams := append([]family(nil), families...)
	mu.RUnlock()
	r := &Reporter{site: site, index: map[string]int{}}
	for _, f := range fams {
		f.run(site, r)
	}
	r.listPages()
	sort.SliceStable(r.out, func(i, j int) bool {
		if r.out[i].Check != r.out[j].Check {
			return r.out[i].Check < r.out[j].Check
		}
		return r.out[i].Location < r.out[j].Location
	})
	return r.out
}

// Issue is what a check function reports; Reporter turns it into a Finding.
type Issue struct {
	Check string
	// URL is the page or resource where the failure shows.
	URL string
	// Location distinguishes several findings of one check on one site; it
	// defaults to the normalised URL.
	Location string
	// Severity overrides the catalogue's default when non-zero.
	Severity finding.Severity
	// Confidence overrides the catalogue's default when non-empty.
	Confidence string
	Detail     map[string]any
	// Grouped marks one sighting of a defect that may show on several
	// pages: a form in the site's header, a cookie every page sets. Its
	// Location must then name the defect, not the page (a form's
	// signature, a cookie's name), so that the reports of every page make
	// one finding. That finding lists the pages in its detail
	// (finding.DetailPages, finding.DetailPagesCount) and takes its URL,
	// severity, confidence and detail from the page that sorts first, so
	// that neither depends on the order the crawl met the pages.
	Grouped bool
}

// Reporter collects the findings of one site.
type Reporter struct {
	site *observation.Site
	out  []finding.Finding
	// index maps a finding ID to its position in out.
	index map[string]int
	// groups holds the pages of grouped findings by ID, normalised.
	groups map[string]map[string]bool
}

// Report records an issue. A second report with the same ID is dropped,
// unless the issue is Grouped: its page then joins the finding's. It
// panics on an unknown check ID, a programming error.
func (r *Reporter) Report(is Issue) {
	m, ok := Lookup(is.Check)
	if !ok {
		panic(fmt.Sprintf("check: report of unknown check %q", is.Check))
	}
	loc := is.Location
	if loc == "" {
		loc = finding.NormaliseURL(is.URL)
	}
	id := finding.MakeID(m.ID, r.site.URL, loc)
	// A finding names where it was seen, never whom: values of query
	// parameters that name a person's data ("?nom=...") and identifiers
	// in a URL are masked. The ID, computed above from the URL as seen,
	// stays stable across scans without carrying them.
	f := finding.Finding{
		ID:           id,
		Check:        m.ID,
		Severity:     m.Severity,
		Confidence:   m.Confidence,
		Site:         r.site.URL,
		URL:          detect.MaskText(is.URL),
		Organisation: r.site.Organisation,
		Title:        m.Title.EN,
		Detail:       maskDetail(is.Detail),
		Legal:        append([]string(nil), m.Legal...),
		Location:     detect.MaskText(loc),
	}
	if is.Severity != 0 {
		f.Severity = is.Severity
	}
	if is.Confidence != "" {
		f.Confidence = is.Confidence
	}
	i, seen := r.index[id]
	if !is.Grouped {
		if !seen {
			r.index[id] = len(r.out)
			r.out = append(r.out, f)
		}
		return
	}
	if r.groups == nil {
		r.groups = map[string]map[string]bool{}
	}
	if r.groups[id] == nil {
		r.groups[id] = map[string]bool{}
	}
	r.groups[id][finding.NormaliseURL(is.URL)] = true
	switch {
	case !seen:
		r.index[id] = len(r.out)
		r.out = append(r.out, f)
	case before(is.URL, r.out[i].URL):
		r.out[i] = f
	}
}

// before orders the pages of a grouped finding: pages whose URL had a
// secret masked last (they cannot be fetched again as named), then by
// normalised URL, then as reported.
func before(a, b string) bool {
	if ma, mb := strings.Contains(a, "="+finding.MaskedSecret), strings.Contains(b, "="+finding.MaskedSecret); ma != mb {
		return mb
	}
	na, nb := finding.NormaliseURL(a), finding.NormaliseURL(b)
	if na != nb {
		return na < nb
	}
	return a < b
}

// listPages adds to each grouped finding's detail the pages where it
// showed, normalised and sorted, and their number.
func (r *Reporter) listPages() {
	for id, pages := range r.groups {
		f := &r.out[r.index[id]]
		urls := make([]string, 0, len(pages))
		for u := range pages {
			urls = append(urls, u)
		}
		sort.Slice(urls, func(i, j int) bool { return before(urls[i], urls[j]) })
		d := make(map[string]any, len(f.Detail)+2)
		for k, v := range f.Detail {
			d[k] = v
		}
		urls = urls[:min(len(urls), finding.MaxListedPages)]
		for i, u := range urls {
			urls[i] = detect.MaskText(u)
		}
		d[finding.DetailPagesCount] = len(pages)
		d[finding.DetailPages] = urls
		f.Detail = d
	}
}

// maskDetail returns a finding's detail with the personal data its
// strings may hold masked by the one masker (URLs of the pages seen,
// names of files, excerpts); samples are masked already.
func maskDetail(d map[string]any) map[string]any {
	if d == nil {
		return nil
	}
	out := make(map[string]any, len(d))
	for k, v := range d {
		out[k] = maskValue(v)
	}
	return out
}

// maskValue returns v with its strings masked, copying rather than
// changing what the check handed over.
func maskValue(v any) any {
	switch v := v.(type) {
	case string:
		return detect.MaskText(v)
	case []string:
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = detect.MaskText(s)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = maskValue(e)
		}
		return out
	case map[string]any:
		return maskDetail(v)
	}
	return v
}

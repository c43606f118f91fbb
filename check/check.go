// Package check is the registry and catalogue of Vigie's checks. A check is
// metadata (stable ID, severity, French and English text, legal basis) plus
// a pure function over a site's observations. Each family of checks lives in
// its own sub-package and registers itself in init().
package check

import (
	"encoding/json"
	"fmt"
	"sort"
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
	r := &Reporter{site: site, seen: map[string]bool{}}
	for _, f := range fams {
		f.run(site, r)
	}
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
}

// Reporter collects the findings of one site.
type Reporter struct {
	site *observation.Site
	out  []finding.Finding
	seen map[string]bool
}

// Report records an issue; a second report with the same ID is dropped. It
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
	if r.seen[id] {
		return
	}
	r.seen[id] = true
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
	r.out = append(r.out, f)
}

// maskDetail returns a finding's detail with the personal data its
// strings may hold masked by the one masker (URLs of the pages seen,
// names of files, excerpts); samples are masked already.
func maskDetail(d map[string]any) map[string]any {
	for k, v := range d {
		d[k] = maskValue(v)
	}
	return d
}

func maskValue(v any) any {
	switch v := v.(type) {
	case string:
		return detect.MaskText(v)
	case []string:
		for i, s := range v {
			v[i] = detect.MaskText(s)
		}
	case []any:
		for i, e := range v {
			v[i] = maskValue(e)
		}
	case map[string]any:
		return maskDetail(v)
	}
	return v
}

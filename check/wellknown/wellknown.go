// Package wellknown holds the notes on a site's security.txt (RFC 9116):
// wellknown.security-txt-missing and wellknown.security-txt-invalid.
// Both are notes (severity info): RFC 9116 is a good practice that lets
// people report a flaw, including one exposing personal data, to someone
// who will act on it.
package wellknown

import (
	_ "embed"
	"mime"

	"vigie/check"
	"vigie/observation"
	"vigie/securitytxt"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("wellknown", catalogue, run) }

func run(site *observation.Site, r *check.Reporter) {
	st := site.SecurityTxt
	if st == nil {
		return // the entry page did not answer: nothing was asked
	}
	if st.Body == nil {
		if st.Error != "" {
			return // the request failed: absence is not established
		}
		r.Report(check.Issue{Check: "wellknown.security-txt-missing", URL: st.URL, Detail: map[string]any{"status": st.Status}})
		return
	}
	problems := securitytxt.Parse(st.Body).Problems(st.URL, st.WellKnown, site.Started)
	if mt, _, _ := mime.ParseMediaType(st.ContentType); mt != "text/plain" {
		problems = append(problems, "served as "+st.ContentType+", not text/plain")
	}
	if len(problems) == 0 {
		return
	}
	r.Report(check.Issue{Check: "wellknown.security-txt-invalid", URL: st.URL, Detail: map[string]any{"problems": problems}})
}

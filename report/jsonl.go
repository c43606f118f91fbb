package report

import (
	"bufio"
	"encoding/json"
	"io"

	"vigie/observation"
	"vigie/observatory"
)

// siteError is the JSONL record of a site that could not be audited.
type siteError struct {
	Record       string `json:"record"`
	Site         string `json:"site"`
	Organisation string `json:"organisation,omitempty"`
	Error        string `json:"error"`
	ErrorKind    string `json:"error_kind,omitempty"`
}

// recordSiteError is the "record" value of a siteError line.
const recordSiteError = "site-error"

// siteRecord is the JSONL record of a site audited: what was seen besides
// findings. Fields are added, never renamed.
type siteRecord struct {
	Record          string              `json:"record"`
	Site            string              `json:"site"`
	Organisation    string              `json:"organisation,omitempty"`
	Tags            []string            `json:"tags,omitempty"`
	Pages           int                 `json:"pages"`
	Forms           int                 `json:"forms"`
	PersonalForms   int                 `json:"personal_forms"`
	HTTPObservatory *observatory.Result `json:"http_observatory,omitempty"`
	// Hosting is where its pages are served from (DNS, AS, country,
	// provider, jurisdiction and HDS verdicts, the datasets used).
	Hosting *observation.Hosting `json:"hosting,omitempty"`
	// Retention are the retention statements of the site's notices.
	Retention []observation.RetentionStatement `json:"retention,omitempty"`
}

// recordSite is the "record" value of a siteRecord line.
const recordSite = "site"

type jsonlWriter struct {
	buf         *bufio.Writer
	enc         *json.Encoder
	siteRecords bool // Options.SiteRecords
}

func newJSONL(w io.Writer) *jsonlWriter {
	buf := bufio.NewWriter(w)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &jsonlWriter{buf: buf, enc: enc}
}

// WriteSite writes the site's findings, then its error record if it failed
// or, with Options.SiteRecords, its site record, and flushes, so that a
// reader of the stream sees each site whole.
func (j *jsonlWriter) WriteSite(s *Site) error {
	if s == nil {
		return errNilSite
	}
	for i := range s.Findings {
		if err := j.enc.Encode(&s.Findings[i]); err != nil {
			return err
		}
	}
	if j.siteRecords && !s.Failed() {
		rec := siteRecord{
			Record: recordSite, Site: s.URL, Organisation: s.Organisation, Tags: s.Tags,
			Pages: s.Pages, Forms: s.Forms, PersonalForms: s.PersonalForms,
			HTTPObservatory: s.HTTPObservatory, Retention: s.Retention, Hosting: s.Hosting,
		}
		if err := j.enc.Encode(rec); err != nil {
			return err
		}
	}
	if s.Failed() {
		rec := siteError{
			Record:       recordSiteError,
			Site:         s.URL,
			Organisation: s.Organisation,
			Error:        s.Error,
			ErrorKind:    s.ErrorKind,
		}
		if err := j.enc.Encode(rec); err != nil {
			return err
		}
	}
	return j.buf.Flush()
}

func (j *jsonlWriter) Close(Scan) error { return j.buf.Flush() }

package crawl

import (
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/publicsuffix"

	"vigie/dirindex"
	"vigie/fetch"
	"vigie/notice"
	"vigie/observation"
	"vigie/pii/detect"
	"vigie/pii/document"
)

// What the crawl reads in a response besides links and forms: the
// personal data a text body shows, and the entries of a directory index.

// dataExtensions are the extensions of the data files and exports the
// crawl fetches when a page links to them, to see whether they expose
// personal data. Spreadsheets are read through package document; PDF
// files are fetched too, but without priority (sites publish many).
var dataExtensions = map[string]bool{
	"csv": true, "tsv": true, "json": true, "jsonl": true, "ndjson": true, "txt": true,
	"xml": true, "sql": true, "bak": true, "dump": true, "xlsx": true, "xlsm": true, "ods": true,
}

// extension returns the lower-case extension of a URL's path, "" for
// none.
func extension(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	p := strings.ToLower(u.Path)
	i := strings.LastIndexByte(p, '.')
	if i < 0 || strings.LastIndexByte(p, '/') > i {
		return ""
	}
	return p[i+1:]
}

func isDataFile(raw string) bool { return dataExtensions[extension(raw)] }

// ownDomains returns the registrable domain of the site's host: e-mail
// addresses there are the organisation's.
func ownDomains(host string) []string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if reg, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return []string{reg}
	}
	return []string{host}
}

// formatOf returns how to read a response: by its media type, or by its
// URL's extension when the server sends data files as text/plain or
// application/octet-stream.
func formatOf(resp *fetch.Response, final string) detect.Format {
	f := detect.FormatOf(resp.ContentType, resp.Body)
	switch resp.ContentType {
	case "", "text/plain", "application/octet-stream", "application/download", "application/force-download":
	default:
		return f
	}
	if f == detect.FormatNone {
		return f
	}
	switch path.Ext(strings.ToLower(final)) {
	case ".csv", ".tsv":
		return detect.FormatCSV
	case ".json", ".jsonl", ".ndjson":
		return detect.FormatJSON
	case ".xml":
		return detect.FormatXML
	}
	return f
}

// inspect fills the page's Personal (or Unreadable) and, for HTML,
// Listing and Notice.
func (c *crawler) inspect(pg *observation.Page, resp *fetch.Response, final string, html bool) {
	pg.Personal, pg.Unreadable = c.personal(resp, final)
	pg.Exposure = exposureOf(pg, resp.Body, final, html)
	if html {
		if entries, ok := dirindex.Parse(resp.Body, final); ok {
			pg.Listing = entries
		}
		pg.Notice = notice.Read(resp.Body, final)
	}
}

// personal reads the personal data of a response: text bodies by their
// format, spreadsheets and PDF files through package document. A document
// that cannot be read gives the reason, unreadable, instead.
func (c *crawler) personal(resp *fetch.Response, final string) (pd *observation.PersonalData, unreadable string) {
	if f := formatOf(resp, final); f != detect.FormatNone {
		return detect.ScanFormat(resp.Body, f, c.detect), ""
	}
	if document.Sniff(resp.ContentType, final, resp.Body) == document.Unknown {
		return nil, ""
	}
	doc, err := document.Extract(resp.ContentType, final, resp.Body, document.Limits{})
	if err != nil {
		return nil, err.Error()
	}
	return detect.ScanDocument(doc, c.detect), ""
}

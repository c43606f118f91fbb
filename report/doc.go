// Package report writes scan results in Vigie's output formats: JSONL, CSV,
// SARIF 2.1.0, a self-contained HTML page and a terminal table; it also
// prints the check catalogue (WriteCatalogue).
//
// A Writer receives the audited sites one at a time, as a scan streams
// them, and finishes the document in Close. The line formats (JSONL, CSV)
// write each site at once, so memory stays flat however many sites a scan
// covers; the document formats (SARIF, HTML) keep only the findings and a
// small summary of each site, never page bodies. The table keeps the
// counts, and rows for the 2,000 most severe findings and the first 2,000
// sites not audited: past that it says how many it left out, which the
// other formats list.
//
// # JSONL
//
// Each line is one record. A finding is exactly the JSON form of
// finding.Finding (see DESIGN.md, "Finding record"); it has no "record"
// field. With Options.SiteRecords (scans and stored reports), each
// audited site produces, after its findings, one line of the form
//
//	{"record":"site","site":"https://…","organisation":"…","pages":12,"forms":3,"personal_forms":1,
//	 "http_observatory":{"score":80,"grade":"B+","version":"…","tests":{"content-security-policy":{…},…}}}
//
// where "http_observatory" is the site's grade on the MDN HTTP
// Observatory's scale (package observatory), absent when not graded. A
// site that could not be audited produces one line of the form
//
//	{"record":"site-error","site":"https://…","organisation":"…","error":"…","error_kind":"dns"}
//
// so readers tell the two apart by the presence of "record". A site
// audited produces, after its findings, one line
//
//	{"record":"site","site":"https://…","organisation":"…","pages":12,"forms":3,"personal_forms":2,
//	 "retention":[{"sentence":"…","days":7300,"topic":"contact","url":"https://…/mentions-legales"}]}
//
// whose retention lists the retention statements of its information
// notices (sentence with personal data masked, duration in days when
// stated, unlimited/criterion/vague, the page). Later record
// kinds will also carry a "record" field; readers should skip kinds they do
// not know.
//
// # CSV
//
// One row per finding under the header
//
//	id,check,severity,confidence,site,url,organisation,title,legal,first_seen,last_seen,detail,error,error_kind
//
// with legal bases joined by "; ", times in RFC 3339 (UTC) and detail as
// compact JSON. A site that could not be audited is a row with an empty
// check and the error columns filled. Cells that a spreadsheet would read as
// a formula (starting with =, +, -, @, tab or carriage return) get a leading
// apostrophe.
//
// # SARIF
//
// One SARIF 2.1.0 run: one rule per check of the catalogue (check.Catalogue)
// plus a rule made from the finding itself for any check the catalogue does
// not know; one result per finding, its level from the finding's severity
// (critical and high: error, medium: warning, low and info: note) and the
// finding ID as partial fingerprint "vigie/v1"; sites that could not be
// audited become error notifications of the invocation.
//
// # Titles and language
//
// Options.Lang picks the language of titles and labels ("en" or "fr"):
// titles come from the check catalogue (check.Lookup) and fall back to the
// finding's own Title when the check is not registered, so reports work
// with any check ID.
package report

package evidence

import (
	"bytes"
	"encoding/json"
	htmltemplate "html/template"
	"io"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
)

// summary is the human-readable account of a bundle.
type summary struct {
	Generated time.Time
	Scan      string
	Started   time.Time
	Ended     time.Time
	Version   string
	Host      Host
	Key       string
	Masked    bool
	Redactor  string
	Findings  []summaryFinding
}

type summaryFinding struct {
	FindingEvidence
	Records []summaryRecord
}

type summaryRecord struct {
	Type, ID, TargetURI, IP string
	Date                    time.Time
	// Line is the request or status line, or what a metadata record is.
	Line                  string
	Details               []string
	PayloadSHA256         string
	OriginalPayloadSHA256 string
	Cited                 bool
}

func newSummary(m *Manifest, ex *extract, recs []*WARCRecord) *summary {
	s := &summary{
		Generated: ex.Generated, Scan: m.Scan, Started: m.Started, Ended: m.Ended, Version: m.Tool.Version,
		Host: m.Host, Key: m.Key.Fingerprint, Masked: m.Redaction.Masked, Redactor: m.Redaction.Redactor,
	}
	byID := map[string]*WARCRecord{}
	for _, r := range recs {
		byID[r.ID()] = r
	}
	refs := map[string]Ref{}
	for _, r := range ex.Records {
		refs[r.ID] = r
	}
	for _, f := range ex.Findings {
		sf := summaryFinding{FindingEvidence: f}
		cited := map[string]bool{}
		for _, e := range f.Evidence {
			if _, id, err := ParseRef(e.Ref); err == nil {
				cited[id] = true
			}
		}
		for _, id := range relatedRecords(f, ex.Records) {
			r, ok := byID[id]
			if !ok {
				continue
			}
			sr := summaryRecord{
				Type: r.Type(), ID: id, TargetURI: r.Get("WARC-Target-URI"), IP: r.Get("WARC-IP-Address"),
				PayloadSHA256: refs[id].PayloadSHA256, OriginalPayloadSHA256: refs[id].OriginalPayloadSHA256, Cited: cited[id],
			}
			sr.Date, _ = time.Parse(time.RFC3339Nano, r.Get("WARC-Date"))
			switch sr.Type {
			case TypeRequest, TypeResponse:
				line, _, _ := bytes.Cut(r.Block, []byte("\r\n"))
				sr.Line = string(line)
				if v := r.Get("Vigie-Redaction"); v != "" {
					sr.Details = append(sr.Details, "masked: "+v)
				}
				if v := r.Get("WARC-Truncated"); v != "" {
					sr.Details = append(sr.Details, "body truncated ("+v+")")
				}
			case TypeMetadata:
				sr.Line, sr.Details = describeMetadata(r.Block)
			}
			sf.Records = append(sf.Records, sr)
		}
		s.Findings = append(s.Findings, sf)
	}
	return s
}

// describeMetadata summarises a metadata record written by an Archive.
func describeMetadata(block []byte) (string, []string) {
	var doc struct {
		Kind          string   `json:"kind"`
		LocalAddress  string   `json:"local_address"`
		RemoteAddress string   `json:"remote_address"`
		Error         string   `json:"error"`
		Note          string   `json:"note"`
		TLS           *tlsMeta `json:"tls"`
	}
	if json.Unmarshal(block, &doc) != nil {
		return "metadata", nil
	}
	var details []string
	if doc.LocalAddress != "" {
		details = append(details, "connection from "+doc.LocalAddress+" to "+doc.RemoteAddress)
	}
	if doc.TLS != nil {
		parts := nonEmpty(doc.TLS.Version, doc.TLS.CipherSuite)
		if doc.TLS.ServerName != "" {
			parts = append(parts, "server name "+doc.TLS.ServerName)
		}
		if n := len(doc.TLS.Certificates); n > 0 {
			parts = append(parts, plural(n, "certificate")+" (PEM in the record)")
		}
		details = append(details, "TLS: "+strings.Join(parts, ", "))
	}
	if doc.Error != "" {
		details = append(details, "failure: "+doc.Error)
	}
	if doc.Note != "" {
		details = append(details, doc.Note)
	}
	switch doc.Kind {
	case "exchange":
		return "capture metadata", details
	case "":
		return "metadata", details
	}
	return doc.Kind + " report", details
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

var funcs = map[string]any{
	"utc":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 MST") },
	"join": strings.Join,
}

const textSummary = `Vigie evidence bundle
=====================

Generated:      {{utc .Generated}}
Scan:           {{.Scan}}, from {{utc .Started}} to {{utc .Ended}}
Tool:           Vigie {{.Version}}
Scanning host:  {{.Host.Name}}{{with .Host.Addresses}} ({{join . ", "}}){{end}}{{with .Host.SourceAddresses}}
Connected from: {{join . ", "}}{{end}}
Signing key:    ed25519 {{.Key}}
Personal data:  {{if .Masked}}masked before storage ({{.Redactor}}); the digest of each original is kept{{else}}kept verbatim (--keep-personal-data){{end}}
{{range .Findings}}
Finding {{.ID}}: {{.Check}}{{with .Severity}} ({{.}}){{end}}
  {{.Title}}
  Site: {{.Site}}
  URL:  {{.URL}}
  Evidence:{{range .Records}}
  - {{.Type}} record {{.ID}}{{if .Cited}} (cited){{end}}
      {{.Line}}
      target {{.TargetURI}}{{with .IP}}, server {{.}}{{end}}, captured {{utc .Date}}{{range .Details}}
      {{.}}{{end}}{{if eq .Type "response"}}
      payload sha256 {{.PayloadSHA256}}{{with .OriginalPayloadSHA256}}
      original payload sha256 {{.}}{{end}}{{end}}{{end}}
{{end}}
How to check this bundle
  vigie evidence verify THIS-BUNDLE.zip
or, without Vigie, after unzipping:
  base64 -d manifest.json.sig > manifest.sig
  openssl pkeyutl -verify -pubin -inkey ed25519.pub -rawin -in manifest.json -sigfile manifest.sig
then compare the records of evidence.warc.gz with the record_sha256 and
payload_sha256 values that manifest.json lists for them (extract.json
names the findings and records of this bundle). evidence.warc.gz opens in
any WARC replay tool.
`

const htmlSummary = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Vigie evidence: scan {{.Scan}}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}code,td.mono{font-family:monospace;word-break:break-all}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em;text-align:left;vertical-align:top}th{background:#eee}</style></head>
<body>
<h1>Vigie evidence bundle</h1>
<table>
<tr><th>Generated</th><td>{{utc .Generated}}</td></tr>
<tr><th>Scan</th><td><code>{{.Scan}}</code>, from {{utc .Started}} to {{utc .Ended}}</td></tr>
<tr><th>Tool</th><td>Vigie {{.Version}}</td></tr>
<tr><th>Scanning host</th><td>{{.Host.Name}}{{with .Host.Addresses}} ({{join . ", "}}){{end}}{{with .Host.SourceAddresses}}; connections from {{join . ", "}}{{end}}</td></tr>
<tr><th>Signing key</th><td>ed25519 <code>{{.Key}}</code></td></tr>
<tr><th>Personal data</th><td>{{if .Masked}}masked before storage ({{.Redactor}}); the digest of each original is kept{{else}}kept verbatim (--keep-personal-data){{end}}</td></tr>
</table>
{{range .Findings}}
<h2>Finding <code>{{.ID}}</code>: {{.Check}}{{with .Severity}} ({{.}}){{end}}</h2>
<p>{{.Title}}<br>Site: {{.Site}}<br>URL: <code>{{.URL}}</code></p>
<table><tr><th>Record</th><th>What</th><th>Captured</th></tr>
{{range .Records}}<tr><td class="mono">{{.Type}}{{if .Cited}} (cited){{end}}<br>{{.ID}}</td>
<td><code>{{.Line}}</code><br>{{.TargetURI}}{{range .Details}}<br>{{.}}{{end}}{{if eq .Type "response"}}<br>payload sha256 <code>{{.PayloadSHA256}}</code>{{with .OriginalPayloadSHA256}}<br>original payload sha256 <code>{{.}}</code>{{end}}{{end}}</td>
<td>{{utc .Date}}{{with .IP}}<br>server {{.}}{{end}}</td></tr>
{{end}}</table>
{{end}}
<h2>How to check this bundle</h2>
<p><code>vigie evidence verify THIS-BUNDLE.zip</code>, or without Vigie, after unzipping:</p>
<pre>base64 -d manifest.json.sig &gt; manifest.sig
openssl pkeyutl -verify -pubin -inkey ed25519.pub -rawin -in manifest.json -sigfile manifest.sig</pre>
<p>then compare the records of <code>evidence.warc.gz</code> with the <code>record_sha256</code> and <code>payload_sha256</code> values that <code>manifest.json</code> lists for them (<code>extract.json</code> names the findings and records of this bundle). <code>evidence.warc.gz</code> opens in any WARC replay tool.</p>
</body></html>
`

var (
	textTmpl = texttemplate.Must(texttemplate.New("summary.txt").Funcs(funcs).Parse(textSummary))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("summary.html").Funcs(funcs).Parse(htmlSummary))
)

func (s *summary) text(w io.Writer) error { return textTmpl.Execute(w, s) }
func (s *summary) html(w io.Writer) error { return htmlTmpl.Execute(w, s) }

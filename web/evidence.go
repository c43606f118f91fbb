package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"vigie/check"
	"vigie/evidence"
	"vigie/finding"
	"vigie/finding/facts"
	"vigie/pii/detect"
	"vigie/store"
)

// bodyExcerpt is how much of a captured body the finding page shows.
const bodyExcerpt = 4 << 10

// recordView is one WARC record as the finding page shows it.
type recordView struct {
	ID, Type, TargetURI, Date, ContentType string
	IPAddress                              string
	RecordSHA256, PayloadSHA256            string
	OriginalSHA256                         string
	Masks                                  int
	// StartLine and Header are the HTTP message head of requests and
	// responses; Body is the start of the (masked) payload as text.
	StartLine string
	Header    []string
	Body      string
	Truncated bool
	// Image is set for image payloads, shown through Link.
	Image bool
	Link  string
}

// exchangeView is one piece of evidence a finding cites: the record and
// those captured with it.
type exchangeView struct {
	Ref     string
	Records []recordView
}

type evidenceView struct {
	Dir  string
	Scan string
	// Verified is set when the signature and the digests check out with
	// this server's own key; OtherKey, when they check out with the key
	// shipped beside the manifest but that key is not the server's (the
	// evidence proves its integrity, not who made it).
	Verified bool
	OtherKey string
	Key      string
	Problems []string
	Masked   bool
	// Missing explains why there is no evidence to show.
	Missing   string
	Exchanges []exchangeView
}

// verifyCache remembers, for a few evidence directories, the parsed
// manifest and the outcome of verifying the whole directory, so that a
// finding page reads neither the archive nor the manifest again on each
// view. An entry holds while the directory's files are those it was made
// from: same names, sizes, modification and status-change times and inode
// numbers (see archiveState). Rewriting a WARC file or the manifest, even
// with its modification time put back, changes its status-change time
// and so the entry is dropped and the directory verified again.
type verifyCache struct {
	mu    sync.Mutex
	m     map[string]*verifiedDir
	order []string // directories, oldest entry first
	// reads counts the verifications remembered, for tests.
	reads int
}

// maxVerified bounds the directories verifyCache remembers.
const maxVerified = 16

type verifiedDir struct {
	state    string
	manifest *evidence.Manifest
	mErr     error
	rep      *evidence.Report
	vErr     error
}

// archiveState describes the files of an evidence directory as the file
// system reports them, without reading them.
func archiveState(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s\x00%d\x00%d\x00%s\x00", e.Name(), info.Size(), info.ModTime().UnixNano(), fileIdentity(info))
	}
	return b.String(), nil
}

// load returns dir's manifest and verification, from the cache when the
// directory has not changed since.
func (c *verifyCache) load(dir string) *verifiedDir {
	state, err := archiveState(dir)
	if err != nil {
		return &verifiedDir{mErr: err, vErr: err}
	}
	c.mu.Lock()
	d, ok := c.m[dir]
	c.mu.Unlock()
	if ok && d.state == state {
		return d
	}
	d = &verifiedDir{state: state}
	d.manifest, d.mErr = readManifest(dir)
	d.rep, d.vErr = evidence.Verify(dir, evidence.VerifyOptions{})
	if after, err := archiveState(dir); err != nil || after != state {
		// Written while read: verified, but not remembered.
		return d
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	if c.m == nil {
		c.m = map[string]*verifiedDir{}
	}
	if _, ok := c.m[dir]; !ok {
		c.order = append(c.order, dir)
	}
	c.m[dir] = d
	for len(c.order) > maxVerified {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	return d
}

// evidenceDir returns the evidence directory holding a finding's records:
// the one its last scan recorded, else a search of EvidenceRoot.
func (s *Server) evidenceDir(r *http.Request, f *finding.Finding) (string, error) {
	if f.Scan != "" {
		if sc, err := s.o.Store.Scan(r.Context(), f.Scan); err == nil {
			if d := sc.Settings["evidence_dir"]; d != "" {
				if _, err := os.Stat(filepath.Join(d, evidence.ManifestFile)); err == nil {
					return d, nil
				}
			}
		}
	}
	if s.o.EvidenceRoot == "" {
		return "", fmt.Errorf("finding %s: %w", f.ID, evidence.ErrNotFound)
	}
	return evidence.Locate(s.o.EvidenceRoot, f.ID)
}

func readManifest(dir string) (*evidence.Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, evidence.ManifestFile))
	if err != nil {
		return nil, err
	}
	var m evidence.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, evidence.ManifestFile), err)
	}
	return &m, nil
}

func bareID(id string) string { return strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">") }

// readRecord reads the record ref locates, one gzip member of a WARC file.
func readRecord(dir string, ref evidence.Ref) (*evidence.WARCRecord, error) {
	if ref.File != filepath.Base(ref.File) {
		return nil, fmt.Errorf("record %s: bad file name %q", ref.ID, ref.File)
	}
	f, err := os.Open(filepath.Join(dir, ref.File))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rec *evidence.WARCRecord
	err = evidence.ReadWARC(io.NewSectionReader(f, ref.Offset, ref.Length), func(r *evidence.WARCRecord) error {
		if rec == nil {
			rec = r
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record %s in %s: %w", ref.ID, ref.File, err)
	}
	if rec == nil || bareID(rec.ID()) != bareID(ref.ID) {
		return nil, fmt.Errorf("record %s in %s: %w", ref.ID, ref.File, evidence.ErrNotFound)
	}
	return rec, nil
}

// citedRecords is one reference of a finding and the records it covers.
type citedRecords struct {
	Ref     string
	Records []evidence.Ref
}

// findingRecords returns the manifest's records a finding's evidence
// cites, each with the records captured with it, in citation order.
func findingRecords(m *evidence.Manifest, f *finding.Finding) []citedRecords {
	byID := map[string]evidence.Ref{}
	for _, r := range m.Records {
		byID[bareID(r.ID)] = r
	}
	var out []citedRecords
	for _, ref := range f.Evidence {
		_, id, err := evidence.ParseRef(ref)
		if err != nil {
			continue
		}
		main, ok := byID[bareID(id)]
		if !ok {
			continue
		}
		group := []evidence.Ref{}
		for _, r := range m.Records { // request first, as captured
			if bareID(r.ConcurrentTo) == bareID(main.ID) && r.Type == evidence.TypeRequest {
				group = append(group, r)
			}
		}
		group = append(group, main)
		for _, r := range m.Records {
			if bareID(r.ConcurrentTo) == bareID(main.ID) && r.Type != evidence.TypeRequest {
				group = append(group, r)
			}
		}
		out = append(out, citedRecords{ref, group})
	}
	// Screenshots the manifest ties to the finding, when not cited.
	for _, shot := range m.Screenshots {
		_, id, ok := strings.Cut(shot.File, "#")
		if shot.Finding != f.ID || !ok || slices.ContainsFunc(out, func(g citedRecords) bool {
			return slices.ContainsFunc(g.Records, func(r evidence.Ref) bool { return bareID(r.ID) == bareID(id) })
		}) {
			continue
		}
		if r, ok := byID[bareID(id)]; ok {
			out = append(out, citedRecords{r.String(), []evidence.Ref{r}})
		}
	}
	return out
}

func (s *Server) findingEvidence(r *http.Request, f *finding.Finding) evidenceView {
	ev := evidenceView{}
	if len(f.Evidence) == 0 {
		ev.Missing = "evidence.none"
		return ev
	}
	dir, err := s.evidenceDir(r, f)
	if err != nil {
		ev.Missing = "evidence.notfound"
		return ev
	}
	ev.Dir = dir
	vd := s.verified.load(dir)
	m, err := vd.manifest, vd.mErr
	if err != nil {
		ev.Missing = "evidence.unreadable"
		ev.Problems = []string{err.Error()}
		return ev
	}
	ev.Scan, ev.Masked = m.Scan, m.Redaction.Masked
	if rep, err := vd.rep, vd.vErr; err != nil {
		ev.Problems = []string{err.Error()}
	} else {
		ev.Key, ev.Problems = rep.Key, rep.Problems
		switch {
		case !rep.OK():
		case s.o.OwnKey != nil && rep.Key == evidence.Fingerprint(s.o.OwnKey):
			ev.Verified = true
		default:
			ev.OtherKey = rep.Key
		}
	}
	for _, group := range findingRecords(m, f) {
		x := exchangeView{Ref: group.Ref}
		for _, ref := range group.Records {
			rv := recordView{ID: bareID(ref.ID), Type: ref.Type, TargetURI: ref.TargetURI, Date: ref.Date.UTC().Format("2006-01-02 15:04:05 UTC"),
				RecordSHA256: ref.RecordSHA256, PayloadSHA256: ref.PayloadSHA256, OriginalSHA256: ref.OriginalPayloadSHA256, Masks: ref.Masks}
			rec, err := readRecord(dir, ref)
			if err != nil {
				ev.Problems = append(ev.Problems, err.Error())
				x.Records = append(x.Records, rv)
				continue
			}
			rv.ContentType, rv.IPAddress = rec.Get("Content-Type"), rec.Get("WARC-IP-Address")
			describeRecord(&rv, rec)
			if !ev.Masked {
				maskView(&rv)
			}
			rv.Link = "/findings/" + f.ID + "/record/" + strings.TrimPrefix(rv.ID, "urn:uuid:")
			x.Records = append(x.Records, rv)
		}
		ev.Exchanges = append(ev.Exchanges, x)
	}
	return ev
}

// describeRecord fills the message head and a body excerpt.
func describeRecord(rv *recordView, rec *evidence.WARCRecord) {
	payload := rec.Payload()
	if t := rec.Type(); t == evidence.TypeRequest || t == evidence.TypeResponse {
		head := rec.Block
		if i := bytes.Index(head, []byte("\r\n\r\n")); i >= 0 {
			head = head[:i]
		}
		lines := strings.Split(string(head), "\r\n")
		rv.StartLine = lines[0]
		rv.Header = lines[1:]
		for _, h := range rv.Header {
			name, value, _ := strings.Cut(h, ":")
			if strings.EqualFold(name, "Content-Type") && strings.HasPrefix(strings.TrimSpace(strings.ToLower(value)), "image/") {
				rv.Image = true
			}
		}
	}
	if strings.HasPrefix(rv.ContentType, "image/") {
		rv.Image = true
	}
	if rv.Image {
		return
	}
	if len(payload) > bodyExcerpt {
		payload, rv.Truncated = payload[:bodyExcerpt], true
	}
	if !utf8.Valid(payload) {
		// Show text in the charset the server declared.
		if label := declaredCharset(rv.Header); label != "" {
			if r, err := charset.NewReaderLabel(label, bytes.NewReader(payload)); err == nil {
				if b, err := io.ReadAll(r); err == nil {
					payload = b
				}
			}
		}
		payload = bytes.ToValidUTF8(payload, []byte("\uFFFD"))
	}
	rv.Body = string(payload)
}

// maskView masks, with Vigie's one masker, what a record of evidence kept
// verbatim (--keep-personal-data) shows on the page: the archive keeps
// the data, the dashboard does not spread it to every viewer.
func maskView(rv *recordView) {
	rv.TargetURI = detect.MaskText(rv.TargetURI)
	rv.StartLine = detect.MaskText(rv.StartLine)
	for i, h := range rv.Header {
		rv.Header[i] = detect.MaskText(h)
	}
	if rv.Body != "" {
		ct := rv.ContentType
		if t := headerValue(rv.Header, "Content-Type"); t != "" {
			ct = t
		}
		spans, readable := detect.Find([]byte(rv.Body), ct, detect.MaskOptions{})
		if !readable {
			rv.Body = ""
			return
		}
		rv.Body = string(detect.Redact([]byte(rv.Body), spans))
	}
}

// headerValue returns the value of the first header line named name.
func headerValue(header []string, name string) string {
	for _, h := range header {
		if n, v, ok := strings.Cut(h, ":"); ok && strings.EqualFold(strings.TrimSpace(n), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// declaredCharset returns the charset parameter of a Content-Type header
// line among header, "" when none.
func declaredCharset(header []string) string {
	for _, h := range header {
		name, value, _ := strings.Cut(h, ":")
		if !strings.EqualFold(strings.TrimSpace(name), "Content-Type") {
			continue
		}
		if _, params, err := mime.ParseMediaType(strings.TrimSpace(value)); err == nil {
			return params["charset"]
		}
	}
	return ""
}

type findingData struct {
	F           findingRow
	Meta        check.Meta
	Known       bool
	Rationale   string
	Remediation string
	// Facts is what was seen, written for people (JSON stays in exports).
	Facts    facts.Facts
	Evidence evidenceView
}

func (s *Server) findingPage(w http.ResponseWriter, r *http.Request, v *view) {
	f, err := s.o.Browser.Finding(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	d := findingData{F: v.findingRows([]finding.Finding{*f})[0]}
	d.Meta, d.Known = check.Lookup(f.Check)
	if d.Known {
		d.Rationale = v.L.Pick(d.Meta.Rationale.FR, d.Meta.Rationale.EN)
		d.Remediation = v.L.Pick(d.Meta.Remediation.FR, d.Meta.Remediation.EN)
	}
	d.Facts = facts.Of(f, v.L.Code)
	d.Evidence = s.findingEvidence(r, f)
	s.render(w, r, v, http.StatusOK, "finding.html", d)
}

// findingEvidenceDir loads the finding the request names and the
// evidence directory of the scan that last saw it; when either is missing
// it answers the request and returns false.
func (s *Server) findingEvidenceDir(w http.ResponseWriter, r *http.Request, v *view) (*finding.Finding, string, bool) {
	f, err := s.o.Browser.Finding(r.Context(), r.PathValue("id"))
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, store.ErrNotFound) {
			status, err = http.StatusNotFound, nil
		}
		s.fail(w, r, v, status, err)
		return nil, "", false
	}
	dir, err := s.evidenceDir(r, f)
	if err != nil {
		s.fail(w, r, v, http.StatusNotFound, nil)
		return nil, "", false
	}
	return f, dir, true
}

// recordPayload serves the payload of one record a finding cites: images
// as themselves (screenshots, say), anything else as a text download.
func (s *Server) recordPayload(w http.ResponseWriter, r *http.Request, v *view) {
	f, dir, ok := s.findingEvidenceDir(w, r, v)
	if !ok {
		return
	}
	vd := s.verified.load(dir)
	m, err := vd.manifest, vd.mErr
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	want := "urn:uuid:" + r.PathValue("rec")
	for _, group := range findingRecords(m, f) {
		for _, ref := range group.Records {
			if bareID(ref.ID) != want {
				continue
			}
			rec, err := readRecord(dir, ref)
			if err != nil {
				s.fail(w, r, v, http.StatusInternalServerError, err)
				return
			}
			var rv recordView
			rv.ContentType = rec.Get("Content-Type")
			describeRecord(&rv, rec)
			payload := rec.Payload()
			if rv.Image && bytes.HasPrefix(payload, []byte("\x89PNG\r\n\x1a\n")) {
				w.Header().Set("Content-Type", "image/png")
			} else {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.Header().Set("Content-Disposition", `attachment; filename="`+strings.TrimPrefix(want, "urn:uuid:")+`.txt"`)
			}
			w.Write(payload)
			return
		}
	}
	s.fail(w, r, v, http.StatusNotFound, nil)
}

// findingBundle serves the evidence bundle (zip) of a finding.
func (s *Server) findingBundle(w http.ResponseWriter, r *http.Request, v *view) {
	f, dir, ok := s.findingEvidenceDir(w, r, v)
	if !ok {
		return
	}
	tmp, err := os.MkdirTemp("", "vigie-bundle-")
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "bundle.zip")
	if _, err := evidence.Export(evidence.ExportOptions{Dir: dir, Findings: []string{f.ID}, Out: out}); err != nil {
		if errors.Is(err, evidence.ErrNotFound) {
			s.fail(w, r, v, http.StatusNotFound, nil)
			return
		}
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	b, err := os.Open(out)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	defer b.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="vigie-evidence-`+f.ID+`.zip"`)
	io.Copy(w, b)
}

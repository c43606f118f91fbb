package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"vigie/cases"
	"vigie/finding"
	"vigie/letter"
	"vigie/store"
)

type caseRow struct {
	cases.Case
	Due     time.Time
	IsDue   bool
	Overdue bool
}

type casesData struct {
	Query  map[string]string
	Rows   []caseRow
	Pager  pager
	Scans  []store.ScanSummary
	States []cases.State
}

var caseHeader = []string{"case", "organisation", "title", "state", "created", "next_due", "sites", "findings", "events"}

type caseRecord struct {
	ID           string     `json:"case"`
	Organisation string     `json:"organisation"`
	Title        string     `json:"title"`
	State        string     `json:"state"`
	Created      time.Time  `json:"created"`
	NextDue      *time.Time `json:"next_due,omitempty"`
	Sites        []string   `json:"sites"`
	Findings     []string   `json:"findings"`
	Events       int        `json:"events"`
}

func (s *Server) caseRows(r *http.Request) ([]caseRow, map[string]string, error) {
	q := r.URL.Query()
	f := map[string]string{"state": q.Get("state"), "organisation": q.Get("organisation"), "q": strings.TrimSpace(q.Get("q")), "due": q.Get("due"), "tag": q.Get("tag")}
	all, err := s.o.Cases.Cases(r.Context())
	if err != nil {
		return nil, f, err
	}
	// A tag keeps the cases of a labelled organisation or about a site
	// that carries it.
	var tagOrgs, tagSites map[string]bool
	if f["tag"] != "" {
		if tagOrgs, tagSites, err = s.tagged(r, f["tag"]); err != nil {
			return nil, f, err
		}
	}
	now := s.o.Now()
	var out []caseRow
	for _, c := range all {
		if f["state"] != "" && string(c.State) != f["state"] || f["organisation"] != "" && c.Organisation != f["organisation"] {
			continue
		}
		if tagOrgs != nil && !tagOrgs[c.Organisation] && !slices.ContainsFunc(c.Sites, func(u string) bool { return tagSites[u] }) {
			continue
		}
		if t := strings.ToLower(f["q"]); t != "" && !strings.Contains(strings.ToLower(c.ID+" "+c.Title+" "+c.Organisation), t) {
			continue
		}
		row := caseRow{Case: c}
		row.Due, row.Overdue = c.Due(now, cases.DefaultDelays())
		row.IsDue = !row.Due.IsZero()
		if f["due"] == "1" && !row.Overdue {
			continue
		}
		out = append(out, row)
	}
	return out, f, nil
}

func (s *Server) casesPage(w http.ResponseWriter, r *http.Request, v *view) {
	rows, f, err := s.caseRows(r)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	if format := r.URL.Query().Get("format"); format != "" {
		e, err := newExporter(w, format, "cases", caseHeader)
		if err != nil {
			s.fail(w, r, v, http.StatusBadRequest, err)
			return
		}
		for _, c := range rows {
			rec := caseRecord{c.ID, c.Organisation, c.Title, string(c.State), c.Created.UTC(), nil, c.Sites, c.Findings, len(c.Events)}
			due := ""
			if c.IsDue {
				d := c.Due.UTC()
				rec.NextDue, due = &d, d.Format(time.DateOnly)
			}
			cells := []string{c.ID, c.Organisation, c.Title, string(c.State), c.Created.UTC().Format(time.DateOnly), due,
				strings.Join(c.Sites, " "), strings.Join(c.Findings, " "), itoa(len(c.Events))}
			if err = e.row(cells, rec); err != nil {
				break
			}
		}
		if err == nil {
			err = e.close()
		}
		if err != nil {
			s.o.Log.Warn("export cases", "err", err)
		}
		return
	}
	page := pageNumber(r)
	lo := min(len(rows), (page-1)*pageSize)
	d := casesData{Query: f, Rows: rows[lo:min(len(rows), lo+pageSize)], Pager: newPager(r, page, len(rows)), States: cases.States()}
	if v.Editor() {
		if d.Scans, err = s.o.Browser.ScanSummaries(r.Context(), 20); err != nil {
			s.fail(w, r, v, http.StatusInternalServerError, err)
			return
		}
	}
	s.render(w, r, v, http.StatusOK, "cases.html", d)
}

// caseOpen opens one case per organisation (or topmost parent) from the
// open findings of a scan not yet followed by a case.
func (s *Server) caseOpen(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	scanID := r.PostFormValue("scan")
	opened, err := cases.OpenFromScan(ctx, s.o.Store, s.o.Cases, scanID, s.o.Now().UTC(), s.threshold())
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, cases.ErrNothingToOpen) || errors.Is(err, store.ErrNotFound) {
			status = http.StatusBadRequest
		}
		s.fail(w, r, v, status, err)
		return
	}
	s.o.Log.Info("cases opened", "scan", scanID, "user", v.User.Name, "cases", len(opened))
	if len(opened) == 1 {
		http.Redirect(w, r, "/cases/"+opened[0].ID, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/cases", http.StatusSeeOther)
}

type caseData struct {
	Case      *cases.Case
	Org       cases.Organisation
	Due       time.Time
	IsDue     bool
	Overdue   bool
	Next      []cases.State
	Kinds     []string
	Findings  []findingRow
	Published bool
	Today     string
	CanEML    bool
}

func (s *Server) loadCase(r *http.Request) (*cases.Case, error) {
	return s.o.Cases.Case(r.Context(), r.PathValue("id"))
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, v *view) {
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	s.renderCase(w, r, v, http.StatusOK, c)
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, v *view, status int, c *cases.Case) {
	d := caseData{Case: c, Next: cases.Allowed(c.State), Today: s.o.Now().UTC().Format(time.DateOnly)}
	d.Due, d.Overdue = c.Due(s.o.Now(), cases.DefaultDelays())
	d.IsDue = !d.Due.IsZero()
	for _, st := range d.Next {
		d.Kinds = append(d.Kinds, string(st))
	}
	d.Kinds = append(d.Kinds, cases.KindNote, cases.KindReminder, cases.KindAnswer)
	orgs, err := s.o.Cases.Organisations(r.Context())
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	d.Org, _ = cases.NewDirectory(orgs).Lookup(c.Organisation)
	d.CanEML = d.Org.DPOEmail != "" && s.o.LetterFrom != ""
	fs, err := s.caseFindings(r, c)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	d.Findings = v.findingRows(fs)
	_, err = os.Stat(s.chronologyPath(c.ID))
	d.Published = err == nil
	s.render(w, r, v, status, "case.html", d)
}

// caseFindings returns the current state of a case's findings.
func (s *Server) caseFindings(r *http.Request, c *cases.Case) ([]finding.Finding, error) {
	var out []finding.Finding
	for _, id := range c.Findings {
		f, err := s.o.Browser.Finding(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *f)
	}
	return out, nil
}

// caseEvent records an event, with an optional attached document, on a
// case; transitions its state does not allow are refused.
func (s *Server) caseEvent(w http.ResponseWriter, r *http.Request, v *view) {
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	e := cases.Event{
		Kind: r.PostFormValue("kind"), Text: strings.TrimSpace(r.PostFormValue("text")),
		Ref: strings.TrimSpace(r.PostFormValue("ref")), Private: r.PostFormValue("private") == "1", Author: v.User.Name,
	}
	if e.Date, err = time.Parse(time.DateOnly, r.PostFormValue("date")); err != nil {
		v.Error, v.Detail = "case.badevent", []string{fmt.Sprintf("date %q: want YYYY-MM-DD", r.PostFormValue("date"))}
		s.renderCase(w, r, v, http.StatusBadRequest, c)
		return
	}
	if !cases.ValidKind(e.Kind) {
		v.Error, v.Detail = "case.badevent", []string{fmt.Sprintf("kind %q", e.Kind)}
		s.renderCase(w, r, v, http.StatusBadRequest, c)
		return
	}
	if file, hdr, err := r.FormFile("document"); err == nil {
		defer file.Close()
		if e.Document, err = s.saveDocument(file, hdr); err != nil {
			v.Error, v.Detail = "case.badevent", []string{err.Error()}
			s.renderCase(w, r, v, http.StatusBadRequest, c)
			return
		}
	} else if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		v.Error, v.Detail = "case.badevent", []string{err.Error()}
		s.renderCase(w, r, v, http.StatusBadRequest, c)
		return
	}
	updated, err := cases.RecordAlert(r.Context(), s.o.Cases, s.o.Store, c.ID, e)
	if errors.Is(err, cases.ErrTransition) {
		v.Error, v.Detail = "case.badevent", []string{err.Error()}
		s.renderCase(w, r, v, http.StatusConflict, c)
		return
	}
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	s.o.Log.Info("case event", "case", updated.ID, "kind", e.Kind, "user", v.User.Name)
	http.Redirect(w, r, "/cases/"+updated.ID, http.StatusSeeOther)
}

// saveDocument keeps an uploaded document under FilesDir/documents, named
// by its digest, and describes it.
func (s *Server) saveDocument(file multipart.File, hdr *multipart.FileHeader) (*cases.Document, error) {
	if hdr.Size > maxUpload {
		return nil, fmt.Errorf("document %s: %d bytes, at most %d", hdr.Filename, hdr.Size, maxUpload)
	}
	name := filepath.Base(strings.ReplaceAll(hdr.Filename, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/:*?"<>|`, r) {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		name = "document"
	}
	dir := s.filesPath("documents")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, ".upload-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(file, maxUpload+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", name, err)
	}
	if n > maxUpload {
		return nil, fmt.Errorf("document %s: larger than %d bytes", name, maxUpload)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	final := filepath.Join(dir, sum[:16]+"-"+name)
	if err := os.Rename(tmp.Name(), final); err != nil {
		return nil, err
	}
	return &cases.Document{Name: name, Path: final, SHA256: sum}, nil
}

// caseDocument serves the document of the n-th event (1-based), when the
// file still has the digest recorded.
func (s *Server) caseDocument(w http.ResponseWriter, r *http.Request, v *view) {
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(c.Events) || c.Events[n-1].Document == nil {
		s.fail(w, r, v, http.StatusNotFound, nil)
		return
	}
	doc := c.Events[n-1].Document
	b, err := os.ReadFile(doc.Path)
	if err != nil {
		s.fail(w, r, v, http.StatusNotFound, nil)
		return
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != doc.SHA256 {
		s.fail(w, r, v, http.StatusConflict, fmt.Errorf("document %s no longer has the digest recorded", doc.Name))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", doc.Name))
	w.Write(b)
}

// letterData builds what letters and the chronology are made from.
func (s *Server) letterData(r *http.Request, c *cases.Case, lang string, public bool) (*letter.Data, cases.Organisation, error) {
	fs, err := cases.AtIssue(r.Context(), s.o.Store, c)
	if err != nil {
		return nil, cases.Organisation{}, err
	}
	orgs, err := s.o.Cases.Organisations(r.Context())
	if err != nil {
		return nil, cases.Organisation{}, err
	}
	org, _ := cases.NewDirectory(orgs).Lookup(c.Organisation)
	sender := s.o.LetterFrom
	if name, _, ok := strings.Cut(sender, "<"); ok && strings.TrimSpace(name) != "" {
		sender = strings.Trim(strings.TrimSpace(name), `"`)
	}
	d, err := letter.New(letter.Input{Lang: lang, Case: c, Organisation: org, Findings: fs, Date: s.o.Now().UTC(), Sender: sender, Public: public})
	return d, org, err
}

func formLang(r *http.Request, v *view) string {
	if l := r.PostFormValue("lang"); l == "fr" || l == "en" {
		return l
	}
	return v.L.Code
}

// caseLetter generates a letter of the case and sends it as a download.
func (s *Server) caseLetter(w http.ResponseWriter, r *http.Request, v *view) {
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	if c.IsRights() {
		s.fail(w, r, v, http.StatusBadRequest, errors.New("the letters of a rights request are written with vigie case letter"))
		return
	}
	kind, format := r.PostFormValue("kind"), r.PostFormValue("format")
	if kind != letter.Alert && kind != letter.Reminder && kind != letter.Complaint {
		s.fail(w, r, v, http.StatusBadRequest, fmt.Errorf("letter kind %q: want alert, reminder or complaint", kind))
		return
	}
	d, org, err := s.letterData(r, c, formLang(r, v), false)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	out, err := letter.Markdown(d, kind, "")
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	ext, ctype := "md", "text/markdown; charset=utf-8"
	switch format {
	case "", "md":
	case "eml":
		if kind == letter.Complaint || org.DPOEmail == "" || s.o.LetterFrom == "" {
			s.fail(w, r, v, http.StatusBadRequest, errors.New("an .eml needs the DPO's email address (organisation directory) and a sender (serve --from); complaints go through the authority's web form"))
			return
		}
		if out, err = letter.EML(out, letter.Message{From: s.o.LetterFrom, To: org.DPOEmail, Date: d.Date}); err != nil {
			s.fail(w, r, v, http.StatusInternalServerError, err)
			return
		}
		ext, ctype = "eml", "message/rfc822"
	default:
		s.fail(w, r, v, http.StatusBadRequest, fmt.Errorf("letter format %q: want md or eml", format))
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-%s.%s"`, c.ID, kind, d.Lang, ext))
	w.Write(out)
}

func (s *Server) chronologyPath(id string) string {
	return s.filesPath("published", filepath.Base(id)+".html")
}

// casePublish writes the public chronology page of the case (no private
// event, no personal data of individuals).
func (s *Server) casePublish(w http.ResponseWriter, r *http.Request, v *view) {
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	if c.IsRights() {
		s.fail(w, r, v, http.StatusForbidden, errors.New("a rights request is private: publish its chronology, if its owner wants it, with vigie case publish --public"))
		return
	}
	d, _, err := s.letterData(r, c, formLang(r, v), true)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	page, err := letter.HTML(d, "")
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	path := s.chronologyPath(c.ID)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	if err := os.WriteFile(path, page, 0o600); err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	s.o.Log.Info("chronology published", "case", c.ID, "user", v.User.Name, "file", path)
	http.Redirect(w, r, "/cases/"+c.ID+"/chronology", http.StatusSeeOther)
}

// chronology serves the published chronology page of a case.
func (s *Server) chronology(w http.ResponseWriter, r *http.Request, v *view) {
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	b, err := os.ReadFile(s.chronologyPath(c.ID))
	if err != nil {
		s.fail(w, r, v, http.StatusNotFound, nil)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}

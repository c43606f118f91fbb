package evidence

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Files of a bundle besides the manifest, its signature and the key.
const (
	ExtractFile     = "extract.json"
	BundleWARCFile  = "evidence.warc.gz"
	SummaryTextFile = "summary.txt"
	SummaryHTMLFile = "summary.html"
)

// extract is the part of a manifest a bundle carries: the exported
// findings and their records, as the signed manifest lists them.
type extract struct {
	Format string `json:"format"`
	Scan   string `json:"scan"`
	// ManifestSHA256 is the digest of the signed manifest shipped beside.
	ManifestSHA256 string            `json:"manifest_sha256"`
	Generated      time.Time         `json:"generated"`
	Findings       []FindingEvidence `json:"findings"`
	// Records are copied byte for byte from the scan's WARC files (File
	// and Offset locate them there) into BundleWARCFile.
	Records []Ref  `json:"records"`
	WARC    string `json:"warc"`
}

const extractFormat = "vigie-evidence-extract/1"

// readExtract reads a bundle's extract and checks that it names the
// manifest shipped beside it (manifest, already read).
func readExtract(fsys fs.FS, manifest []byte, limit int64, rep *Report) *extract {
	b, err := readCapped(fsys, ExtractFile, limit)
	if err != nil {
		rep.problem("%s: %v", ExtractFile, errors.Unwrap(err))
		return nil
	}
	var ex extract
	if err := json.Unmarshal(b, &ex); err != nil {
		rep.problem("%s: invalid JSON: %v", ExtractFile, err)
		return nil
	}
	if hexSHA256(manifest) != ex.ManifestSHA256 {
		rep.problem("%s: names manifest sha256 %s, but %s is %s", ExtractFile, ex.ManifestSHA256, ManifestFile, hexSHA256(manifest))
	}
	return &ex
}

// checkExtract compares a bundle's extract with the signed manifest and
// returns the exported findings as the manifest lists them.
func checkExtract(m *Manifest, ex *extract, byID map[string]Ref, rep *Report) []FindingEvidence {
	if ex.Scan != m.Scan {
		rep.problem("%s: scan %s, but the manifest is of scan %s", ExtractFile, ex.Scan, m.Scan)
	}
	signed := map[string]FindingEvidence{}
	for _, f := range m.Findings {
		signed[f.ID] = f
	}
	var out []FindingEvidence
	for _, f := range ex.Findings {
		sf, ok := signed[f.ID]
		if !ok {
			rep.problem("finding %s: not in the signed manifest", f.ID)
			continue
		}
		if !slices.Equal(sf.Evidence, f.Evidence) {
			rep.problem("finding %s: evidence in %s differs from the signed manifest", f.ID, ExtractFile)
		}
		out = append(out, sf)
	}
	for _, r := range ex.Records {
		if sr, ok := byID[r.ID]; !ok {
			rep.problem("record %s: in %s but not in the signed manifest", r.ID, ExtractFile)
		} else if !sameRef(sr, r) {
			rep.problem("record %s: %s differs from the signed manifest", r.ID, ExtractFile)
		}
	}
	return out
}

// ExportOptions select what Export packs.
type ExportOptions struct {
	// Dir is the scan's evidence directory.
	Dir string
	// Findings are the IDs of the findings to export.
	Findings []string
	// Out is the bundle to write (a .zip file).
	Out string
}

// ExportResult describes a written bundle.
type ExportResult struct {
	Out      string
	Scan     string
	Findings int
	Records  int
}

// Export writes a bundle (zip) proving the chosen findings: a WARC file
// holding their records copied byte for byte from the scan's files
// (request, response and metadata of each cited exchange), the scan's
// signed manifest with its signature and public key unchanged, an
// extract naming the findings and records, and a summary in text and
// HTML. The records are copied rather than the whole WARC files so that a
// bundle about one organisation carries nothing of the others; each keeps
// its record ID and digests, which the signed manifest lists. The scan's
// evidence must verify first.
func Export(o ExportOptions) (*ExportResult, error) {
	if len(o.Findings) == 0 {
		return nil, errors.New("evidence: no finding to export")
	}
	rep, err := Verify(o.Dir, VerifyOptions{})
	if err != nil {
		return nil, err
	}
	if !rep.OK() {
		return nil, fmt.Errorf("evidence in %s does not verify:\n  %s", o.Dir, strings.Join(rep.Problems, "\n  "))
	}
	raw, err := os.ReadFile(filepath.Join(o.Dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("evidence: %s: %w", ManifestFile, err)
	}
	byFinding := map[string]FindingEvidence{}
	for _, f := range m.Findings {
		byFinding[f.ID] = f
	}
	ex := &extract{Format: extractFormat, Scan: m.Scan, ManifestSHA256: hexSHA256(raw), Generated: time.Now().UTC(), WARC: BundleWARCFile}
	var ids []string
	for _, id := range o.Findings {
		f, ok := byFinding[id]
		if !ok {
			return nil, fmt.Errorf("evidence: finding %s is not in the evidence of scan %s (%s)", id, m.Scan, o.Dir)
		}
		ex.Findings = append(ex.Findings, f)
		for _, rid := range relatedRecords(f, m.Records) {
			if !slices.Contains(ids, rid) {
				ids = append(ids, rid)
			}
		}
	}
	byID := map[string]Ref{}
	for _, r := range m.Records {
		byID[r.ID] = r
	}
	for _, id := range ids {
		r, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("evidence: record %s is not in the manifest of scan %s", id, m.Scan)
		}
		ex.Records = append(ex.Records, r)
	}
	// Keep the scan's order: by file, then offset.
	sort.Slice(ex.Records, func(i, j int) bool {
		a, b := ex.Records[i], ex.Records[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Offset < b.Offset
	})

	warc, recs, err := copyRecords(o.Dir, &m, ex.Records)
	if err != nil {
		return nil, err
	}
	exJSON, err := marshalJSON(ex, "  ")
	if err != nil {
		return nil, err
	}
	pub, err := os.ReadFile(filepath.Join(o.Dir, PublicKeyFile))
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	sig, err := os.ReadFile(filepath.Join(o.Dir, SignatureFile))
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	sum := newSummary(&m, ex, recs)
	var text, page bytes.Buffer
	if err := sum.text(&text); err != nil {
		return nil, err
	}
	if err := sum.html(&page); err != nil {
		return nil, err
	}

	out, err := os.Create(o.Out)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	zw := zip.NewWriter(out)
	for _, f := range []struct {
		name   string
		data   []byte
		stored bool
	}{
		{SummaryTextFile, text.Bytes(), false},
		{SummaryHTMLFile, page.Bytes(), false},
		{ManifestFile, raw, false},
		{SignatureFile, sig, false},
		{PublicKeyFile, pub, false},
		{ExtractFile, exJSON, false},
		{BundleWARCFile, warc, true}, // already compressed
	} {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: ex.Generated}
		if f.stored {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err == nil {
			_, err = w.Write(f.data)
		}
		if err != nil {
			out.Close()
			return nil, fmt.Errorf("evidence: writing %s: %w", o.Out, err)
		}
	}
	err = zw.Close()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: writing %s: %w", o.Out, err)
	}
	return &ExportResult{Out: o.Out, Scan: m.Scan, Findings: len(ex.Findings), Records: len(ex.Records)}, nil
}

// copyRecords returns a WARC file made of a fresh warcinfo record and the
// gzip members of refs copied verbatim, and the records parsed.
func copyRecords(dir string, m *Manifest, refs []Ref) ([]byte, []*WARCRecord, error) {
	var block bytes.Buffer
	for _, f := range []Field{
		{"format", "WARC File Format 1.1"},
		{"conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
		{"software", "Vigie " + m.Tool.Version},
		{"isPartOf", "scan " + m.Scan},
		{"description", "Records extracted byte for byte from the WARC files of scan " + m.Scan + "; " + ManifestFile + " lists their digests"},
	} {
		block.WriteString(f.Name + ": " + headerValue(f.Value) + "\r\n")
	}
	info := encode(&Record{Type: TypeWarcinfo, ContentType: "application/warc-fields", Block: block.Bytes(), PayloadOffset: -1,
		Fields: []Field{{"WARC-Filename", BundleWARCFile}}})
	var out bytes.Buffer
	out.Write(info.gz)
	var recs []*WARCRecord
	files := map[string]*os.File{}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, r := range refs {
		if strings.ContainsAny(r.File, "/\\") || !slices.ContainsFunc(m.WARCFiles, func(w WARCFile) bool { return w.Name == r.File }) {
			return nil, nil, fmt.Errorf("evidence: record %s: unknown WARC file %q", r.ID, r.File)
		}
		f := files[r.File]
		if f == nil {
			var err error
			if f, err = os.Open(filepath.Join(dir, r.File)); err != nil {
				return nil, nil, fmt.Errorf("evidence: %w", err)
			}
			files[r.File] = f
		}
		gz := make([]byte, r.Length)
		if _, err := f.ReadAt(gz, r.Offset); err != nil {
			return nil, nil, fmt.Errorf("evidence: reading record %s from %s: %w", r.ID, r.File, err)
		}
		var got *WARCRecord
		err := ReadWARC(bytes.NewReader(gz), func(w *WARCRecord) error {
			if got != nil {
				return errors.New("more than one record in the member")
			}
			got = w
			return nil
		})
		if err == nil && (got == nil || got.ID() != r.ID || got.SHA256 != r.RecordSHA256) {
			err = errors.New("does not match the manifest")
		}
		if err != nil {
			return nil, nil, fmt.Errorf("evidence: record %s at %s offset %d: %w", r.ID, r.File, r.Offset, err)
		}
		out.Write(gz)
		recs = append(recs, got)
	}
	return out.Bytes(), recs, nil
}

// ErrNotFound is returned, wrapped, by Locate and Show when what they
// look for is not there.
var ErrNotFound = errors.New("not found")

// Locate returns the evidence directory under root (one directory per
// scan, newest first) whose manifest lists the finding.
func Locate(root, findingID string) (string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		dir := filepath.Join(root, entries[i].Name())
		if !entries[i].IsDir() {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
		if err != nil {
			continue
		}
		var m struct {
			Findings []struct {
				ID string `json:"id"`
			} `json:"findings"`
		}
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		for _, f := range m.Findings {
			if f.ID == findingID {
				return dir, nil
			}
		}
	}
	return "", fmt.Errorf("evidence: no scan under %s has evidence of finding %s: %w", root, findingID, ErrNotFound)
}

// Show writes one record, found by ID ("urn:uuid:…", with or without
// angle brackets, or a "warc:FILE#…" reference) in the WARC files of an
// evidence directory or bundle: its location, header and block.
func Show(w io.Writer, path, recordID string) error {
	id := recordID
	if strings.HasPrefix(id, "warc:") {
		_, rid, err := ParseRef(id)
		if err != nil {
			return err
		}
		id = rid
	}
	id = strings.Trim(id, "<>")
	if !strings.HasPrefix(id, "urn:") {
		id = "urn:uuid:" + id
	}
	id = "<" + id + ">"
	o := VerifyOptions{}.withDefaults()
	fsys, closer, err := openEvidence(path, o)
	if err != nil {
		return err
	}
	defer closer.Close()
	errFound := errors.New("found")
	lim := &WARCLimits{MaxRecord: o.MaxRecord, Left: o.MaxTotal}
	for _, name := range warcFiles(fsys) {
		f, _, err := openRegular(fsys, name)
		if err != nil {
			return fmt.Errorf("evidence: %w", err)
		}
		err = ReadWARCWithin(f, lim, func(r *WARCRecord) error {
			if r.ID() != id {
				return nil
			}
			fmt.Fprintf(w, "# %s, offset %d, %d bytes compressed\n", name, r.Offset, r.Length)
			fmt.Fprintf(w, "%s\r\n", r.Version)
			for _, fl := range r.Fields {
				fmt.Fprintf(w, "%s: %s\r\n", fl.Name, fl.Value)
			}
			io.WriteString(w, "\r\n")
			// JSON blocks are stored compact; show them indented.
			var pretty bytes.Buffer
			if strings.HasPrefix(r.Get("Content-Type"), "application/json") && json.Indent(&pretty, r.Block, "", "  ") == nil {
				pretty.WriteTo(w)
			} else {
				w.Write(r.Block)
			}
			io.WriteString(w, "\n")
			return errFound
		})
		f.Close()
		if errors.Is(err, errFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("evidence: %s: %w", name, err)
		}
	}
	return fmt.Errorf("evidence: record %s: %w in %s", id, ErrNotFound, path)
}

func sameRef(a, b Ref) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

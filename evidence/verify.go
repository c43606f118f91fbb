package evidence

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sort"
	"strings"
)

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// TrustedKey, when set, is the only key whose signature is accepted;
	// otherwise the public key shipped beside the manifest is used, and
	// the report names its fingerprint for the reader to compare.
	TrustedKey ed25519.PublicKey
	// MaxManifest, MaxRecord and MaxTotal bound what is read: the
	// manifest, one WARC record and all records, decompressed; zero
	// means DefaultMaxManifest, DefaultMaxRecord and DefaultMaxTotal.
	MaxManifest, MaxRecord, MaxTotal int64
}

// Report is the outcome of Verify.
type Report struct {
	Path string
	Scan string
	// Bundle is set for an exported bundle, whose WARC file holds only the
	// records of the exported findings.
	Bundle bool
	// Key is the fingerprint of the key the signature verified with.
	Key                      string
	Files, Records, Findings int
	// Problems says exactly what does not match; empty when all does.
	Problems []string
}

// OK reports whether everything verified.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// warcFiles lists the *.warc.gz files at the root of fsys.
func warcFiles(fsys fs.FS) []string {
	names, _ := fs.Glob(fsys, "*.warc.gz")
	return names
}

// seenRecord is what Verify learnt of a record in a WARC file.
type seenRecord struct {
	file          string
	sha256        string
	payloadSHA256 string
	findings      []string
}

// Verify checks the evidence of a scan, a directory written by an Archive
// or a bundle written by Export: the manifest's signature and key, every
// WARC file's SHA-256 (directories), every record's own digests, the
// digests the manifest gives for each record, and that the findings the
// manifest lists and those the records name agree. The error is for an
// unreadable path; what does not match is in the report's Problems.
//
// The evidence may come from elsewhere: what is read is bounded by o
// (see openEvidence for bundles), and a record whose compressed size
// differs from the manifest's is reported.
func Verify(p string, o VerifyOptions) (*Report, error) {
	o = o.withDefaults()
	fsys, closer, err := openEvidence(p, o)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	rep := &Report{Path: p}
	m, raw := readManifest(fsys, o.MaxManifest, rep)
	if m == nil {
		return rep, nil
	}
	rep.Scan = m.Scan
	checkSignature(fsys, m, raw, o, rep)

	byID := map[string]Ref{}
	for _, r := range m.Records {
		if _, dup := byID[r.ID]; dup {
			rep.problem("record %s: listed twice in the manifest", r.ID)
		}
		byID[r.ID] = r
	}
	seen := map[string]seenRecord{}
	var ex *extract
	if _, err := fs.Stat(fsys, ExtractFile); err == nil {
		rep.Bundle = true
		ex = readExtract(fsys, raw, o.MaxManifest, rep)
	}
	names := warcFiles(fsys)
	lim := &WARCLimits{MaxRecord: o.MaxRecord, Left: o.MaxTotal}
	if !rep.Bundle {
		for _, wf := range m.WARCFiles {
			if !slices.Contains(names, wf.Name) {
				rep.problem("WARC file %s: missing", wf.Name)
			}
		}
	}
	for _, name := range names {
		var want *WARCFile
		for i := range m.WARCFiles {
			if m.WARCFiles[i].Name == name {
				want = &m.WARCFiles[i]
			}
		}
		if want == nil && !rep.Bundle {
			rep.problem("WARC file %s: not listed in the manifest", name)
		}
		scanWARC(fsys, name, want, byID, lim, seen, rep)
	}
	rep.Files = len(names)
	rep.Records = len(seen)

	// Records the manifest lists: present (all of them in a directory,
	// those of the exported findings in a bundle) and unchanged.
	check := func(id string, r Ref, where string) {
		s, ok := seen[id]
		switch {
		case !ok:
			rep.problem("record %s: not found in %s", id, where)
		case s.sha256 != r.RecordSHA256:
			rep.problem("record %s in %s: sha256 mismatch (manifest %s, record %s)", id, s.file, r.RecordSHA256, s.sha256)
		}
	}
	findings := m.Findings
	if rep.Bundle {
		findings = nil
		if ex != nil {
			findings = checkExtract(m, ex, byID, rep)
		}
		for _, f := range findings {
			for _, id := range relatedRecords(f, m.Records) {
				if r, ok := byID[id]; ok {
					check(id, r, "the bundle")
				}
			}
		}
	} else {
		for _, r := range m.Records {
			check(r.ID, r, "WARC file "+r.File)
		}
	}
	rep.Findings = len(findings)

	// Each finding's references.
	inManifest := map[string]bool{}
	for _, f := range m.Findings {
		inManifest[f.ID] = true
	}
	for _, f := range findings {
		if len(f.Evidence) == 0 {
			rep.problem("finding %s: no evidence reference", f.ID)
		}
		for _, e := range f.Evidence {
			file, id, err := ParseRef(e.Ref)
			if err != nil {
				rep.problem("finding %s: %v", f.ID, err)
				continue
			}
			s, ok := seen[id]
			switch {
			case !ok:
				rep.problem("finding %s: record %s not found (%s)", f.ID, id, file)
			case !rep.Bundle && s.file != file:
				rep.problem("finding %s: record %s is in %s, not %s", f.ID, id, s.file, file)
			case s.payloadSHA256 != e.PayloadSHA256:
				rep.problem("finding %s: record %s: payload sha256 mismatch (manifest %s, record %s)", f.ID, id, e.PayloadSHA256, s.payloadSHA256)
			}
			if r, ok := byID[id]; !ok {
				rep.problem("finding %s: record %s is not among the manifest's records", f.ID, id)
			} else if r.OriginalPayloadSHA256 != e.OriginalPayloadSHA256 {
				rep.problem("finding %s: record %s: original payload sha256 differs between the finding (%s) and the record list (%s)", f.ID, id, e.OriginalPayloadSHA256, r.OriginalPayloadSHA256)
			}
		}
	}
	// Findings the records name but the manifest lacks.
	var missing []string
	for id, s := range seen {
		for _, fid := range s.findings {
			if !inManifest[fid] {
				missing = append(missing, fmt.Sprintf("finding %s: named by record %s in %s but missing from the manifest", fid, id, s.file))
			}
		}
	}
	sort.Strings(missing)
	rep.Problems = append(rep.Problems, slices.Compact(missing)...)
	return rep, nil
}

func readManifest(fsys fs.FS, limit int64, rep *Report) (*Manifest, []byte) {
	raw, err := readCapped(fsys, ManifestFile, limit)
	if err != nil {
		rep.problem("%s: %v", ManifestFile, errors.Unwrap(err))
		return nil, nil
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		rep.problem("%s: invalid JSON: %v", ManifestFile, err)
		return nil, nil
	}
	if m.Format != ManifestFormat {
		rep.problem("%s: format %q, want %q", ManifestFile, m.Format, ManifestFormat)
	}
	return &m, raw
}

func checkSignature(fsys fs.FS, m *Manifest, raw []byte, o VerifyOptions, rep *Report) {
	keyFile := m.Key.File
	if keyFile == "" || strings.ContainsAny(keyFile, "/\\") {
		keyFile = PublicKeyFile
	}
	var pub ed25519.PublicKey
	if b, err := readCapped(fsys, keyFile, maxSmallFile); err != nil {
		rep.problem("public key %s: %v", keyFile, errors.Unwrap(err))
	} else if pub, err = ParsePublicKey(b); err != nil {
		rep.problem("public key %s: %v", keyFile, err)
	} else if fp := Fingerprint(pub); fp != m.Key.Fingerprint {
		rep.problem("public key %s is %s, but the manifest names key %s", keyFile, fp, m.Key.Fingerprint)
	}
	if o.TrustedKey != nil {
		if pub != nil && !pub.Equal(o.TrustedKey) {
			rep.problem("public key %s is %s, not the trusted key %s", keyFile, Fingerprint(pub), Fingerprint(o.TrustedKey))
		}
		pub = o.TrustedKey
	}
	sig, err := readCapped(fsys, SignatureFile, maxSmallFile)
	if err != nil {
		rep.problem("%s: %v", SignatureFile, errors.Unwrap(err))
		return
	}
	if pub == nil {
		return
	}
	if !VerifySignature(pub, raw, sig) {
		rep.problem("signature does not verify with key %s", Fingerprint(pub))
		return
	}
	rep.Key = Fingerprint(pub)
}

// scanWARC reads one WARC file, checking its digest against want (when
// listed) and each record's own digests and compressed size (against
// byID, the manifest's records), and notes its records in seen. What it
// decompresses is bounded by lim.
func scanWARC(fsys fs.FS, name string, want *WARCFile, byID map[string]Ref, lim *WARCLimits, seen map[string]seenRecord, rep *Report) {
	f, _, err := openRegular(fsys, name)
	if err != nil {
		rep.problem("WARC file %s: %v", name, errors.Unwrap(err))
		return
	}
	defer f.Close()
	h := sha256.New()
	n := 0
	err = ReadWARCWithin(io.TeeReader(f, h), lim, func(r *WARCRecord) error {
		n++
		id := r.ID()
		if ref, ok := byID[id]; ok && ref.Length != r.Length {
			rep.problem("WARC file %s: record %s: %d bytes compressed, the manifest records %d", name, id, r.Length, ref.Length)
		}
		for _, p := range r.Check() {
			rep.problem("WARC file %s: record %s: %s", name, id, p)
		}
		if r.Type() == TypeWarcinfo {
			return nil
		}
		if _, dup := seen[id]; dup {
			rep.problem("WARC file %s: record %s appears twice", name, id)
		}
		seen[id] = seenRecord{file: name, sha256: r.SHA256, payloadSHA256: hexSHA256(r.Payload()), findings: namedFindings(r)}
		return nil
	})
	if err != nil {
		rep.problem("WARC file %s: unreadable: %v", name, explainZip(err))
	}
	io.Copy(h, f) // the digest covers the whole file, readable or not
	if want == nil {
		return
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want.SHA256 {
		rep.problem("WARC file %s: sha256 mismatch (manifest %s, file %s)", name, want.SHA256, got)
	} else if n != want.Records {
		rep.problem("WARC file %s: %d records, manifest says %d", name, n, want.Records)
	}
}

// namedFindings returns the findings a metadata record says it supports.
func namedFindings(r *WARCRecord) []string {
	if r.Type() != TypeMetadata || !strings.HasPrefix(r.Get("Content-Type"), "application/json") {
		return nil
	}
	var doc struct {
		Findings []string `json:"findings"`
	}
	json.Unmarshal(r.Block, &doc)
	return doc.Findings
}

// relatedRecords returns the IDs of the records a finding cites and of
// those captured with them (request and metadata records).
func relatedRecords(f FindingEvidence, records []Ref) []string {
	set := map[string]bool{}
	var out []string
	add := func(id string) {
		if id != "" && !set[id] {
			set[id] = true
			out = append(out, id)
		}
	}
	for _, e := range f.Evidence {
		if _, id, err := ParseRef(e.Ref); err == nil {
			add(id)
		}
	}
	cited := slices.Clone(out)
	for _, r := range records {
		if r.ConcurrentTo != "" && slices.Contains(cited, r.ConcurrentTo) {
			add(r.ID)
		}
		if slices.Contains(cited, r.ID) {
			add(r.ConcurrentTo)
		}
	}
	return out
}

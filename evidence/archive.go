package evidence

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"vigie/observation"
)

// ArchiveOptions describe the scan whose evidence an Archive keeps.
type ArchiveOptions struct {
	Scan     string
	Version  string
	Settings map[string]string
	Targets  []string
	Started  time.Time
	// All records that every exchange is archived, not only those
	// findings rely on (the manifest's "archive" field).
	All bool
	// KeepPersonalData stores bodies verbatim; otherwise Redactor masks
	// them (MaskPersonalData when nil, named RedactorName).
	KeepPersonalData bool
	Redactor         Redactor
	RedactorName     string
	// Key signs the manifest; required.
	Key ed25519.PrivateKey
	// MaxFileSize rolls WARC files over (DefaultMaxFileSize when 0).
	MaxFileSize int64
}

// Archive is the evidence of one scan being written: WARC files, the
// manifest's entries, and at Close the signed manifest. It is safe for
// concurrent use. Entries are spooled to hidden files in the directory
// while the scan runs, and Close streams them into the manifest, which it
// signs as it writes it, so memory stays flat however many sites.
type Archive struct {
	dir  string
	o    ArchiveOptions
	w    *Writer
	host Host

	mu       sync.Mutex
	findings spool
	records  spool
	sources  map[string]bool
	// screenshots are few (pages with findings, browser mode): kept in
	// memory for the manifest's head.
	screenshots []Screenshot
	err         error
}

// spool is a hidden file of JSON lines.
type spool struct {
	f *os.File
	w *bufio.Writer
	n int
}

// add appends an encoded line (see marshalJSON).
func (s *spool) add(line []byte) error {
	s.w.Write(line)
	s.n++
	return s.w.WriteByte('\n')
}

// each calls emit with every spooled line, in order, without its
// newline; the slice is valid until emit returns.
func (s *spool) each(emit func([]byte) error) error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(s.f, 64<<10)
	var long []byte // a line longer than the reader's buffer
	for {
		chunk, err := r.ReadSlice('\n')
		switch {
		case err == bufio.ErrBufferFull:
			long = append(long, chunk...)
			continue
		case err == io.EOF && len(chunk) == 0 && len(long) == 0:
			return nil
		case err != nil && err != io.EOF:
			return err
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
			long = nil
		}
		if err := emit(bytes.TrimSuffix(line, []byte("\n"))); err != nil {
			return err
		}
		if err == io.EOF {
			return nil
		}
	}
}

// remove closes and deletes the spool's file.
func (s *spool) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// Create starts the evidence of a scan in dir, which must not hold
// another scan's manifest.
func Create(dir string, o ArchiveOptions) (*Archive, error) {
	if o.Key == nil {
		return nil, errors.New("evidence: no signing key")
	}
	if o.Scan == "" {
		return nil, errors.New("evidence: no scan ID")
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err == nil {
		return nil, fmt.Errorf("evidence: %s already holds a scan's evidence", dir)
	}
	if !o.KeepPersonalData && o.Redactor == nil {
		o.Redactor, o.RedactorName = MaskPersonalData, RedactorName
	}
	if o.Started.IsZero() {
		o.Started = time.Now()
	}
	a := &Archive{dir: dir, o: o, host: thisHost(), sources: map[string]bool{}}
	info := []Field{
		{"software", "Vigie " + o.Version},
		{"hostname", a.host.Name},
		{"isPartOf", "scan " + o.Scan},
		{"description", "Evidence of a personal-data security audit: the exchanges that findings rely on"},
	}
	for _, ip := range a.host.Addresses {
		info = append(info, Field{"ip", ip})
	}
	if o.KeepPersonalData {
		info = append(info, Field{"redaction", "none: personal data kept verbatim"})
	} else {
		info = append(info, Field{"redaction", o.RedactorName})
	}
	w, err := NewWriter(dir, "scan-"+o.Scan, o.MaxFileSize, info)
	if err != nil {
		return nil, err
	}
	a.w = w
	for _, s := range []*spool{&a.findings, &a.records} {
		f, err := os.CreateTemp(dir, ".manifest-*.jsonl")
		if err != nil {
			return nil, fmt.Errorf("evidence: %w", err)
		}
		s.f, s.w = f, bufio.NewWriter(f)
	}
	return a, nil
}

// Dir returns the directory the archive writes to.
func (a *Archive) Dir() string { return a.dir }

func thisHost() Host {
	var h Host
	h.Name, _ = os.Hostname()
	addrs, _ := net.InterfaceAddrs()
	for _, ad := range addrs {
		if ipn, ok := ad.(*net.IPNet); ok && !ipn.IP.IsLoopback() && !ipn.IP.IsLinkLocalUnicast() {
			h.Addresses = append(h.Addresses, ipn.IP.String())
		}
	}
	return h
}

// record adds written records to the manifest. They are encoded before
// taking the lock, which only covers the appends.
func (a *Archive) record(refs []Ref, source string) error {
	lines := make([][]byte, len(refs))
	for i, r := range refs {
		b, err := marshalJSON(r, "")
		if err != nil {
			return fmt.Errorf("evidence: encoding a record reference: %w", err)
		}
		lines[i] = b
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err != nil {
		return a.err
	}
	if source != "" {
		a.sources[source] = true
	}
	for _, b := range lines {
		if err := a.records.add(b); err != nil {
			a.err = fmt.Errorf("evidence: spooling records: %w", err)
			return a.err
		}
	}
	return nil
}

// AddFinding records a finding and its evidence in the manifest.
func (a *Archive) AddFinding(f FindingEvidence) error {
	b, err := marshalJSON(f, "")
	if err != nil {
		return fmt.Errorf("evidence: encoding finding %s: %w", f.ID, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err != nil {
		return a.err
	}
	if err := a.findings.add(b); err != nil {
		a.err = fmt.Errorf("evidence: spooling findings: %w", err)
	}
	return a.err
}

// exchangeMeta is the metadata record written with each exchange.
type exchangeMeta struct {
	Kind          string     `json:"kind"` // "exchange"
	Site          string     `json:"site,omitempty"`
	Findings      []string   `json:"findings,omitempty"`
	Method        string     `json:"method"`
	URL           string     `json:"url"`
	Proto         string     `json:"proto"`
	LocalAddress  string     `json:"local_address,omitempty"`
	RemoteAddress string     `json:"remote_address,omitempty"`
	Start         time.Time  `json:"start"`
	Received      *time.Time `json:"received,omitempty"`
	Status        int        `json:"status,omitempty"`
	Error         string     `json:"error,omitempty"`
	// BodyBytes is the length of the body as captured, before masking.
	BodyBytes        int      `json:"body_bytes"`
	ContentDecoded   string   `json:"content_decoded,omitempty"`
	TransferEncoding []string `json:"transfer_encoding,omitempty"`
	Truncated        bool     `json:"truncated,omitempty"`
	// Note explains how the stored body relates to the bytes on the wire.
	Note      string         `json:"note,omitempty"`
	TLS       *tlsMeta       `json:"tls,omitempty"`
	Redaction *redactionMeta `json:"redaction,omitempty"`
}

type tlsMeta struct {
	Version     string `json:"version,omitempty"`
	CipherSuite string `json:"cipher_suite,omitempty"`
	ServerName  string `json:"server_name,omitempty"`
	ALPN        string `json:"alpn,omitempty"`
	// Certificates is the chain the server presented, leaf first, PEM.
	Certificates []string `json:"certificates,omitempty"`
}

type redactionMeta struct {
	Redactor string `json:"redactor"`
	// Masks per part of the exchange; offsets refer to the original.
	Payload        []Mask `json:"payload,omitempty"`
	ResponseHeader []Mask `json:"response_header,omitempty"`
	Request        []Mask `json:"request,omitempty"`
	TargetURI      []Mask `json:"target_uri,omitempty"`
	// Digests of the originals, so that they can be proven if produced.
	OriginalPayloadSHA256       string `json:"original_payload_sha256,omitempty"`
	OriginalPayloadDigest       string `json:"original_payload_digest,omitempty"`
	OriginalResponseBlockSHA256 string `json:"original_response_block_sha256,omitempty"`
	OriginalRequestBlockSHA256  string `json:"original_request_block_sha256,omitempty"`
}

func (m *redactionMeta) empty() bool {
	return len(m.Payload)+len(m.ResponseHeader)+len(m.Request)+len(m.TargetURI) == 0
}

// WriteExchange archives one exchange as a request record (when the
// request was written), a response record (when a response came) and a
// metadata record concurrent to them, which names site and findings and
// holds the TLS handshake, the transport's treatment of the body and
// what was masked. It returns the reference findings cite: the response,
// or the metadata record when no response came.
func (a *Archive) WriteExchange(ex *observation.Exchange, site string, findings []string) (Ref, error) {
	red := &redactionMeta{Redactor: a.o.RedactorName}
	// Bodies go through the redactor; what surrounds them (URL, header
	// fields, error messages) has its identifiers of people masked.
	maskBody := func(b []byte, contentType string) ([]byte, []Mask) {
		if a.o.KeepPersonalData || len(b) == 0 {
			return b, nil
		}
		return a.o.Redactor(b, contentType)
	}
	mask := func(b []byte) ([]byte, []Mask) {
		if a.o.KeepPersonalData || len(b) == 0 {
			return b, nil
		}
		return MaskIdentifiers(b)
	}
	target, m := mask([]byte(ex.URL))
	red.TargetURI = m
	ip := ex.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	var source string
	if host, _, err := net.SplitHostPort(ex.LocalAddr); err == nil {
		source = host
	}

	var recs []*Record
	var reqRec, respRec *Record
	if ex.Status != 0 {
		respRec = &Record{Type: TypeResponse, ID: NewRecordID(), ContentType: "application/http;msgtype=response",
			Date: firstTime(ex.Received, ex.Start), TargetURI: string(target), IPAddress: ip}
	}
	if len(ex.RequestHeader) > 0 {
		orig := requestBlock(ex)
		block, m := mask(orig)
		if len(m) > 0 {
			red.Request, red.OriginalRequestBlockSHA256 = m, hexSHA256(orig)
		}
		reqRec = &Record{Type: TypeRequest, ID: NewRecordID(), ContentType: "application/http;msgtype=request",
			Date: ex.Start, TargetURI: string(target), IPAddress: ip, Block: block, PayloadOffset: -1}
		if respRec != nil {
			reqRec.ConcurrentTo = []string{respRec.ID}
		}
		recs = append(recs, reqRec)
	}
	if respRec != nil {
		origHead := responseHead(ex)
		head, hm := mask(origHead)
		body, bm := maskBody(ex.Body, ex.Header.Get("Content-Type"))
		respRec.Block = append(append(make([]byte, 0, len(head)+len(body)), head...), body...)
		respRec.PayloadOffset = len(head)
		if len(hm) > 0 || len(bm) > 0 {
			red.ResponseHeader, red.Payload = hm, bm
			sum := sha256.Sum256(ex.Body)
			red.OriginalPayloadSHA256 = hex.EncodeToString(sum[:])
			red.OriginalPayloadDigest = "sha256:" + base32.StdEncoding.EncodeToString(sum[:])
			h := sha256.New()
			h.Write(origHead)
			h.Write(ex.Body)
			red.OriginalResponseBlockSHA256 = hex.EncodeToString(h.Sum(nil))
			respRec.Fields = append(respRec.Fields,
				Field{"Vigie-Redaction", maskSummary(append(append([]Mask{}, hm...), bm...))},
				Field{"Vigie-Original-Payload-Digest", red.OriginalPayloadDigest})
		}
		if ex.ContentDecoded != "" {
			respRec.Fields = append(respRec.Fields, Field{"Vigie-Content-Decoded", ex.ContentDecoded})
		}
		if ex.Truncated {
			respRec.Fields = append(respRec.Fields, Field{"WARC-Truncated", "length"})
		}
		recs = append(recs, respRec)
	}

	meta := exchangeMeta{
		Kind: "exchange", Site: site, Findings: findings, Method: ex.Method, URL: string(target), Proto: ex.Proto,
		LocalAddress: ex.LocalAddr, RemoteAddress: ex.RemoteAddr, Start: ex.Start.UTC(), Status: ex.Status,
		BodyBytes: len(ex.Body), ContentDecoded: ex.ContentDecoded, TransferEncoding: ex.TransferEncoding, Truncated: ex.Truncated,
	}
	if ex.Error != "" {
		e, _ := mask([]byte(ex.Error))
		meta.Error = string(e)
	}
	if !ex.Received.IsZero() {
		t := ex.Received.UTC()
		meta.Received = &t
	}
	if ex.ContentDecoded != "" {
		meta.Note = "the transport removed the " + ex.ContentDecoded + " content coding (and with it the Content-Encoding and Content-Length header fields); the stored body is the decoded bytes, before any charset decoding"
	}
	if ex.TLS != nil {
		meta.TLS = &tlsMeta{Version: ex.TLS.Version, CipherSuite: ex.TLS.CipherSuite, ServerName: ex.TLS.ServerName, ALPN: ex.TLS.ALPN}
		for _, der := range ex.TLS.Chain {
			meta.TLS.Certificates = append(meta.TLS.Certificates, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
		}
	}
	if !red.empty() {
		meta.Redaction = red
	}
	metaJSON, err := marshalJSON(meta, "")
	if err != nil {
		return Ref{}, fmt.Errorf("evidence: %w", err)
	}
	metaRec := &Record{Type: TypeMetadata, ContentType: "application/json", Date: ex.Start, TargetURI: string(target),
		IPAddress: ip, Block: metaJSON, PayloadOffset: -1}
	switch {
	case respRec != nil:
		metaRec.ConcurrentTo = []string{respRec.ID}
	case reqRec != nil:
		metaRec.ConcurrentTo = []string{reqRec.ID}
	}
	recs = append(recs, metaRec)

	refs, err := a.w.Write(recs...)
	if err != nil {
		return Ref{}, err
	}
	if respRec != nil && meta.Redaction != nil {
		i := len(refs) - 2 // the response precedes the metadata
		refs[i].OriginalPayloadSHA256 = red.OriginalPayloadSHA256
		refs[i].Masks = len(red.Payload) + len(red.ResponseHeader)
	}
	if err := a.record(refs, source); err != nil {
		return Ref{}, err
	}
	if respRec != nil {
		return refs[len(refs)-2], nil
	}
	return refs[len(refs)-1], nil
}

// WriteDocument archives a JSON document about targetURI (a TLS audit
// report, say) as a metadata record naming kind, site and findings.
// Documents describe servers, not people: they are not masked.
func (a *Archive) WriteDocument(targetURI, kind string, doc any, site string, findings []string) (Ref, error) {
	body, err := marshalJSON(struct {
		Kind     string   `json:"kind"`
		Site     string   `json:"site,omitempty"`
		Findings []string `json:"findings,omitempty"`
		Document any      `json:"document"`
	}{kind, site, findings, doc}, "")
	if err != nil {
		return Ref{}, fmt.Errorf("evidence: encoding %s document: %w", kind, err)
	}
	refs, err := a.w.Write(&Record{Type: TypeMetadata, ContentType: "application/json", TargetURI: targetURI,
		Date: time.Now(), Block: body, PayloadOffset: -1})
	if err != nil {
		return Ref{}, err
	}
	return refs[0], a.record(refs, "")
}

// WriteDNS archives one DNS answer as it was received (the DNS message,
// RFC 1035 wire format) as a resource record dated when it arrived, whose
// target is a dns: URI (RFC 4501) naming the server asked, the name and
// the type. DNS answers describe servers, not people: they are not masked.
func (a *Archive) WriteDNS(server, name, qtype string, received time.Time, wire []byte, site string, findings []string) (Ref, error) {
	if len(wire) == 0 {
		return Ref{}, errors.New("evidence: empty DNS answer for " + name)
	}
	target := "dns:" + name + "?type=" + qtype
	if server != "" {
		target = "dns://" + server + "/" + name + "?type=" + qtype
	}
	fields := siteFields(site, findings, Field{"Vigie-DNS-Server", server})
	refs, err := a.w.Write(&Record{Type: TypeResource, ContentType: "application/dns-message", TargetURI: target,
		Date: firstTime(received), Fields: fields, Block: wire, PayloadOffset: 0})
	if err != nil {
		return Ref{}, err
	}
	return refs[0], a.record(refs, "")
}

// WriteScreenshot archives a full-page PNG of pageURL taken by the
// browser mode as a resource record naming site and findings, and lists it
// in the manifest's screenshots with its SHA-256. A screenshot cannot be
// masked: callers leave out pages that show other people's data unless
// personal data is kept (see KeepsPersonalData).
func (a *Archive) WriteScreenshot(pageURL string, png []byte, taken time.Time, site string, findings []string) (Ref, error) {
	if len(png) == 0 {
		return Ref{}, errors.New("evidence: empty screenshot of " + pageURL)
	}
	fields := siteFields(site, findings, Field{"WARC-Concurrent-To-Page", pageURL})
	refs, err := a.w.Write(&Record{Type: TypeResource, ContentType: "image/png", TargetURI: pageURL,
		Date: firstTime(taken), Fields: fields, Block: png, PayloadOffset: 0})
	if err != nil {
		return Ref{}, err
	}
	sum := sha256.Sum256(png)
	shot := Screenshot{URL: pageURL, File: refs[0].File + "#" + refs[0].ID, SHA256: hex.EncodeToString(sum[:]), Taken: firstTime(taken).UTC()}
	if len(findings) > 0 {
		shot.Finding = findings[0]
	}
	if err := a.record(refs, ""); err != nil {
		return Ref{}, err
	}
	a.mu.Lock()
	a.screenshots = append(a.screenshots, shot)
	a.mu.Unlock()
	return refs[0], nil
}

// siteFields returns first, then the fields naming the site and the
// findings a record supports.
func siteFields(site string, findings []string, first ...Field) []Field {
	fields := first
	if site != "" {
		fields = append(fields, Field{"Vigie-Site", site})
	}
	for _, f := range findings {
		fields = append(fields, Field{"Vigie-Finding", f})
	}
	return fields
}

// KeepsPersonalData reports whether the archive stores personal data
// verbatim (no masking).
func (a *Archive) KeepsPersonalData() bool { return a.o.KeepPersonalData }

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Now()
}

// requestBlock renders the request as HTTP/1.1-style text: request line,
// then the header fields as written. The HTTP/2 pseudo-header fields give
// the request line and Host.
func requestBlock(ex *observation.Exchange) []byte {
	target := ""
	if u, err := url.Parse(ex.URL); err == nil {
		target = u.RequestURI()
	}
	var host string
	var fields []observation.HeaderField
	for _, f := range ex.RequestHeader {
		switch f.Name {
		case ":path":
			target = f.Value
		case ":authority":
			host = f.Value
		case ":method", ":scheme", ":protocol":
		default:
			fields = append(fields, f)
		}
	}
	var b bytes.Buffer
	b.WriteString(ex.Method + " " + target + " " + ex.Proto + "\r\n")
	if host != "" {
		b.WriteString("Host: " + host + "\r\n")
	}
	for _, f := range fields {
		b.WriteString(f.Name + ": " + headerValue(f.Value) + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// responseHead renders the status line and header of the response, the
// header fields in sorted order (the transport does not keep theirs).
func responseHead(ex *observation.Exchange) []byte {
	var b bytes.Buffer
	proto := ex.ResponseProto
	if proto == "" {
		proto = ex.Proto
	}
	b.WriteString(proto + " " + strconv.Itoa(ex.Status))
	if ex.Reason != "" {
		b.WriteString(" " + ex.Reason)
	}
	b.WriteString("\r\n")
	keys := make([]string, 0, len(ex.Header))
	for k := range ex.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range ex.Header[k] {
			b.WriteString(k + ": " + headerValue(v) + "\r\n")
		}
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// maskSummary counts masks by kind: "email=2, phone=1".
func maskSummary(ms []Mask) string {
	n := map[string]int{}
	for _, m := range ms {
		n[m.Kind]++
	}
	kinds := make([]string, 0, len(n))
	for k := range n {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = k + "=" + strconv.Itoa(n[k])
	}
	return strings.Join(parts, ", ")
}

// Discard abandons an archive that should not have been started (its
// scan did not begin): it removes the files written so far, and the
// directory when that leaves it empty.
func (a *Archive) Discard() {
	files, _ := a.w.Close()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.findings.remove()
	a.records.remove()
	for _, f := range files {
		os.Remove(filepath.Join(a.dir, f.Name))
	}
	os.Remove(a.dir) // fails, as it should, unless empty
	a.err = errors.New("evidence: archive discarded")
}

// Result describes a closed archive.
type Result struct {
	Dir         string
	Files       []WARCFile
	Findings    int
	Records     int
	Fingerprint string
}

// Close finishes the WARC files and writes the manifest, its signature
// and the public key. ended is the scan's end. The manifest is streamed
// from the spools to a file and signed as it is written, so that memory
// stays flat however many findings and records.
func (a *Archive) Close(ended time.Time) (*Result, error) {
	files, werr := a.w.Close()
	a.mu.Lock()
	defer a.mu.Unlock()
	defer a.records.remove()
	defer a.findings.remove()
	if err := errors.Join(werr, a.err); err != nil {
		return nil, err
	}
	pub := a.o.Key.Public().(ed25519.PublicKey)
	m := &Manifest{
		Format: ManifestFormat, Scan: a.o.Scan, Tool: Tool{Name: "vigie", Version: a.o.Version},
		Settings: a.o.Settings, Targets: a.o.Targets, Host: a.host,
		Started: a.o.Started.UTC(), Ended: ended.UTC(), Archive: "findings",
		Redaction:   Redaction{Masked: !a.o.KeepPersonalData},
		Key:         KeyInfo{Algorithm: "ed25519", Fingerprint: Fingerprint(pub), File: PublicKeyFile},
		WARCFiles:   files,
		Screenshots: a.screenshots,
	}
	if a.o.All {
		m.Archive = "all"
	}
	if m.Redaction.Masked {
		m.Redaction.Redactor = a.o.RedactorName
	}
	for s := range a.sources {
		m.Host.SourceAddresses = append(m.Host.SourceAddresses, s)
	}
	sort.Strings(m.Host.SourceAddresses)
	sig, err := a.writeManifest(m)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{SignatureFile, sig},
		{PublicKeyFile, EncodePublicKey(pub)},
	} {
		if err := os.WriteFile(filepath.Join(a.dir, f.name), f.data, 0o600); err != nil {
			return nil, fmt.Errorf("evidence: %w", err)
		}
	}
	return &Result{Dir: a.dir, Files: files, Findings: a.findings.n, Records: a.records.n, Fingerprint: m.Key.Fingerprint}, nil
}

// writeManifest writes the manifest file, streaming the spooled findings
// and records, and returns its detached signature (see Sign). The manifest
// is read back once to be signed: pure Ed25519 (RFC 8032), which OpenSSL
// and any ed25519 library verify, needs the whole message at once; SignFile
// gives it the file mapped, a few megabytes resident at a time.
func (a *Archive) writeManifest(m *Manifest) (sig []byte, err error) {
	f, err := os.CreateTemp(a.dir, ".manifest-*.json")
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	defer func() {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	err = writeManifest(bw, m,
		manifestList{"findings", a.findings.each},
		manifestList{"records", a.records.each})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: writing manifest: %w", err)
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	if sig, err = SignFile(a.o.Key, f); err != nil {
		return nil, fmt.Errorf("evidence: signing manifest: %w", err)
	}
	err = f.Close()
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(a.dir, ManifestFile))
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	f = nil
	return sig, nil
}

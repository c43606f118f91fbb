package evidence

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	// Faster than compress/gzip on the small members of a WARC file, for
	// the same output size.
	"github.com/klauspost/compress/gzip"
)

// WARC record types written by Vigie.
const (
	TypeWarcinfo = "warcinfo"
	TypeRequest  = "request"
	TypeResponse = "response"
	TypeMetadata = "metadata"
	TypeResource = "resource"
)

// DefaultMaxFileSize is the size at which a WARC file is closed and the
// next one started.
const DefaultMaxFileSize = 1 << 30

// warcDate is the WARC 1.1 date format (W3C ISO 8601, UTC), with the
// sub-second precision WARC 1.1 allows.
const warcDate = "2006-01-02T15:04:05.000000Z"

// Field is one WARC header field.
type Field struct {
	Name, Value string
}

// Record is a WARC record to write. The Writer fills in WARC-Type,
// WARC-Record-ID, WARC-Date, Content-Length and the digests.
type Record struct {
	Type string
	// ID is "<urn:uuid:…>"; NewRecordID gives one. Set it beforehand when
	// other records of the same group point to this one.
	ID          string
	Date        time.Time
	TargetURI   string
	ContentType string
	// IPAddress is the server's address (WARC-IP-Address).
	IPAddress    string
	ConcurrentTo []string
	// Fields are further header fields, written after the standard ones.
	Fields []Field
	Block  []byte
	// PayloadOffset is where the payload starts within Block (after the
	// HTTP header of a request or response); -1 for no payload digest.
	PayloadOffset int
}

// Ref locates a written record and carries its digests (hex SHA-256):
// of the whole record as serialised before compression, and of its
// payload as stored.
type Ref struct {
	File          string    `json:"file"`
	ID            string    `json:"id"`
	Type          string    `json:"type"`
	TargetURI     string    `json:"target_uri,omitempty"`
	Date          time.Time `json:"date"`
	Offset        int64     `json:"offset"`
	Length        int64     `json:"length"`
	RecordSHA256  string    `json:"record_sha256"`
	PayloadSHA256 string    `json:"payload_sha256"`
	// ConcurrentTo is the record this one was captured with (a request's
	// or metadata record's response).
	ConcurrentTo string `json:"concurrent_to,omitempty"`
	// OriginalPayloadSHA256 is the digest of the payload before masking,
	// set when anything was masked.
	OriginalPayloadSHA256 string `json:"original_payload_sha256,omitempty"`
	Masks                 int    `json:"masks,omitempty"`
}

// String returns the reference form used in findings:
// "warc:FILE#urn:uuid:…".
func (r Ref) String() string {
	return "warc:" + r.File + "#" + strings.Trim(r.ID, "<>")
}

// NewRecordID returns a fresh WARC record ID, "<urn:uuid:…>" with a
// random (version 4) UUID.
func NewRecordID() string {
	var u [16]byte
	rand.Read(u[:]) // never fails, see crypto/rand.Read
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return "<urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:] + ">"
}

// Digest returns the WARC digest of b: "sha256:" and the base-32 SHA-256,
// as the WARC specification writes them.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + base32.StdEncoding.EncodeToString(sum[:])
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// WARCFile describes a finished WARC file.
type WARCFile struct {
	Name    string `json:"name"`
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
	Records int    `json:"records"`
}

// Writer writes WARC records to files PREFIX-NNNNN.warc.gz in one
// directory, each record a gzip member of its own, each file opened by a
// warcinfo record; a file that would grow past its size limit is closed
// and the next one started. It is safe for concurrent use: records are
// serialised and compressed by the calling goroutine, and only appended
// under the lock.
type Writer struct {
	dir, prefix string
	max         int64
	info        []Field // warcinfo fields

	mu      sync.Mutex
	f       *os.File
	bw      *bufio.Writer
	sum     hash.Hash
	name    string
	size    int64
	records int
	seq     int
	files   []WARCFile
	err     error // sticky: the first failure, or errClosed
	closed  bool
}

// NewWriter returns a writer of files named prefix-NNNNN.warc.gz in dir,
// rolled over at maxSize bytes (DefaultMaxFileSize when 0); info lists
// the fields of each file's warcinfo record (software, hostname, ...).
func NewWriter(dir, prefix string, maxSize int64, info []Field) (*Writer, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxFileSize
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("evidence: creating %s: %w", dir, err)
	}
	return &Writer{dir: dir, prefix: prefix, max: maxSize, info: info}, nil
}

// member is a serialised, compressed record.
type member struct {
	ref  Ref
	gz   []byte
	size int
}

// Records shorter than storeBelow bytes go in stored (uncompressed)
// deflate blocks: building the Huffman tables of a member costs the same
// whatever its size, and on a few hundred bytes of request header or
// capture metadata that cost, not the bytes saved, dominates.
const storeBelow = 1 << 10

var (
	gzPool = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return zw
	}}
	storePool = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.NoCompression)
		return zw
	}}
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// encode serialises r, computes its digests and compresses it.
func encode(r *Record) member {
	if r.ID == "" {
		r.ID = NewRecordID()
	}
	if r.Date.IsZero() {
		r.Date = time.Now()
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)

	ref := Ref{ID: r.ID, Type: r.Type, TargetURI: r.TargetURI, Date: r.Date.UTC()}
	if len(r.ConcurrentTo) > 0 {
		ref.ConcurrentTo = r.ConcurrentTo[0]
	}
	payload := r.Block
	if r.PayloadOffset > 0 && r.PayloadOffset <= len(r.Block) {
		payload = r.Block[r.PayloadOffset:]
	}
	// The payload's digest is given twice (hex in the reference, base 32
	// in the header): it is computed once, and is the block's when the
	// block is all payload.
	payloadSum := sha256.Sum256(payload)
	ref.PayloadSHA256 = hex.EncodeToString(payloadSum[:])
	blockDigest := "sha256:" + base32.StdEncoding.EncodeToString(payloadSum[:])
	if len(payload) != len(r.Block) {
		blockDigest = Digest(r.Block)
	}

	buf.WriteString("WARC/1.1\r\n")
	field := func(name, value string) {
		buf.WriteString(name)
		buf.WriteString(": ")
		buf.WriteString(headerValue(value))
		buf.WriteString("\r\n")
	}
	field("WARC-Type", r.Type)
	field("WARC-Record-ID", r.ID)
	field("WARC-Date", r.Date.UTC().Format(warcDate))
	if r.TargetURI != "" {
		field("WARC-Target-URI", r.TargetURI)
	}
	if r.IPAddress != "" {
		field("WARC-IP-Address", r.IPAddress)
	}
	for _, c := range r.ConcurrentTo {
		field("WARC-Concurrent-To", c)
	}
	field("WARC-Block-Digest", blockDigest)
	if r.PayloadOffset >= 0 {
		field("WARC-Payload-Digest", "sha256:"+base32.StdEncoding.EncodeToString(payloadSum[:]))
	}
	if r.ContentType != "" {
		field("Content-Type", r.ContentType)
	}
	for _, f := range r.Fields {
		field(f.Name, f.Value)
	}
	field("Content-Length", strconv.Itoa(len(r.Block)))
	buf.WriteString("\r\n")
	buf.Write(r.Block)
	buf.WriteString("\r\n\r\n")
	ref.RecordSHA256 = hexSHA256(buf.Bytes())

	var out bytes.Buffer
	pool := &gzPool
	if buf.Len() < storeBelow {
		pool = &storePool
		out.Grow(buf.Len() + 64)
	} else {
		out.Grow(buf.Len()/3 + 64)
	}
	zw := pool.Get().(*gzip.Writer)
	zw.Reset(&out)
	zw.Write(buf.Bytes()) // writes to a bytes.Buffer do not fail
	zw.Close()
	pool.Put(zw)
	return member{ref: ref, gz: out.Bytes(), size: buf.Len()}
}

// headerValue keeps a field value on one line.
func headerValue(v string) string {
	if strings.ContainsAny(v, "\r\n") {
		v = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(v)
	}
	return v
}

// Write appends records to the current file, all in the same file, and
// returns their references in order.
func (w *Writer) Write(recs ...*Record) ([]Ref, error) {
	ms := make([]member, len(recs))
	var total int64
	for i, r := range recs {
		ms[i] = encode(r)
		total += int64(len(ms[i].gz))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return nil, w.err
	}
	if w.f != nil && w.records > 1 && w.size+total > w.max {
		if err := w.finish(); err != nil {
			return nil, w.fail(err)
		}
	}
	if w.f == nil {
		if err := w.open(); err != nil {
			return nil, w.fail(err)
		}
	}
	refs := make([]Ref, len(ms))
	for i, m := range ms {
		ref, err := w.append(m)
		if err != nil {
			return nil, w.fail(err)
		}
		refs[i] = ref
	}
	return refs, nil
}

func (w *Writer) fail(err error) error {
	w.err = err
	return err
}

// append writes one member to the open file; w.mu is held.
func (w *Writer) append(m member) (Ref, error) {
	if _, err := w.bw.Write(m.gz); err != nil {
		return Ref{}, fmt.Errorf("evidence: writing %s: %w", w.name, err)
	}
	w.sum.Write(m.gz)
	m.ref.File = w.name
	m.ref.Offset = w.size
	m.ref.Length = int64(len(m.gz))
	w.size += int64(len(m.gz))
	w.records++
	return m.ref, nil
}

// open starts the next file with its warcinfo record; w.mu is held.
func (w *Writer) open() error {
	w.name = fmt.Sprintf("%s-%05d.warc.gz", w.prefix, w.seq)
	w.seq++
	f, err := os.OpenFile(filepath.Join(w.dir, w.name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	w.f, w.bw, w.sum, w.size, w.records = f, bufio.NewWriterSize(f, 256<<10), sha256.New(), 0, 0
	var block bytes.Buffer
	for _, fl := range append([]Field{{"format", "WARC File Format 1.1"},
		{"conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}}, w.info...) {
		block.WriteString(fl.Name + ": " + headerValue(fl.Value) + "\r\n")
	}
	info := &Record{
		Type: TypeWarcinfo, ContentType: "application/warc-fields", Block: block.Bytes(), PayloadOffset: -1,
		Fields: []Field{{"WARC-Filename", w.name}},
	}
	_, err = w.append(encode(info))
	return err
}

// finish closes the current file; w.mu is held.
func (w *Writer) finish() error {
	if w.f == nil {
		return nil
	}
	err := w.bw.Flush()
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("evidence: closing %s: %w", w.name, err)
	}
	w.files = append(w.files, WARCFile{Name: w.name, SHA256: hex.EncodeToString(w.sum.Sum(nil)), Size: w.size, Records: w.records})
	w.f = nil
	return nil
}

// Close finishes the last file and returns every file written, with the
// first error met while writing.
func (w *Writer) Close() ([]WARCFile, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.files, nil
	}
	w.closed = true
	err := w.finish()
	if w.err != nil {
		err = w.err
	}
	w.err = errClosed
	return w.files, err
}

var errClosed = errors.New("evidence: WARC writer closed")

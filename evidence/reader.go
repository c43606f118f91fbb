package evidence

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// WARCRecord is a record read back from a WARC file.
type WARCRecord struct {
	// Version is the first line, "WARC/1.1".
	Version string
	Fields  []Field
	Block   []byte
	// Offset and Length locate the record's gzip member in the file.
	Offset, Length int64
	// SHA256 is the hex SHA-256 of the record as serialised, before
	// compression (Ref.RecordSHA256).
	SHA256 string
}

// Get returns the first value of a header field, "" when absent; names
// are case-insensitive.
func (r *WARCRecord) Get(name string) string {
	for _, f := range r.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// ID returns the record's WARC-Record-ID.
func (r *WARCRecord) ID() string { return r.Get("WARC-Record-ID") }

// Type returns the record's WARC-Type.
func (r *WARCRecord) Type() string { return r.Get("WARC-Type") }

// Payload returns the payload of a request or response record: the block
// after its HTTP header. Other records' payload is their block.
func (r *WARCRecord) Payload() []byte {
	switch r.Type() {
	case TypeRequest, TypeResponse:
		if i := bytes.Index(r.Block, []byte("\r\n\r\n")); i >= 0 {
			return r.Block[i+4:]
		}
	}
	return r.Block
}

// Check returns what is wrong with the record's own digests.
func (r *WARCRecord) Check() []string {
	var out []string
	if want := r.Get("WARC-Block-Digest"); want != "" {
		if got := digestAs(want, r.Block); got != want {
			out = append(out, fmt.Sprintf("block digest mismatch (header %s, content %s)", want, got))
		}
	}
	if want := r.Get("WARC-Payload-Digest"); want != "" {
		if got := digestAs(want, r.Payload()); got != want {
			out = append(out, fmt.Sprintf("payload digest mismatch (header %s, content %s)", want, got))
		}
	}
	return out
}

// digestAs computes the SHA-256 digest of b in the encoding of want
// (base 32 as written here, or the base 16 other tools use).
func digestAs(want string, b []byte) string {
	sum := sha256.Sum256(b)
	if v, ok := strings.CutPrefix(want, "sha256:"); ok && len(v) == 64 {
		return "sha256:" + hex.EncodeToString(sum[:])
	}
	return "sha256:" + base32.StdEncoding.EncodeToString(sum[:])
}

// maxRecord bounds a record read back, against malformed lengths.
const maxRecord = 1 << 31

// countingReader counts the bytes the gzip reader consumes; being an
// io.ByteReader, it keeps the decompressor from reading ahead, so that
// member boundaries are exact.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// ErrTooLarge is wrapped by the errors of reads that would go past a
// limit: a record or a file larger than allowed once decompressed.
var ErrTooLarge = errors.New("over the limit")

// WARCLimits bound what ReadWARCWithin decompresses, so that a WARC file
// made elsewhere (a bundle received for checking) cannot exhaust memory
// or time with gzip bombs.
type WARCLimits struct {
	// MaxRecord bounds one record, decompressed: the record is held in
	// memory whole.
	MaxRecord int64
	// Left is what may still be decompressed; each record read is taken
	// off it, so one WARCLimits shared by several files bounds them all.
	Left int64
}

// ReadWARC calls fn with each record of a WARC file written one record a
// gzip member, in order. It stops at the first error, from the file or
// from fn; a malformed record is an error naming its offset. Records are
// bounded only against malformed lengths: files of other origins are
// read with ReadWARCWithin.
func ReadWARC(r io.Reader, fn func(*WARCRecord) error) error {
	return ReadWARCWithin(r, &WARCLimits{MaxRecord: maxRecord, Left: math.MaxInt64}, fn)
}

// ReadWARCWithin is ReadWARC within lim: a record that decompresses past
// lim.MaxRecord or lim.Left ends the read with an error wrapping
// ErrTooLarge, before more is inflated.
func ReadWARCWithin(r io.Reader, lim *WARCLimits, fn func(*WARCRecord) error) error {
	cr := &countingReader{r: bufio.NewReaderSize(r, 256<<10)}
	var zr *gzip.Reader
	for {
		start := cr.n
		if _, err := cr.r.Peek(1); err == io.EOF {
			return nil
		}
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(cr)
		} else {
			err = zr.Reset(cr)
		}
		if err != nil {
			return fmt.Errorf("offset %d: not a gzip member: %w", start, err)
		}
		zr.Multistream(false)
		limit := min(lim.MaxRecord, lim.Left)
		data, err := io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return fmt.Errorf("offset %d: %w", start, err)
		}
		if int64(len(data)) > limit {
			return fmt.Errorf("offset %d: record of more than %d bytes once decompressed: %w", start, limit, ErrTooLarge)
		}
		lim.Left -= int64(len(data))
		rec, err := parseRecord(data)
		if err != nil {
			return fmt.Errorf("offset %d: %w", start, err)
		}
		rec.Offset, rec.Length = start, cr.n-start
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// parseRecord parses one uncompressed record, which must fill data.
func parseRecord(data []byte) (*WARCRecord, error) {
	rec := &WARCRecord{SHA256: hexSHA256(data)}
	end := bytes.Index(data, []byte("\r\n\r\n"))
	if end < 0 {
		return nil, errors.New("WARC record header not terminated")
	}
	lines := strings.Split(string(data[:end]), "\r\n")
	rec.Version = lines[0]
	if rec.Version != "WARC/1.1" && rec.Version != "WARC/1.0" {
		return nil, fmt.Errorf("not a WARC record (first line %.40q)", rec.Version)
	}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("malformed WARC header line %.60q", l)
		}
		rec.Fields = append(rec.Fields, Field{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	n, err := strconv.Atoi(rec.Get("Content-Length"))
	if err != nil || n < 0 {
		return nil, fmt.Errorf("record %s: invalid Content-Length %q", rec.ID(), rec.Get("Content-Length"))
	}
	body := data[end+4:]
	if len(body) != n+4 || !bytes.Equal(body[n:], []byte("\r\n\r\n")) {
		return nil, fmt.Errorf("record %s: block is not Content-Length (%d) bytes followed by CRLF CRLF", rec.ID(), n)
	}
	rec.Block = body[:n]
	return rec, nil
}

package fetch

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// bufPool recycles the buffers bodies are read into; the body handed to
// the caller is a right-sized copy, so memory stays flat however many
// pages pass through.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled keeps the rare huge buffer out of the pool.
const maxPooled = 1 << 20

// readBody reads at most limit bytes of r into a new slice; a longer body
// is a *TooLargeError and at most limit+1 bytes are read.
func readBody(r io.Reader, limit int64) ([]byte, error) {
	return readBounded(r, limit, false)
}

// readBounded is readBody; with keep, a body that is too long or fails
// midway also returns what was read, at most limit bytes, with the error.
func readBounded(r io.Reader, limit int64, keep bool) ([]byte, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooled {
			bufPool.Put(buf)
		}
	}()
	_, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if int64(buf.Len()) > limit {
		err = &TooLargeError{Limit: limit}
		buf.Truncate(int(limit))
	}
	if err != nil {
		if keep {
			return bytes.Clone(buf.Bytes()), err
		}
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// mediaType returns the lower-case media type of a Content-Type header
// value and its charset parameter, tolerating malformed parameters.
func mediaType(contentType string) (typ, cs string) {
	t, params, err := mime.ParseMediaType(contentType)
	if err != nil && t == "" {
		t, _, _ = strings.Cut(contentType, ";")
	}
	return strings.ToLower(strings.TrimSpace(t)), strings.TrimSpace(params["charset"])
}

// IsText reports whether bodies of media type typ (lower case, without
// parameters) are text, which the client decodes to UTF-8.
func IsText(typ string) bool { return isText(typ) }

// isText reports the media types whose bodies are decoded to UTF-8.
func isText(typ string) bool {
	switch {
	case strings.HasPrefix(typ, "text/"),
		strings.HasSuffix(typ, "+xml"), strings.HasSuffix(typ, "+json"),
		strings.Contains(typ, "javascript"), strings.Contains(typ, "ecmascript"):
		return true
	}
	switch typ {
	case "application/xml", "application/json", "application/xhtml+xml", "application/csv":
		return true
	}
	return false
}

func isHTML(typ string) bool { return typ == "text/html" || typ == "application/xhtml+xml" }

func isXML(typ string) bool {
	return typ == "text/xml" || typ == "application/xml" || strings.HasSuffix(typ, "+xml")
}

// decodeBody returns the media type of a body, the charset it was decoded
// from and the body itself, converted to UTF-8 for text types and as is
// for others (charset ""). The encoding is found as browsers do (WHATWG):
// a byte-order mark first, then the Content-Type charset, then for HTML a
// <meta> declaration in the first 1024 bytes and for XML the XML
// declaration; failing those, UTF-8 when the whole body is valid UTF-8,
// else windows-1252. Labels follow the WHATWG Encoding Standard, so
// "iso-8859-1" and "us-ascii" decode as windows-1252 and are reported so.
func decodeBody(contentType string, raw []byte) (typ, cs string, body []byte) {
	typ, declared := mediaType(contentType)
	if typ == "" {
		// Sniffed types carry a charset guess of their own; ignore it.
		typ, _ = mediaType(http.DetectContentType(raw))
	}
	if !isText(typ) {
		return typ, "", raw
	}

	label, bom := bomLabel(raw)
	switch {
	case label != "":
		raw = raw[bom:]
	case declared != "":
		label = declared
	}
	if label == "" && isHTML(typ) {
		label = metaCharset(raw)
	}
	if label == "" && isXML(typ) {
		label = xmlEncoding(raw)
	}
	enc, name := charset.Lookup(label)
	if enc == nil || (bom == 0 && strings.HasPrefix(name, "utf-16")) {
		// Unknown label, or a UTF-16 label on a body without a BOM, which
		// browsers read as UTF-8 because the declaration itself was ASCII.
		enc, name = nil, ""
		if label != "" && strings.HasPrefix(strings.ToLower(label), "utf-16") {
			name = "utf-8"
		}
	}
	if name == "" {
		if utf8.Valid(raw) {
			name = "utf-8"
		} else {
			name = "windows-1252"
		}
		enc, _ = charset.Lookup(name)
	}
	if name == "utf-8" {
		if utf8.Valid(raw) {
			return typ, name, raw
		}
		return typ, name, bytes.ToValidUTF8(raw, []byte("\uFFFD"))
	}
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		// Decoders replace bad input rather than fail; keep the raw bytes
		// made valid if one ever does.
		return typ, "utf-8", bytes.ToValidUTF8(raw, []byte("\uFFFD"))
	}
	return typ, name, out
}

// bomLabel returns the encoding a byte-order mark names and its length.
func bomLabel(b []byte) (string, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return "utf-8", 3
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "utf-16be", 2
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return "utf-16le", 2
	}
	return "", 0
}

// metaCharset returns the charset an HTML document declares in a <meta
// charset> or <meta http-equiv="Content-Type"> tag within its first 1024
// bytes, as the HTML prescan does.
func metaCharset(b []byte) string {
	if len(b) > 1024 {
		b = b[:1024]
	}
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "meta" || !hasAttr {
				continue
			}
			var httpEquiv, content, cs string
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "charset":
					cs = string(v)
				case "http-equiv":
					httpEquiv = strings.ToLower(string(v))
				case "content":
					content = string(v)
				}
			}
			if cs != "" {
				return strings.TrimSpace(cs)
			}
			if httpEquiv == "content-type" {
				if _, c := mediaType(content); c != "" {
					return c
				}
				if c := charsetFromContent(content); c != "" {
					return c
				}
			}
		}
	}
}

// charsetFromContent extracts "charset=..." from a meta content value that
// mime.ParseMediaType rejects, as the HTML algorithm is more lenient.
func charsetFromContent(s string) string {
	i := strings.Index(strings.ToLower(s), "charset")
	if i < 0 {
		return ""
	}
	s = strings.TrimLeft(s[i+len("charset"):], " \t")
	if !strings.HasPrefix(s, "=") {
		return ""
	}
	s = strings.Trim(strings.TrimLeft(s[1:], " \t"), `"'`)
	if j := strings.IndexAny(s, `;"' `); j >= 0 {
		s = s[:j]
	}
	return s
}

// xmlEncoding returns the encoding named in an XML declaration.
func xmlEncoding(b []byte) string {
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(b, []byte("?>"))
	if end < 0 || end > 1024 {
		return ""
	}
	decl := string(b[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if !strings.HasPrefix(rest, "=") {
		return ""
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	q := rest[0]
	rest = rest[1:]
	j := strings.IndexByte(rest, q)
	if j < 0 {
		return ""
	}
	return rest[:j]
}

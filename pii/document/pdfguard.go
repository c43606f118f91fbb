package document

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Bounds of the PDF guard. Real files stay far below them: a PDF of
// ten thousand pages has some hundred thousand objects.
const (
	maxPDFObjects = 1 << 20  // object numbers, cross-reference sizes
	maxPDFColumns = 1 << 16  // predictor row width
	maxPDFStream  = 32 << 20 // one stream, decompressed
)

// guardPDF refuses what the PDF library would mishandle: it reads files
// as they come, without caches or limits, and some crafted files make it
// allocate gigabytes, loop or recurse for ever. It refuses encrypted
// files (their streams cannot be measured before the library decrypts
// them), integers that size the library's tables, streams that inflate
// past the limits (zlib bombs, nested or behind ASCII85) and object
// streams stored inside object streams.
func guardPDF(body []byte, b *budget) error {
	if bytes.Contains(body, []byte("/Encrypt")) {
		return fmt.Errorf("encryption dictionary: %w", ErrEncrypted)
	}
	for _, k := range []struct {
		key string
		max int64
	}{{"/Size", maxPDFObjects}, {"/N", maxPDFObjects}, {"/Columns", maxPDFColumns}} {
		if err := guardKey(body, k.key, k.max); err != nil {
			return err
		}
	}
	if err := guardXrefTables(body); err != nil {
		return err
	}
	inStream := map[int64]int64{} // object number → its object stream
	for pos := 0; ; {
		i := bytes.Index(body[pos:], []byte("stream"))
		if i < 0 {
			break
		}
		kw := pos + i
		pos = kw + len("stream")
		if kw > 0 && isRegular(body[kw-1]) || pos < len(body) && isRegular(body[pos]) {
			continue // endstream, or a word that holds "stream"
		}
		start := pos
		if start < len(body) && body[start] == '\r' {
			start++
		}
		if start < len(body) && body[start] == '\n' {
			start++
		}
		dict := tokens(streamDict(body, kw))
		xref := dictName(dict, "/Type") == "/XRef"
		data, err := inflate(body[start:], false, xref, b)
		if err == nil && (dictHas(dict, "/ASCII85Decode") || dictHas(dict, "/A85")) {
			_, err = inflate(body[start:], true, false, b)
		}
		if err != nil {
			return fmt.Errorf("stream at byte %d: %w", kw, err)
		}
		if xref && data == nil && !dictHas(dict, "/Filter") {
			// An uncompressed cross-reference stream.
			if n := dictInt(dict, "/Length"); n > 0 && n <= int64(len(body)-start) {
				data = body[start : start+int(n)]
			}
		}
		if xref {
			if err := xrefEntries(dict, data, inStream); err != nil {
				return fmt.Errorf("cross-reference stream at byte %d: %w", kw, err)
			}
		}
	}
	for obj, strm := range inStream {
		if _, nested := inStream[strm]; nested {
			return fmt.Errorf("object %d in object stream %d, itself in an object stream: %w", obj, strm, ErrMalformed)
		}
	}
	return nil
}

// streamDict returns the bytes between the "obj" keyword that opens the
// stream object ending at kw and kw: the stream's dictionary.
func streamDict(body []byte, kw int) []byte {
	w := body[max(0, kw-8192):kw]
	for end := len(w); end > 0; {
		i := bytes.LastIndex(w[:end], []byte("obj"))
		if i < 0 {
			break
		}
		if (i == 0 || !isRegular(w[i-1])) && (i+3 == len(w) || !isRegular(w[i+3])) {
			return w[i+3:]
		}
		end = i
	}
	return w
}

// guardKey checks every value of a dictionary key read as an integer by
// the PDF library: it must be a direct integer no larger than limit.
func guardKey(body []byte, key string, limit int64) error {
	for pos := 0; ; {
		i := bytes.Index(body[pos:], []byte(key))
		if i < 0 {
			return nil
		}
		pos += i + len(key)
		if pos < len(body) && isRegular(body[pos]) {
			continue // a longer name: /Name for /N
		}
		t := tokens(body[pos:min(len(body), pos+64)])
		if len(t) == 0 {
			continue
		}
		n, err := strconv.ParseInt(t[0], 10, 64)
		if err != nil {
			if t[0][0] == '/' || t[0] == "[" || t[0] == "<<" {
				continue // a name or an array: another use of the key
			}
			return fmt.Errorf("%s %q: %w", key, t[0], ErrMalformed)
		}
		if len(t) > 2 && t[2] == "R" {
			return fmt.Errorf("%s as an indirect reference: %w", key, ErrMalformed)
		}
		if n < 0 || n > limit {
			return fmt.Errorf("%s %d: %w (%d)", key, n, ErrTooLarge, limit)
		}
	}
}

// guardXrefTables checks the subsection headers of classic
// cross-reference tables ("xref", then "first count" lines): the library
// sizes its table by them.
func guardXrefTables(body []byte) error {
	for pos := 0; ; {
		i := bytes.Index(body[pos:], []byte("xref"))
		if i < 0 {
			return nil
		}
		kw := pos + i
		pos = kw + 4
		if kw > 0 && isRegular(body[kw-1]) || pos < len(body) && isRegular(body[pos]) {
			continue // startxref, /XRef
		}
		lx := &lexer{b: body[pos:]}
		for range maxPDFObjects {
			first := lx.next()
			if first == "" || first == "trailer" {
				break
			}
			count := lx.next()
			f, err1 := strconv.ParseInt(first, 10, 64)
			c, err2 := strconv.ParseInt(count, 10, 64)
			if err1 != nil || err2 != nil {
				break // the library refuses the table
			}
			if f < 0 || c < 0 || f+c > maxPDFObjects {
				return fmt.Errorf("cross-reference subsection %d %d: %w (%d objects)", f, c, ErrTooLarge, maxPDFObjects)
			}
			for range 3 * c {
				lx.next()
			}
		}
	}
}

// xrefEntries reads the entries of a cross-reference stream and records
// in inStream the objects it stores in object streams.
func xrefEntries(dict []string, data []byte, inStream map[int64]int64) error {
	w := dictInts(dict, "/W")
	if len(w) != 3 {
		return fmt.Errorf("/W %v: %w", w, ErrMalformed)
	}
	width := int64(0)
	for _, x := range w {
		if x < 0 || x > 8 {
			return fmt.Errorf("/W %v: %w", w, ErrMalformed)
		}
		width += x
	}
	if width == 0 {
		return fmt.Errorf("/W %v: %w", w, ErrMalformed)
	}
	if pred := dictInt(dict, "/Predictor"); pred >= 10 {
		cols := dictInt(dict, "/Columns")
		if cols < 1 || cols > maxPDFColumns {
			return fmt.Errorf("/Columns %d: %w", cols, ErrMalformed)
		}
		var err error
		if data, err = unpredict(data, int(cols)); err != nil {
			return err
		}
	} else if pred > 1 {
		return fmt.Errorf("predictor %d: %w", pred, ErrMalformed)
	}
	index := dictInts(dict, "/Index")
	if index == nil {
		index = []int64{0, dictInt(dict, "/Size")}
	}
	if len(index)%2 != 0 {
		return fmt.Errorf("/Index %v: %w", index, ErrMalformed)
	}
	for ; len(index) > 0; index = index[2:] {
		first, count := index[0], index[1]
		if first < 0 || count < 0 || first+count > maxPDFObjects {
			return fmt.Errorf("/Index %d %d: %w (%d objects)", first, count, ErrTooLarge, maxPDFObjects)
		}
		for i := range count {
			if int64(len(data)) < width {
				return nil // the library stops at the end of the data too
			}
			e := data[:width]
			data = data[width:]
			typ := int64(1)
			if w[0] > 0 {
				typ = beInt(e[:w[0]])
			}
			if typ == 2 {
				inStream[first+i] = beInt(e[w[0] : w[0]+w[1]])
			}
		}
	}
	return nil
}

// unpredict undoes the PNG "Up" predictor the way the PDF library does:
// rows of one filter byte (2) and cols bytes.
func unpredict(data []byte, cols int) ([]byte, error) {
	var out []byte
	prev := make([]byte, cols)
	for len(data) >= cols+1 {
		if data[0] != 2 {
			return nil, fmt.Errorf("PNG predictor %d: %w", data[0], ErrMalformed)
		}
		for i := range cols {
			prev[i] += data[1+i]
		}
		out = append(out, prev...)
		data = data[cols+1:]
	}
	return out, nil
}

func beInt(b []byte) int64 {
	var x int64
	for _, c := range b {
		x = x<<8 | int64(c)
	}
	return x
}

// inflate measures the zlib stream at the start of data (after ASCII85
// decoding when a85 is set), inflating again while the output is itself
// a zlib stream, and returns the innermost output when keep is set. Data
// that is not zlib is not measured: the library does not inflate it
// either. A stream that inflates past the limits is an error; a stream
// that breaks off is read as far as it goes, as the library would.
func inflate(data []byte, a85, keep bool, b *budget) ([]byte, error) {
	var r io.Reader = bytes.NewReader(data)
	if a85 {
		if end := bytes.Index(data, []byte("~>")); end >= 0 {
			data = data[:end]
		}
		r = ascii85.NewDecoder(bytes.NewReader(data))
	}
	br := bufio.NewReader(r)
	inflated := false
	for range 8 {
		h, _ := br.Peek(2)
		if len(h) < 2 || h[0]&0x0f != 8 || (uint16(h[0])<<8|uint16(h[1]))%31 != 0 {
			break
		}
		zr, err := zlib.NewReader(br)
		if err != nil {
			break
		}
		inflated = true
		br = bufio.NewReader(&countReader{r: io.LimitReader(zr, maxPDFStream+1), b: b})
	}
	if !inflated {
		return nil, nil
	}
	var out bytes.Buffer
	var sink io.Writer = io.Discard
	if keep {
		sink = &out
	}
	n, err := io.Copy(sink, br)
	if errors.Is(err, ErrTooLarge) {
		return nil, err
	}
	if n > maxPDFStream {
		return nil, fmt.Errorf("more than %d bytes once decompressed: %w", maxPDFStream, ErrTooLarge)
	}
	return out.Bytes(), nil
}

// countReader accounts the bytes read through it to the budget.
type countReader struct {
	r io.Reader
	b *budget
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if e := c.b.unpack(int64(n)); e != nil {
		return n, e
	}
	return n, err
}

// isRegular reports whether c may continue a PDF name or keyword.
func isRegular(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '\f', 0, '/', '[', ']', '<', '>', '(', ')', '{', '}', '%':
		return false
	}
	return true
}

// lexer splits PDF syntax into the tokens the guard needs: names,
// numbers, keywords, "[", "]", "<<" and ">>"; comments and strings are
// skipped.
type lexer struct{ b []byte }

func (l *lexer) next() string {
	for len(l.b) > 0 {
		c := l.b[0]
		switch {
		case !isRegular(c) && c != '/' && c != '[' && c != ']' && c != '<' && c != '>' && c != '(' && c != '%':
			l.b = l.b[1:]
		case c == '%':
			i := bytes.IndexAny(l.b, "\r\n")
			if i < 0 {
				i = len(l.b)
			}
			l.b = l.b[i:]
		case c == '(':
			i := bytes.IndexByte(l.b, ')')
			if i < 0 {
				i = len(l.b) - 1
			}
			l.b = l.b[i+1:]
		case c == '[' || c == ']':
			l.b = l.b[1:]
			return string(c)
		case c == '<' || c == '>':
			if len(l.b) > 1 && l.b[1] == c {
				l.b = l.b[2:]
				return string([]byte{c, c})
			}
			i := bytes.IndexByte(l.b, '>')
			if i < 0 {
				i = len(l.b) - 1
			}
			l.b = l.b[i+1:]
		default: // a name (with its slash) or a regular word
			i := 1
			for i < len(l.b) && isRegular(l.b[i]) {
				i++
			}
			t := string(l.b[:i])
			l.b = l.b[i:]
			return t
		}
	}
	return ""
}

// tokens splits b into tokens.
func tokens(b []byte) []string {
	var out []string
	l := &lexer{b: b}
	for t := l.next(); t != ""; t = l.next() {
		out = append(out, t)
	}
	return out
}

// dictValueAt returns the index of the token after the last occurrence
// of key in t (the dictionary nearest the stream keyword), or -1.
func dictValueAt(t []string, key string) int {
	for i := len(t) - 2; i >= 0; i-- {
		if t[i] == key {
			return i + 1
		}
	}
	return -1
}

func dictHas(t []string, name string) bool {
	for _, s := range t {
		if s == name {
			return true
		}
	}
	return false
}

func dictName(t []string, key string) string {
	if i := dictValueAt(t, key); i >= 0 {
		return t[i]
	}
	return ""
}

func dictInt(t []string, key string) int64 {
	if i := dictValueAt(t, key); i >= 0 {
		n, _ := strconv.ParseInt(t[i], 10, 64)
		return n
	}
	return 0
}

// dictInts reads the array of integers under key, nil if there is none.
func dictInts(t []string, key string) []int64 {
	i := dictValueAt(t, key)
	if i < 0 || t[i] != "[" {
		return nil
	}
	out := []int64{}
	for _, s := range t[i+1:] {
		if s == "]" {
			break
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil
		}
		out = append(out, n)
	}
	return out
}

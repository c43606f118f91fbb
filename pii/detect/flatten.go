package detect

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// flat is a structured body reduced to text for the scanner: '\n' ends a
// record, '\r' a paragraph (a record too, but the words before a value may
// come from the paragraph before: "<dt>Né le</dt><dd>..."), '\t' a field,
// and labels name the column or key of the text from their start on.
type flat struct {
	text   []byte
	labels []labelSpan
	tables []table
	jstack []jsonFrame
	pre    int
	// intern keeps one copy of each label (keys and columns repeat).
	intern map[string]string
}

var flatPool = sync.Pool{New: func() any { return &flat{intern: map[string]string{}} }}

func (f *flat) reset() {
	if cap(f.text) > 16<<20 {
		f.text = nil
	}
	f.text = f.text[:0]
	f.labels = f.labels[:0]
	f.tables = f.tables[:0]
	f.jstack = f.jstack[:0]
	f.pre = 0
	if len(f.intern) > 4096 {
		clear(f.intern)
	}
}

func sepRank(c byte) int {
	switch c {
	case ' ':
		return 1
	case '\t':
		return 2
	case '\r':
		return 3
	case '\n':
		return 4
	}
	return 0
}

// sep ends a word (' '), a field ('\t'), a paragraph ('\r') or a record
// ('\n'); a stronger
// separator replaces a weaker one just written.
func (f *flat) sep(c byte) {
	n := len(f.text)
	if n == 0 {
		return
	}
	r := sepRank(f.text[n-1])
	switch {
	case r >= sepRank(c):
	case r > 0:
		f.text[n-1] = c
	default:
		f.text = append(f.text, c)
	}
}

// label sets the label in force from pos on.
func (f *flat) label(pos int, l string) {
	if k := len(f.labels); k > 0 {
		last := &f.labels[k-1]
		switch {
		case last.label == l:
			return
		case last.start >= pos:
			last.label = l
			return
		}
	} else if l == "" {
		return
	}
	f.labels = append(f.labels, labelSpan{pos, l})
}

func (f *flat) internName(b []byte) string {
	if s, ok := f.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	f.intern[s] = s
	return s
}

// textRun appends t with its white space collapsed to spaces.
func (f *flat) textRun(t []byte) {
	for _, c := range t {
		if c <= ' ' {
			f.sep(' ')
			continue
		}
		f.text = append(f.text, c)
	}
}

// HTML and XML.

type table struct {
	headers []string
	capture []string // header texts of the current row
	col     int
	// headerRow: the current row may define the headers (no headers yet,
	// no data cell in it so far).
	headerRow bool
	thStart   int // start of the header cell being read, -1 when none
	inCell    bool
}

// Classes of HTML elements, by how they separate text.
const (
	tagOther  = iota // a space
	tagInline        // nothing: <b>, <span>, <a>...
	tagRecord        // a record: block containers, list items, headings
	tagPara          // a paragraph: p, div, dt, dd
	tagRow
	tagCell
	tagHeaderCell
	tagTable
	tagPre
	tagRaw // content is not text: script, style
)

func htmlClass(name string) int {
	switch name {
	case "a", "b", "i", "em", "strong", "span", "font", "u", "s", "strike", "small", "big", "sup", "sub",
		"abbr", "acronym", "mark", "code", "kbd", "q", "cite", "time", "data", "var", "tt", "bdi", "bdo", "wbr", "ins", "del":
		return tagInline
	case "html", "body", "head", "title", "li", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6",
		"article", "section", "header", "footer", "nav", "aside", "main", "form", "hr", "blockquote",
		"fieldset", "caption", "figure", "figcaption", "details", "summary", "center", "menu", "dir",
		"legend", "thead", "tbody", "tfoot", "address", "select", "dialog":
		return tagRecord
	case "p", "div", "dt", "dd":
		return tagPara
	case "tr":
		return tagRow
	case "td":
		return tagCell
	case "th":
		return tagHeaderCell
	case "table":
		return tagTable
	case "pre", "listing", "plaintext":
		return tagPre
	case "script", "style", "xmp", "iframe", "noembed", "noframes", "template", "svg", "math", "object":
		return tagRaw
	}
	return tagOther
}

// html reduces an HTML page to its visible text, or an XML document to its
// text and attribute values labelled by their element and attribute names.
func (f *flat) html(b []byte, xml bool) {
	n := len(b)
	lastOpen := false
	for i := 0; i < n; {
		c := b[i]
		switch {
		case c == '<':
			i = f.tag(b, i, xml, &lastOpen)
		case c == '&':
			i = f.entity(b, i)
		case c <= ' ':
			if c == '\n' && f.pre > 0 {
				f.sep('\n')
			} else {
				f.sep(' ')
			}
			i++
		default:
			j := i + 1
			for j < n && b[j] != '<' && b[j] != '&' && b[j] > ' ' {
				j++
			}
			f.text = append(f.text, b[i:j]...)
			i = j
		}
	}
	f.sep('\n')
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func nameEnd(b []byte, j int) int {
	for j < len(b) && (isAlnum(b[j]) || b[j] == '-' || b[j] == ':' || b[j] == '_' || b[j] == '.') {
		j++
	}
	return j
}

// skipPast returns the index after the next c from k, or len(b).
func skipPast(b []byte, k int, c byte) int {
	if e := bytes.IndexByte(b[k:], c); e >= 0 {
		return k + e + 1
	}
	return len(b)
}

func (f *flat) tag(b []byte, i int, xml bool, lastOpen *bool) int {
	n := len(b)
	if i+1 >= n {
		f.text = append(f.text, '<')
		return n
	}
	switch c := b[i+1]; {
	case c == '!':
		switch {
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			if e := bytes.Index(b[i+4:], []byte("-->")); e >= 0 {
				return i + 4 + e + 3
			}
			return n
		case bytes.HasPrefix(b[i:], []byte("<![CDATA[")):
			end, next := n, n
			if e := bytes.Index(b[i+9:], []byte("]]>")); e >= 0 {
				end, next = i+9+e, i+9+e+3
			}
			f.textRun(b[i+9 : end])
			return next
		}
		return skipPast(b, i, '>')
	case c == '?':
		return skipPast(b, i, '>')
	case c == '/':
		k := nameEnd(b, i+2)
		end := skipPast(b, k, '>')
		if k > i+2 {
			f.endTag(b[i+2:k], xml, lastOpen)
		}
		return end
	case isLetter(c):
		k := nameEnd(b, i+1)
		name := b[i+1 : k]
		end, selfClosing := f.attrs(b, k, xml)
		if xml {
			f.sep('\t')
			f.label(len(f.text), f.internName(name))
			*lastOpen = true
			if selfClosing {
				f.endTag(name, xml, lastOpen)
			}
			return end
		}
		var lower [16]byte
		if len(name) > len(lower) {
			f.sep(' ')
			return end
		}
		for k, c := range name {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[k] = c
		}
		if f.startTag(string(lower[:len(name)])) {
			return skipRaw(b, end, name)
		}
		return end
	}
	f.text = append(f.text, '<')
	return i + 1
}

// attrs reads the attributes of a start tag from k and returns the index
// after its '>' and whether it ends with "/>". In XML, attribute values are
// text labelled by their name.
func (f *flat) attrs(b []byte, k int, xml bool) (int, bool) {
	n := len(b)
	for k < n {
		c := b[k]
		switch {
		case c == '>':
			return k + 1, b[k-1] == '/'
		case c <= ' ' || c == '/':
			k++
			continue
		}
		ns := k
		for k < n && b[k] > ' ' && b[k] != '=' && b[k] != '>' && !(b[k] == '/' && k+1 < n && b[k+1] == '>') {
			k++
		}
		name := b[ns:k]
		for k < n && b[k] <= ' ' {
			k++
		}
		if k >= n || b[k] != '=' {
			continue
		}
		k++
		for k < n && b[k] <= ' ' {
			k++
		}
		var vs, ve int
		if k < n && (b[k] == '"' || b[k] == '\'') {
			vs = k + 1
			e := bytes.IndexByte(b[vs:], b[k])
			if e < 0 {
				return n, false
			}
			ve = vs + e
			k = ve + 1
		} else {
			vs = k
			for k < n && b[k] > ' ' && b[k] != '>' {
				k++
			}
			ve = k
		}
		if !xml && ve > vs && len(name) == 4 && bytes.EqualFold(name, []byte("href")) {
			f.contactLink(b[vs:ve])
		}
		if xml && ve > vs && len(name) > 0 && !bytes.HasPrefix(name, []byte("xmlns")) {
			f.sep('\t')
			f.label(len(f.text), f.internName(name))
			f.textRun(b[vs:ve])
			f.sep('\t')
			f.label(len(f.text), "")
		}
	}
	return n, false
}

// contactLink adds the address of a mailto: or tel: link to the text:
// any visitor reads it in the page's source, even behind a name.
func (f *flat) contactLink(href []byte) {
	var rest []byte
	for _, scheme := range []string{"mailto:", "tel:"} {
		if len(href) > len(scheme) && bytes.EqualFold(href[:len(scheme)], []byte(scheme)) {
			rest = href[len(scheme):]
		}
	}
	if rest == nil {
		return
	}
	if i := bytes.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	f.sep(' ')
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c == '%' && i+2 < len(rest) && rest[i+1] == '4' && rest[i+2] == '0':
			f.text = append(f.text, '@')
			i += 2
		case c == ',' || c == ';' || c <= ' ':
			f.sep(' ')
		default:
			f.text = append(f.text, c)
		}
	}
	f.sep(' ')
}

// startTag applies an HTML start tag (lower-case name) and reports whether
// its content is raw text to skip.
func (f *flat) startTag(name string) bool {
	switch htmlClass(name) {
	case tagInline:
	case tagRecord:
		f.sep('\n')
	case tagPara:
		f.sep('\r')
	case tagRow:
		f.row()
	case tagCell:
		f.cell(false)
	case tagHeaderCell:
		f.cell(true)
	case tagTable:
		f.endCell()
		f.sep('\n')
		f.tables = append(f.tables, table{thStart: -1})
	case tagPre:
		f.pre++
		f.sep('\n')
	case tagRaw:
		f.sep(' ')
		return true
	default:
		f.sep(' ')
	}
	return false
}

func (f *flat) endTag(name []byte, xml bool, lastOpen *bool) {
	if xml {
		if *lastOpen {
			f.sep('\t')
		} else {
			f.sep('\n')
		}
		f.label(len(f.text), "")
		*lastOpen = false
		return
	}
	var lower [16]byte
	if len(name) > len(lower) {
		f.sep(' ')
		return
	}
	for k, c := range name {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[k] = c
	}
	switch htmlClass(string(lower[:len(name)])) {
	case tagInline:
	case tagCell, tagHeaderCell:
		f.endCell()
	case tagRow:
		f.endCell()
		f.endRow()
		f.sep('\n')
	case tagTable:
		f.endCell()
		f.endRow()
		if len(f.tables) > 0 {
			f.tables = f.tables[:len(f.tables)-1]
		}
		f.sep('\n')
	case tagPre:
		if f.pre > 0 {
			f.pre--
		}
		f.sep('\n')
	case tagRecord:
		f.sep('\n')
	case tagPara:
		f.sep('\r')
	default:
		f.sep(' ')
	}
}

// skipRaw returns the index after the end tag of the raw-text element
// name whose content starts at k.
func skipRaw(b []byte, k int, name []byte) int {
	for {
		e := bytes.Index(b[k:], []byte("</"))
		if e < 0 {
			return len(b)
		}
		k += e + 2
		if k+len(name) <= len(b) && bytes.EqualFold(b[k:k+len(name)], name) &&
			(k+len(name) == len(b) || !isAlnum(b[k+len(name)])) {
			return skipPast(b, k, '>')
		}
	}
}

func (f *flat) top() *table {
	if len(f.tables) == 0 {
		return nil
	}
	return &f.tables[len(f.tables)-1]
}

func (f *flat) row() {
	f.endCell()
	f.endRow()
	f.sep('\n')
	if t := f.top(); t != nil {
		t.col = -1
		t.headerRow = len(t.headers) == 0
		t.capture = t.capture[:0]
	}
}

// endRow makes the header cells of a row of header cells the table's
// column headers.
func (f *flat) endRow() {
	t := f.top()
	if t == nil {
		return
	}
	if t.headerRow && len(t.capture) > 0 {
		t.headers = append(t.headers[:0], t.capture...)
	}
	t.headerRow = false
	t.capture = t.capture[:0]
}

func (f *flat) cell(header bool) {
	f.endCell()
	f.sep('\t')
	t := f.top()
	if t == nil {
		return
	}
	t.col++
	if header && t.headerRow {
		t.thStart = len(f.text)
		return
	}
	if !header && t.headerRow {
		t.headerRow = false // a data cell: this row defines nothing
		t.capture = t.capture[:0]
	}
	if t.col >= 0 && t.col < len(t.headers) && t.headers[t.col] != "" {
		f.label(len(f.text), t.headers[t.col])
		t.inCell = true
	}
}

func (f *flat) endCell() {
	t := f.top()
	if t == nil {
		return
	}
	if t.thStart >= 0 {
		h := f.text[t.thStart:]
		if len(h) > 80 {
			h = h[:80]
		}
		for len(t.capture) < t.col {
			t.capture = append(t.capture, "")
		}
		t.capture = append(t.capture, f.internName(bytes.TrimSpace(h)))
		t.thStart = -1
	}
	if t.inCell {
		f.label(len(f.text), "")
		t.inCell = false
	}
	f.sep('\t')
}

// entity decodes the character reference at i.
func (f *flat) entity(b []byte, i int) int {
	n := len(b)
	j := i + 1
	for j < n && j-i < 32 && (isAlnum(b[j]) || b[j] == '#') {
		j++
	}
	if j >= n || b[j] != ';' || j == i+1 {
		f.text = append(f.text, '&')
		return i + 1
	}
	ent := b[i+1 : j]
	r := rune(-1)
	switch string(ent) {
	case "amp":
		r = '&'
	case "lt":
		r = '<'
	case "gt":
		r = '>'
	case "quot":
		r = '"'
	case "apos":
		r = '\''
	case "nbsp":
		r = ' '
	default:
		if ent[0] != '#' {
			s := html.UnescapeString(string(b[i : j+1]))
			if s == string(b[i:j+1]) {
				f.text = append(f.text, '&')
				return i + 1
			}
			f.textRun([]byte(s))
			return j + 1
		}
		r = 0
		hex := len(ent) > 1 && (ent[1] == 'x' || ent[1] == 'X')
		digits := ent[1:]
		if hex {
			digits = ent[2:]
		}
		for _, c := range digits {
			switch {
			case c >= '0' && c <= '9':
				r = r*radix(hex) + rune(c-'0')
			case hex && c >= 'a' && c <= 'f':
				r = r*16 + rune(c-'a'+10)
			case hex && c >= 'A' && c <= 'F':
				r = r*16 + rune(c-'A'+10)
			default:
				r = utf8.RuneError
			}
			if r > utf8.MaxRune {
				r = utf8.RuneError
				break
			}
		}
	}
	if r <= ' ' || r == 0xA0 || r == 0x202F || r == 0x2009 {
		f.sep(' ')
	} else {
		f.text = utf8.AppendRune(f.text, r)
	}
	return j + 1
}

func radix(hex bool) rune {
	if hex {
		return 16
	}
	return 10
}

// JSON.

type jsonFrame struct {
	array bool
	key   string
}

// json reduces a JSON document (or JSON lines) to its string and number
// values, each labelled by its key; an object in an array or at the top
// is a record.
func (f *flat) json(b []byte) {
	n := len(b)
	key := ""
	stack := f.jstack[:0]
	for i := 0; i < n; {
		switch c := b[i]; {
		case c == '{' || c == '[':
			stack = append(stack, jsonFrame{c == '[', key})
			i++
		case c == '}' || c == ']':
			if len(stack) > 0 {
				key = stack[len(stack)-1].key
				stack = stack[:len(stack)-1]
			}
			if c == '}' && (len(stack) == 0 || stack[len(stack)-1].array) {
				f.sep('\n')
			} else {
				f.sep('\t')
			}
			i++
		case c == '"':
			pos := len(f.text)
			i = f.jsonString(b, i)
			k := i
			for k < n && (b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r') {
				k++
			}
			if k < n && b[k] == ':' && (len(stack) == 0 || !stack[len(stack)-1].array) {
				kb := f.text[pos:]
				if len(kb) > 80 {
					kb = kb[:80]
				}
				key = f.internName(kb)
				f.text = f.text[:pos]
				i = k + 1
				continue
			}
			f.label(pos, key)
			f.sep('\t')
		case c == '-' || isDigit(c):
			j := i + 1
			for j < n && (isDigit(b[j]) || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-') {
				j++
			}
			f.label(len(f.text), key)
			f.text = append(f.text, b[i:j]...)
			f.sep('\t')
			i = j
		default:
			i++
		}
	}
	f.jstack = stack
	f.sep('\n')
}

// jsonString appends the decoded string starting at the quote at i and
// returns the index after its closing quote.
func (f *flat) jsonString(b []byte, i int) int {
	n := len(b)
	i++
	for i < n {
		j := i
		for j < n && b[j] != '"' && b[j] != '\\' && b[j] >= ' ' {
			j++
		}
		f.text = append(f.text, b[i:j]...)
		if j >= n {
			return n
		}
		switch b[j] {
		case '"':
			return j + 1
		case '\\':
			if j+1 >= n {
				return n
			}
			e := b[j+1]
			i = j + 2
			switch e {
			case 'u':
				r, k := jsonRune(b, j+2)
				i = k
				if r < ' ' {
					r = ' '
				}
				f.text = utf8.AppendRune(f.text, r)
			case 'n', 't', 'r', 'b', 'f':
				f.text = append(f.text, ' ')
			default:
				if e < ' ' {
					e = ' '
				}
				f.text = append(f.text, e)
			}
		default: // a raw control character
			f.text = append(f.text, ' ')
			i = j + 1
		}
	}
	return n
}

// jsonRune decodes the four hex digits at k (and a following low
// surrogate), returning the rune and the index after them.
func jsonRune(b []byte, k int) (rune, int) {
	hex4 := func(k int) (rune, bool) {
		if k+4 > len(b) {
			return 0, false
		}
		var r rune
		for _, c := range b[k : k+4] {
			switch {
			case c >= '0' && c <= '9':
				r = r*16 + rune(c-'0')
			case c >= 'a' && c <= 'f':
				r = r*16 + rune(c-'a'+10)
			case c >= 'A' && c <= 'F':
				r = r*16 + rune(c-'A'+10)
			default:
				return 0, false
			}
		}
		return r, true
	}
	r, ok := hex4(k)
	if !ok {
		return utf8.RuneError, min(k, len(b))
	}
	k += 4
	if r >= 0xD800 && r < 0xDC00 && k+6 <= len(b) && b[k] == '\\' && b[k+1] == 'u' {
		if lo, ok := hex4(k + 2); ok && lo >= 0xDC00 && lo < 0xE000 {
			return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), k + 6
		}
	}
	if r >= 0xD800 && r < 0xE000 {
		r = utf8.RuneError
	}
	return r, k
}

// CSV.

// csv reduces a CSV (or TSV) file to its cells, labelled by the header
// line when the first line is one.
func (f *flat) csv(b []byte) {
	delim := sniffDelimiter(b)
	var headers []string
	i := 0
	if isHeaderLine(firstLine(b)) {
		for i < len(b) {
			pos := len(f.text)
			var end bool
			i, end = f.csvCell(b, i, delim)
			h := bytes.TrimSpace(f.text[pos:])
			if len(h) > 80 {
				h = h[:80]
			}
			headers = append(headers, f.internName(h))
			f.text = f.text[:pos]
			if end {
				break
			}
		}
	}
	col := 0
	for i < len(b) {
		pos := len(f.text)
		var end bool
		i, end = f.csvCell(b, i, delim)
		if col < len(headers) {
			f.label(pos, headers[col])
		} else {
			f.label(pos, "")
		}
		col++
		if end {
			f.sep('\n')
			col = 0
		} else {
			f.sep('\t')
		}
	}
	f.sep('\n')
}

// csvCell appends the cell at i and returns the index after it and
// whether it ended its record.
func (f *flat) csvCell(b []byte, i int, delim byte) (int, bool) {
	n := len(b)
	if i < n && b[i] == '"' {
		for i++; i < n; i++ {
			c := b[i]
			if c == '"' {
				if i+1 < n && b[i+1] == '"' {
					f.text = append(f.text, '"')
					i++
					continue
				}
				i++
				break
			}
			if c < ' ' {
				c = ' '
			}
			f.text = append(f.text, c)
		}
	}
	for ; i < n && b[i] != delim && b[i] != '\n'; i++ {
		c := b[i]
		if c < ' ' {
			c = ' '
		}
		f.text = append(f.text, c)
	}
	if i < n && b[i] == delim {
		return i + 1, false
	}
	return min(i+1, n), true
}

func firstLine(b []byte) []byte {
	b = b[:min(len(b), 4096)]
	if e := bytes.IndexByte(b, '\n'); e >= 0 {
		return b[:e]
	}
	return b
}

// sniffDelimiter picks the most frequent of , ; tab | outside quotes on
// the first line.
func sniffDelimiter(b []byte) byte {
	var counts [4]int
	delims := [4]byte{',', ';', '\t', '|'}
	quoted := false
	for _, c := range firstLine(b) {
		if c == '"' {
			quoted = !quoted
		}
		if quoted {
			continue
		}
		for k, d := range delims {
			if c == d {
				counts[k]++
			}
		}
	}
	best := 0
	for k := range counts {
		if counts[k] > counts[best] {
			best = k
		}
	}
	return delims[best]
}

// isHeaderLine reports whether a first line names columns rather than
// holding data: no e-mail address, no long number.
func isHeaderLine(line []byte) bool {
	if bytes.IndexByte(line, '@') >= 0 || strings.TrimSpace(string(line)) == "" {
		return false
	}
	run := 0
	for _, c := range line {
		if isDigit(c) {
			run++
			if run >= 5 {
				return false
			}
		} else {
			run = 0
		}
	}
	return true
}

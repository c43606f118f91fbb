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

	// track records where each stretch of text comes from in the body
	// (segs), for masking; all also reads what a visitor does not see
	// but the page's source holds: attribute values, scripts, comments.
	track, all bool
	segs       []seg
	// dt is the text of the definition term being read (-1 when none),
	// dl the label it gives to the description that follows.
	dt int
	dl string
}

// seg maps the text [f0, f1) to the body [b0, b1). Text copied as is has
// f1-f0 == b1-b0; a decoded character reference, an escape or a quote
// pair maps its few text bytes to all of its body bytes.
type seg struct{ f0, f1, b0, b1 int }

// mark records that the text [f0, f1) comes from the body [b0, b1).
func (f *flat) mark(f0, f1, b0, b1 int) {
	if !f.track || f1 <= f0 {
		return
	}
	if k := len(f.segs); k > 0 {
		last := &f.segs[k-1]
		if last.f1 == f0 && last.b1 == b0 && last.f1-last.f0 == last.b1-last.b0 && f1-f0 == b1-b0 {
			last.f1, last.b1 = f1, b1
			return
		}
	}
	f.segs = append(f.segs, seg{f0, f1, b0, b1})
}

// copyRun appends body[i:j] as text.
func (f *flat) copyRun(body []byte, i, j int) {
	p := len(f.text)
	f.text = append(f.text, body[i:j]...)
	f.mark(p, len(f.text), i, j)
}

// truncate drops the text from pos on (a JSON key, a CSV header).
func (f *flat) truncate(pos int) {
	f.text = f.text[:pos]
	for len(f.segs) > 0 && f.segs[len(f.segs)-1].f0 >= pos {
		f.segs = f.segs[:len(f.segs)-1]
	}
	if k := len(f.segs); k > 0 && f.segs[k-1].f1 > pos {
		f.segs[k-1].f1 = pos
		f.segs[k-1].b1 = f.segs[k-1].b0 + (pos - f.segs[k-1].f0)
	}
}

// bodySep writes a space or newline for the white space at body[i],
// as coming from it when it is written.
func (f *flat) bodySep(c byte, i int) {
	n := len(f.text)
	f.sep(c)
	if len(f.text) == n+1 {
		f.mark(n, n+1, i, i+1)
	}
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
	f.segs = f.segs[:0]
	f.track, f.all = false, false
	f.dt, f.dl = -1, ""
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

// textRun appends t, which starts at body[base], with its white space
// collapsed to spaces.
func (f *flat) textRun(t []byte, base int) {
	for i := 0; i < len(t); {
		if t[i] <= ' ' {
			f.sep(' ')
			i++
			continue
		}
		j := i + 1
		for j < len(t) && t[j] > ' ' {
			j++
		}
		p := len(f.text)
		f.text = append(f.text, t[i:j]...)
		f.mark(p, len(f.text), base+i, base+j)
		i = j
	}
}

// HTML and XML.

type table struct {
	headers []string
	// rowHeader labels the data cells of a row that starts with header
	// cells: <tr><th>Nom</th><td>...</td></tr>.
	rowHeader string
	capture   []string // header texts of the current row
	col       int
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
				f.bodySep('\n', i)
			} else {
				f.bodySep(' ', i)
			}
			i++
		default:
			j := i + 1
			for j < n && b[j] != '<' && b[j] != '&' && b[j] > ' ' {
				j++
			}
			f.copyRun(b, i, j)
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
		f.copyRun(b, i, n)
		return n
	}
	switch c := b[i+1]; {
	case c == '!':
		switch {
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			end, next := n, n
			if e := bytes.Index(b[i+4:], []byte("-->")); e >= 0 {
				end, next = i+4+e, i+4+e+3
			}
			if f.all { // developers leave data in comments
				f.sep('\n')
				f.textRun(b[i+4:end], i+4)
				f.sep('\n')
			}
			return next
		case bytes.HasPrefix(b[i:], []byte("<![CDATA[")):
			end, next := n, n
			if e := bytes.Index(b[i+9:], []byte("]]>")); e >= 0 {
				end, next = i+9+e, i+9+e+3
			}
			f.textRun(b[i+9:end], i+9)
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
		end, selfClosing := f.attrs(b, k, xml, name)
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
			next := skipRaw(b, end, name)
			if f.all { // scripts hold data too: inline state, JSON
				stop := next
				if e := bytes.LastIndex(b[end:next], []byte("</")); e >= 0 {
					stop = end + e
				}
				f.sep('\n')
				f.textRun(b[end:stop], end)
				f.sep('\n')
			}
			return next
		}
		return end
	}
	f.copyRun(b, i, i+1)
	return i + 1
}

// attrs reads the attributes of a start tag from k and returns the index
// after its '>' and whether it ends with "/>". In XML, attribute values are
// text labelled by their name. In HTML, mailto: and tel: links are text;
// when reading all, so are the values a visitor does not see (value,
// title, alt, content, data-*, links), a form field's value labelled by
// the field's name.
func (f *flat) attrs(b []byte, k int, xml bool, tag []byte) (int, bool) {
	n := len(b)
	fieldName := ""
	valueAt, valueEnd := -1, -1
	end, selfClosing := n, false
	for k < n {
		c := b[k]
		if c == '>' {
			end, selfClosing = k+1, b[k-1] == '/'
			break
		}
		if c <= ' ' || c == '/' {
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
				end = n
				k = n
				break
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
		if ve <= vs || len(name) == 0 {
			continue
		}
		if xml {
			if !bytes.HasPrefix(name, []byte("xmlns")) {
				f.sep('\t')
				f.label(len(f.text), f.internName(name))
				f.textRun(b[vs:ve], vs)
				f.sep('\t')
				f.label(len(f.text), "")
			}
			continue
		}
		if len(name) == 4 && bytes.EqualFold(name, []byte("href")) && f.contactLink(b, vs, ve) {
			continue
		}
		if !f.all {
			continue
		}
		switch {
		case bytes.EqualFold(name, []byte("name")):
			fieldName = f.internName(b[vs:ve])
		case bytes.EqualFold(name, []byte("value")):
			valueAt, valueEnd = vs, ve
		case seenAttr(name):
			f.sep('\t')
			f.textRun(b[vs:ve], vs)
			f.sep('\t')
		}
	}
	if valueAt >= 0 {
		// A form's value under its field's name: name="nom" value="...".
		f.sep('\t')
		if fieldName != "" && !bytes.EqualFold(tag, []byte("option")) {
			f.label(len(f.text), fieldName)
		}
		f.textRun(b[valueAt:valueEnd], valueAt)
		f.sep('\t')
		f.label(len(f.text), "")
	}
	return end, selfClosing
}

// seenAttr reports whether an HTML attribute holds text a page's source
// shows (and so may leak) rather than markup's own names.
func seenAttr(name []byte) bool {
	if len(name) > 5 && bytes.EqualFold(name[:5], []byte("data-")) {
		return true
	}
	switch strings.ToLower(string(name)) {
	case "title", "alt", "content", "href", "src", "action", "placeholder", "aria-label", "label", "summary", "cite", "poster", "formaction":
		return true
	}
	return false
}

// contactLink adds the address of a mailto: or tel: link, body[vs:ve],
// to the text: any visitor reads it in the page's source, even behind a
// name.
func (f *flat) contactLink(b []byte, vs, ve int) bool {
	href := b[vs:ve]
	var rest []byte
	for _, scheme := range []string{"mailto:", "tel:"} {
		if len(href) > len(scheme) && bytes.EqualFold(href[:len(scheme)], []byte(scheme)) {
			rest = href[len(scheme):]
		}
	}
	if rest == nil {
		return false
	}
	base := ve - len(rest)
	if i := bytes.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	f.sep(' ')
	for i := 0; i < len(rest); i++ {
		p := len(f.text)
		switch c := rest[i]; {
		case c == '%' && i+2 < len(rest) && rest[i+1] == '4' && rest[i+2] == '0':
			f.text = append(f.text, '@')
			f.mark(p, p+1, base+i, base+i+3)
			i += 2
		case c == ',' || c == ';' || c <= ' ':
			f.sep(' ')
		default:
			f.text = append(f.text, c)
			f.mark(p, p+1, base+i, base+i+1)
		}
	}
	f.sep(' ')
	return true
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
		switch name {
		case "dt":
			f.dt = len(f.text)
		case "dd":
			if f.dl != "" {
				f.label(len(f.text), f.dl)
			}
		}
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
		f.defTerm(string(lower[:len(name)]))
		f.sep('\r')
	default:
		f.sep(' ')
	}
}

// defTerm ends a definition term, whose text labels the descriptions
// after it, or a description.
func (f *flat) defTerm(name string) {
	switch {
	case name == "dt" && f.dt >= 0 && f.dt <= len(f.text):
		h := bytes.TrimSpace(f.text[f.dt:])
		f.dl = f.internName(h[:min(len(h), 80)])
		f.dt = -1
	case name == "dd" && f.dl != "":
		f.label(len(f.text), "")
	case name == "dl":
		f.dl = ""
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
		t.rowHeader = ""
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
		for k := len(t.capture) - 1; k >= 0; k-- {
			if t.capture[k] != "" {
				t.rowHeader = t.capture[k] // but its header cells head it
				break
			}
		}
		t.capture = t.capture[:0]
	}
	switch {
	case t.col >= 0 && t.col < len(t.headers) && t.headers[t.col] != "":
		f.label(len(f.text), t.headers[t.col])
		t.inCell = true
	case !header && t.rowHeader != "":
		f.label(len(f.text), t.rowHeader)
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
		f.copyRun(b, i, i+1)
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
				f.copyRun(b, i, i+1)
				return i + 1
			}
			p := len(f.text)
			for _, c := range []byte(s) {
				if c <= ' ' {
					c = ' '
				}
				f.text = append(f.text, c)
			}
			f.mark(p, len(f.text), i, j+1)
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
	p := len(f.text)
	if r <= ' ' || r == 0xA0 || r == 0x202F || r == 0x2009 {
		f.sep(' ')
	} else {
		f.text = utf8.AppendRune(f.text, r)
	}
	f.mark(p, len(f.text), i, j+1)
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
				f.truncate(pos)
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
			f.copyRun(b, i, j)
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
		f.copyRun(b, i, j)
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
			p := len(f.text)
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
			f.mark(p, len(f.text), j, i)
		default: // a raw control character
			f.text = append(f.text, ' ')
			f.mark(len(f.text)-1, len(f.text), j, j+1)
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
			f.truncate(pos)
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
		for i++; i < n; {
			j := i
			for j < n && b[j] != '"' {
				j++
			}
			f.csvRun(b, i, j)
			if j >= n {
				i = n
				break
			}
			if j+1 < n && b[j+1] == '"' {
				f.text = append(f.text, '"')
				f.mark(len(f.text)-1, len(f.text), j, j+2)
				i = j + 2
				continue
			}
			i = j + 1
			break
		}
	}
	j := i
	for j < n && b[j] != delim && b[j] != '\n' {
		j++
	}
	f.csvRun(b, i, j)
	i = j
	if i < n && b[i] == delim {
		return i + 1, false
	}
	return min(i+1, n), true
}

// csvRun appends body[i:j], control characters as spaces.
func (f *flat) csvRun(b []byte, i, j int) {
	p := len(f.text)
	f.copyRun(b, i, j)
	for k := p; k < len(f.text); k++ {
		if f.text[k] < ' ' {
			f.text[k] = ' '
		}
	}
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

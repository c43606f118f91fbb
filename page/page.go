// Package page extracts from an HTML page what the checks look at: its
// forms and their fields (classified with package pii), its links and the
// subresources it loads. It reads the page in one pass over the tokens of
// golang.org/x/net/html, following the HTML parsing rules that decide which
// form a control belongs to, and never fails on malformed HTML.
package page

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"vigie/finding"
	"vigie/observation"
	"vigie/pii"
)

// Document is what Parse extracts from a page.
type Document struct {
	Title string `json:"title,omitempty"`
	// Base is the effective base URL: the page URL, or the first
	// <base href> resolved against it; without fragment.
	Base string `json:"base"`
	// Forms are the page's forms in document order; their fields carry
	// their personal-data category.
	Forms []observation.Form `json:"forms,omitempty"`
	// Links are the absolute http(s) URLs of <a href>, <area href> and
	// <meta http-equiv=refresh>, without fragment, first occurrence only,
	// in document order.
	Links []string `json:"links,omitempty"`
	// Routes are the links to routes of a single-page application that
	// routes with the fragment ("#/contact", "#!/contact", see
	// finding.IsHashRoute), absolute and with their fragment, first
	// occurrence only, in document order. Only a browser sees those pages.
	Routes []string `json:"routes,omitempty"`
	// LinkText maps a link or route to the text of its first anchor that
	// has text (collapsed, at most 120 bytes); crawlers rank links with it.
	LinkText map[string]string `json:"-"`
	// Resources are the subresources the page loads, absolute http(s)
	// URLs without fragment, first occurrence of each kind and URL only.
	Resources []observation.Resource `json:"resources,omitempty"`
	// Meta is what the page's <meta> elements declare about its security
	// policies (CSP, referrer policy), and its number of scripts.
	Meta observation.MetaPolicy `json:"meta"`
}

// Parse extracts the title, forms, links and resources of body, an HTML
// page decoded to UTF-8 and fetched from pageURL. It returns an error only
// when pageURL is not an absolute URL; malformed HTML is read the way a
// browser would read it, as far as forms, links and resources go.
func Parse(body []byte, pageURL string) (*Document, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("page: parse page URL %q: %w", pageURL, err)
	}
	if !u.IsAbs() {
		return nil, fmt.Errorf("page: page URL %q is not absolute", pageURL)
	}
	u.Fragment, u.RawFragment = "", ""
	u.Host = lowerASCII(u.Host)
	p := newParser(body, u, nil)
	p.run()
	if want := p.labelledByIDs(); want != nil {
		// Fields named by aria-labelledby the elements whose text labels
		// them, which may come before them: read the page again,
		// collecting the text of those elements only.
		p = newParser(body, u, want)
		p.run()
	}
	return p.document(), nil
}

func newParser(body []byte, page *url.URL, wantIDs map[string]bool) *parser {
	return &parser{
		z:         html.NewTokenizer(bytes.NewReader(body)),
		page:      page,
		ids:       map[string]idRef{},
		wantIDs:   wantIDs,
		foreignAt: -1,
		selectAt:  -1,
		anchor:    -1,
	}
}

// labelledByIDs returns the ids that fields name in aria-labelledby, or nil.
func (p *parser) labelledByIDs() map[string]bool {
	var ids map[string]bool
	for _, c := range p.controls {
		for _, id := range strings.Fields(c.labelledBy) {
			if ids == nil {
				ids = map[string]bool{}
			}
			ids[id] = true
		}
	}
	return ids
}

// maxDepth bounds the stack of open elements, as browsers do, so that
// pathological nesting costs linear time.
const maxDepth = 512

type parser struct {
	z    *html.Tokenizer
	page *url.URL

	title     textSink
	titleSeen bool
	inTitle   bool
	baseHref  string
	baseSeen  bool

	forms    []*formState
	current  *formState // the HTML parser's form element pointer
	controls []*control
	labels   []*labelState

	// ids maps each id to the first element that has it.
	ids    map[string]idRef
	lastID string // id of the element just registered, if it was the first with it
	// wantIDs are the ids whose element text aria-labelledby needs.
	wantIDs map[string]bool

	stack      []elem        // open elements
	sinks      []*textSink   // text sinks of open elements, innermost last
	openLabels []*labelState // open label elements, innermost last

	raw       bool // the next text token is the raw content of script, style, textarea…
	template  int  // depth of <template> elements: their content is not part of the page
	foreignAt int  // index in stack of the outermost svg or math element, -1 if none
	selectAt  int  // index in stack of the open select element, -1 if none
	selectGen int  // identifies the open select element for text sinks, 0 if none
	selects   int

	fieldset  *fieldsetState // innermost open fieldset, nil if none
	selectCtl *control       // the open select element's field, nil if none
	buttons   []*buttonState // submit buttons, for the texts of their forms

	links     []string
	linkText  []string // text of each entry of links (anchors only)
	anchor    int      // index in links of the open <a>, -1 if none
	resources []observation.Resource
	meta      observation.MetaPolicy
}

// elem is an open element.
type elem struct {
	tag   atom.Atom
	name  string // tag name when tag is 0 (unknown element)
	sinks uint8  // number of text sinks the element opened
	label bool   // whether it opened a label
	// fieldset is set when the element is a fieldset (it becomes
	// p.fieldset), legend when it is the legend of p.fieldset.
	fieldset, legend bool
}

// fieldsetState is a fieldset element: its legend gives the question of
// the controls it groups, and a disabled fieldset disables them.
type fieldsetState struct {
	parent     *fieldsetState
	disabled   bool
	legend     *textSink // its first legend's text, nil before one is seen
	legendOpen bool      // its first legend is open
}

// legendText returns the text of the innermost legend around the
// fieldset chain that starts at f.
func (f *fieldsetState) legendText() string {
	for ; f != nil; f = f.parent {
		if f.legend != nil {
			if t := f.legend.String(); t != "" {
				return t
			}
		}
	}
	return ""
}

// buttonState is a submit button and its text.
type buttonState struct {
	hasFormAttr bool
	formAttr    string
	owner       *formState
	text        textSink
	ariaLabel   string
	title       string
}

type formState struct {
	form      observation.Form
	action    string
	hasAction bool
	method    string
}

type control struct {
	field     observation.Field
	submitter bool // a submit button overriding action or method, not a field
	name      string
	// Submit button overrides.
	formAction    string
	hasFormAction bool
	formMethod    string
	hasFormMethod bool

	hasFormAttr bool
	formAttr    string
	owner       *formState // form element pointer when the control was created

	labels     []*labelState
	labelledBy string
	ariaLabel  string
	title      string

	fieldset *fieldsetState // innermost fieldset around the control
	options  []*textSink    // a select's option texts (the first maxOptions)
	// optionURLs counts the options whose value is an address.
	optionURLs int
}

// maxOptions bounds the option texts kept of a select.
const maxOptions = 40

// maxOptionText is the length in runes kept of an option text.
const maxOptionText = 80

// maxButtons bounds the button texts kept of a form.
const maxButtons = 8

type labelState struct {
	order  int
	forID  string
	hasFor bool
	// claimed is set once a wrapping label (without for) has labelled its
	// first labelable descendant.
	claimed bool
	text    textSink
}

// idRef is the first element with a given id.
type idRef struct {
	form *formState
	ctl  *control  // a labelable control that is a field
	text *textSink // the element's text, when aria-labelledby may need it
}

// attrs holds the attributes Parse reads; the first occurrence of an
// attribute wins, as in the HTML parser.
type attrs struct {
	set                                           uint32
	id, name, typ, href, src, srcset              string
	data, action, method, form, forAttr           string
	formAction, formMethod, autocomplete          string
	placeholder, ariaLabel, ariaLabelledBy, title string
	rel, httpEquiv, content                       string
	onchange, role, value, alt, integrity         string
}

const (
	aID = 1 << iota
	aName
	aType
	aHref
	aSrc
	aSrcset
	aData
	aAction
	aMethod
	aForm
	aFor
	aFormAction
	aFormMethod
	aAutocomplete
	aPlaceholder
	aAriaLabel
	aAriaLabelledBy
	aTitle
	aRel
	aHTTPEquiv
	aContent
	aDisabled
	aOnchange
	aRole
	aValue
	aAlt
	aIntegrity
)

func (a *attrs) has(bit uint32) bool { return a.set&bit != 0 }

func (p *parser) readAttrs(a *attrs) {
	for more := true; more; {
		var k, v []byte
		k, v, more = p.z.TagAttr()
		var dst *string
		var bit uint32
		switch string(k) {
		case "id":
			dst, bit = &a.id, aID
		case "name":
			dst, bit = &a.name, aName
		case "type":
			dst, bit = &a.typ, aType
		case "href":
			dst, bit = &a.href, aHref
		case "src":
			dst, bit = &a.src, aSrc
		case "srcset":
			dst, bit = &a.srcset, aSrcset
		case "data":
			dst, bit = &a.data, aData
		case "action":
			dst, bit = &a.action, aAction
		case "method":
			dst, bit = &a.method, aMethod
		case "form":
			dst, bit = &a.form, aForm
		case "for":
			dst, bit = &a.forAttr, aFor
		case "formaction":
			dst, bit = &a.formAction, aFormAction
		case "formmethod":
			dst, bit = &a.formMethod, aFormMethod
		case "autocomplete":
			dst, bit = &a.autocomplete, aAutocomplete
		case "placeholder":
			dst, bit = &a.placeholder, aPlaceholder
		case "aria-label":
			dst, bit = &a.ariaLabel, aAriaLabel
		case "aria-labelledby":
			dst, bit = &a.ariaLabelledBy, aAriaLabelledBy
		case "title":
			dst, bit = &a.title, aTitle
		case "rel":
			dst, bit = &a.rel, aRel
		case "http-equiv":
			dst, bit = &a.httpEquiv, aHTTPEquiv
		case "content":
			dst, bit = &a.content, aContent
		case "disabled":
			a.set |= aDisabled
			continue
		case "onchange":
			dst, bit = &a.onchange, aOnchange
		case "role":
			dst, bit = &a.role, aRole
		case "value":
			dst, bit = &a.value, aValue
		case "alt":
			dst, bit = &a.alt, aAlt
		case "integrity":
			dst, bit = &a.integrity, aIntegrity
		default:
			continue
		}
		if a.set&bit == 0 {
			a.set |= bit
			*dst = string(v)
		}
	}
}

func (p *parser) run() {
	for {
		switch tt := p.z.Next(); tt {
		case html.ErrorToken:
			return // io.EOF, or the input is exhausted
		case html.TextToken:
			p.text()
		case html.StartTagToken, html.SelfClosingTagToken:
			p.start(tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			p.end()
		}
	}
}

func (p *parser) text() {
	raw := p.raw
	p.raw = false
	if p.template > 0 {
		return
	}
	if p.inTitle {
		p.title.write(p.z.Text())
		return
	}
	if !raw && p.anchor >= 0 && len(p.linkText[p.anchor]) < maxLinkText {
		p.linkText[p.anchor] = appendCollapsed(p.linkText[p.anchor], p.z.Text(), maxLinkText)
	}
	if raw || len(p.sinks) == 0 {
		return
	}
	t := p.z.Text()
	for _, s := range p.sinks {
		if !s.full() && (p.selectGen == 0 || s.gen == p.selectGen) {
			s.write(t)
		}
	}
}

// isRawTag reports whether the tokenizer returns the content of t as one
// text token (raw text and RCDATA elements, noscript with scripting
// enabled as in browsers).
func isRawTag(t atom.Atom) bool {
	switch t {
	case atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp,
		atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext:
		return true
	}
	return false
}

func isVoid(t atom.Atom) bool {
	switch t {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img,
		atom.Input, atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track,
		atom.Wbr, atom.Keygen, atom.Frame, atom.Basefont, atom.Bgsound, atom.Image:
		return true
	}
	return false
}

// breaksOutOfForeign lists the HTML start tags that end svg or math content.
func breaksOutOfForeign(t atom.Atom) bool {
	switch t {
	case atom.B, atom.Big, atom.Blockquote, atom.Body, atom.Br, atom.Center,
		atom.Code, atom.Dd, atom.Div, atom.Dl, atom.Dt, atom.Em, atom.Embed,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Head, atom.Hr,
		atom.I, atom.Img, atom.Li, atom.Listing, atom.Menu, atom.Meta, atom.Nobr,
		atom.Ol, atom.P, atom.Pre, atom.Ruby, atom.S, atom.Small, atom.Span,
		atom.Strong, atom.Strike, atom.Sub, atom.Sup, atom.Table, atom.Tt,
		atom.U, atom.Ul, atom.Var:
		return true
	}
	return false
}

// closesP lists start tags that end an open paragraph.
func closesP(t atom.Atom) bool {
	switch t {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Details,
		atom.Dialog, atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure,
		atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Header, atom.Hgroup, atom.Hr, atom.Main, atom.Menu, atom.Nav, atom.Ol,
		atom.P, atom.Pre, atom.Section, atom.Table, atom.Ul:
		return true
	}
	return false
}

func (p *parser) start(selfClosing bool) {
	raw := p.z.Raw()
	t, name, rest := tagName(raw, 1)
	if p.template > 0 {
		if t == atom.Template {
			p.template++
		}
		p.raw = isRawTag(t)
		return
	}
	var a attrs
	if readsAttrs(t) || hasIDAttr(rest) {
		p.readAttrs(&a)
	}

	foreign := p.foreignAt >= 0
	if foreign && breaksOutOfForeign(t) {
		p.popTo(p.foreignAt)
		foreign = false
	}
	// Self-closing tags are honoured in svg and math only.
	selfClosing = selfClosing && (foreign || t == atom.Svg || t == atom.Math)
	if foreign && isRawTag(t) {
		// In svg and math, <title> or <style> hold markup, not raw text.
		p.z.NextIsNotRawText()
	} else {
		p.raw = isRawTag(t)
	}
	p.impliedEnd(t)

	switch t {
	case atom.Template:
		if !foreign {
			p.template++
			return
		}
	case atom.Title:
		if !foreign && !p.titleSeen {
			p.titleSeen, p.inTitle = true, true
			p.title.limit = maxTitle
		}
	case atom.Base:
		if a.has(aHref) && !p.baseSeen {
			p.baseSeen, p.baseHref = true, a.href
		}
	case atom.A, atom.Area:
		if a.has(aHref) {
			p.links = append(p.links, a.href)
			p.linkText = append(p.linkText, "")
			if t == atom.A {
				p.anchor = len(p.links) - 1
			}
		}
	case atom.Meta:
		if a.has(aHTTPEquiv) && strings.EqualFold(strings.TrimSpace(a.httpEquiv), "refresh") {
			if u, ok := refreshURL(a.content); ok {
				p.links = append(p.links, u)
				p.linkText = append(p.linkText, "")
			}
		}
		p.metaPolicy(&a)
	case atom.Link:
		if a.has(aHref) && hasToken(a.rel, "stylesheet") {
			p.resource("stylesheet", a.href)
		}
	case atom.Script:
		p.meta.Scripts++
		if a.has(aSrc) && strings.TrimSpace(a.src) != "" {
			p.resources = append(p.resources, observation.Resource{Kind: "script", URL: a.src, Integrity: strings.TrimSpace(a.integrity), Src: strings.TrimSpace(a.src)})
		}
	case atom.Iframe:
		p.resourceAttr("iframe", a.src, a.has(aSrc))
	case atom.Frame:
		p.resourceAttr("frame", a.src, a.has(aSrc))
	case atom.Img:
		if a.has(aSrc) && strings.TrimSpace(a.src) != "" {
			p.resource("img", a.src)
		} else if a.has(aSrcset) {
			p.resourceAttr("img", firstSrcset(a.srcset), true)
		}
	case atom.Object:
		p.resourceAttr("object", a.data, a.has(aData))
	case atom.Embed:
		p.resourceAttr("embed", a.src, a.has(aSrc))
	case atom.Audio, atom.Video, atom.Source:
		p.resourceAttr("media", a.src, a.has(aSrc))
	case atom.Form:
		if p.current != nil {
			return // a form inside a form is ignored, attributes and all
		}
		f := &formState{action: a.action, hasAction: a.has(aAction), method: a.method}
		f.form.Index = len(p.forms)
		f.form.ID, f.form.Name = valid(a.id), valid(a.name)
		f.form.Role = clean(lowerASCII(a.role), maxText)
		f.form.Label = clean(a.ariaLabel, maxText)
		if f.form.Label == "" {
			f.form.Label = clean(a.title, maxText)
		}
		p.forms = append(p.forms, f)
		p.current = f
		p.registerID(&a, idRef{form: f})
	case atom.Input:
		if p.selectAt >= 0 {
			p.popTo(p.selectAt) // an input ends an open select
		}
		p.input(&a)
		return
	case atom.Select:
		if p.selectAt >= 0 {
			p.popTo(p.selectAt) // a select inside a select closes it and is ignored
			return
		}
		p.field("select", "", &a)
	case atom.Textarea:
		p.field("textarea", "", &a)
		return // raw text: no element to keep open
	case atom.Button:
		if sink := p.button(&a); sink != nil {
			p.pushSink(t, name, &a, sink)
			return
		}
	case atom.Option:
		if p.selectAt >= 0 && p.selectCtl != nil && !foreign {
			p.option(t, name, &a)
			return
		}
	case atom.Fieldset:
		if !foreign {
			p.registerID(&a, idRef{})
			if p.pushSink(t, name, &a, nil) {
				p.stack[len(p.stack)-1].fieldset = true
				p.fieldset = &fieldsetState{parent: p.fieldset, disabled: a.has(aDisabled)}
			}
			return
		}
	case atom.Legend:
		if fs := p.fieldset; fs != nil && fs.legend == nil && !foreign {
			p.registerID(&a, idRef{})
			s := &textSink{limit: maxText, gen: p.selectGen}
			if p.pushSink(t, name, &a, s) {
				p.stack[len(p.stack)-1].legend = true
				fs.legend, fs.legendOpen = s, true
			}
			return
		}
	case atom.Output, atom.Meter, atom.Progress:
		p.claimLabel()
	case atom.Label:
		p.label(&a, selfClosing)
		return
	}
	if t != atom.Form && t != atom.Select && t != atom.Button {
		p.registerID(&a, idRef{})
	}
	if isVoid(t) || p.raw || selfClosing {
		return
	}
	p.push(t, name, &a, nil)
}

// push opens an element; id text is collected when aria-labelledby may need it.
func (p *parser) push(t atom.Atom, name []byte, a *attrs, l *labelState) {
	if len(p.stack) >= maxDepth {
		return
	}
	e := elem{tag: t}
	if t == 0 {
		e.name = string(name)
	}
	if l != nil {
		l.text.gen = p.selectGen
		p.sinks = append(p.sinks, &l.text)
		p.openLabels = append(p.openLabels, l)
		e.sinks, e.label = 1, true
	}
	if p.wantIDs[a.id] && a.has(aID) {
		if r, ok := p.ids[a.id]; ok && p.lastID == a.id && r.text == nil && r.form == nil && r.ctl == nil {
			s := &textSink{limit: maxText, gen: p.selectGen}
			r.text = s
			p.ids[a.id] = r
			p.sinks = append(p.sinks, s)
			e.sinks++
		}
	}
	switch t {
	case atom.Svg, atom.Math:
		if p.foreignAt < 0 {
			p.foreignAt = len(p.stack)
		}
	case atom.Select:
		p.selects++
		p.selectAt, p.selectGen = len(p.stack), p.selects
	}
	p.stack = append(p.stack, e)
}

// pushSink opens an element whose text also goes to s (when not nil); it
// reports whether the element was opened (the stack has a depth limit).
func (p *parser) pushSink(t atom.Atom, name []byte, a *attrs, s *textSink) bool {
	n := len(p.stack)
	p.push(t, name, a, nil)
	if len(p.stack) == n {
		return false
	}
	if s != nil {
		p.sinks = append(p.sinks, s)
		p.stack[n].sinks++
	}
	return true
}

// popTo closes the element at stack index i and every element above it.
func (p *parser) popTo(i int) {
	if i < 0 || i >= len(p.stack) {
		return
	}
	for j := len(p.stack) - 1; j >= i; j-- {
		e := p.stack[j]
		p.sinks = p.sinks[:len(p.sinks)-int(e.sinks)]
		if e.label {
			p.openLabels = p.openLabels[:len(p.openLabels)-1]
		}
		if e.legend && p.fieldset != nil {
			p.fieldset.legendOpen = false
		}
		if e.fieldset && p.fieldset != nil {
			p.fieldset = p.fieldset.parent
		}
	}
	p.stack = p.stack[:i]
	if p.foreignAt >= i {
		p.foreignAt = -1
	}
	if p.selectAt >= i {
		p.selectAt, p.selectGen, p.selectCtl = -1, 0, nil
	}
}

// lastOpen returns the stack index of the innermost open element with
// the given tag, stopping at any tag in stop; -1 if none.
func (p *parser) lastOpen(t atom.Atom, name []byte, stop ...atom.Atom) int {
	for i := len(p.stack) - 1; i >= 0; i-- {
		e := p.stack[i]
		if e.tag == t && (t != 0 || e.name == string(name)) {
			return i
		}
		for _, s := range stop {
			if e.tag == s {
				return -1
			}
		}
	}
	return -1
}

// impliedEnd closes the elements that a start tag ends implicitly, the
// common cases of the HTML tree builder: paragraphs, list items, options,
// table cells and rows.
func (p *parser) impliedEnd(t atom.Atom) {
	top := atom.Atom(0)
	if n := len(p.stack); n > 0 {
		top = p.stack[n-1].tag
	}
	switch {
	case closesP(t) && top == atom.P:
		p.popTo(len(p.stack) - 1)
	case t == atom.Li:
		p.popTo(p.lastOpen(atom.Li, nil, atom.Ul, atom.Ol, atom.Menu, atom.Table))
	case t == atom.Dt || t == atom.Dd:
		if top == atom.Dt || top == atom.Dd {
			p.popTo(len(p.stack) - 1)
		}
	case t == atom.Option || t == atom.Optgroup:
		if top == atom.Option {
			p.popTo(len(p.stack) - 1)
		}
	case t == atom.Td || t == atom.Th:
		if i := p.lastOpen(atom.Td, nil, atom.Tr, atom.Table); i >= 0 {
			p.popTo(i)
		} else {
			p.popTo(p.lastOpen(atom.Th, nil, atom.Tr, atom.Table))
		}
	case t == atom.Tr:
		p.popTo(p.lastOpen(atom.Tr, nil, atom.Table, atom.Tbody, atom.Thead, atom.Tfoot))
	}
}

func (p *parser) end() {
	p.raw, p.inTitle = false, false
	t, name, _ := tagName(p.z.Raw(), 2)
	if p.template > 0 {
		if t == atom.Template {
			p.template--
		}
		return
	}
	if t == atom.A {
		p.anchor = -1
	}
	if t == atom.Form {
		// </form> resets the form element pointer wherever it appears;
		// the element itself may already be closed (forms in tables).
		p.current = nil
	}
	p.popTo(p.lastOpen(t, name))
}

// registerID records the element as the first one with its id.
func (p *parser) registerID(a *attrs, r idRef) {
	p.lastID = ""
	if a.id == "" {
		return // an empty id names nothing
	}
	if _, ok := p.ids[a.id]; ok {
		return
	}
	p.ids[a.id] = r
	p.lastID = a.id
}

func (p *parser) resourceAttr(kind, raw string, ok bool) {
	if ok && strings.TrimSpace(raw) != "" {
		p.resource(kind, raw)
	}
}

func (p *parser) resource(kind, raw string) {
	p.resources = append(p.resources, observation.Resource{Kind: kind, URL: raw})
}

// metaPolicy records a <meta> that declares a content security policy or
// a referrer policy. Browsers honour them only in the document's head;
// like the MDN HTTP Observatory, Parse takes them wherever they are.
func (p *parser) metaPolicy(a *attrs) {
	switch {
	case a.has(aHTTPEquiv) && a.has(aContent) && strings.EqualFold(strings.TrimSpace(a.httpEquiv), "content-security-policy"):
		if a.content != "" {
			p.meta.CSP = append(p.meta.CSP, a.content)
		}
	case !a.has(aHTTPEquiv) && strings.EqualFold(strings.TrimSpace(a.name), "referrer") && a.content != "":
		p.meta.Referrer = a.content
	}
}

// claimLabel gives the innermost open label without for, if it has not
// labelled a control yet, to the labelable control being opened.
func (p *parser) claimLabel() *labelState {
	if n := len(p.openLabels); n > 0 {
		if l := p.openLabels[n-1]; !l.hasFor && !l.claimed {
			l.claimed = true
			return l
		}
	}
	return nil
}

func (p *parser) label(a *attrs, selfClosing bool) {
	l := &labelState{order: len(p.labels), forID: a.forAttr, hasFor: a.has(aFor), text: textSink{limit: maxText}}
	p.labels = append(p.labels, l)
	p.registerID(a, idRef{})
	if !selfClosing {
		p.push(atom.Label, nil, a, l)
	}
}

// inputTypes are the input types browsers know; others are text.
var inputTypes = map[string]bool{
	"hidden": true, "text": true, "search": true, "tel": true, "url": true,
	"email": true, "password": true, "date": true, "month": true, "week": true,
	"time": true, "datetime-local": true, "number": true, "range": true,
	"color": true, "checkbox": true, "radio": true, "file": true,
	"submit": true, "image": true, "reset": true, "button": true,
}

func (p *parser) input(a *attrs) {
	typ := lowerASCII(a.typ)
	if !inputTypes[typ] {
		typ = "text"
	}
	switch typ {
	case "hidden":
		p.registerID(a, idRef{})
	case "submit", "image", "button", "reset":
		p.claimLabel()
		p.registerID(a, idRef{})
		if typ == "submit" || typ == "image" {
			if a.has(aFormAction) || a.has(aFormMethod) {
				p.addSubmitter(a)
			}
			b := p.newButton(a)
			if typ == "submit" {
				b.text.writeString(a.value)
			} else {
				b.text.writeString(a.alt)
			}
		}
	default:
		p.field("input", typ, a)
	}
}

// button records a button element; for a submit button it returns the
// sink its text goes to.
func (p *parser) button(a *attrs) *textSink {
	p.claimLabel()
	p.registerID(a, idRef{})
	switch lowerASCII(a.typ) {
	case "button", "reset":
		return nil
	}
	if a.has(aFormAction) || a.has(aFormMethod) {
		p.addSubmitter(a)
	}
	return &p.newButton(a).text
}

// newButton records a submit button of the form it belongs to.
func (p *parser) newButton(a *attrs) *buttonState {
	b := &buttonState{hasFormAttr: a.has(aForm), formAttr: a.form, text: textSink{limit: maxOptionText},
		ariaLabel: a.ariaLabel, title: a.title}
	if !b.hasFormAttr {
		b.owner = p.current
	}
	p.buttons = append(p.buttons, b)
	return b
}

// option records an option of the open select and opens it.
func (p *parser) option(t atom.Atom, name []byte, a *attrs) {
	c := p.selectCtl
	c.field.OptionCount++
	if a.has(aValue) && isAddress(a.value) {
		c.optionURLs++
	}
	var s *textSink
	if len(c.options) < maxOptions {
		s = &textSink{limit: maxOptionText, gen: p.selectGen}
		c.options = append(c.options, s)
	}
	p.registerID(a, idRef{})
	p.pushSink(t, name, a, s)
}

// isAddress reports whether an option value is a URL or a path, as in
// the menus that go to the chosen page.
func isAddress(v string) bool {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "?") || strings.HasPrefix(v, "#") {
		return true
	}
	l := lowerASCII(v)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// navigates reports whether an onchange handler acts at once: submits
// the form or changes the page's address.
func navigates(onchange string) bool {
	l := lowerASCII(onchange)
	for _, w := range []string{"submit", "location", "href", "window.open", "navigate"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// inDisabledFieldset reports whether a control opened now is disabled by
// a fieldset: one around it is disabled and it is not in that fieldset's
// first legend.
func (p *parser) inDisabledFieldset() bool {
	for f := p.fieldset; f != nil; f = f.parent {
		if f.disabled && !f.legendOpen {
			return true
		}
	}
	return false
}

func (p *parser) addSubmitter(a *attrs) {
	c := p.newControl(a)
	c.submitter = true
	c.name = valid(a.name)
	c.formAction, c.hasFormAction = a.formAction, a.has(aFormAction)
	c.formMethod, c.hasFormMethod = a.formMethod, a.has(aFormMethod)
}

func (p *parser) newControl(a *attrs) *control {
	c := &control{hasFormAttr: a.has(aForm), formAttr: a.form}
	if !c.hasFormAttr {
		c.owner = p.current
	}
	p.controls = append(p.controls, c)
	return c
}

// field records an input, select or textarea.
func (p *parser) field(tag, typ string, a *attrs) {
	c := p.newControl(a)
	c.field = observation.Field{
		Tag:          tag,
		Type:         typ,
		Name:         valid(a.name),
		ID:           valid(a.id),
		Autocomplete: clean(lowerASCII(a.autocomplete), maxText),
		Placeholder:  clean(a.placeholder, maxText),
		Disabled:     a.has(aDisabled) || p.inDisabledFieldset(),
		Navigates:    a.has(aOnchange) && navigates(a.onchange),
	}
	c.labelledBy, c.ariaLabel, c.title = a.ariaLabelledBy, a.ariaLabel, a.title
	c.fieldset = p.fieldset
	if l := p.claimLabel(); l != nil {
		c.labels = append(c.labels, l)
	}
	p.registerID(a, idRef{ctl: c})
	if tag == "select" {
		p.lastID = "" // a select's text is its options, never a label
		p.selectCtl = c
	}
}

// document resolves URLs, form ownership and labels once the whole page
// has been read.
func (p *parser) document() *Document {
	base := p.page
	if p.baseSeen {
		if u, ok := resolve(p.page, p.baseHref); ok && u.Scheme != "data" && u.Scheme != "javascript" {
			base = u
		}
	}
	d := &Document{Title: p.title.String(), Base: base.String(), Meta: p.meta}

	res := newResolver(base)
	seen := make(map[string]bool, len(p.links))
	for i, raw := range p.links {
		u, ok := res.web(raw)
		if !ok {
			continue
		}
		if !seen[u] {
			seen[u] = true
			d.Links = append(d.Links, u)
		}
		if _, frag, found := strings.Cut(cleanURL(raw), "#"); found && finding.IsHashRoute(frag) {
			u += "#" + frag
			if !seen[u] {
				seen[u] = true
				d.Routes = append(d.Routes, u)
			}
		}
		if txt := p.linkText[i]; txt != "" {
			if d.LinkText == nil {
				d.LinkText = map[string]string{}
			}
			if d.LinkText[u] == "" {
				d.LinkText[u] = txt
			}
		}
	}
	type kindURL struct{ kind, url string }
	seenRes := make(map[kindURL]bool, len(p.resources))
	for _, r := range p.resources {
		if u, ok := res.web(r.URL); ok && !seenRes[kindURL{r.Kind, u}] {
			seenRes[kindURL{r.Kind, u}] = true
			d.Resources = append(d.Resources, observation.Resource{Kind: r.Kind, URL: u, Integrity: r.Integrity, Src: r.Src})
		}
	}

	for _, l := range p.labels {
		if !l.hasFor {
			continue
		}
		if r, ok := p.ids[l.forID]; ok && r.ctl != nil {
			r.ctl.labels = append(r.ctl.labels, l)
		}
	}

	pageURL := p.page.String()
	for _, f := range p.forms {
		f.form.Action = formAction(base, pageURL, f.action, f.hasAction)
		f.form.Method = formMethod(f.method, "get")
	}
	for _, c := range p.controls {
		owner := c.owner
		if c.hasFormAttr {
			owner = p.ids[c.formAttr].form
		}
		if owner == nil {
			continue
		}
		if c.submitter {
			s := observation.Submitter{Name: c.name, Action: owner.form.Action, Method: owner.form.Method}
			if c.hasFormAction {
				s.Action = formAction(base, pageURL, c.formAction, true)
			}
			if c.hasFormMethod {
				s.Method = formMethod(c.formMethod, "get")
			}
			owner.form.Submitters = append(owner.form.Submitters, s)
			continue
		}
		fl := c.field
		fl.Label = p.labelText(c)
		fl.Aria = p.ariaText(c)
		fl.Legend = c.fieldset.legendText()
		for _, o := range c.options {
			if t := o.String(); t != "" {
				fl.Options = append(fl.Options, t)
			}
		}
		if c.optionURLs >= 2 && 2*c.optionURLs >= fl.OptionCount {
			fl.Navigates = true
		}
		fl.Category = pii.ClassifyField(fl)
		owner.form.Fields = append(owner.form.Fields, fl)
	}
	for _, b := range p.buttons {
		owner := b.owner
		if b.hasFormAttr {
			owner = p.ids[b.formAttr].form
		}
		if owner == nil || len(owner.form.Buttons) >= maxButtons {
			continue
		}
		t := b.text.String()
		if t == "" {
			t = clean(b.ariaLabel, maxOptionText)
		}
		if t == "" {
			t = clean(b.title, maxOptionText)
		}
		if t != "" {
			owner.form.Buttons = append(owner.form.Buttons, valid(t))
		}
	}
	for _, f := range p.forms {
		d.Forms = append(d.Forms, f.form)
	}
	return d
}

// labelText joins the text of the control's labels in document order,
// falling back on its title attribute.
func (p *parser) labelText(c *control) string {
	if len(c.labels) == 0 {
		return clean(c.title, maxText)
	}
	sort.Slice(c.labels, func(i, j int) bool { return c.labels[i].order < c.labels[j].order })
	if len(c.labels) == 1 {
		return c.labels[0].text.String()
	}
	s := textSink{limit: maxText}
	for _, l := range c.labels {
		s.writeString(" " + l.text.String())
	}
	if s.String() == "" {
		return clean(c.title, maxText)
	}
	return s.String()
}

// ariaText is the text of the elements aria-labelledby names, then the
// aria-label.
func (p *parser) ariaText(c *control) string {
	s := textSink{limit: maxText}
	for _, id := range strings.Fields(c.labelledBy) {
		if r, ok := p.ids[id]; ok && r.text != nil {
			s.writeString(" " + r.text.String())
		}
	}
	if c.ariaLabel != "" {
		s.writeString(" " + c.ariaLabel)
	}
	return s.String()
}

// formAction resolves a form's action or a button's formaction: empty means
// the page itself, javascript: URLs are kept as written, and a value that
// cannot be parsed is kept trimmed.
func formAction(base *url.URL, pageURL, raw string, present bool) string {
	s := cleanURL(raw)
	if !present || s == "" {
		return pageURL
	}
	if hasScheme(s, "javascript") {
		return s
	}
	u, ok := resolve(base, s)
	if !ok {
		return valid(s)
	}
	return u.String()
}

// formMethod returns the lower-case method, or def when it is not one HTML
// knows.
func formMethod(v, def string) string {
	switch m := lowerASCII(v); m {
	case "get", "post", "dialog":
		return m
	}
	return def
}

// tagName reads the name of a tag token from its raw bytes, from offset
// off ("<a" or "</a"), without allocating for known elements: it returns
// the atom, the lower-case name when the element is unknown to the atom
// table, and the rest of the tag.
func tagName(raw []byte, off int) (atom.Atom, []byte, []byte) {
	if off > len(raw) {
		return 0, nil, nil
	}
	j := off
	for j < len(raw) && !isTagNameEnd(raw[j]) {
		j++
	}
	n := raw[off:j]
	var buf [16]byte
	if len(n) <= len(buf) {
		l := buf[:len(n)]
		for i, c := range n {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			l[i] = c
		}
		if t := atom.Lookup(l); t != 0 {
			return t, nil, raw[j:]
		}
	}
	l := make([]byte, len(n))
	for i, c := range n {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		l[i] = c
	}
	return 0, l, raw[j:]
}

func isTagNameEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>'
}

// readsAttrs lists the elements whose attributes Parse always reads; of
// the others it only needs the id.
func readsAttrs(t atom.Atom) bool {
	switch t {
	case atom.A, atom.Area, atom.Base, atom.Meta, atom.Link, atom.Script,
		atom.Iframe, atom.Frame, atom.Img, atom.Object, atom.Embed, atom.Audio,
		atom.Video, atom.Source, atom.Form, atom.Input, atom.Select,
		atom.Textarea, atom.Button, atom.Label, atom.Option, atom.Fieldset:
		return true
	}
	return false
}

// hasIDAttr reports whether the attributes of a raw tag may include id:
// "id" preceded by white space, a slash or a quote and followed by white
// space, "=", "/" or ">". It may err towards yes (text inside a value),
// never towards no.
func hasIDAttr(rest []byte) bool {
	for i := 1; i+2 < len(rest); i++ {
		if rest[i]|0x20 != 'i' || rest[i+1]|0x20 != 'd' {
			continue
		}
		switch rest[i-1] {
		case ' ', '\t', '\n', '\r', '\f', '/', '"', '\'':
		default:
			continue
		}
		switch rest[i+2] {
		case ' ', '\t', '\n', '\r', '\f', '=', '/', '>':
			return true
		}
	}
	return false
}

// maxLinkText bounds the text kept for one link.
const maxLinkText = 120

// appendCollapsed appends text to s with runs of white space collapsed to
// one space, trimmed, and stops at limit bytes.
func appendCollapsed(s string, text []byte, limit int) string {
	b := []byte(s)
	space := len(b) > 0
	for _, c := range text {
		if len(b) >= limit {
			break
		}
		switch c {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			space = len(b) > 0
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = append(b, c)
	}
	return string(b)
}

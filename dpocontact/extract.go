// Package dpocontact finds the contact of an organisation's data
// protection officer (DPO) on its web site: in the legal notice, the
// personal-data and privacy pages, and the Contact lines of
// /.well-known/security.txt (RFC 9116). A contact counts only when the
// words around it name the DPO ("DPO", "délégué à la protection des
// données", "data protection officer"): a generic contact address is not
// the DPO's, and proposing it would send a person's request to the wrong
// desk.
package dpocontact

import (
	"bytes"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"vigie/securitytxt"
)

// Kinds of contact.
const (
	KindEmail   = "email"
	KindAddress = "address"
	KindForm    = "form" // a web form to write to the DPO
)

// Contact is a DPO contact found on a site.
type Contact struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	// URLs are the pages or files it was found on, first first.
	URLs []string `json:"urls"`
	// Context is the text that names the DPO near it, shortened.
	Context string `json:"context,omitempty"`
}

var (
	// dpoWords name the DPO, in French or English.
	dpoWords = regexp.MustCompile(`(?i)\b(?:dpo|dpd)\b|d[ée]l[ée]gu[ée](?:e|·e|\(e\))?s?\s+(?:à|a)\s+la\s+protection\s+des\s+donn[ée]es|data\s+protection\s+officer`)
	emailRe  = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// postcode and town, the last line of a French postal address.
	postcodeRe = regexp.MustCompile(`\b\d{5}\s+\p{Lu}[\p{L}'’\- ]*\p{L}(?:\s+(?:CEDEX|Cedex)(?:\s+\d{1,2})?)?`)
	// streetRe recognises the street line of an address.
	streetRe = regexp.MustCompile(`(?i)\b\d+(?:\s*(?:bis|ter))?,?\s+(?:rue|place|avenue|av\.|boulevard|bd|allée|quai|chemin|cours|impasse|square|route|esplanade|parvis|rond-point|grande rue|voie)\b|\b(?:BP|CS|TSA)\s*\d+|\bplace\s+\p{Lu}`)
	// formWords are what a link to a form to write to someone says.
	formWords = regexp.MustCompile(`(?i)formulaire|\bform\b|contact|écrire|ecrire|saisir|droits|rights|\bdpo\b|\bdpd\b`)
	// regulator links (a complaint to the CNIL) are never the DPO's form.
	regulatorWords = regexp.MustCompile(`(?i)\bcnil\b|\bedpb\b`)
)

// NamesDPO reports whether text names the data protection officer
// ("DPO", "délégué à la protection des données", "data protection
// officer").
func NamesDPO(text string) bool { return dpoWords.MatchString(text) }

// localPartNamesDPO reports whether an address's local part is the DPO's
// by its name alone: dpo@, dpd@, dpo-mairie@...
func localPartNamesDPO(email string) bool {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	for _, w := range strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '-' || r == '_' || r == '+' }) {
		if w == "dpo" || w == "dpd" {
			return true
		}
	}
	return false
}

// link is an anchor of a block.
type link struct {
	href string // absolute, or "mailto:..."
	text string
	at   int // offset of its text in the block's text
}

// block is a run of text between block-level boundaries.
type block struct {
	text    string // spaces collapsed; "\n" for <br>
	links   []link
	heading bool
	// under is the text of the nearest heading before the block.
	under string
	// form is the index of the <form> holding the block among the
	// page's forms in document order (as package page numbers them), -1
	// outside forms.
	form int
	// chrome is set inside the page's header, navigation, footer or
	// aside: text repeated on every page, not the page's content.
	chrome bool
}

// Block is a run of a page's text between block-level boundaries, as
// Blocks reads it.
type Block struct {
	// Text has its spaces collapsed, "\n" for <br>.
	Text    string
	Heading bool
	// Under is the text of the nearest heading before the block.
	Under string
	// Form is the index of the <form> holding the block among the page's
	// forms in document order, -1 outside forms.
	Form int
	// Chrome is set inside the page's header, nav, footer or aside.
	Chrome bool
	// Links are the block's anchors: absolute http(s) URLs without
	// fragment, or "mailto:ADDRESS", with their text.
	Links []Link
}

// Link is an anchor of a Block.
type Link struct {
	Href, Text string
}

// Blocks splits an HTML page fetched from pageURL into its blocks of
// text, in document order; nil when pageURL is not absolute. Scripts,
// styles, templates and noscript content are left out.
func Blocks(body []byte, pageURL string) []Block {
	return ParsePage(body, pageURL).Blocks()
}

// Page is an HTML page split into its blocks once, for Blocks and
// Contacts both.
type Page struct {
	url string
	bls []block
}

// ParsePage splits an HTML page fetched from pageURL into its blocks; nil
// when pageURL is not absolute.
func ParsePage(body []byte, pageURL string) *Page {
	base, err := url.Parse(pageURL)
	if err != nil || !base.IsAbs() {
		return nil
	}
	return &Page{url: pageURL, bls: blocks(body, base)}
}

// Blocks returns the page's blocks of text, in document order (nil for a
// nil page).
func (p *Page) Blocks() []Block {
	if p == nil {
		return nil
	}
	out := make([]Block, len(p.bls))
	for i, b := range p.bls {
		out[i] = Block{Text: b.text, Heading: b.heading, Under: b.under, Form: b.form, Chrome: b.chrome}
		for _, l := range b.links {
			out[i].Links = append(out[i].Links, Link{Href: l.href, Text: l.text})
		}
	}
	return out
}

var blockElems = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Td: true, atom.Th: true, atom.Dd: true, atom.Dt: true,
	atom.Address: true, atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Pre: true, atom.Form: true, atom.Table: true, atom.Tr: true, atom.Ul: true,
	atom.Ol: true, atom.Nav: true, atom.Main: true, atom.Aside: true, atom.Body: true, atom.Dl: true,
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// blocks splits an HTML page into its blocks of text, in document order.
// Malformed HTML is read as far as the tokenizer goes; the page's size
// was bounded by the fetcher.
func blocks(body []byte, base *url.URL) []block {
	z := html.NewTokenizer(bytes.NewReader(body))
	var out []block
	cur := block{form: -1}
	var b strings.Builder
	var anchor *link
	var anchorText strings.Builder
	skip := 0 // inside script, style...
	under := ""
	heading := false
	// Forms do not nest: a <form> inside an open one is ignored, as
	// browsers and package page do, and the first </form> closes it.
	forms, form := 0, -1
	chrome := 0 // depth of header, nav, footer, aside
	write := func(s string) {
		s = collapseSpaces(s)
		if strings.HasPrefix(s, " ") {
			if t := b.String(); t == "" || strings.HasSuffix(t, " ") || strings.HasSuffix(t, "\n") {
				s = s[1:]
			}
		}
		b.WriteString(s)
		if anchor != nil {
			anchorText.WriteString(s)
		}
	}
	flush := func() {
		text := strings.TrimSpace(b.String())
		if text != "" || len(cur.links) > 0 {
			cur.text = text
			cur.heading = heading
			cur.under = under
			cur.chrome = chrome > 0
			out = append(out, cur)
			if heading {
				under = text
			}
		}
		cur = block{form: form}
		b.Reset()
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush()
			return out
		case html.TextToken:
			if skip == 0 {
				if t := z.Text(); asciiSpaces(t) {
					write(" ") // what collapseSpaces makes of it, without a copy
				} else {
					write(string(t))
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			if a == atom.Br {
				b.WriteString("\n")
				continue
			}
			if blockElems[a] {
				flush()
				heading = tt == html.StartTagToken && isHeading(a)
				switch {
				case a == atom.Form && tt == html.StartTagToken && form < 0:
					form = forms
					forms++
				case a == atom.Form && tt == html.EndTagToken && form >= 0:
					if len(out) == 0 || out[len(out)-1].form != form {
						// A form without text still has its place in
						// the page, for the text around it.
						out = append(out, block{form: form, chrome: chrome > 0, under: under})
					}
					form = -1
				case a == atom.Header || a == atom.Nav || a == atom.Footer || a == atom.Aside:
					if tt == html.StartTagToken {
						chrome++
					} else if tt == html.EndTagToken && chrome > 0 {
						chrome--
					}
				}
				cur.form = form
				continue
			}
			if a != atom.A {
				continue
			}
			if tt == html.EndTagToken {
				if anchor != nil {
					anchor.text = strings.TrimSpace(anchorText.String())
					cur.links = append(cur.links, *anchor)
					anchor = nil
				}
				continue
			}
			var href string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if string(k) == "href" {
					href = strings.TrimSpace(string(v))
				}
			}
			if href == "" {
				continue
			}
			if abs := resolve(base, href); abs != "" {
				anchor = &link{href: abs, at: len(b.String())}
				anchorText.Reset()
			}
		}
	}
}

// resolve makes href absolute against base: http(s) URLs without
// fragment, or "mailto:ADDRESS"; "" for anything else.
func resolve(base *url.URL, href string) string {
	if m, ok := strings.CutPrefix(strings.ToLower(href), "mailto:"); ok {
		addr, _, _ := strings.Cut(m, "?")
		addr, _ = url.PathUnescape(addr)
		if emailRe.MatchString(addr) {
			return "mailto:" + emailRe.FindString(addr)
		}
		return ""
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// email is an address and its offset in a block's text.
type email struct {
	addr string
	at   int
}

func (bl *block) emails() []email {
	var out []email
	seen := map[string]bool{}
	for _, l := range bl.links {
		if a, ok := strings.CutPrefix(l.href, "mailto:"); ok && !seen[a] {
			seen[a] = true
			out = append(out, email{a, l.at})
		}
	}
	for _, m := range emailRe.FindAllStringIndex(bl.text, -1) {
		a := strings.ToLower(bl.text[m[0]:m[1]])
		if !seen[a] {
			seen[a] = true
			out = append(out, email{a, m[0]})
		}
	}
	return out
}

// FromHTML returns the DPO contacts of an HTML page fetched from pageURL:
// email addresses next to words naming the DPO (the nearest address to
// each mention in the same block of text), or anywhere in a block under a
// heading naming the DPO or right after a sentence naming it that ends
// with a colon; dpo@ and dpd@ addresses anywhere; postal addresses and
// links to forms in those blocks. Form links are candidates: Discover
// keeps those whose page has a form.
func FromHTML(body []byte, pageURL string) []Contact {
	return ParsePage(body, pageURL).Contacts()
}

// Contacts returns the DPO contacts the page gives, as FromHTML (nil for
// a nil page).
func (p *Page) Contacts() []Contact {
	if p == nil {
		return nil
	}
	pageURL := p.url
	bls := slices.DeleteFunc(slices.Clone(p.bls), func(b block) bool { return b.text == "" && len(b.links) == 0 })
	var out []Contact
	add := func(kind, value, ctx string) {
		value = strings.TrimSpace(value)
		if value == "" || slices.ContainsFunc(out, func(c Contact) bool { return c.Kind == kind && c.Value == value }) {
			return
		}
		out = append(out, Contact{Kind: kind, Value: value, URLs: []string{pageURL}, Context: shorten(ctx)})
	}
	for i := range bls {
		bl := &bls[i]
		words := dpoWords.FindAllStringIndex(bl.text, -1)
		// A block is about the DPO as a whole when its heading names the
		// DPO, or when the sentence before it does and introduces it.
		whole := !bl.heading && dpoWords.MatchString(bl.under)
		ctx := bl.under
		if i > 0 && !bl.heading {
			prev := &bls[i-1]
			if !prev.heading && dpoWords.MatchString(prev.text) && strings.HasSuffix(strings.TrimSpace(prev.text), ":") {
				whole, ctx = true, prev.text
			}
		}
		if len(words) > 0 {
			ctx = bl.text
		}
		emails := bl.emails()
		for _, e := range emails {
			if localPartNamesDPO(e.addr) {
				add(KindEmail, e.addr, bl.text)
			}
		}
		if whole {
			for _, e := range emails {
				add(KindEmail, e.addr, ctx)
			}
		} else {
			// The nearest address to each mention of the DPO.
			for _, w := range words {
				best, dist := -1, 0
				for j, e := range emails {
					d := abs(e.at - w[0])
					if best < 0 || d < dist {
						best, dist = j, d
					}
				}
				if best >= 0 {
					add(KindEmail, emails[best].addr, bl.text)
				}
			}
		}
		if !whole && len(words) == 0 {
			continue
		}
		if a := postalAddress(bl.text, words); a != "" {
			add(KindAddress, a, ctx)
		}
		for _, l := range bl.links {
			if strings.HasPrefix(l.href, "mailto:") || regulatorWords.MatchString(l.text+" "+l.href) {
				continue
			}
			if formWords.MatchString(l.text) || formWords.MatchString(l.href) || dpoWords.MatchString(l.text) {
				add(KindForm, l.href, ctx)
			}
		}
	}
	// Links whose own words name the DPO ("Contacter le DPO"), anywhere.
	for _, bl := range bls {
		for _, l := range bl.links {
			if !strings.HasPrefix(l.href, "mailto:") && dpoWords.MatchString(l.text) && !regulatorWords.MatchString(l.text+" "+l.href) {
				add(KindForm, l.href, l.text)
			}
		}
	}
	return out
}

// postalAddress returns the postal address in a block about the DPO: the
// text from the mention of the DPO (or the block's start) to the postcode
// and town, when it has a street line. Lines (<br>) become commas.
func postalAddress(text string, words [][]int) string {
	m := postcodeRe.FindStringIndex(text)
	if m == nil {
		return ""
	}
	start := 0
	if strings.Contains(text[:m[0]], "\n") {
		start = 0 // an <address>-like block: every line up to the town
	} else {
		for _, w := range words {
			if w[1] <= m[0] {
				start = w[1]
			}
		}
	}
	a := text[start:m[1]]
	if !streetRe.MatchString(a) {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(a, "\n") {
		if l = strings.Trim(strings.TrimSpace(l), ",;:-–—()"); l != "" {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return strings.Join(lines, ", ")
}

// FromSecurityTxt returns the DPO contacts among the Contact lines of a
// security.txt file (RFC 9116): those with a dpo@ or dpd@ address, and
// those right after a comment naming the DPO. The other contacts are the
// security team's, not the DPO's.
func FromSecurityTxt(body []byte, fileURL string) []Contact {
	var out []Contact
	for _, fd := range securitytxt.Parse(body).Contacts() {
		kind, value := KindForm, fd.Value
		if a, ok := strings.CutPrefix(strings.ToLower(fd.Value), "mailto:"); ok {
			kind, value = KindEmail, a
		} else if !strings.HasPrefix(strings.ToLower(fd.Value), "https://") {
			continue // tel: and the like are not kept
		}
		if dpoWords.MatchString(fd.Comment) || (kind == KindEmail && localPartNamesDPO(value)) {
			ctx := fd.Comment
			if ctx == "" {
				ctx = fd.Name + ": " + fd.Value
			}
			if !slices.ContainsFunc(out, func(c Contact) bool { return c.Kind == kind && c.Value == value }) {
				out = append(out, Contact{Kind: kind, Value: value, URLs: []string{fileURL}, Context: shorten(ctx)})
			}
		}
	}
	return out
}

// SecurityTeam returns the Contact fields of a security.txt file that are
// not the DPO's (see FromSecurityTxt): mailto: and https: URIs, as
// written, in file order.
func SecurityTeam(body []byte) []string {
	dpo := FromSecurityTxt(body, "")
	var out []string
	for _, fd := range securitytxt.Parse(body).Contacts() {
		v := strings.ToLower(fd.Value)
		if !strings.HasPrefix(v, "mailto:") && !strings.HasPrefix(v, "https://") {
			continue
		}
		value := strings.TrimPrefix(v, "mailto:")
		if slices.ContainsFunc(dpo, func(c Contact) bool { return strings.EqualFold(c.Value, value) }) || slices.Contains(out, fd.Value) {
			continue
		}
		out = append(out, fd.Value)
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// shorten keeps contexts readable in a terminal.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		return string(r[:159]) + "…"
	}
	return s
}

// collapseSpaces replaces each run of white space (no-break spaces
// included) by one space; it is called on every text token of a page.
// asciiSpaces reports whether t is not empty and only ASCII white space:
// the indentation between tags, most of a page's text tokens.
func asciiSpaces(t []byte) bool {
	for _, c := range t {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' {
			return false
		}
	}
	return len(t) > 0
}

func collapseSpaces(s string) string {
	isSpace := func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' || r == '\u00a0' || r == '\u202f'
	}
	if !strings.ContainsFunc(s, isSpace) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

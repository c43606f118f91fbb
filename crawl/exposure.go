package crawl

import (
	"bytes"
	"net/url"
	"path"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"vigie/observation"
	"vigie/pii"
	"vigie/pii/detect"
)

// What the exposure checks need to know of a page that shows personal
// data besides the data itself: whether it is published attribution
// (authors and maintainers credited by name and address), and what the
// fields of a record about one person say of them.

// attributionNames are the first words of the names of files and pages
// that credit people: GNU and Debian documentation files, credits pages.
var attributionNames = map[string]bool{
	"copyright": true, "copying": true, "authors": true, "author": true, "contributors": true,
	"contributor": true, "credits": true, "credit": true, "thanks": true, "maintainers": true,
	"maintainer": true, "changelog": true, "license": true, "licence": true, "acknowledgements": true,
	"acknowledgments": true, "humans": true, "readme": true, "auteurs": true,
	"contributeurs": true, "remerciements": true, "uploaders": true, "translators": true,
	"traducteurs": true, "contributing": true, "codeowners": true, "owners": true, "people": true,
}

// attributionTitles are the normalised words of a title or first heading
// that announce a credits page.
var attributionTitles = map[string]bool{
	"credits": true, "auteurs": true, "authors": true, "contributeurs": true, "contributors": true,
	"remerciements": true, "acknowledgements": true, "acknowledgments": true, "mainteneurs": true,
	"maintainers": true, "copyright": true, "translators": true, "traducteurs": true,
}

// attributionMarkers are the lower-case marks of a line that credits
// someone: copyright notices, author and maintainer fields, changelog
// signatures.
var attributionMarkers = []string{
	"copyright", "(c)", "©", "author", "auteur", "maintainer", "mainteneur", "uploader",
	"contributor", "contributeur", "written by", "écrit par", "ecrit par", "thanks to",
	"credit", "signed-off-by", "upstream-contact", "reported-by", "reviewed-by", "patch by",
}

// exposureOf returns what the exposure checks need to know of a page
// showing personal data, nil when there is nothing to say.
func exposureOf(pg *observation.Page, body []byte, final string, isHTML bool) *observation.PageExposure {
	pd := pg.Personal
	if !pd.Has() {
		return nil
	}
	e := &observation.PageExposure{}
	var doc *html.Node
	if isHTML {
		doc, _ = html.Parse(bytes.NewReader(body))
	}
	if doc != nil && contactsTitle(doc) {
		e.Contacts = "title"
	}
	switch {
	case attributionName(final):
		e.Attribution = "name"
	case doc != nil && attributionTitle(doc):
		e.Attribution = "title"
	case !isHTML && attributionContent(body), doc != nil && attributionSections(doc):
		e.Attribution = "content"
	}
	if pd.Distinct[detect.KindBirth]+pd.Distinct[detect.KindNIR]+pd.Distinct[detect.KindIBAN]+pd.Distinct[detect.KindCard] > 0 && pd.People <= 1 {
		// A record about one person: what its fields name is about them.
		text := body
		if doc != nil {
			text = recordText(doc)
		}
		e.Special = detect.SpecialCategories(text)
	}
	if doc != nil && pd.Distinct[detect.KindBirth] > 0 {
		rec := detect.Scan(recordHTML(doc), "text/html", detect.Options{})
		e.BirthInProse = rec == nil || rec.Distinct[detect.KindBirth] == 0
	}
	if e.Attribution == "" && e.Contacts == "" && len(e.Special) == 0 && !e.BirthInProse {
		return nil
	}
	return e
}

// attributionName reports whether the last segment of a URL's path names
// a file or page that credits people ("copyright", "AUTHORS.md",
// "changelog.Debian.gz", "credits.html").
func attributionName(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	name := strings.ToLower(path.Base(strings.TrimSuffix(u.Path, "/")))
	first := strings.FieldsFunc(name, func(r rune) bool { return r == '.' || r == '-' || r == '_' })
	return len(first) > 0 && attributionNames[first[0]]
}

// contactsTitles are the normalised words of a title or first heading
// that announce contacts an organisation publishes for the press or as
// its organisation chart. Directories are left out: a directory of
// members is what an exposure looks like.
var contactsTitles = map[string]bool{
	"presse": true, "press": true, "media": true, "medias": true, "journalistes": true,
	"organigramme": true,
}

// attributionTitle reports whether the title or first heading of a page
// announces credits.
func attributionTitle(doc *html.Node) bool { return titleHas(doc, attributionTitles, true) }

// contactsTitle reports whether the first heading of a page announces
// press contacts or an organisation chart; not its title, which often
// ends with the site's name ("Média citoyen").
func contactsTitle(doc *html.Node) bool { return titleHas(doc, contactsTitles, false) }

// titleHas reports whether the first heading of a page, or its title
// with withTitle, has one of words.
func titleHas(doc *html.Node, words map[string]bool, withTitle bool) bool {
	var title, h1 string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.DataAtom == atom.Title && title == "":
				title = textOf(n)
			case n.DataAtom == atom.H1 && h1 == "":
				h1 = textOf(n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !withTitle {
		title = ""
	}
	for _, t := range []string{title, h1} {
		for _, w := range strings.Fields(pii.Normalise(t)) {
			if words[w] {
				return true
			}
		}
	}
	return false
}

// attributionContent reports whether a text file credits the people whose
// addresses it shows: a Debian machine-readable copyright file, or a text
// where at least two thirds of the lines with an e-mail address are
// copyright, author or maintainer lines or changelog signatures.
func attributionContent(body []byte) bool {
	head := bytes.ToLower(body[:min(len(body), 4096)])
	if bytes.Contains(head, []byte("copyright-format")) && bytes.Contains(head, []byte("upstream-name")) {
		return true
	}
	with, credited := 0, 0
	for line := range bytes.Lines(body) {
		at := bytes.IndexByte(line, '@')
		if at <= 0 || !bytes.ContainsRune(line[at:], '.') {
			continue
		}
		with++
		l := strings.ToLower(string(line))
		if strings.HasPrefix(l, " -- ") {
			credited++ // Debian changelog signature
			continue
		}
		for _, m := range attributionMarkers {
			if strings.Contains(l, m) {
				credited++
				break
			}
		}
	}
	return with > 0 && credited*3 >= with*2
}

// attributionSections reports whether at least two thirds of the e-mail
// addresses of a page (in its text or its mailto: links) sit in sections
// that credit people: after a heading or a label such as "Authors",
// "Copyright", "Crédits", "Maintainers", up to the next heading.
func attributionSections(doc *html.Node) bool {
	credits := false
	with, credited := 0, 0
	count := func() {
		with++
		if credits {
			credited++
		}
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Template:
				return
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				credits = creditsLabel(textOf(n))
				return
			case atom.A:
				for _, a := range n.Attr {
					if a.Key == "href" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "mailto:") {
						count()
						return // its text is the same address
					}
				}
			}
		case html.TextNode:
			t := strings.TrimSpace(n.Data)
			if len(t) < 60 && creditsLabel(t) {
				credits = true
			}
			if at := strings.IndexByte(t, '@'); at > 0 && strings.Contains(t[at:], ".") {
				count()
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return with > 0 && credited*3 >= with*2
}

// creditsLabel reports whether a heading or a short label starts with a
// word that announces credits ("Authors:", "Copyright", "Crédits").
func creditsLabel(t string) bool {
	w := strings.Fields(pii.Normalise(t))
	return len(w) > 0 && attributionTitles[w[0]]
}

// recordText returns the text of a page's record fields: its tables and
// definition lists, outside navigation, header, footer, side blocks and
// forms (whose words describe the site, not the person).
func recordText(doc *html.Node) []byte {
	var b bytes.Buffer
	var walk func(n *html.Node, in bool)
	walk = func(n *html.Node, in bool) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Form, atom.Script, atom.Style, atom.Select, atom.Template:
				return
			case atom.Table, atom.Dl:
				in = true
			}
		}
		if n.Type == html.TextNode && in {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
	}
	walk(doc, false)
	return b.Bytes()
}

// birthLabel matches a field that gives a date of birth: "Date de
// naissance :", "Né(e) le :", "DOB:".
var birthLabel = regexp.MustCompile(`(?i)^\s*(date de naissance|date of birth|birth ?date|dob|ddn|n[ée]e?\s*(\(e\))?\s*le)\s*:`)

// recordHTML returns the record structures of a page as HTML: its tables
// and definition lists, and the paragraphs and items that give a date of
// birth as a labelled field, outside navigation, header, footer and side
// blocks. A date of birth elsewhere is in running text: a birth
// announcement, a biography, an obituary.
func recordHTML(doc *html.Node) []byte {
	var b bytes.Buffer
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Script, atom.Style, atom.Template:
				return
			case atom.Table, atom.Dl:
				html.Render(&b, n)
				return
			case atom.P, atom.Li, atom.Div:
				if birthLabel.MatchString(textOf(n)) {
					b.WriteString("<div>")
					html.Render(&b, n)
					b.WriteString("</div>")
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.Bytes()
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

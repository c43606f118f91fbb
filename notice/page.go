package notice

import (
	"bytes"
	"net/url"
	"strings"

	"vigie/dpocontact"
	"vigie/internal/litre"
	"vigie/observation"
)

// candidateRe names a notice page in a link's text or URL: the legal
// notice, the personal-data or privacy page, "vos droits", "RGPD".
var candidateRe = litre.MustCompile(` (donnees personnelles|donnees a caractere personnel|politique de confidentialite|politique de protection des donnees|confidentialite|protection des donnees|protection de vos donnees|mentions legales|rgpd|vos droits|privacy|data protection|personal data|cookies et donnees|vie privee|informatique et libertes|gdpr|legal notice|legal information|informations legales|mentions juridiques) `)

// IsCandidate reports whether a link, by its text or its URL's path, leads
// to a page that may hold the site's information notice. The query is not
// read: pages about a notice page carry its name there (a wiki's
// "?title=Special:Search/Privacy_policy", "?returnto=Privacy_policy"),
// and would take the crawl's budget; a notice page whose address is a
// query ("?page=12") is found by its link's text.
func IsCandidate(href, linkText string) bool {
	if hint(linkText) && candidateRe.MatchString(norm(linkText)) {
		return true
	}
	if !hint(href) {
		return false
	}
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return candidateRe.MatchString(norm(u.Path))
}

// hints are pieces of every word candidateRe knows, lower case: most
// links have none and need no closer look.
var hints = []string{"donn", "confidenti", "mention", "rgpd", "droit", "privacy", "protection", "personal", "cookie",
	"priv", "informatique", "gdpr", "legal", "légal", "juridique", "caract"}

func hint(s string) bool {
	s = strings.ToLower(s)
	for _, h := range hints {
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
}

// Near-form reading bounds: blocks read after and before a form.
const (
	blocksAfter  = 3
	blocksBefore = 2
)

// Read reads an HTML page fetched from pageURL as a notice: the page's own
// text (its header, navigation, footer and aside left out), the text next
// to each of its forms, its links to candidate notice pages and whether it
// gives the DPO's contact. It returns nil when pageURL is not absolute.
func Read(body []byte, pageURL string) *observation.Notice {
	pg := dpocontact.ParsePage(body, pageURL)
	if pg == nil {
		return nil
	}
	bls := pg.Blocks()
	n := &observation.Notice{DPOContact: mayNameDPO(body) && len(pg.Contacts()) > 0}
	seen := map[string]bool{}
	var content []dpocontact.Block
	for _, b := range bls {
		for _, l := range b.Links {
			if !seen[l.Href] && !strings.HasPrefix(l.Href, "mailto:") && IsCandidate(l.Href, l.Text) {
				seen[l.Href] = true
				n.Links = append(n.Links, l.Href)
			}
		}
		if !b.Chrome {
			content = append(content, b)
		}
	}
	r := text{blocks: content, url: pageURL}.readAll(false)
	n.IsNotice, n.CookieOnly, n.Retention = r.IsNotice(), r.CookieOnly, r.Retention
	if n.IsNotice {
		n.Elements = r.Elements
	}
	for form := 0; ; form++ {
		near, ok := nearForm(bls, form)
		if !ok {
			break
		}
		fr := text{blocks: near, url: pageURL}.read()
		fn := observation.FormNotice{Form: form, IsNotice: fr.IsNotice(), Retention: fr.Retention}
		if fn.IsNotice {
			fn.Elements = fr.Elements
		}
		if fn.IsNotice || len(fn.Retention) > 0 {
			n.Forms = append(n.Forms, fn)
		}
	}
	return n
}

// nearForm returns the blocks of form i and the few around it: up to
// blocksBefore before it and blocksAfter after it, stopping at another
// form, the page's chrome (its content, for a form in the chrome), or a
// heading (after the form, a heading about
// personal data does not stop it: "Protection de vos données"). ok is
// false when the page has no form i.
func nearForm(bls []dpocontact.Block, i int) (near []dpocontact.Block, ok bool) {
	first, last := -1, -1
	for j, b := range bls {
		if b.Form == i {
			if first < 0 {
				first = j
			}
			last = j
		}
	}
	if first < 0 {
		return nil, false
	}
	// A form in the footer has its notice in the footer too.
	chrome := bls[first].Chrome
	for j := first - 1; j >= 0 && j >= first-blocksBefore; j-- {
		b := bls[j]
		if b.Form >= 0 || b.Chrome != chrome || b.Heading {
			break
		}
		near = append(near, b)
	}
	// Before the form, in document order.
	for a, z := 0, len(near)-1; a < z; a, z = a+1, z-1 {
		near[a], near[z] = near[z], near[a]
	}
	near = append(near, bls[first:last+1]...)
	for j := last + 1; j < len(bls) && j <= last+blocksAfter; j++ {
		b := bls[j]
		if b.Form >= 0 || b.Chrome != chrome || (b.Heading && !personal.MatchString(norm(b.Text))) {
			break
		}
		near = append(near, b)
	}
	return near, true
}

// Statements returns the retention statements of a site's information
// notices, as data: those of pages that read as notices and of the text
// next to forms, each once (by page and sentence), in page order.
func Statements(site *observation.Site) []observation.RetentionStatement {
	var out []observation.RetentionStatement
	seen := map[string]bool{}
	add := func(sts []observation.RetentionStatement) {
		for _, st := range sts {
			k := st.URL + "\x00" + st.Sentence
			if !seen[k] {
				seen[k] = true
				out = append(out, st)
			}
		}
	}
	for _, p := range site.Pages {
		if p.Error != "" || p.Notice == nil {
			continue
		}
		if p.Notice.IsNotice {
			add(p.Notice.Retention)
		}
		for _, f := range p.Notice.Forms {
			add(f.Retention)
		}
	}
	return out
}

// mayNameDPO is a cheap test before dpocontact.FromHTML, which reads the
// page again: a DPO contact needs words naming the DPO or an address
// whose local part does (dpo@, dpd@, dpo_mairie@...).
func mayNameDPO(body []byte) bool {
	for i := 0; i < len(body); i++ {
		// Each word starts with a d or a p, in either case: only there is
		// a case-insensitive comparison made, without a lower-case copy
		// of the page.
		switch body[i] | 0x20 {
		case 'd', 'p':
			for _, w := range dpoHints {
				if len(body)-i >= len(w) && (body[i]|0x20) == w[0] && bytes.EqualFold(body[i:i+len(w)], w) {
					return true
				}
			}
		}
	}
	return false
}

// dpoHints are the words mayNameDPO looks for, lower case.
var dpoHints = [][]byte{[]byte("dpo"), []byte("dpd"), []byte("délégu"), []byte("delegu"), []byte("d&eacute;l&eacute;gu"), []byte("protection officer")}

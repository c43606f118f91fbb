// Package dirindex recognises the directory indexes web servers generate
// when a folder has no index page (Apache mod_autoindex, nginx autoindex,
// lighttpd, IIS directory browsing, Python's http.server, Tomcat) and lists
// their entries.
package dirindex

import (
	"bytes"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxEntries bounds the entries Parse returns.
const MaxEntries = 1000

// markers are the phrases, lower case, that generated indexes put in their
// title or heading; a page without any is not read further.
var markers = [][]byte{[]byte("index of /"), []byte("directory listing for /"), []byte("[to parent directory]"), []byte(" - /")}

// Parse reports whether body, an HTML page decoded to UTF-8 and fetched
// from pageURL, is a generated directory index, and returns its entries:
// the names of the files and folders it lists (folders with a trailing
// slash), in page order, without the parent and column-sorting links. A
// page is an index when its title or first heading reads "Index of
// /path", "Directory listing for /path" or, as IIS writes it,
// "host - /path", with /path the page's own path, and it links to at
// least one entry or to its parent folder; "Index of products" is not.
func Parse(body []byte, pageURL string) ([]string, bool) {
	head := body[:min(len(body), 16<<10)]
	found := false
	for _, m := range markers {
		if containsFold(head, m) {
			found = true
			break
		}
	}
	if !found {
		return nil, false
	}
	base, err := url.Parse(pageURL)
	if err != nil || !base.IsAbs() {
		return nil, false
	}
	dir := base.Path
	if !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	base.Path, base.RawPath = dir, ""

	var (
		z        = html.NewTokenizer(bytes.NewReader(body))
		title    strings.Builder
		heading  strings.Builder
		in       atom.Atom // title or h1 being read
		titled   bool
		parent   bool
		entries  []string
		seen     = map[string]bool{}
		headings int
	)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if !titled || !parent && len(entries) == 0 {
				return nil, false
			}
			return entries, true
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Title, atom.H1, atom.H2:
				if in == 0 && (a == atom.Title || headings == 0) {
					in = a
				}
				if a != atom.Title {
					headings++
				}
			case atom.A:
				if !hasAttr {
					continue
				}
				for more := true; more; {
					var k, v []byte
					k, v, more = z.TagAttr()
					if string(k) != "href" {
						continue
					}
					e, kind := entry(base, dir, string(v))
					switch kind {
					case linkParent:
						parent = true
					case linkEntry:
						if !seen[e] && len(entries) < MaxEntries {
							seen[e] = true
							entries = append(entries, e)
						}
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if atom.Lookup(name) == in && in != 0 {
				b := &heading
				if in == atom.Title {
					b = &title
				}
				titled = titled || names(b.String(), dir)
				in = 0
			}
		case html.TextToken:
			switch in {
			case atom.Title:
				title.Write(z.Text())
			case 0:
				if bytes.Contains(bytes.ToLower(z.Text()), []byte("[to parent directory]")) {
					parent = true
				}
			default:
				heading.Write(z.Text())
			}
		}
	}
}

// names reports whether a title or heading names the directory dir as a
// generated index does.
func names(text, dir string) bool {
	t := strings.Join(strings.Fields(text), " ")
	lower := strings.ToLower(t)
	var p string
	switch {
	case strings.HasPrefix(lower, "index of /"):
		p = t[len("index of "):]
	case strings.HasPrefix(lower, "directory listing for /"):
		p = t[len("directory listing for "):]
	default:
		i := strings.Index(t, " - /") // IIS: "host - /path/"
		if i <= 0 || strings.ContainsAny(t[:i], " /") {
			return false
		}
		p = t[i+len(" - "):]
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	want, err := url.PathUnescape(dir)
	if err != nil {
		want = dir
	}
	return strings.TrimSuffix(p, "/") == strings.TrimSuffix(want, "/")
}

type linkKind int

const (
	linkOther linkKind = iota
	linkEntry
	linkParent
)

// entry classifies a link of the index at dir: a child of dir (its name),
// the parent folder, or anything else (sorting links, other pages).
func entry(base *url.URL, dir, href string) (string, linkKind) {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "?") || strings.HasPrefix(href, "#") {
		return "", linkOther
	}
	u, err := base.Parse(href)
	if err != nil || u.Host != base.Host || u.Scheme != base.Scheme {
		return "", linkOther
	}
	p := u.Path
	if p == path.Dir(strings.TrimSuffix(dir, "/"))+"/" || p+"/" == path.Dir(strings.TrimSuffix(dir, "/"))+"/" && dir != "/" {
		return "", linkParent
	}
	if !strings.HasPrefix(p, dir) || p == dir {
		return "", linkOther
	}
	name := p[len(dir):]
	if i := strings.IndexByte(strings.TrimSuffix(name, "/"), '/'); i >= 0 {
		return "", linkOther // deeper than a child
	}
	return name, linkEntry
}

// containsFold reports whether s contains marker, lower-case ASCII, in any
// ASCII case, without lowering a copy of s (most pages are not indexes:
// the copy was 3% of a scan's CPU).
func containsFold(s, marker []byte) bool {
	if !bytes.ContainsFunc(marker, func(r rune) bool { return 'a' <= r && r <= 'z' }) {
		return bytes.Contains(s, marker)
	}
	// Candidates start where the first byte is, in either case.
	lo, up := marker[0], marker[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	// next returns the position of c at or after i, len(s) when none.
	next := func(c byte, i int) int {
		if k := bytes.IndexByte(s[i:], c); k >= 0 {
			return i + k
		}
		return len(s)
	}
	// The next lower- and upper-case candidates are remembered, not looked
	// for again from each candidate: a page without an "I" was scanned to
	// its end once per "i".
	nextLo, nextUp := next(lo, 0), len(s)
	if up != lo {
		nextUp = next(up, 0)
	}
	for {
		i := min(nextLo, nextUp)
		if i+len(marker) > len(s) {
			return false
		}
		if equalFoldASCII(s[i:i+len(marker)], marker) {
			return true
		}
		if i == nextLo {
			nextLo = next(lo, i+1)
		} else {
			nextUp = next(up, i+1)
		}
	}
}

// equalFoldASCII reports whether s equals lower, lower-case ASCII, in any
// ASCII case.
func equalFoldASCII(s, lower []byte) bool {
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

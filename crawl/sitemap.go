package crawl

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/url"
	"strings"
)

// maxSitemapURLs bounds how many URLs one sitemap may seed.
const maxSitemapURLs = 500

// seedSitemap reads /sitemap.xml of the entry's origin (and, for a sitemap
// index, the nested sitemaps on the same site, one level deep) and queues
// its URLs at depth 1.
func (c *crawler) seedSitemap(entry string) {
	u, err := url.Parse(entry)
	if err != nil {
		return
	}
	root := u.Scheme + "://" + u.Host + "/sitemap.xml"
	locs, nested := c.fetchSitemap(root)
	for i, n := range nested {
		if i >= 5 {
			break
		}
		more, _ := c.fetchSitemap(n)
		locs = append(locs, more...)
	}
	for i, l := range locs {
		if i >= maxSitemapURLs {
			break
		}
		c.push(l, 1, "")
	}
}

// fetchSitemap returns the page URLs and nested sitemap URLs of a sitemap.
func (c *crawler) fetchSitemap(raw string) (pages, nested []string) {
	resp := c.f.Get(c.ctx, raw)
	if resp.Error != "" || resp.Status != 200 || !c.inScope(resp.FinalURL) {
		return nil, nil
	}
	return ParseSitemap(resp.Body)
}

// ParseSitemap extracts <loc> values from a sitemap (urlset) or a sitemap
// index. Malformed XML yields what was read before the error.
func ParseSitemap(body []byte) (pages, nested []string) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var stack []string
	for {
		tok, err := dec.Token()
		if err != nil {
			return pages, nested
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, strings.ToLower(t.Name.Local))
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) < 2 || stack[len(stack)-1] != "loc" {
				continue
			}
			loc := strings.TrimSpace(string(t))
			if !strings.HasPrefix(loc, "http://") && !strings.HasPrefix(loc, "https://") {
				continue
			}
			switch stack[len(stack)-2] {
			case "url":
				pages = append(pages, loc)
			case "sitemap":
				nested = append(nested, loc)
			}
		}
		if len(pages) > maxSitemapURLs {
			return pages, nested
		}
	}
}

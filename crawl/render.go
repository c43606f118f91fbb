package crawl

import (
	"context"
	"crypto/rand"
	"strconv"
	"strings"
	"sync"

	"vigie/fetch"
	"vigie/finding"
	"vigie/observation"
	"vigie/page"
	"vigie/pii"
	"vigie/pii/canary"
)

// Browser mode: each HTML page the static crawl fetched is also rendered
// by a Renderer (headless Chromium, see package browser). The rendered DOM
// of the page and of its frames replaces the served HTML as the source of
// forms, links and resources, so every static check runs unchanged on
// forms that scripts draw; the rendering itself (requests, cookies,
// storage, canary leaks) feeds the browser checks.

// Canaries chooses the value typed into a field of a rendered form: the
// frame's URL, the form's index in that frame's document (as package page
// numbers forms) and the field as the browser described it. ok false
// leaves the field alone.
type Canaries func(frameURL string, formIndex int, f observation.Field) (value string, ok bool)

// Renderer renders one page as a visitor's browser does, typing the values
// canaries hands out into the page's form fields without submitting
// anything (canaries may be nil: no typing). An error means the browser
// itself failed (crashed, unreachable); a page that did not render comes
// back as a Rendering with Error set.
type Renderer interface {
	Render(ctx context.Context, pageURL string, canaries Canaries) (*observation.Rendering, error)
}

// render renders pg in the browser and replaces its forms, links and
// resources by the rendered ones. It returns false when the browser
// failed; c.renderErr then holds why.
func (c *crawler) render(pg *observation.Page, resp *fetch.Response, final string, depth int) bool {
	var (
		mu    sync.Mutex
		typed = map[string]canaryField{}
	)
	seed := make([]byte, 16)
	rand.Read(seed)
	set := canary.NewSet(seed)
	fill := func(frameURL string, formIndex int, f observation.Field) (string, bool) {
		if !typable(f) {
			return "", false
		}
		cat := pii.ClassifyField(f)
		if cat == "" {
			return "", false
		}
		key := frameURL + "#form=" + strconv.Itoa(formIndex) + "/" + fieldName(f)
		mu.Lock()
		defer mu.Unlock()
		typed[key] = canaryField{frame: frameURL, form: formIndex, name: fieldName(f), category: cat}
		return set.For(key, cat, f.Type), true
	}
	if c.o.NoTyping {
		fill = nil
	}
	r, err := c.o.Renderer.Render(c.ctx, final, fill)
	if err != nil {
		c.renderErr = err
		return false
	}
	pg.Rendering = r
	if r.Error == "" && len(r.Frames) > 0 {
		if route := routeOf(r.URL); route != "" && r.URL != final && withoutRoute(r.URL) == withoutRoute(final) {
			// The application went to a route of its own (the home
			// route "#/" of "/"): the page is that route, and a link
			// to it is no other page.
			pg.FinalURL = r.URL
			c.seen[finding.NormaliseURL(r.URL)] = true
		}
		c.useRendered(pg, r, resp, final, depth)
	}
	if r.Typed {
		mu.Lock()
		r.Leaks = leaks(r, set, typed)
		mu.Unlock()
	}
	// What follows is only needed while searching: drop it so memory
	// stays flat.
	for i := range r.Frames {
		r.Frames[i].HTML = ""
	}
	for i := range r.Requests {
		r.Requests[i].PostData, r.Requests[i].Header = "", nil
	}
	if !c.o.KeepScreenshots {
		r.Screenshot = nil
	}
	return true
}

// useRendered takes the page's forms, links and resources from the
// rendered documents, and reads the rendered top document for personal
// data (content loaded by scripts included).
func (c *crawler) useRendered(pg *observation.Page, r *observation.Rendering, resp *fetch.Response, final string, depth int) {
	pg.Forms, pg.Resources, pg.Links = nil, nil, nil
	for _, fr := range r.Frames {
		doc, err := page.Parse([]byte(fr.HTML), fr.URL)
		if err != nil {
			continue
		}
		for _, f := range doc.Forms {
			if !fr.Top {
				f.Frame = fr.URL
			}
			pg.Forms = append(pg.Forms, f)
		}
		if fr.Top {
			pg.Resources = doc.Resources
			pg.Links = doc.Links
		}
		for _, l := range doc.Links {
			c.push(l, depth+1, doc.LinkText[l])
		}
		c.pushRoutes(doc, depth+1)
		if fr.Top {
			rendered := *resp
			rendered.Body = []byte(fr.HTML)
			rendered.ContentType = "text/html"
			c.inspect(pg, &rendered, final, true)
		}
	}
}

type canaryField struct {
	frame    string
	form     int
	name     string
	category string
}

// leaks searches the requests sent to other parties after typing for the
// canary values typed.
func leaks(r *observation.Rendering, set *canary.Set, typed map[string]canaryField) []observation.Leak {
	vals := set.Values()
	if len(vals) == 0 {
		return nil
	}
	var out []observation.Leak
	seen := map[string]bool{}
	text := make(map[string]string, len(vals))
	for _, v := range vals {
		text[v.Key] = v.Text
	}
	search := canary.NewSearcher(vals)
	for _, req := range r.Requests {
		if !req.AfterTyping || !req.ThirdParty {
			continue
		}
		for _, m := range search.Search(req) {
			fld, ok := typed[m.Key]
			if !ok {
				continue
			}
			k := m.Key + "\x00" + req.Party + "\x00" + m.Where + "\x00" + m.Encoding
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, observation.Leak{
				Form: fld.form, Frame: fld.frame, Field: fld.name, Category: fld.category,
				Party: req.Party, Tracker: req.Tracker, RequestURL: canary.MaskURL(req.URL),
				Method: req.Method, Where: m.Where, Encoding: m.Encoding,
				Value: text[m.Key], Request: leakRequest(req),
			})
		}
	}
	return out
}

// leakRequest copies the request that carried a canary for the evidence,
// without its Cookie header (the audit's own session, no proof of
// anything).
func leakRequest(req observation.Request) *observation.LeakRequest {
	lr := &observation.LeakRequest{Method: req.Method, URL: req.URL, Body: req.PostData}
	for k, v := range req.Header {
		if !strings.EqualFold(k, "Cookie") {
			if lr.Header == nil {
				lr.Header = map[string]string{}
			}
			lr.Header[k] = v
		}
	}
	return lr
}

// typable reports whether a canary can be typed into the field: text-like
// inputs and text areas, never hidden, file, password or choice fields.
func typable(f observation.Field) bool {
	if f.Tag == "textarea" {
		return true
	}
	if f.Tag != "input" {
		return false
	}
	switch f.Type {
	case "", "text", "email", "tel", "search", "url", "number", "date":
		return true
	}
	return false
}

func fieldName(f observation.Field) string {
	if f.Name != "" {
		return f.Name
	}
	return f.ID
}

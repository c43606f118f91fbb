package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/chromedp/cdproto/runtime"
)

// maskMargin widens each blacked-out box, in CSS pixels, so that
// descenders, accents and anti-aliasing do not show past it.
const maskMargin = 3

// maskWalkScript walks the top document's DOM in the package's isolated
// world (out of the page scripts' reach) and returns what it shows as a
// list of items: ["o", tag] and ["c", tag] for elements, ["t", text, n]
// for a text node and ["v", value, n] for the value of a form field, n
// indexing the nodes it keeps for maskRectsScript. It refuses (reason
// set) pages whose text it cannot see whole: visible frames, canvases,
// plug-ins, shadow roots, and DOMs too deep or too large.
const maskWalkScript = `(() => {
  const items = [], nodes = [];
  let reason = "", size = 0;
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "HEAD"]);
  const opaque = new Set(["IFRAME", "FRAME", "OBJECT", "EMBED", "CANVAS"]);
  const noValue = new Set(["hidden", "password", "checkbox", "radio", "submit", "button", "image", "file", "reset", "range", "color"]);
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const keep = (kind, text, node) => {
    size += text.length;
    nodes.push(node);
    items.push([kind, text, nodes.length - 1]);
  };
  const walk = (n, depth) => {
    if (depth > 400) { reason = reason || "a DOM deeper than 400 elements"; return; }
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (items.length > 200000 || size > 8000000) { reason = reason || "a DOM too large to check"; return; }
      if (c.nodeType === 3) { if (c.data.trim() !== "") keep("t", c.data, c); continue; }
      if (c.nodeType !== 1) continue;
      const tag = c.tagName.toUpperCase();
      if (skip.has(tag)) continue;
      if (opaque.has(tag)) { if (shown(c)) reason = reason || "a " + tag.toLowerCase() + " whose content cannot be read"; continue; }
      if (c.shadowRoot) reason = reason || "a shadow root";
      const name = tag.toLowerCase();
      items.push(["o", name]);
      if ((tag === "INPUT" && !noValue.has((c.type || "").toLowerCase())) || tag === "TEXTAREA") {
        if (c.value) keep("v", c.value, c);
      } else if (tag === "SELECT") {
        const o = c.selectedOptions && c.selectedOptions[0];
        if (o && o.text) keep("v", o.text, c);
      } else {
        walk(c, depth + 1);
      }
      items.push(["c", name]);
    }
  };
  walk(document.documentElement, 0);
  globalThis.__vigieMaskNodes = nodes;
  return JSON.stringify({items, reason});
})()`

// maskRectsScript returns, for each [node, start, end] (UTF-16 offsets in
// a text node; the whole box of a form field), the boxes it occupies in
// page coordinates (CSS pixels), and whether it sits in a fixed or
// sticky box (which moves when the page is captured beyond the viewport).
// A node gone from the document is null.
const maskRectsScript = `((reqs) => {
  const nodes = globalThis.__vigieMaskNodes || [];
  const sx = window.scrollX, sy = window.scrollY;
  const pinned = (n) => {
    for (let e = n.nodeType === 1 ? n : n.parentElement; e; e = e.parentElement) {
      const p = getComputedStyle(e).position;
      if (p === "fixed" || p === "sticky") return true;
    }
    return false;
  };
  return JSON.stringify(reqs.map(([i, s, e]) => {
    const n = nodes[i];
    if (!n || !n.isConnected) return null;
    let rects;
    if (n.nodeType === 3) {
      if (e > n.data.length) return null;
      const r = document.createRange();
      r.setStart(n, s);
      r.setEnd(n, e);
      rects = Array.from(r.getClientRects());
    } else {
      rects = [n.getBoundingClientRect()];
    }
    return {pinned: pinned(n), rects: rects.filter((q) => q.width > 0 && q.height > 0).map((q) => [q.left + sx, q.top + sy, q.width, q.height])};
  }));
})`

// maskItem is one text or value the walk kept, and where its bytes sit in
// the document given to Options.Mask.
type maskItem struct {
	text       string
	node       int
	value      bool
	start, end int
}

// maskPlan is what must be blacked out on a page: the requests for
// maskRectsScript, and the boxes measured before the capture.
type maskPlan struct {
	reqs  [][3]int
	boxes []maskBox
}

type maskBox struct {
	Pinned bool         `json:"pinned"`
	Rects  [][4]float64 `json:"rects"`
}

// planMask walks the page, asks Options.Mask where personal data is and
// measures where it is shown. reason is set when the page could not be
// read whole; the plan holds what was found in what could be read.
func (s *Session) planMask(ctx context.Context, world runtime.ExecutionContextID) (plan *maskPlan, reason string, err error) {
	var walked struct {
		Items  [][]json.RawMessage `json:"items"`
		Reason string              `json:"reason"`
	}
	if err := s.eval(ctx, world, maskWalkScript, &walked); err != nil {
		return nil, "", fmt.Errorf("reading the page's text: %w", err)
	}
	doc, items := maskDocument(walked.Items)
	plan = &maskPlan{}
	for _, sp := range s.p.o.Mask(doc) {
		for _, it := range items {
			if sp[1] <= it.start || sp[0] >= it.end {
				continue
			}
			if it.value {
				plan.reqs = append(plan.reqs, [3]int{it.node, 0, 0})
				continue
			}
			a, b := max(sp[0], it.start)-it.start, min(sp[1], it.end)-it.start
			plan.reqs = append(plan.reqs, [3]int{it.node, utf16Len(it.text[:a]), utf16Len(it.text[:b])})
		}
	}
	if len(plan.reqs) > 0 {
		if plan.boxes, err = s.measureMask(ctx, world, plan.reqs); err != nil {
			return nil, "", err
		}
	}
	return plan, walked.Reason, nil
}

// maskDocument builds the HTML rendition of the walked items given to
// Options.Mask: tags keep the structure the masker reads (table headers,
// labels, definition lists); text is written as is but for "<" and "&",
// replaced by spaces so that byte offsets map back to the page's text.
func maskDocument(raw [][]json.RawMessage) ([]byte, []maskItem) {
	var b bytes.Buffer
	var items []maskItem
	for _, it := range raw {
		if len(it) < 2 {
			continue
		}
		var kind, text string
		if json.Unmarshal(it[0], &kind) != nil || json.Unmarshal(it[1], &text) != nil {
			continue
		}
		switch kind {
		case "o":
			b.WriteString("<" + text + ">")
		case "c":
			b.WriteString("</" + text + ">")
		case "t", "v":
			var node int
			if len(it) < 3 || json.Unmarshal(it[2], &node) != nil {
				continue
			}
			text = strings.ToValidUTF8(text, "\uFFFD")
			start := b.Len()
			b.WriteString(strings.Map(func(r rune) rune {
				if r == '<' || r == '&' {
					return ' '
				}
				return r
			}, text))
			items = append(items, maskItem{text: text, node: node, value: kind == "v", start: start, end: b.Len()})
			b.WriteByte('\n')
		}
	}
	return b.Bytes(), items
}

// utf16Len is the length of s in UTF-16 code units, the offsets of DOM
// ranges.
func utf16Len(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		n += utf16.RuneLen(r)
	}
	return n
}

// measureMask returns the boxes of each request; an error when a node is
// gone (the page changed since it was walked).
func (s *Session) measureMask(ctx context.Context, world runtime.ExecutionContextID, reqs [][3]int) ([]maskBox, error) {
	arg, err := json.Marshal(reqs)
	if err != nil {
		return nil, err
	}
	var boxes []*maskBox
	if err := s.eval(ctx, world, maskRectsScript+"("+string(arg)+")", &boxes); err != nil {
		return nil, fmt.Errorf("locating personal data: %w", err)
	}
	out := make([]maskBox, len(boxes))
	for i, b := range boxes {
		if b == nil {
			return nil, fmt.Errorf("locating personal data: the page changed while it was read")
		}
		out[i] = *b
	}
	return out, nil
}

// sameBoxes reports whether two measures agree: the page did not move
// between them.
func sameBoxes(a, b []maskBox) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Pinned != b[i].Pinned || len(a[i].Rects) != len(b[i].Rects) {
			return false
		}
		for j := range a[i].Rects {
			if a[i].Rects[j] != b[i].Rects[j] {
				return false
			}
		}
	}
	return true
}

// paintMask blacks out boxes (CSS pixels; scale image pixels per CSS
// pixel) on the PNG shot, each widened by maskMargin, and returns the new
// PNG and the number of boxes painted.
func paintMask(shot []byte, boxes []maskBox, scale float64) ([]byte, int, error) {
	src, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		return nil, 0, fmt.Errorf("screenshot: %w", err)
	}
	img, ok := src.(draw.Image)
	if !ok {
		rgba := image.NewRGBA(src.Bounds())
		draw.Draw(rgba, rgba.Bounds(), src, src.Bounds().Min, draw.Src)
		img = rgba
	}
	black := image.NewUniform(color.Black)
	n := 0
	for _, b := range boxes {
		for _, r := range b.Rects {
			x0, y0 := (r[0]-maskMargin)*scale, (r[1]-maskMargin)*scale
			x1, y1 := (r[0]+r[2]+maskMargin)*scale, (r[1]+r[3]+maskMargin)*scale
			rect := image.Rect(int(x0), int(y0), int(x1+0.999), int(y1+0.999)).Intersect(img.Bounds())
			if rect.Empty() {
				continue
			}
			draw.Draw(img, rect, black, image.Point{}, draw.Src)
			n++
		}
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, 0, fmt.Errorf("screenshot: %w", err)
	}
	return out.Bytes(), n, nil
}

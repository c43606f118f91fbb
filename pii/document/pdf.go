package document

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// readPDF reads the text of a PDF, page after page, once guardPDF has
// found nothing the PDF library cannot be trusted with.
func readPDF(body []byte, b *budget) (*Document, error) {
	if !bytes.HasPrefix(body, []byte("%PDF-")) {
		return nil, fmt.Errorf("no %%PDF- header at the start: %w", ErrMalformed)
	}
	if err := guardPDF(body, b); err != nil {
		return nil, err
	}
	ra := deadlineReaderAt{r: headerReaderAt{body}, b: b}
	r, err := pdf.NewReader(ra, int64(len(body)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) {
			return nil, fmt.Errorf("%w: %w", ErrEncrypted, err)
		}
		if err := b.check(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	doc := &Document{}
	var text strings.Builder
	err = func() (err error) {
		defer recoverPDF(&err, b)
		n := r.NumPage()
		if n > b.lim.MaxPages {
			return fmt.Errorf("%d pages: %w (%d)", n, ErrTooLarge, b.lim.MaxPages)
		}
		for i := 1; i <= n; i++ {
			if err := b.check(); err != nil {
				return err
			}
			p := r.Page(i)
			if p.V.IsNull() {
				continue
			}
			if doc.Pages > 0 {
				text.WriteByte('\f')
			}
			if err := pageText(p, &text, b); err != nil {
				return fmt.Errorf("page %d: %w", i, err)
			}
			doc.Pages++
		}
		return nil
	}()
	if err != nil {
		return nil, err
	}
	doc.Text = tidy(text.String())
	return doc, nil
}

// ligatures spells out the typographic ligatures fonts map glyphs to
// ("ﬁ" for "fi"), so that "ﬁère" reads as the word it is.
var ligatures = strings.NewReplacer("\ufb00", "ff", "\ufb01", "fi", "\ufb02", "fl", "\ufb03", "ffi", "\ufb04", "ffl", "\ufb05", "st", "\ufb06", "st")

// tidy drops the blank lines and the spaces at the ends of lines that
// text positioning leaves, keeping page breaks, and spells out ligatures.
func tidy(s string) string {
	s = ligatures.Replace(s)
	pages := strings.Split(s, "\f")
	for i, p := range pages {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		pages[i] = strings.Join(lines, "\n")
	}
	return strings.Join(pages, "\f")
}

// stop carries a budget error out of the library's interpreter, which
// only returns by panicking.
type stop struct{ err error }

// recoverPDF turns a panic of the PDF library (its way of reporting a
// malformed file) or a stop into an error.
func recoverPDF(err *error, b *budget) {
	p := recover()
	if p == nil {
		return
	}
	if s, ok := p.(stop); ok {
		*err = s.err
		return
	}
	if e := b.check(); e != nil {
		*err = e
		return
	}
	*err = fmt.Errorf("%w: %v", ErrMalformed, p)
}

// pageText writes the text shown on p to w. Text operators are read as
// the PDF library decodes them (font encodings, ToUnicode maps). Where
// text goes is followed well enough to tell words and cells apart: a move
// to another line is a line break, and a move along the line is a space
// only when it leaves a gap after the text shown (generators position
// kerned pieces of one word with moves too), the text's advance being
// measured with the font's glyph widths.
func pageText(p pdf.Page, w *strings.Builder, b *budget) (err error) {
	defer recoverPDF(&err, b)
	contents := p.V.Key("Contents")
	if contents.IsNull() {
		return nil
	}
	type font struct {
		enc     pdf.TextEncoding
		metrics *fontMetrics
	}
	fonts := map[string]font{}
	var cur font
	var size, lineX, lineY, scale, advance float64 = 0, 0, 0, 1, 0
	ops := 0
	write := func(s string) {
		if err := b.addText(len(s)); err != nil {
			panic(stop{err})
		}
		w.WriteString(s)
	}
	show := func(v pdf.Value) {
		if v.Kind() != pdf.String {
			return
		}
		raw := v.RawString()
		advance += cur.metrics.advance(raw) / 1000 * size
		if cur.enc == nil {
			write(raw)
			return
		}
		write(cur.enc.Decode(raw))
	}
	// moveTo starts a piece of text at x, y (text space; y as the PDF
	// gives it): on another line, a line break; on the same line, a
	// space when there is a gap since the text shown.
	moveTo := func(x, y float64) {
		switch {
		case y != lineY:
			write("\n")
		case (x-lineX)-advance*scale > 0.2*size*scale:
			write(" ")
		}
		lineX, lineY, advance = x, y, 0
	}
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		if ops++; ops%256 == 0 {
			if err := b.check(); err != nil {
				panic(stop{err})
			}
		}
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT":
			write("\n")
			lineX, lineY, scale, advance = 0, 0, 1, 0
		case "T*":
			moveTo(lineX, lineY+1)
		case "Td", "TD":
			if len(args) == 2 {
				moveTo(lineX+args[0].Float64()*scale, lineY+args[1].Float64()*scale)
			}
		case "Tm":
			if len(args) == 6 {
				if a := math.Abs(args[0].Float64()); a > 0 {
					scale = a
				}
				moveTo(args[4].Float64(), args[5].Float64())
			}
		case "Tf":
			if len(args) != 2 {
				return
			}
			name := args[0].Name()
			f, ok := fonts[name]
			if !ok {
				pf := p.Font(name)
				if !pf.V.IsNull() {
					f.enc = pf.Encoder()
				}
				f.metrics = newFontMetrics(pf.V)
				fonts[name] = f
			}
			cur, size = f, args[1].Float64()
		case "'", "\"":
			moveTo(lineX, lineY+1)
			if len(args) > 0 {
				show(args[len(args)-1])
			}
		case "Tj":
			if len(args) == 1 {
				show(args[0])
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			for i := 0; i < args[0].Len(); i++ {
				x := args[0].Index(i)
				if x.Kind() == pdf.String {
					show(x)
					continue
				}
				n := x.Float64()
				advance -= n / 1000 * size
				if n < -200 {
					// A shift of more than a fifth of the font size
					// is a word space in most generators' output.
					write(" ")
				}
			}
		}
	})
	return nil
}

// fontMetrics gives the advance of shown strings, from the font's glyph
// widths (in thousandths of the font size): Widths for simple fonts, W and
// DW of the descendant font for composite (Type0) fonts, whose codes are
// two bytes. A font without widths (the standard 14) is taken as half an
// em per glyph.
type fontMetrics struct {
	twoByte bool
	first   int
	widths  []float64
	cid     []cidWidths
	dflt    float64
}

// cidWidths is one entry of a W array: codes from lo to hi, each of width
// w, or of the widths ws in turn.
type cidWidths struct {
	lo, hi int
	w      float64
	ws     []float64
}

// maxWidths bounds the widths read from one font.
const maxWidths = 65536

func newFontMetrics(f pdf.Value) *fontMetrics {
	m := &fontMetrics{dflt: 500}
	if f.IsNull() {
		return m
	}
	if f.Key("Subtype").Name() == "Type0" {
		m.twoByte = true
		d := f.Key("DescendantFonts").Index(0)
		m.dflt = 1000
		if dw := d.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			m.dflt = dw.Float64()
		}
		warr := d.Key("W")
		read := 0
		for i := 0; i < warr.Len() && read < maxWidths; {
			lo := int(warr.Index(i).Int64())
			next := warr.Index(i + 1)
			if next.Kind() == pdf.Array {
				var ws []float64
				for j := 0; j < next.Len() && read < maxWidths; j++ {
					ws = append(ws, next.Index(j).Float64())
					read++
				}
				m.cid = append(m.cid, cidWidths{lo: lo, hi: lo + len(ws) - 1, ws: ws})
				i += 2
				continue
			}
			m.cid = append(m.cid, cidWidths{lo: lo, hi: int(next.Int64()), w: warr.Index(i + 2).Float64()})
			read++
			i += 3
		}
		return m
	}
	m.first = int(f.Key("FirstChar").Int64())
	ws := f.Key("Widths")
	for i := 0; i < ws.Len() && i < maxWidths; i++ {
		m.widths = append(m.widths, ws.Index(i).Float64())
	}
	if mw := f.Key("FontDescriptor").Key("MissingWidth"); mw.Kind() == pdf.Integer || mw.Kind() == pdf.Real {
		m.dflt = mw.Float64()
	} else if len(m.widths) > 0 {
		m.dflt = 0
	}
	return m
}

// advance returns the advance of raw (codes as shown), in thousandths of
// the font size.
func (m *fontMetrics) advance(raw string) float64 {
	if m == nil {
		return 500 * float64(len(raw))
	}
	total := 0.0
	if m.twoByte {
		for i := 0; i+1 < len(raw); i += 2 {
			total += m.cidWidth(int(raw[i])<<8 | int(raw[i+1]))
		}
		return total
	}
	for i := 0; i < len(raw); i++ {
		if c := int(raw[i]) - m.first; c >= 0 && c < len(m.widths) {
			total += m.widths[c]
		} else {
			total += m.dflt
		}
	}
	return total
}

func (m *fontMetrics) cidWidth(c int) float64 {
	for _, r := range m.cid {
		if c < r.lo || c > r.hi {
			continue
		}
		if r.ws != nil {
			return r.ws[c-r.lo]
		}
		return r.w
	}
	return m.dflt
}

// headerReaderAt presents a PDF 2.0 header ("%PDF-2.0") as "%PDF-1.7",
// the newest the PDF library accepts: text operators did not change.
type headerReaderAt struct{ body []byte }

func (h headerReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(h.body)) {
		return 0, io.EOF
	}
	n := copy(p, h.body[off:])
	if off < 8 && bytes.HasPrefix(h.body, []byte("%PDF-2.")) {
		fixed := []byte("%PDF-1.7")
		for i := off; i < 8 && i-off < int64(n); i++ {
			p[i-off] = fixed[i]
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

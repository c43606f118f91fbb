package document

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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

// tidy drops the blank lines and the spaces at the ends of lines that
// text positioning leaves, keeping page breaks.
func tidy(s string) string {
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
// the PDF library decodes them (font encodings, ToUnicode maps); a move
// to another line becomes a line break and a move along the line or a
// wide gap in a TJ array a space, so that the cells of a table do not run
// into each other.
func pageText(p pdf.Page, w *strings.Builder, b *budget) (err error) {
	defer recoverPDF(&err, b)
	contents := p.V.Key("Contents")
	if contents.IsNull() {
		return nil
	}
	encoders := map[string]pdf.TextEncoding{}
	var enc pdf.TextEncoding
	lastY, ops := 0.0, 0
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
		if enc == nil {
			write(v.RawString())
			return
		}
		write(enc.Decode(v.RawString()))
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
		case "T*":
			write("\n")
		case "Td", "TD":
			if len(args) == 2 && args[1].Float64() != 0 {
				write("\n")
			} else {
				write(" ")
			}
		case "Tm":
			if len(args) == 6 {
				if y := args[5].Float64(); y != lastY {
					lastY = y
					write("\n")
				} else {
					write(" ")
				}
			}
		case "Tf":
			if len(args) != 2 {
				return
			}
			name := args[0].Name()
			e, ok := encoders[name]
			if !ok {
				f := p.Font(name)
				if !f.V.IsNull() {
					e = f.Encoder()
				}
				encoders[name] = e
			}
			enc = e
		case "'", "\"":
			write("\n")
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
				} else if x.Float64() < -200 {
					// A shift of more than a fifth of the font size
					// is a word space in most generators' output.
					write(" ")
				}
			}
		}
	})
	return nil
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

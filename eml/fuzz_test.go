package eml

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bytes to the parser and to the readers of
// what it returns: none may panic or hang, and what they return stays
// within the bounds.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("From: a@b.test\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/alternative; boundary=y\r\n\r\n--y\r\n"))
	f.Add([]byte("From: =?utf-8?b?////?= <a@b.test>\r\nReply-To: ,,,@\r\nContent-Type: text/html\r\n\r\n<a href=\"http://[::1\">x</a><a href=https://xn--ls8h.test/>y"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(bytes.NewReader(raw))
		if err != nil {
			return
		}
		if len(m.Links) > maxLinks || len(m.Text) > 2*maxText+2 {
			t.Fatalf("bounds: %d links, %d bytes of text", len(m.Links), len(m.Text))
		}
		for _, r := range secretRequests(m.Text) {
			if !utf8.ValidString(r.Sentence) && utf8.ValidString(m.Text) {
				t.Fatalf("excerpt cut a character: %q", r.Sentence)
			}
		}
		breachNotice(m.Text)
		for _, l := range m.Links {
			lookalike(l.Domain, []string{"agence-emploi.test"})
		}
		signatureTags(raw)
		connection(m.Received)
	})
}

package page

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"vigie/finding"
)

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "https://www.example.fr/page")
	}
	for _, s := range []string{
		"", "<", "<form", "<form action=", "</form></form>", "<table><form><tr><td><input>",
		"<select><select><input form=x>", "<svg><title><form>", "<template><form></template><input>",
		"<label for=a><label><input id=a>", "<base href=javascript:x><a href=y>",
		"<meta http-equiv=refresh content='0;url=\"'>", "<textarea><input></textarea",
		"<input aria-labelledby='a a a' id=a>", "\x00<form\x00 action=\x00>",
		"<form><fieldset disabled><legend><input name=a></legend><fieldset><legend>b<select><option>c</fieldset><input name=d>",
		"<form><select onchange=submit()><option value=/a>A<option value=/b>B<optgroup><option>C</select><button>Go</button>",
		"<form role=search><legend>x</legend><button><select><option>y</select></button><input type=submit value=' OK '>",
		"<a href='#/a'>a</a><a href='/x#!b'>b</a><a href='#!'>c</a><a href='#top'>",
	} {
		f.Add([]byte(s), "http://example.fr/a/b?c#d")
	}
	f.Fuzz(func(t *testing.T, body []byte, pageURL string) {
		doc, err := Parse(body, pageURL)
		if err != nil {
			return
		}
		if _, err := json.Marshal(doc); err != nil {
			t.Fatalf("marshal: %v", err)
		}
		for i, fm := range doc.Forms {
			if fm.Index != i {
				t.Fatalf("form %d has index %d", i, fm.Index)
			}
			switch fm.Method {
			case "get", "post", "dialog":
			default:
				t.Fatalf("form %d method %q", i, fm.Method)
			}
			for _, s := range fm.Submitters {
				switch s.Method {
				case "get", "post", "dialog":
				default:
					t.Fatalf("submitter method %q", s.Method)
				}
			}
			for _, fl := range fm.Fields {
				switch fl.Tag {
				case "input":
					switch fl.Type {
					case "", "hidden", "submit", "button", "reset", "image":
						t.Fatalf("input of type %q kept", fl.Type)
					}
				case "select", "textarea":
				default:
					t.Fatalf("field tag %q", fl.Tag)
				}
				for _, s := range []string{fl.Label, fl.Aria, fl.Placeholder, fl.Legend} {
					if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxText || strings.TrimSpace(s) != s {
						t.Fatalf("text %q not clean", s)
					}
				}
				if len(fl.Options) > maxOptions || fl.OptionCount < len(fl.Options) || fl.Tag != "select" && fl.OptionCount > 0 {
					t.Fatalf("%s field with %d options of %d", fl.Tag, len(fl.Options), fl.OptionCount)
				}
				for _, o := range fl.Options {
					if o == "" || !utf8.ValidString(o) || utf8.RuneCountInString(o) > maxOptionText {
						t.Fatalf("option %q not clean", o)
					}
				}
			}
			if len(fm.Buttons) > maxButtons {
				t.Fatalf("%d buttons", len(fm.Buttons))
			}
			for _, b := range fm.Buttons {
				if b == "" || !utf8.ValidString(b) || utf8.RuneCountInString(b) > maxOptionText {
					t.Fatalf("button text %q not clean", b)
				}
			}
		}
		seen := map[string]bool{}
		for _, l := range doc.Links {
			if !webAbsolute(l) || seen[l] {
				t.Fatalf("link %q", l)
			}
			seen[l] = true
		}
		for _, r := range doc.Routes {
			u, frag, ok := strings.Cut(r, "#")
			if !ok || !webAbsolute(u) || !finding.IsHashRoute(frag) || seen[r] {
				t.Fatalf("route %q", r)
			}
			seen[r] = true
		}
		for _, r := range doc.Resources {
			if !webAbsolute(r.URL) {
				t.Fatalf("resource %q", r.URL)
			}
		}
	})
}

func webAbsolute(u string) bool {
	return (strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) && !strings.Contains(u, "#")
}

// FuzzResolver checks that the string joins of plain references give what
// net/url gives.
func FuzzResolver(f *testing.F) {
	for _, s := range [][2]string{
		{"https://www.example.fr/a/b.html?x=1", "c.html"},
		{"https://WWW.Example.fr", "?q=1"},
		{"http://u:p@example.fr:8080/a/../b/", "x/y"},
		{"https://example.fr/a/b", "//cdn.example.net"},
		{"https://example.fr/a/b", "https://Other.example:443?a/b#f"},
		{"https://example.fr/a/b", "/%C3%A9t%c3%a9;v=1"},
		{"https://example.fr/a/b", "a:b/c"},
		{"https://example.fr/a/b", ""},
		{"file:///tmp/a", "b"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, base, ref string) {
		b, err := url.Parse(base)
		if err != nil || !b.IsAbs() {
			return
		}
		b.Fragment, b.RawFragment = "", ""
		r := newResolver(b)
		s := cleanURL(ref)
		fast, ok := r.plain(s)
		if !ok {
			return
		}
		u, ok := resolve(b, s)
		if !ok {
			t.Fatalf("plain(%q) against %q = %q, but net/url rejects it", s, base, fast)
		}
		if slow := u.String(); slow != fast {
			t.Fatalf("plain(%q) against %q = %q, net/url gives %q", s, base, fast, slow)
		}
	})
}

// FuzzTagPrefilter checks that tagName and hasIDAttr, which read raw tag
// bytes to spare the tokenizer's allocations, agree with the tokenizer.
func FuzzTagPrefilter(f *testing.F) {
	for _, s := range []string{
		`<div id=a>`, `<DIV ID="a">`, `<p class="x"id=y>`, `<a/id=1>`, "<b\nid\n=\nx>",
		`<span data-id=3 valid="id">`, `<x-Élément id=z>`, `<input type=hidden>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		z := html.NewTokenizer(bytes.NewReader(b))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			raw := bytes.Clone(z.Raw())
			ta, name, rest := tagName(raw, 1)
			want, _ := z.TagName()
			if got := atom.Lookup(want); got != ta || (ta == 0 && !bytes.Equal(name, want) && !bytes.ContainsRune(want, '\uFFFD')) {
				t.Fatalf("tagName(%q) = %v %q, tokenizer says %q", raw, ta, name, want)
			}
			for more := true; more; {
				var k []byte
				k, _, more = z.TagAttr()
				if string(k) == "id" && !hasIDAttr(rest) {
					t.Fatalf("hasIDAttr(%q) = false, tokenizer found an id", rest)
				}
			}
		}
	})
}

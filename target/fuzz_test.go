package target

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"https://www.example.gouv.fr", "example.fr:8080/x?y#z", "[::1]:80", "::1",
		"préfecture.example.fr", "ftp://x", "javascript:alert(1)", "-bad-.com",
		"http://user@x.fr", "localhost", "http://1.2.3", "xn--prfecture-b4a.fr",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := Parse(s)
		if err != nil {
			if tg.URL != "" {
				t.Fatalf("Parse(%q) returned both %+v and %v", s, tg, err)
			}
			return
		}
		u, err := url.Parse(tg.URL)
		if err != nil {
			t.Fatalf("Parse(%q).URL = %q does not parse: %v", s, tg.URL, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Hostname() != tg.Host || u.Fragment != "" {
			t.Fatalf("Parse(%q) = %+v: inconsistent URL", s, tg)
		}
		if !utf8.ValidString(tg.Host) || strings.ToLower(tg.Host) != tg.Host {
			t.Fatalf("Parse(%q).Host = %q not lower-case ASCII", s, tg.Host)
		}
		for i := 0; i < len(tg.Host); i++ {
			if tg.Host[i] >= utf8.RuneSelf {
				t.Fatalf("Parse(%q).Host = %q not ASCII", s, tg.Host)
			}
		}
		// Normalisation is idempotent.
		again, err := Parse(tg.URL)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse again: %v", s, tg.URL, err)
		}
		if again.URL != tg.URL || again.Host != tg.Host {
			t.Fatalf("Parse(%q) = %q, Parse(%q) = %q", s, tg.URL, tg.URL, again.URL)
		}
	})
}

func FuzzParseList(f *testing.F) {
	f.Add("\xef\xbb\xbf# c\r\nexample.fr\r\nftp://x # y\n\nhttps://a.fr/#frag\n")
	f.Add("a.fr\nb.fr")
	f.Fuzz(func(t *testing.T, s string) {
		ts, errs := ParseList(strings.NewReader(s), "fuzz.txt")
		lines := strings.Count(s, "\n") + 1
		if len(ts)+len(errs) > lines {
			t.Fatalf("%d targets and %d errors from %d lines", len(ts), len(errs), lines)
		}
		for _, tg := range ts {
			if tg.Line < 1 || tg.Line > lines || tg.URL == "" {
				t.Fatalf("bad target %+v", tg)
			}
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add("url,organisation,tags\nhttps://a.fr,A,\"x;y\"\n")
	f.Add("URL;Organisation\r\na.fr;\"B ; C\"\r\n")
	f.Add("tags,url\n\"unterminated,x\n")
	f.Fuzz(func(t *testing.T, s string) {
		ts, errs := ParseCSV(strings.NewReader(s), "fuzz.csv")
		for _, tg := range ts {
			if tg.Line < 2 || tg.URL == "" || tg.Source != "fuzz.csv" {
				t.Fatalf("bad target %+v", tg)
			}
		}
		for _, e := range errs {
			if !strings.HasPrefix(e.Error(), "fuzz.csv") {
				t.Fatalf("error %q lacks its source", e)
			}
		}
		Dedup(ts)
	})
}

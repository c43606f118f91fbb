package fetch

import (
	"testing"
	"unicode/utf8"
)

func FuzzParseResolve(f *testing.F) {
	for _, s := range []string{
		"www.example-site.test:443:127.0.0.1", "*:80:[::1],127.0.0.1", "+a.test:1:::1",
		"[::1]:8080:127.0.0.1", "a:b:c", "", "-x:1", "préfecture.test:443:10.0.0.1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseResolve(s)
		if err != nil {
			return
		}
		if e.Port < 1 || e.Port > 65535 || len(e.Addrs) == 0 || e.Host == "" {
			t.Fatalf("ParseResolve(%q) = %+v", s, e)
		}
		again, err := ParseResolve(e.String())
		if err != nil || again.String() != e.String() {
			t.Fatalf("ParseResolve(%q) = %q, which parses to %q, %v", s, e.String(), again.String(), err)
		}
	})
}

func FuzzParseConnectTo(f *testing.F) {
	for _, s := range []string{":443:127.0.0.1:8443", "a.test::b.test:", ":::", "[::1]:80:[::2]:81", "a:1:b:2:3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseConnectTo(s)
		if err != nil {
			return
		}
		again, err := ParseConnectTo(e.String())
		if err != nil || again != e {
			t.Fatalf("ParseConnectTo(%q) = %+v; round trip through %q gives %+v, %v", s, e, e.String(), again, err)
		}
	})
}

func FuzzDecodeBody(f *testing.F) {
	f.Add("text/html", []byte(`<meta charset="windows-1252"><p>caf\xe9</p>`))
	f.Add("text/html; charset=utf-16", []byte("\xff\xfeh\x00i\x00"))
	f.Add("application/xml", []byte(`<?xml version="1.0" encoding="koi8-r"?><a>\xc1</a>`))
	f.Add("", []byte("\x89PNG\r\n\x1a\n"))
	f.Add("text/plain; charset=shift_jis", []byte("\x82\xa0"))
	f.Fuzz(func(t *testing.T, contentType string, raw []byte) {
		typ, cs, body := decodeBody(contentType, raw)
		if isText(typ) {
			if cs == "" || !utf8.Valid(body) {
				t.Fatalf("decodeBody(%q, %q) = %q, %q, invalid %q", contentType, raw, typ, cs, body)
			}
		} else if cs != "" || string(body) != string(raw) {
			t.Fatalf("decodeBody(%q, %q) changed a %s body", contentType, raw, typ)
		}
	})
}

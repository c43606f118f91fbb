package fetch

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

const frenchText = "Élève, cœur, l’été"

// TestCharsets serves each testdata fixture with a Content-Type and checks
// the body comes back as UTF-8 with the right charset.
func TestCharsets(t *testing.T) {
	tests := []struct {
		file, contentType string // contentType "" sends no Content-Type at all
		wantType, charset string
		want              string // substring of the decoded body; "" means the raw file
	}{
		{"latin1-header.html", "text/html; charset=ISO-8859-1", "text/html", "windows-1252", frenchText},
		{"latin1-header.html", `text/html; charset="iso-8859-1"`, "text/html", "windows-1252", "<title>Préfecture</title>"},
		{"cp1252-header.txt", "text/plain;charset=windows-1252", "text/plain", "windows-1252", frenchText},
		{"cp1252-meta.html", "text/html", "text/html", "windows-1252", frenchText},
		{"latin1-http-equiv.html", "TEXT/HTML", "text/html", "windows-1252", frenchText},
		{"utf8-bom.html", "text/html; charset=iso-8859-1", "text/html", "utf-8", "<html><body><p>" + frenchText},
		{"utf8-late.html", "text/html", "text/html", "utf-8", frenchText},
		{"undeclared-cp1252.html", "text/html", "text/html", "windows-1252", frenchText},
		{"latin1.xml", "application/xml", "application/xml", "windows-1252", frenchText},
		{"latin1.xml", "application/rss+xml; charset=utf-8", "application/rss+xml", "utf-8", "<note>\uFFFD"},
		{"data.json", "application/json", "application/json", "utf-8", frenchText},
		{"utf16le-bom.html", "text/html", "text/html", "utf-16le", "<html><body><p>" + frenchText},
		{"meta-utf16.html", "text/html", "text/html", "utf-8", frenchText},
		{"sniffed.html", "", "text/html", "utf-8", frenchText},
		{"cp1252-header.txt", "text/plain; charset=no-such-charset", "text/plain", "windows-1252", frenchText},
		{"pixel.png", "image/png", "image/png", "", ""},
		{"pixel.png", "", "image/png", "", ""},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(filepath.Join("testdata", filepath.Base(r.URL.Path)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if ct := r.URL.Query().Get("ct"); ct != "" {
			w.Header().Set("Content-Type", ct)
		} else {
			w.Header()["Content-Type"] = nil // no header, no server-side sniffing
		}
		w.Write(b)
	}))
	defer srv.Close()
	c := newClient(t, Options{})
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.contentType, func(t *testing.T) {
			r := c.Get(context.Background(), srv.URL+"/"+tt.file+"?ct="+queryEscape(tt.contentType))
			if !r.OK() {
				t.Fatal(r.Error)
			}
			if r.ContentType != tt.wantType || r.Charset != tt.charset {
				t.Errorf("type %q charset %q, want %q %q", r.ContentType, r.Charset, tt.wantType, tt.charset)
			}
			if tt.want == "" {
				raw, _ := os.ReadFile(filepath.Join("testdata", tt.file))
				if !bytes.Equal(r.Body, raw) {
					t.Errorf("body changed: %q", r.Body)
				}
				return
			}
			if !utf8.Valid(r.Body) || !strings.Contains(string(r.Body), tt.want) {
				t.Errorf("body %q does not contain %q", r.Body, tt.want)
			}
			if bytes.HasPrefix(r.Body, []byte("\xef\xbb\xbf")) {
				t.Error("byte-order mark kept")
			}
		})
	}
}

func queryEscape(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", ";", "%3B", "=", "%3D", `"`, "%22", "+", "%2B").Replace(s)
}

func TestMetaCharset(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<meta charset="utf-8">`, "utf-8"},
		{`<meta charset=' ISO-8859-15 '>`, "ISO-8859-15"},
		{`<META HTTP-EQUIV="content-type" CONTENT="text/html; charset=windows-1252">`, "windows-1252"},
		{`<meta content="text/html;charset=koi8-r" http-equiv="Content-Type">`, "koi8-r"},
		{`<meta http-equiv="Content-Type" content="text/html; charset = 'latin1'; x=">`, "latin1"},
		{`<meta name="description" content="charset=utf-8">`, ""},
		{`<!-- <meta charset="koi8-r"> --><p>x</p>`, ""},
		{strings.Repeat(" ", 1100) + `<meta charset="koi8-r">`, ""},
		{``, ""},
	}
	for _, tt := range tests {
		if got := metaCharset([]byte(tt.in)); got != tt.want {
			t.Errorf("metaCharset(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestXMLEncoding(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, "ISO-8859-1"},
		{`<?xml version='1.0' encoding = 'windows-1252' standalone='yes'?>`, "windows-1252"},
		{`<?xml version="1.0"?><a encoding="x"/>`, ""},
		{`<?xml version="1.0" encoding=utf-8?>`, ""},
		{`<?xml version="1.0" encoding="utf-8`, ""},
		{`<a/>`, ""},
	}
	for _, tt := range tests {
		if got := xmlEncoding([]byte(tt.in)); got != tt.want {
			t.Errorf("xmlEncoding(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMediaType(t *testing.T) {
	tests := []struct{ in, typ, cs string }{
		{"text/html; charset=UTF-8", "text/html", "UTF-8"},
		{"Text/HTML", "text/html", ""},
		{"text/html;;charset=utf-8", "text/html", ""},
		{"text/html; charset", "text/html", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if typ, cs := mediaType(tt.in); typ != tt.typ || cs != tt.cs {
			t.Errorf("mediaType(%q) = %q, %q; want %q, %q", tt.in, typ, cs, tt.typ, tt.cs)
		}
	}
	for typ, want := range map[string]bool{
		"text/html": true, "text/csv": true, "application/json": true, "application/ld+json": true,
		"application/javascript": true, "text/javascript": true, "application/xhtml+xml": true,
		"image/svg+xml": true, "application/pdf": false, "image/png": false, "application/octet-stream": false,
	} {
		if isText(typ) != want {
			t.Errorf("isText(%q) = %v", typ, !want)
		}
	}
}

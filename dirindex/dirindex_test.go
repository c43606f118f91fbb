package dirindex

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
)

const apache = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html>
 <head>
  <title>Index of /exports</title>
 </head>
 <body>
<h1>Index of /exports</h1>
  <table>
   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th><th><a href="?C=D;O=A">Description</a></th></tr>
   <tr><th colspan="5"><hr></th></tr>
<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="adherents-2024.csv">adherents-2024.csv</a></td><td align="right">2024-03-12 09:41  </td><td align="right"> 84K</td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/folder.gif" alt="[DIR]"></td><td><a href="archives/">archives/</a></td><td align="right">2023-01-02 10:00  </td><td align="right">  - </td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="base%20membres.sql.gz">base membres.sql.gz</a></td><td align="right">2022-06-30 23:59  </td><td align="right">1.2M</td><td>&nbsp;</td></tr>
   <tr><th colspan="5"><hr></th></tr>
</table>
<address>Apache/2.4.57 (Debian) Server at www.example.test Port 80</address>
</body></html>`

const nginx = `<html>
<head><title>Index of /sauvegardes/</title></head>
<body>
<h1>Index of /sauvegardes/</h1><hr><pre><a href="../">../</a>
<a href="2024/">2024/</a>                                              12-Mar-2024 09:41                   -
<a href="dump.sql">dump.sql</a>                                           12-Mar-2024 09:41             1048576
</pre><hr></body>
</html>`

const iis = `<html><head><title>www.example.test - /docs/</title></head><body><H1>www.example.test - /docs/</H1><hr>

<pre><A HREF="/">[To Parent Directory]</A><br><br>     Tuesday, March 12, 2024  9:41 AM        12345 <A HREF="/docs/liste.xlsx">liste.xlsx</A><br>     Tuesday, March 12, 2024  9:41 AM        &lt;dir&gt; <A HREF="/docs/photos/">photos</A><br></pre><hr></body></html>`

const python = `<!DOCTYPE HTML>
<html lang="en"><head><meta charset="utf-8"><title>Directory listing for /tmp/</title></head>
<body><h1>Directory listing for /tmp/</h1><hr><ul>
<li><a href="notes.txt">notes.txt</a></li>
</ul><hr></body></html>`

func TestParse(t *testing.T) {
	tests := []struct {
		name, url, body string
		want            []string
		ok              bool
	}{
		{"apache", "http://www.example.test/exports/", apache, []string{"adherents-2024.csv", "archives/", "base membres.sql.gz"}, true},
		{"apache without trailing slash", "http://www.example.test/exports", apache, []string{"adherents-2024.csv", "archives/", "base membres.sql.gz"}, true},
		{"nginx", "https://www.example.test/sauvegardes/", nginx, []string{"2024/", "dump.sql"}, true},
		{"iis", "http://www.example.test/docs/", iis, []string{"liste.xlsx", "photos/"}, true},
		{"python", "http://localhost:8000/tmp/", python, []string{"notes.txt"}, true},
		{"empty nginx index still an index", "https://x.test/vide/", `<html><head><title>Index of /vide/</title></head><body><h1>Index of /vide/</h1><hr><pre><a href="../">../</a>
</pre><hr></body></html>`, nil, true},
		{"title of another path", "http://www.example.test/autre/", apache, nil, false},
		{"index of products", "https://shop.test/produits/", `<html><head><title>Index of products</title></head><body><h1>Index of products</h1><ul><li><a href="chaise.html">Chaise</a></li></ul></body></html>`, nil, false},
		{"site page quoting a listing", "https://x.test/blog/", `<html><head><title>Blog - Comment fermer un Index of /</title></head><body><h1>Sécurité</h1><p>Un « Index of / » expose vos fichiers.</p><a href="article.html">Lire</a></body></html>`, nil, false},
		{"dash in an ordinary title", "https://x.test/a/", `<html><head><title>Mairie - /a/ démarches</title></head><body><a href="b.html">b</a></body></html>`, nil, false},
		{"no link at all", "http://x.test/d/", `<html><head><title>Index of /d</title></head><body><h1>Index of /d</h1></body></html>`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse([]byte(tt.body), tt.url)
			if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{apache, nginx, iis, python, "<title>Index of /</title><a href=x>x</a>"} {
		f.Add([]byte(s), "http://x.test/exports/")
	}
	f.Fuzz(func(t *testing.T, body []byte, u string) {
		entries, ok := Parse(body, u)
		if !ok && entries != nil || len(entries) > MaxEntries {
			t.Fatalf("Parse = %d entries, %v", len(entries), ok)
		}
		for _, e := range entries {
			if e == "" || e == "/" {
				t.Fatalf("empty entry in %q", entries)
			}
		}
	})
}

func TestContainsFold(t *testing.T) {
	tests := []struct {
		s, marker string
		want      bool
	}{
		{"<title>Index of /docs</title>", "index of /", true},
		{"<TITLE>INDEX OF /</TITLE>", "index of /", true},
		{"<h1>Directory Listing For /x</h1>", "directory listing for /", true},
		{"[To Parent Directory]", "[to parent directory]", true},
		{"www.example.test - /files/", " - /", true},
		{"index of products", "index of /", false},
		{"indexindex of", "index of /", false},
		{"", "index of /", false},
		{"iNdEx Of /", "index of /", true},
		{"iiiiIIIindex of /", "index of /", true},
		{"Iiii Index of /", "index of /", true},
		{"index of ", "index of /", false},
		{"xxIndex of /", "index of /", true},
	}
	for _, tt := range tests {
		if got := containsFold([]byte(tt.s), []byte(tt.marker)); got != tt.want {
			t.Errorf("containsFold(%q, %q) = %v, want %v", tt.s, tt.marker, got, tt.want)
		}
	}
}

// containsFold agrees with a search of the lower-cased text.
func TestContainsFoldSameAsLower(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"i", "I", "x", " ", "/", "-", "index", "INDEX", "Index ", "of /", "OF /", " of ", " - /", "[to parent", " directory]"}
	hits := 0
	for range 20000 {
		var s []byte
		for range rnd.IntN(8) {
			s = append(s, pieces[rnd.IntN(len(pieces))]...)
		}
		for _, m := range markers {
			want := bytes.Contains(bytes.ToLower(s), m)
			if got := containsFold(s, m); got != want {
				t.Fatalf("containsFold(%q, %q) = %v, want %v", s, m, got, want)
			}
			if want {
				hits++
			}
		}
	}
	if hits < 100 {
		t.Errorf("only %d texts held a marker: the comparison proves little", hits)
	}
}

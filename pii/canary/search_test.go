package canary

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"vigie/observation"
	"vigie/pii"
)

// page is the Set of one contact form, as the crawl fills it.
type page struct {
	set                                           *Set
	nom, email, tel, message, date, cp, pwd, site string
}

func newPage(seed string) page {
	s := NewSet([]byte(seed))
	return page{
		set:     s,
		nom:     s.For(frame+"nom", pii.Identity, "text"),
		email:   s.For(frame+"email", pii.Contact, "email"),
		tel:     s.For(frame+"telephone", pii.Contact, "tel"),
		message: s.For(frame+"message", pii.Message, "textarea"),
		date:    s.For(frame+"date_naissance", pii.Birth, "date"),
		cp:      s.For(frame+"code_postal", pii.Contact, "text"),
		pwd:     s.For(frame+"password", pii.Credentials, "password"),
		site:    s.For(frame+"site", pii.OtherPersonal, "url"),
	}
}

func hexOf(sum []byte) string { return hex.EncodeToString(sum) }

func s256(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestSearchEncodings(t *testing.T) {
	p := newPage("encodings")
	e164 := "+33" + p.tel[1:]
	replay, _ := json.Marshal([]any{
		map[string]any{"type": 3, "timestamp": 1732630000123, "data": map[string]any{"source": 5, "id": 42, "text": p.email}},
		map[string]any{"type": 3, "timestamp": 1732630000456, "data": map[string]any{"source": 2, "id": 43, "x": 12, "y": 40}},
	})
	jsEncoded := strings.NewReplacer(" ", "%20", "'", "'").Replace(p.message)
	tests := []struct {
		name string
		req  observation.Request
		want []Match // Key is the field name after frame
	}{
		{"plain in query",
			observation.Request{URL: "https://stats.tracker.example/collect?v=2&ln=" + p.nom + "&t=pageview"},
			[]Match{{"nom", "url", "plain"}}},
		{"plain, other case",
			observation.Request{URL: "https://stats.tracker.example/c?ln=" + strings.ToUpper(p.nom)},
			[]Match{{"nom", "url", "plain"}}},
		{"JSON body",
			observation.Request{URL: "https://api.tracker.example/v1/track", PostData: `{"event":"input","value":` + jsonString(p.email) + `}`},
			[]Match{{"email", "body", "plain"}}},
		{"JSON body with \\u0040 and \\/",
			observation.Request{URL: "https://api.tracker.example/v1/track", PostData: `{"e":"` + strings.ReplaceAll(p.email, "@", `\u0040`) + `","s":"` + strings.ReplaceAll(p.site, "/", `\/`) + `"}`},
			[]Match{{"email", "body", "plain"}, {"site", "body", "plain"}}},
		{"URL-encoded with +",
			observation.Request{URL: "https://t.example/e?msg=" + url.QueryEscape(p.message) + "&em=" + url.QueryEscape(p.email)},
			[]Match{{"email", "url", "url-encoded"}, {"message", "url", "url-encoded"}}},
		{"URL-encoded with %20, body",
			observation.Request{URL: "https://t.example/e", PostData: "msg=" + strings.ReplaceAll(url.QueryEscape(p.message), "+", "%20")},
			[]Match{{"message", "body", "url-encoded"}}},
		{"encodeURIComponent",
			observation.Request{URL: "https://t.example/e", PostData: "m=" + jsEncoded},
			[]Match{{"message", "body", "url-encoded"}}},
		{"double URL-encoded",
			observation.Request{URL: "https://t.example/r?u=" + url.QueryEscape("https://x.example/?e="+url.QueryEscape(p.email))},
			[]Match{{"email", "url", "url-encoded"}}},
		{"base64 of the value alone",
			observation.Request{URL: "https://t.example/p?d=" + base64.RawURLEncoding.EncodeToString([]byte(p.pwd))},
			[]Match{{"password", "url", "base64"}}},
		{"session replay: base64 of a JSON batch",
			observation.Request{URL: "https://replay.example/rec", Method: "POST", PostData: `{"sid":"a81f","events":"` + b64(string(replay)) + `"}`},
			[]Match{{"email", "body", "base64"}}},
		{"base64 twice, in a percent-encoded path",
			observation.Request{URL: "https://replay.example/b/" + url.PathEscape(b64("x="+b64(`{"f":[`+jsonString(p.nom)+`]}`)))},
			[]Match{{"nom", "url", "base64"}}},
		{"base64 with + and / in a query, percent-encoded",
			observation.Request{URL: "https://replay.example/q?d=" + url.QueryEscape(b64("\xf8\x10\x41"+`{"v":`+jsonString(p.pwd)+`}`))},
			[]Match{{"password", "url", "base64"}}},
		{"SHA-256 of the lower-cased name in a pixel",
			observation.Request{URL: "https://px.ads.example/tr?id=123&ud[ln]=" + hexOf(s256(strings.ToLower(p.nom)))},
			[]Match{{"nom", "url", "sha256"}}},
		{"SHA-256 of the e-mail, upper-case hex",
			observation.Request{URL: "https://px.ads.example/tr?em=" + strings.ToUpper(hexOf(s256(p.email)))},
			[]Match{{"email", "url", "sha256"}}},
		{"SHA-256 base64 of the e-mail",
			observation.Request{URL: "https://px.ads.example/tr", PostData: `{"em":"` + base64.StdEncoding.EncodeToString(s256(p.email)) + `"}`},
			[]Match{{"email", "body", "sha256"}}},
		{"MD5 of the e-mail",
			observation.Request{URL: "https://px.ads.example/tr?m=" + hexOf(func() []byte { h := md5.Sum([]byte(p.email)); return h[:] }())},
			[]Match{{"email", "url", "md5"}}},
		{"SHA-1 of the e-mail",
			observation.Request{URL: "https://px.ads.example/tr?s=" + hexOf(func() []byte { h := sha1.Sum([]byte(p.email)); return h[:] }())},
			[]Match{{"email", "url", "sha1"}}},
		{"E.164 phone hashed",
			observation.Request{URL: "https://px.ads.example/tr?ph=" + hexOf(s256(e164))},
			[]Match{{"telephone", "url", "sha256"}}},
		{"E.164 digits hashed",
			observation.Request{URL: "https://px.ads.example/tr?ph=" + hexOf(s256(e164[1:]))},
			[]Match{{"telephone", "url", "sha256"}}},
		{"E.164 phone in clear",
			observation.Request{URL: "https://t.example/e", PostData: `{"phone":"` + e164 + `"}`},
			[]Match{{"telephone", "body", "plain"}}},
		{"date of birth hashed as YYYYMMDD",
			observation.Request{URL: "https://px.ads.example/tr?db=" + hexOf(s256(strings.ReplaceAll(p.date, "-", "")))},
			[]Match{{"date_naissance", "url", "sha256"}}},
		{"postcode hashed",
			observation.Request{URL: "https://px.ads.example/tr?zp=" + hexOf(s256(p.cp))},
			[]Match{{"code_postal", "url", "sha256"}}},
		{"Referer after a GET form",
			observation.Request{URL: "https://cdn.example/lib.js", Header: map[string]string{
				"Referer":    "https://www.example.gouv.fr/contact?nom=" + p.nom + "&telephone=" + p.tel,
				"User-Agent": "Mozilla/5.0",
			}},
			[]Match{{"nom", "header", "plain"}, {"telephone", "header", "plain"}}},
		{"cookie header ignored",
			observation.Request{URL: "https://t.example/", Header: map[string]string{"Cookie": "n=" + p.nom}},
			nil},
		{"unique part alone",
			observation.Request{URL: "https://t.example/", PostData: "txt=" + strings.Fields(p.message)[2]},
			[]Match{{"message", "body", "plain"}}},
		{"whole value beats its token in clear, one match per place",
			observation.Request{URL: "https://t.example/e?a=" + strings.Split(p.email, "@")[0] + "&b=" + hexOf(s256(p.email)),
				PostData: "e=" + url.QueryEscape(p.email) + "&h=" + hexOf(s256(p.email))},
			[]Match{{"email", "url", "sha256"}, {"email", "body", "url-encoded"}}},
	}
	sr := p.set.Searcher()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []Match
			for _, m := range tc.want {
				want = append(want, Match{Key: frame + m.Key, Where: m.Where, Encoding: m.Encoding})
			}
			got := sr.Search(tc.req)
			if !slices.Equal(got, want) {
				t.Errorf("Search:\n got %v\nwant %v", got, want)
			}
			if got2 := Search(p.set.Values(), tc.req); !slices.Equal(got, got2) {
				t.Errorf("Search and Searcher.Search differ: %v, %v", got2, got)
			}
		})
	}
}

// leakAll builds requests carrying every value of p in every encoding.
func leakAll(p page) []observation.Request {
	var reqs []observation.Request
	for _, v := range p.set.Values() {
		forms := []string{hexOf(s256(v.Text)), hexOf(s256(strings.ToLower(v.Text)))}
		if len(v.Text) >= minClear { // shorter values are searched for hashed only
			forms = append(forms, v.Text, url.QueryEscape(v.Text), b64(v.Text))
		}
		for _, f := range forms {
			reqs = append(reqs, observation.Request{
				URL:      "https://t.example/c?v=" + f,
				PostData: `{"v":` + jsonString(f) + `,"b":"` + b64(`{"v":`+jsonString(v.Text)+`}`) + `"}`,
				Header:   map[string]string{"Referer": "https://site.example/?q=" + f},
			})
		}
	}
	return reqs
}

func TestSearchNoFalsePositive(t *testing.T) {
	p := newPage("mine")
	other := newPage("someone else")
	sr := p.set.Searcher()

	// The requests of another page's Set carry none of ours; ours are all
	// found (the test's own control).
	for _, r := range leakAll(other) {
		if got := sr.Search(r); got != nil {
			t.Errorf("other Set's request %s: %v", r.URL, got)
		}
	}
	for _, r := range leakAll(p) {
		if got := sr.Search(r); len(got) == 0 {
			t.Errorf("own request %s: nothing found", r.URL)
		}
	}

	mutate := func(s string) string { // change the middle character of the unique part
		var v Value
		for _, x := range p.set.Values() {
			if x.Text == s {
				v = x
			}
		}
		b := []byte(s)
		i := strings.Index(strings.ToLower(s), strings.ToLower(v.Unique)) + len(v.Unique)/2
		if b[i] == 'a' {
			b[i] = 'b'
		} else if isDigit(b[i]) {
			b[i] = '0' + (b[i]-'0'+1)%10
		} else {
			b[i] = 'a'
		}
		return string(b)
	}
	quiet := []observation.Request{
		{URL: "https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ&cid=1873629102.1732630000&dl=https%3A%2F%2Fwww.example.gouv.fr%2Fcontact&dt=Contact&en=page_view&_s=1",
			Header: map[string]string{"Referer": "https://www.example.gouv.fr/contact"}},
		{URL: "https://t.example/c?n=" + mutate(p.nom) + "&e=" + mutate(p.email) + "&t=" + mutate(p.tel) + "&d=" + mutate(p.date)},
		{URL: "https://t.example/c?t=1" + p.tel + "&u=" + p.tel + "7&d=" + strings.ReplaceAll(p.date, "-", "") + "9"},
		{URL: "https://t.example/c?n=" + p.nom[:minClear-1] + "&m=" + strings.Fields(p.message)[2][:minClear-1]},
		{URL: "https://t.example/c?cp=" + p.cp, PostData: `{"zip":"` + p.cp + `"}`},
		{URL: "https://t.example/c", PostData: b64(strings.Repeat("nothing to see here ", 50))},
	}
	for _, r := range quiet {
		if got := sr.Search(r); got != nil {
			t.Errorf("%s %q: %v", r.URL, r.PostData, got)
		}
	}
}

func TestSearchEmpty(t *testing.T) {
	if got := Search(nil, observation.Request{URL: "https://t.example/?a=b"}); got != nil {
		t.Errorf("no values: %v", got)
	}
	sr := NewSearcher([]Value{{Key: "k", Text: "abcdefgh"}, {Key: "short", Text: "ab"}, {Key: "blank"}})
	if got := sr.Search(observation.Request{}); got != nil {
		t.Errorf("empty request: %v", got)
	}
	got := sr.Search(observation.Request{URL: "https://t.example/?x=ABCDEFGH&y=ab"})
	if want := []Match{{"k", "url", "plain"}}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestSearchShortNeedle covers hand-built values shorter than the hash
// window.
func TestSearchShortNeedle(t *testing.T) {
	sr := NewSearcher([]Value{{Key: "k", Text: "x7q2zz", Unique: "x7q2zz"}})
	for _, tc := range []struct {
		url  string
		want int
	}{
		{"https://t.example/?a=x7q2zz", 1},
		{"https://t.example/?a=X7Q2ZZ", 1},
		{"https://t.example/?a=x7q2z", 0},
	} {
		if got := sr.Search(observation.Request{URL: tc.url}); len(got) != tc.want {
			t.Errorf("%s: %v", tc.url, got)
		}
	}
}

func FuzzSearch(f *testing.F) {
	p := newPage("fuzz")
	sr := p.set.Searcher()
	for _, r := range leakAll(p)[:6] {
		f.Add(r.URL, r.PostData, r.Header["Referer"])
	}
	f.Add("", "", "")
	f.Add("%", "%zz%4", `\/\`)
	f.Add("https://a/"+strings.Repeat("A", 9), strings.Repeat("=", 10), "+/+/+/+/+/+/+/+/")
	f.Fuzz(func(t *testing.T, u, body, ref string) {
		r := observation.Request{URL: u, PostData: body, Header: map[string]string{"Referer": ref}}
		got := sr.Search(r)
		for _, m := range got {
			if !slices.Contains(places[:], m.Where) || !slices.Contains(encodings[:], m.Encoding) {
				t.Fatalf("bad match %v", m)
			}
		}
		_ = MaskURL(u)
	})
}

func BenchmarkSearch(b *testing.B) {
	p := newPage("bench")
	for i := range 2 {
		p.set.For(fmt.Sprintf("%sextra%d", frame, i), pii.Identity, "text")
	}
	sr := p.set.Searcher()
	reqs := benchRequests(200, 16<<10)
	var total int64
	for _, r := range reqs {
		total += int64(len(r.URL) + len(r.PostData))
	}
	b.SetBytes(total)
	b.ResetTimer()
	for b.Loop() {
		for _, r := range reqs {
			if m := sr.Search(r); m != nil {
				b.Fatal(m)
			}
		}
	}
}

// benchRequests builds n requests with bodies of size bytes mixing JSON,
// words, numbers and base64 blobs, as analytics and replay scripts send.
func benchRequests(n, size int) []observation.Request {
	seed := uint64(42)
	next := func() uint64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
	words := []string{"click", "session", "pageview", "timestamp", "viewport", "scroll", "element", "button", "contact", "formulaire"}
	reqs := make([]observation.Request, n)
	for i := range reqs {
		var b strings.Builder
		for b.Len() < size {
			switch next() % 4 {
			case 0:
				fmt.Fprintf(&b, `{"%s":%d,"t":%d},`, words[next()%10], next()%100000, 1732630000000+next()%100000)
			case 1:
				raw := make([]byte, 48)
				for j := range raw {
					raw[j] = byte(next())
				}
				fmt.Fprintf(&b, `"%s",`, base64.StdEncoding.EncodeToString(raw))
			case 2:
				fmt.Fprintf(&b, `"%s %s %s",`, words[next()%10], words[next()%10], words[next()%10])
			default:
				fmt.Fprintf(&b, `"%x",`, next())
			}
		}
		reqs[i] = observation.Request{
			URL:      fmt.Sprintf("https://collect.tracker.example/v1/e?sid=%x&n=%d", next(), i),
			PostData: b.String()[:size],
			Header:   map[string]string{"Referer": "https://www.example.gouv.fr/contact", "Content-Type": "application/json"},
		}
	}
	return reqs
}

func TestLower8(t *testing.T) {
	var b [8]byte
	for c := range 256 {
		for i := range b {
			b[i] = byte(c + i*37)
		}
		k := binary.LittleEndian.Uint64(b[:])
		var want [8]byte
		copy(want[:], lowerASCII(string(b[:])))
		if got := lower8(k); got != binary.LittleEndian.Uint64(want[:]) {
			t.Errorf("lower8(%q) = %x, want %q", b, got, want)
		}
	}
}

// BenchmarkNewSearcher is the cost Search pays on every call.
func BenchmarkNewSearcher(b *testing.B) {
	p := newPage("bench")
	for i := range 2 {
		p.set.For(fmt.Sprintf("%sextra%d", frame, i), pii.Identity, "text")
	}
	vals := p.set.Values()
	for b.Loop() {
		NewSearcher(vals)
	}
}

package target

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"vigie/internal/golden"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in         string
		url, host  string
		schemeGive bool
		err        string // substring of the error; "" when valid
	}{
		{in: "https://www.example.gouv.fr", url: "https://www.example.gouv.fr/", host: "www.example.gouv.fr", schemeGive: true},
		{in: "  HTTPS://WWW.Example.Gouv.FR/Contact?Lang=FR#top ", url: "https://www.example.gouv.fr/Contact?Lang=FR", host: "www.example.gouv.fr", schemeGive: true},
		{in: "http://example.fr:80/", url: "http://example.fr/", host: "example.fr", schemeGive: true},
		{in: "https://example.fr:443", url: "https://example.fr/", host: "example.fr", schemeGive: true},
		{in: "http://example.fr:443/", url: "http://example.fr:443/", host: "example.fr", schemeGive: true},
		{in: "https://example.fr:08443/x", url: "https://example.fr:8443/x", host: "example.fr", schemeGive: true},
		{in: "https://example.fr.", url: "https://example.fr/", host: "example.fr", schemeGive: true},
		{in: "https://example.fr/?", url: "https://example.fr/", host: "example.fr", schemeGive: true},
		{in: "https://example.fr/a%20b", url: "https://example.fr/a%20b", host: "example.fr", schemeGive: true},
		{in: "example.fr", url: "https://example.fr/", host: "example.fr"},
		{in: "Example.FR:8080", url: "https://example.fr:8080/", host: "example.fr"},
		{in: "www.example.fr/contact", url: "https://www.example.fr/contact", host: "www.example.fr"},
		{in: "//www.example.fr", url: "https://www.example.fr/", host: "www.example.fr"},
		{in: "localhost", url: "https://localhost/", host: "localhost"},
		{in: "localhost:3000", url: "https://localhost:3000/", host: "localhost"},
		{in: "127.0.0.1", url: "https://127.0.0.1/", host: "127.0.0.1"},
		{in: "http://127.0.0.1:8080/x", url: "http://127.0.0.1:8080/x", host: "127.0.0.1", schemeGive: true},
		{in: "::1", url: "https://[::1]/", host: "::1"},
		{in: "[2001:DB8::1]:8443", url: "https://[2001:db8::1]:8443/", host: "2001:db8::1"},
		{in: "http://[2001:db8:0::1]/", url: "http://[2001:db8::1]/", host: "2001:db8::1", schemeGive: true},
		{in: "https://préfecture.example.fr/", url: "https://xn--prfecture-c4a.example.fr/", host: "xn--prfecture-c4a.example.fr", schemeGive: true},
		{in: "PRÉFECTURE.example.fr", url: "https://xn--prfecture-c4a.example.fr/", host: "xn--prfecture-c4a.example.fr"},
		{in: "https://xn--prfecture-c4a.example.fr/", url: "https://xn--prfecture-c4a.example.fr/", host: "xn--prfecture-c4a.example.fr", schemeGive: true},
		{in: "https://my_site.example.fr/", url: "https://my_site.example.fr/", host: "my_site.example.fr", schemeGive: true},

		{in: "", err: "empty target"},
		{in: "   ", err: "empty target"},
		{in: "foo bar", err: "contains white space"},
		{in: "https://example.fr/a b", err: "contains white space"},
		{in: "https://exa\x00mple.fr", err: "control character"},
		{in: "ftp://x", err: `unsupported scheme "ftp"`},
		{in: "FTP://x.example.fr", err: `unsupported scheme "ftp"`},
		{in: "javascript:alert(1)", err: `unsupported scheme "javascript"`},
		{in: "mailto:dpo@example.fr", err: `unsupported scheme "mailto"`},
		{in: "http:example.fr", err: `missing "//"`},
		{in: "http://", err: "missing host"},
		{in: "http:///path", err: "missing host"},
		{in: "https://user:pw@example.fr/", err: "user name or password"},
		{in: "https://user@example.fr/", err: "user name or password"},
		{in: "-bad-.com", err: "starts or ends with a hyphen"},
		{in: "https://bad-.example.fr", err: "starts or ends with a hyphen"},
		{in: "https://a..example.fr", err: "empty label"},
		{in: "https://" + strings.Repeat("a", 64) + ".fr", err: "longer than 63"},
		{in: strings.Repeat("abcdefghi.", 26) + "fr", err: "longer than 253"},
		{in: "https://exa!mple.fr", err: `contains '!'`},
		{in: "https://example.fr:99999/", err: `port "99999" out of range`},
		{in: "https://example.fr:0/", err: `port "0" out of range`},
		{in: "example.fr:http", err: "invalid port"},
		{in: "intranet", err: "no dot"},
		{in: "http://1.2.3/", err: "neither an IP address nor a name"},
		{in: "http://999.1.1.1/", err: "neither an IP address nor a name"},
		{in: "https://[fe80::1%25eth0]/", err: "zone"},
		{in: "https://[::1/", err: "missing ']'"},
		{in: "https://xn--a.example.fr/", err: "not valid punycode"},
		{in: "https://exa\uFFFDmple.fr/", err: "international host name"},
		{in: "https://" + strings.Repeat("x", maxInput), err: "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.err != "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %+v, want error containing %q", tt.in, got, tt.err)
				}
				if !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Parse(%q) error = %q, want it to contain %q", tt.in, err, tt.err)
				}
				var le *LineError
				if !errors.As(err, &le) || le.Source != "argument" {
					t.Fatalf("error %#v is not a *LineError from argument", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			want := Target{Input: strings.TrimSpace(tt.in), URL: tt.url, Host: tt.host, SchemeGiven: tt.schemeGive, Source: "argument"}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Parse(%q)\n got %+v\nwant %+v", tt.in, got, want)
			}
		})
	}
}

func TestLineErrorString(t *testing.T) {
	tests := []struct {
		err  LineError
		want string
	}{
		{LineError{Source: "targets.txt", Line: 12, Input: "ftp://x", Err: errors.New(`unsupported scheme "ftp"`)},
			`targets.txt:12: "ftp://x": unsupported scheme "ftp"`},
		{LineError{Source: "argument", Input: "a b", Err: errSpace}, `argument: "a b": contains white space`},
		{LineError{Source: "sites.csv", Line: 1, Err: errors.New("missing header row")}, `sites.csv:1: missing header row`},
		{LineError{Input: "x", Err: errEmpty}, `"x": empty target`},
		{LineError{Source: "f", Line: 2, Input: strings.Repeat("é", 60), Err: errEmpty},
			`f:2: "` + strings.Repeat("é", 40) + `…": empty target`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// result is the golden form of a parse: the targets and the error texts.
type result struct {
	Targets []Target `json:"targets"`
	Errors  []string `json:"errors"`
}

func TestParseFilesGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	csvs, err := filepath.Glob("testdata/*.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(files, csvs...) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			f, err := os.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var (
				ts   []Target
				errs []error
			)
			if strings.HasSuffix(name, ".csv") {
				ts, errs = ParseCSV(f, filepath.Base(name))
			} else {
				ts, errs = ParseList(f, filepath.Base(name))
			}
			res := result{Targets: ts, Errors: []string{}}
			for _, e := range errs {
				var le *LineError
				if !errors.As(e, &le) {
					t.Errorf("error %v is not a *LineError", e)
				}
				res.Errors = append(res.Errors, e.Error())
			}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden.Check(t, strings.TrimPrefix(filepath.ToSlash(name), "testdata/")+".golden", got)
		})
	}
}

func TestParseListLongLine(t *testing.T) {
	in := "a.example.fr\n" + strings.Repeat("x", MaxLineBytes+10) + "\nb.example.fr"
	ts, errs := ParseList(strings.NewReader(in), "long.txt")
	if len(ts) != 2 || ts[0].Line != 1 || ts[1].Line != 3 {
		t.Fatalf("targets = %+v, want lines 1 and 3", ts)
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "long.txt:2: line longer than") {
		t.Fatalf("errors = %v", errs)
	}
}

type failingReader struct{ data string }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestParseListReadError(t *testing.T) {
	ts, errs := ParseList(&failingReader{data: "a.example.fr\nb.example.fr\n"}, "f")
	if len(ts) != 2 {
		t.Fatalf("targets = %+v", ts)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "disk on fire") {
		t.Fatalf("errors = %v", errs)
	}
}

func TestParseCSVEmpty(t *testing.T) {
	for _, in := range []string{"", "\xef\xbb\xbf", "\n\n"} {
		ts, errs := ParseCSV(strings.NewReader(in), "empty.csv")
		if len(ts) != 0 || len(errs) != 1 || errs[0].Error() != "empty.csv:1: missing header row" {
			t.Errorf("ParseCSV(%q) = %v, %v", in, ts, errs)
		}
	}
}

func TestDedup(t *testing.T) {
	mk := func(in, org string, tags ...string) Target {
		tg, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		tg.Organisation, tg.Tags = org, tags
		return tg
	}
	urls := func(ts []Target) []string {
		var out []string
		for _, t := range ts {
			s := t.URL
			if !t.SchemeGiven {
				s = "bare:" + s
			}
			if t.Organisation != "" || len(t.Tags) > 0 {
				s += " [" + t.Organisation + "|" + strings.Join(t.Tags, ",") + "]"
			}
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		name string
		in   []Target
		want []string
	}{
		{"empty", nil, nil},
		{"same url written twice",
			[]Target{mk("https://a.example.fr", ""), mk("HTTPS://A.example.fr:443/#x", "A", "t")},
			[]string{"https://a.example.fr/ [A|t]"}},
		{"different paths kept",
			[]Target{mk("https://a.example.fr/", ""), mk("https://a.example.fr/b", "")},
			[]string{"https://a.example.fr/", "https://a.example.fr/b"}},
		{"bare then explicit: explicit kept in first place, first info wins",
			[]Target{mk("a.example.fr", "A"), mk("b.example.fr", ""), mk("http://a.example.fr/", "Other", "x")},
			[]string{"http://a.example.fr/ [A|x]", "bare:https://b.example.fr/"}},
		{"explicit then bare",
			[]Target{mk("https://a.example.fr", ""), mk("a.example.fr", "A", "t")},
			[]string{"https://a.example.fr/ [A|t]"}},
		{"both schemes kept, bare merged into the first",
			[]Target{mk("http://a.example.fr", ""), mk("https://a.example.fr", ""), mk("a.example.fr", "A")},
			[]string{"http://a.example.fr/ [A|]", "https://a.example.fr/"}},
		{"bare, http, https",
			[]Target{mk("a.example.fr", ""), mk("http://a.example.fr", "H"), mk("https://a.example.fr", "S")},
			[]string{"http://a.example.fr/ [H|]", "https://a.example.fr/ [S|]"}},
		{"bare twice",
			[]Target{mk("a.example.fr", ""), mk("A.EXAMPLE.FR.", "A")},
			[]string{"bare:https://a.example.fr/ [A|]"}},
		{"ports differ",
			[]Target{mk("a.example.fr:8080", ""), mk("http://a.example.fr/", ""), mk("http://a.example.fr:8080/", "P")},
			[]string{"http://a.example.fr:8080/ [P|]", "http://a.example.fr/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := urls(Dedup(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Dedup =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}

func TestSplitTags(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"prefecture;dept:01", []string{"prefecture", "dept:01"}},
		{" a , b |c  d;;a ", []string{"a", "b", "c", "d"}},
	}
	for _, tt := range tests {
		if got := splitTags(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitTags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"url,organisation,tags", ','},
		{"url;organisation;tags", ';'},
		{"url\torganisation", '\t'},
		{`"a;b",url`, ','},
		{"url", ','},
		{`url;"x,y,z"`, ';'},
	}
	for _, tt := range tests {
		if got := sniffDelimiter([]byte(tt.in)); got != tt.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

package eml_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/dnsq"
	"vigie/eml"
	"vigie/internal/authdns"
	"vigie/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// dkimRecord returns the DKIM key record, as zone-file strings of at most
// 200 characters, for the TEST-ONLY private key in testdata/keys.
func dkimRecord(t *testing.T, keyFile string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "keys", keyFile))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: no PEM block", keyFile)
	}
	k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	rec := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	var parts []string
	for len(rec) > 200 {
		parts = append(parts, `"`+rec[:200]+`"`)
		rec = rec[200:]
	}
	parts = append(parts, `"`+rec+`"`)
	return strings.Join(parts, " ")
}

// startDNS serves the corpus's domains from a real Knot DNS server.
func startDNS(t *testing.T) *authdns.Server {
	return authdns.Start(t,
		authdns.Zone{Name: "agence-emploi.test", Records: []string{
			`@ TXT "v=spf1 ip4:192.0.2.0/24 -all"`,
			`_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@agence-emploi.test"`,
			"s2026._domainkey TXT " + dkimRecord(t, "TEST-ONLY-agence-emploi-s2026.key"),
			"esp1._domainkey TXT " + dkimRecord(t, "TEST-ONLY-agence-emploi-esp1.key"),
		}},
		authdns.Zone{Name: "routeur-mail.test", Records: []string{
			`bounces TXT "v=spf1 ip4:198.51.100.0/24 -all"`,
			`_dmarc TXT "v=DMARC1; p=none"`,
		}},
		authdns.Zone{Name: "agence-emp1oi.test", Records: []string{
			`@ TXT "v=spf1 ip4:203.0.113.0/24 -all"`,
			`_dmarc TXT "v=DMARC1; p=none"`,
			"k1._domainkey TXT " + dkimRecord(t, "TEST-ONLY-agence-emp1oi-k1.key"),
		}},
	)
}

// crlf writes a template's lines with CRLF, as SMTP carries them.
func crlf(b []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
}

// signedCorpus signs each template with Debian's dkimsign and prepends
// the fields the recipient's server adds; "tampered" is "legit" with its
// body altered after signing. It returns the messages by name.
func signedCorpus(t *testing.T) map[string][]byte {
	t.Helper()
	bin := testtool.Need(t, "dkimsign")
	dir := filepath.Join("testdata", "corpus")
	sign := func(name string) []byte {
		tmpl, err := os.ReadFile(filepath.Join(dir, name+".eml"))
		if err != nil {
			t.Fatal(err)
		}
		spec, err := os.ReadFile(filepath.Join(dir, name+".sign"))
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(string(spec))
		if len(f) != 3 {
			t.Fatalf("%s.sign: want SELECTOR DOMAIN KEYFILE", name)
		}
		cmd := exec.Command(bin, f[0], f[1], filepath.Join("testdata", "keys", f[2]))
		cmd.Stdin = bytes.NewReader(crlf(tmpl))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		signed, err := cmd.Output()
		if err != nil || !bytes.HasPrefix(signed, []byte("DKIM-Signature:")) {
			t.Fatalf("dkimsign %s: %v %s", name, err, stderr.String())
		}
		trace, err := os.ReadFile(filepath.Join(dir, name+".trace"))
		if err != nil {
			t.Fatal(err)
		}
		return append(crlf(trace), signed...)
	}
	out := map[string][]byte{}
	for _, name := range []string{"legit", "massmail", "phishing", "incomplete"} {
		out[name] = sign(name)
	}
	legit := out["legit"]
	tampered := bytes.Replace(legit, []byte("le 28 novembre 2026"), []byte("le 29 novembre 2026"), 1)
	if bytes.Equal(tampered, legit) {
		t.Fatal("tampering changed nothing")
	}
	out["tampered"] = tampered
	return out
}

func TestCorpus(t *testing.T) {
	srv := startDNS(t)
	corpus := signedCorpus(t)
	official := []string{"agence-emploi.test"}
	// Expectations written before the first run; each verdict and each
	// check is asserted, no more, no less.
	tests := []struct {
		name, message string
		official      []string
		verdict       string
		checks        []string
		dkim          []string // results, in signature order
		spf, dmarc    string
		missing       []string // art. 34 elements missing; nil: not a notice
		golden        bool
	}{
		{"legit", "legit", official, eml.LikelyLegitimate, nil,
			[]string{"pass"}, "pass", "pass", []string{}, true},
		{"massmail", "massmail", official, eml.Suspicious, []string{eml.CheckLinksForeign},
			[]string{"pass"}, "pass", "pass", []string{}, true},
		{"phishing", "phishing", official, eml.LikelyPhishing,
			[]string{eml.CheckArt34Incomplete, eml.CheckCredentialsRequest, eml.CheckHTTPLink, eml.CheckLinksForeign, eml.CheckLookalike},
			[]string{"pass"}, "pass", "pass", []string{"contact", "consequences", "measures", "advice"}, true},
		// Without the official domain, the link whose text shows the
		// real domain still gives the copy away.
		{"phishing-no-official", "phishing", nil, eml.LikelyPhishing,
			[]string{eml.CheckArt34Incomplete, eml.CheckCredentialsRequest, eml.CheckHTTPLink, eml.CheckLinksForeign, eml.CheckLookalike},
			[]string{"pass"}, "pass", "pass", []string{"contact", "consequences", "measures", "advice"}, false},
		{"tampered", "tampered", official, eml.Suspicious, []string{eml.CheckDKIMFail},
			[]string{"fail"}, "pass", "pass", []string{}, true},
		{"incomplete", "incomplete", official, eml.LikelyLegitimate, []string{eml.CheckArt34Incomplete},
			[]string{"pass"}, "pass", "pass", []string{"contact", "consequences"}, true},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := eml.Parse(bytes.NewReader(corpus[tc.message]))
			if err != nil {
				t.Fatal(err)
			}
			o := eml.Options{DNS: &dnsq.Client{Server: srv.Addr, Timeout: 2 * time.Second}, OfficialDomains: tc.official}
			r, err := eml.Analyse(ctx, m, o)
			if err != nil {
				t.Fatal(err)
			}
			r.File = tc.message + ".eml"
			var got []string
			for _, f := range r.Checks {
				got = append(got, f.Check)
			}
			if r.Verdict != tc.verdict || !slices.Equal(got, tc.checks) {
				t.Errorf("verdict %s checks %v, want %s %v\n%+v", r.Verdict, got, tc.verdict, tc.checks, r.Checks)
			}
			var dk []string
			for _, d := range r.Auth.DKIM {
				dk = append(dk, d.Result)
			}
			if !slices.Equal(dk, tc.dkim) || r.Auth.SPF.Result != tc.spf || r.Auth.DMARC.Result != tc.dmarc {
				t.Errorf("dkim %v spf %s dmarc %s, want %v %s %s\n%+v", dk, r.Auth.SPF.Result, r.Auth.DMARC.Result, tc.dkim, tc.spf, tc.dmarc, r.Auth)
			}
			switch {
			case r.Notice == nil:
				t.Errorf("not read as a breach notice")
			case !slices.Equal(append([]string{}, r.Notice.Missing...), tc.missing):
				t.Errorf("notice missing %v, want %v\n%v", r.Notice.Missing, tc.missing, r.Notice.Elements)
			}
			// The DNS answers the verification relied on are kept,
			// with the server that gave them.
			if len(r.DNS) == 0 {
				t.Error("no DNS answer kept")
			}
			for _, a := range r.DNS {
				if a.Server != srv.Addr || a.Time.IsZero() {
					t.Errorf("answer %s %s from %q at %v", a.Type, a.Name, a.Server, a.Time)
				}
			}
			// Stable goldens: the server's port and the time vary.
			for _, a := range r.DNS {
				a.Server, a.Time = "127.0.0.1:53", time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
			}
			outs := map[string][]byte{}
			for _, f := range []struct{ ext, format, lang string }{{"txt", "text", "en"}, {"fr.txt", "text", "fr"}, {"json", "json", "en"}} {
				var b bytes.Buffer
				if err := eml.Write(&b, []*eml.Report{r}, f.format, f.lang); err != nil {
					t.Fatal(err)
				}
				outs[f.ext] = b.Bytes()
				// The recipient is masked everywhere.
				for _, secret := range []string{"Dupont", "jean.dupont", "example.net>"} {
					if bytes.Contains(b.Bytes(), []byte(secret)) {
						t.Errorf("%s output shows %q", f.format, secret)
					}
				}
				if tc.golden {
					golden(t, filepath.Join("testdata", "golden", tc.name+"."+f.ext), b.Bytes())
				}
			}
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n%s", path, diffLines(string(want), string(got)))
	}
}

func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			fmt.Fprintf(&b, "line %d\n- %s\n+ %s\n", i+1, a, c)
		}
	}
	return b.String()
}

package eml_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/dnsq"
	"vigie/eml"
	"vigie/eml/emltest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestCorpus(t *testing.T) {
	srv := emltest.StartDNS(t)
	corpus := emltest.Corpus(t)
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

// TestUnsignedMessages covers what the signed corpus does not: messages
// without a signature or without a Received field, forged signatures,
// sender mismatches and attachments, against the same DNS server.
func TestUnsignedMessages(t *testing.T) {
	srv := emltest.StartDNS(t)
	const body = "\r\nBonjour,\r\nVotre attestation est disponible sur https://www.agence-emploi.test/attestation.\r\n"
	head := func(from string, extra ...string) string {
		h := "From: " + from + "\r\nTo: Jean Dupont <jean.dupont@example.net>\r\nSubject: Attestation\r\nDate: Mon, 07 Dec 2026 10:00:00 +0100\r\nMessage-ID: <1@x.test>\r\n"
		for _, e := range extra {
			h += e + "\r\n"
		}
		return h
	}
	received := func(ip string) string {
		return "Received: from out.test (out.test [" + ip + "]) by mx.example.net with ESMTPS; Mon, 07 Dec 2026 10:00:01 +0100"
	}
	forged := "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=agence-emploi.test; s=absent; h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA"
	tests := []struct {
		name, raw string
		verdict   string
		checks    []string
		spf       string
		dmarc     string
	}{
		// The organisation's domain publishes p=reject; unsigned, and
		// the connecting address unknown: DMARC fails on DKIM alone.
		{"unsigned, no Received", head("<notifications@agence-emploi.test>") + body,
			eml.Suspicious, []string{eml.CheckDMARCFail}, eml.NotVerifiable, "fail"},
		// Unsigned from an address SPF authorises: DMARC passes by SPF.
		{"unsigned, SPF pass", received("192.0.2.30") + "\r\nReturn-Path: <n@agence-emploi.test>\r\n" + head("<notifications@agence-emploi.test>") + body,
			eml.LikelyLegitimate, nil, "pass", "pass"},
		// Unsigned from an address SPF refuses.
		{"unsigned, SPF fail", received("198.51.100.99") + "\r\nReturn-Path: <n@agence-emploi.test>\r\n" + head("<notifications@agence-emploi.test>") + body,
			eml.Suspicious, []string{eml.CheckDMARCFail}, "fail", "fail"},
		// An internal hop's address: SPF is not verifiable, never guessed.
		{"internal hop", received("10.1.2.3") + "\r\n" + head("<notifications@agence-emploi.test>") + body,
			eml.Suspicious, []string{eml.CheckDMARCFail}, eml.NotVerifiable, "fail"},
		// SPF passes for strict.test, but the From is news.strict.test
		// and the policy (found at the organisational domain) is
		// strict: not aligned. Relaxed, the same message passes.
		{"strict alignment", received("192.0.2.90") + "\r\nReturn-Path: <b@strict.test>\r\n" + head("<info@news.strict.test>") + body,
			eml.Suspicious, []string{eml.CheckDMARCFail, eml.CheckSenderMismatch}, "pass", "fail"},
		{"relaxed alignment", received("192.0.2.30") + "\r\nReturn-Path: <n@agence-emploi.test>\r\n" + head("<info@news.agence-emploi.test>") + body,
			eml.LikelyLegitimate, nil, "pass", "pass"},
		// A domain without DMARC: nobody vouches for the sender.
		{"no DMARC policy", head("<contact@sans-dmarc.test>") + body,
			eml.Suspicious, []string{eml.CheckSenderMismatch, eml.CheckUnauthenticated}, eml.NotVerifiable, "none"},
		// A signature whose selector has no key.
		{"forged signature", forged + "\r\n" + received("192.0.2.30") + "\r\nReturn-Path: <n@agence-emploi.test>\r\n" + head("<notifications@agence-emploi.test>") + body,
			eml.Suspicious, []string{eml.CheckDKIMFail}, "pass", "pass"},
		// The display name shows another address; replies go elsewhere;
		// a double extension; a request for a password.
		{"mismatches", received("192.0.2.30") + "\r\nReturn-Path: <n@agence-emploi.test>\r\n" +
			head(`"dossiers@agence-emploi.test" <notifications@agence-emploi.test>`, "Reply-To: <dossiers@sans-dmarc.test>",
				"MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=b") +
			"\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMerci de saisir votre mot de passe pour ouvrir la pièce jointe.\r\n" +
			"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"attestation.pdf.exe\"\r\n\r\nMZ\r\n--b--\r\n",
			eml.Suspicious, []string{eml.CheckAttachmentRisky, eml.CheckCredentialsRequest, eml.CheckSenderMismatch}, "pass", "pass"},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := eml.Parse(strings.NewReader(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			r, err := eml.Analyse(ctx, m, eml.Options{DNS: &dnsq.Client{Server: srv.Addr, Timeout: 2 * time.Second}, OfficialDomains: []string{"agence-emploi.test"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range r.Checks {
				got = append(got, f.Check)
			}
			if r.Verdict != tc.verdict || !slices.Equal(got, tc.checks) || r.Auth.SPF.Result != tc.spf || r.Auth.DMARC.Result != tc.dmarc {
				t.Errorf("verdict %s checks %v spf %s dmarc %s, want %s %v %s %s\n%+v\n%+v", r.Verdict, got, r.Auth.SPF.Result, r.Auth.DMARC.Result,
					tc.verdict, tc.checks, tc.spf, tc.dmarc, r.Checks, r.Auth)
			}
		})
	}
}

// A DNS server that does not answer leaves no verdict.
func TestNoDNSAnswer(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	raw := "DKIM-Signature: v=1; a=rsa-sha256; d=a.test; s=s; h=from; bh=x; b=x\r\nFrom: <n@a.test>\r\nSubject: x\r\n\r\nbody\r\n"
	m, err := eml.Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, err = eml.Analyse(context.Background(), m, eml.Options{DNS: &dnsq.Client{Server: pc.LocalAddr().String(), Timeout: 200 * time.Millisecond}})
	if !errors.Is(err, eml.ErrUnverified) {
		t.Errorf("silent server: %v, want ErrUnverified", err)
	}
}

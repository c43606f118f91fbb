package eml

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"vigie/check"
)

func TestLookalike(t *testing.T) {
	official := []string{"agence-emploi.fr", "impots.gouv.fr", "caf.fr"}
	tests := []struct {
		domain, reason string // reason "" means not a look-alike
	}{
		{"agence-emp1oi.fr", "confusable"},        // digit 1 for l
		{"agence-emploi.com", "suffix"},           // another suffix
		{"agence-empoi.fr", "edit-distance"},      // a letter removed
		{"agense-emplois.fr", "edit-distance"},    // two changes in a long name
		{"agence-emploi-securite.fr", "contains"}, // official name with a word added
		{"mon-agence-emploi.net", "contains"},     // word before
		{"agence-emploi.fr", ""},                  // the official domain itself
		{"www.agence-emploi.fr", ""},              // registrable domain is official (caller passes registrable)
		{"pole-emploi.fr", ""},                    // another real organisation
		{"impots.gouv.fr", ""},                    // official
		{"imp0ts.gouv.fr", "confusable"},          // under a public suffix of several labels
		{"cas.fr", ""},                            // three-letter names are not compared
		{"routeur-mail.fr", ""},                   // unrelated
		{"agenceemploi.fr", "edit-distance"},      // hyphen dropped
		{"xn--agence-mploi-heb.fr", "confusable"}, // agence-émploi: é maps to e
	}
	for _, tc := range tests {
		d := registrable(tc.domain)
		la, ok := lookalike(d, official)
		if ok != (tc.reason != "") || la.Reason != tc.reason {
			t.Errorf("lookalike(%s) = %+v %v, want reason %q", d, la, ok, tc.reason)
		}
	}
	// Cyrillic "а" and "о" in place of Latin letters, in punycode.
	cyr := registrable("аgence-emplоi.fr")
	if !strings.HasPrefix(cyr, "xn--") {
		t.Fatalf("registrable did not encode %q", cyr)
	}
	if la, ok := lookalike(cyr, official); !ok || la.Reason != "confusable" || la.Unicode == "" {
		t.Errorf("Cyrillic homograph %s: %+v %v", cyr, la, ok)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "abc", 0}, {"abc", "abd", 1}, {"abc", "ab", 1}, {"kitten", "sitting", 3}, {"été", "ete", 2}} {
		if got := editDistance(tc.a, tc.b); got != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}

func TestSecretRequests(t *testing.T) {
	tests := []struct {
		text, kind string // kind "" means no request
	}{
		{"Confirmez votre identité en saisissant votre mot de passe sur notre site.", "credentials"},
		{"Veuillez indiquer votre IBAN pour recevoir le remboursement.", "bank"},
		{"Merci de mettre à jour vos coordonnées bancaires avant vendredi.", "bank"},
		{"Si vous ne confirmez pas votre mot de passe, votre compte sera suspendu.", "credentials"},
		{"Please verify your password to keep your account.", "credentials"},
		{"Reply with your card number and CVV to confirm the payment.", "bank"},
		{"Enter your login credentials on the secure page.", "credentials"},
		// Not requests: promises, warnings, advice, descriptions.
		{"Nous ne vous demanderons jamais de communiquer votre mot de passe ou vos coordonnées bancaires.", ""},
		{"Nous ne vous demanderons jamais votre mot de passe.", ""},
		{"We will never ask you to confirm your password or bank details by email.", ""},
		{"Never share your password with anyone.", ""},
		{"Do not enter your password on a page reached from a link in an email.", ""},
		{"Ne communiquez pas vos identifiants.", ""},
		{"Des escrocs pourraient se faire passer pour nous et vous demander de confirmer vos coordonnées bancaires.", ""},
		{"Fraudsters may ask you to verify your card number.", ""},
		{"Nous vous conseillons de modifier votre mot de passe.", ""},
		{"Vos mots de passe et vos coordonnées bancaires ne sont pas concernés.", ""},
		{"Please confirm your attendance to the meeting.", ""},
		{"Le RIB de l'association figure en pièce jointe à titre d'information.", ""},
	}
	for _, tc := range tests {
		got := secretRequests(tc.text)
		switch {
		case tc.kind == "" && len(got) > 0:
			t.Errorf("%q read as a request: %+v", tc.text, got)
		case tc.kind != "" && (len(got) != 1 || got[0].Kind != tc.kind):
			t.Errorf("%q: %+v, want one %s request", tc.text, got, tc.kind)
		}
	}
}

func TestBreachNotice(t *testing.T) {
	complete := `Une violation de données a exposé les noms et adresses électroniques de nos usagers.
Ces informations pourraient être utilisées pour des tentatives d'hameçonnage.
Nous avons pris des mesures : l'accès a été fermé et la CNIL notifiée.
Nous vous recommandons de rester vigilant.
Notre délégué à la protection des données répond à dpo@exemple.fr.`
	english := `We are writing about a data breach that exposed the names and email addresses of our customers.
This creates a risk of phishing.
We have taken measures to close the access.
We recommend that you be vigilant with unexpected messages.
You can contact our data protection officer at dpo@example.org.`
	tests := []struct {
		name, text string
		notice     bool
		missing    []string
	}{
		{"complete fr", complete, true, nil},
		{"complete en", english, true, nil},
		{"no contact", strings.ReplaceAll(complete, "Notre délégué à la protection des données répond à dpo@exemple.fr.", ""), true, []string{"contact"}},
		{"contact by phone", strings.ReplaceAll(complete, "Notre délégué à la protection des données répond à dpo@exemple.fr.", "Pour toute question, contactez le 01 23 45 67 89."), true, nil},
		{"bare announcement", "Un incident de sécurité a touché nos serveurs.", true, []string{"nature", "contact", "consequences", "measures", "advice"}},
		{"newsletter", "Découvrez nos nouvelles offres et mettez à jour vos préférences.", false, nil},
		{"security advice without a breach", "Nous vous recommandons de choisir un mot de passe robuste.", false, nil},
	}
	for _, tc := range tests {
		n, ok := breachNotice(tc.text)
		if ok != tc.notice {
			t.Errorf("%s: notice %v, want %v", tc.name, ok, tc.notice)
			continue
		}
		if ok && !slices.Equal(n.Missing, tc.missing) {
			t.Errorf("%s: missing %v, want %v (found %v)", tc.name, n.Missing, tc.missing, n.Elements)
		}
	}
}

func TestAttachmentRisk(t *testing.T) {
	for _, tc := range []struct{ name, ct, risk string }{
		{"facture.pdf.exe", "application/octet-stream", RiskDoubleExtension},
		{"facture.PDF.scr ", "application/octet-stream", RiskDoubleExtension},
		{"photos.jpg.zip", "application/zip", RiskDoubleExtension},
		{"setup.exe", "application/octet-stream", RiskExecutable},
		{"lettre.js", "text/javascript", RiskExecutable},
		{"raccourci.lnk", "application/octet-stream", RiskExecutable},
		{"releve.xlsm", "application/octet-stream", RiskMacro},
		{"dossier.iso", "application/octet-stream", RiskDiskImage},
		{"archives.zip", "application/zip", RiskArchive},
		{"", "application/x-msdownload", RiskExecutable},
		{"notice.pdf", "application/pdf", ""},
		{"rapport.v2.pdf", "application/pdf", ""},
		{"tableau.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ""},
	} {
		if got := attachmentRisk(tc.name, tc.ct); got != tc.risk {
			t.Errorf("attachmentRisk(%q, %q) = %q, want %q", tc.name, tc.ct, got, tc.risk)
		}
	}
	if risky(RiskArchive) || !risky(RiskMacro) || risky("") {
		t.Error("risky: archives are a note, macros a signal")
	}
}

func TestConnection(t *testing.T) {
	tests := []struct {
		received      []string
		helo, ip      string
		notVerifiable bool
	}{
		{[]string{"from mx-out.a.test (mx-out.a.test [192.0.2.25])\r\n\tby mx.b.test (Postfix) with ESMTPS id X\r\n\tfor <x@b.test>; Mon, 7 Dec 2026 09:12:03 +0100"}, "mx-out.a.test", "192.0.2.25", false},
		{[]string{"from [IPv6:2001:db8::25] (unknown) by mx.b.test; Mon, 7 Dec 2026"}, "IPv6:2001:db8::25", "2001:db8::25", false},
		{[]string{"from relay.a.test (relay.a.test [10.0.0.5]) by store.b.test; Mon, 7 Dec 2026", "from x (x [192.0.2.1]) by relay"}, "relay.a.test", "10.0.0.5", true},
		{[]string{"by mx.b.test with LMTP; Mon, 7 Dec 2026"}, "", "", true},
		{[]string{"from mx.a.test by mx.b.test; Mon, 7 Dec 2026"}, "mx.a.test", "", true},
		{nil, "", "", true},
	}
	for _, tc := range tests {
		helo, ip, reason := connection(tc.received)
		gotIP := ""
		if ip.IsValid() {
			gotIP = ip.String()
		}
		if helo != tc.helo || gotIP != tc.ip || (reason != "") != tc.notVerifiable {
			t.Errorf("connection(%q) = %q %q %q", tc.received, helo, gotIP, reason)
		}
	}
}

func TestLinks(t *testing.T) {
	tests := []struct {
		raw, domain, rewriter, target string
		ok                            bool
	}{
		{"https://www.agence-emploi.fr/x", "agence-emploi.fr", "", "", true},
		{"https://clk.routeur.test/c/1?u=https%3A%2F%2Fwww.a.fr%2Fp&e=1", "routeur.test", "redirector", "https://www.a.fr/p", true},
		{"https://bit.ly/3abc", "bit.ly", "shortener: Bitly", "", true},
		{"https://us1.list-manage.com/track/click?u=1&id=2", "list-manage.com", "tracking: Mailchimp", "", true},
		{"https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.a.fr%2F&data=x", "outlook.com", "protection: Microsoft Defender Safe Links", "https://www.a.fr/", true},
		// A redirector wrapped in another: the innermost destination.
		{"https://r.test/?to=https%3A%2F%2Fs.test%2F%3Fu%3Dhttps%253A%252F%252Fend.fr%252F", "r.test", "redirector", "https://end.fr/", true},
		{"http://192.0.2.7/login", "192.0.2.7", "", "", true},
		{"https://[2001:db8::7]/login", "2001:db8::7", "", "", true},
		{"mailto:dpo@a.fr", "", "", "", false},
		{"tel:+33123456789", "", "", "", false},
		{"#top", "", "", "", false},
		{"javascript:alert(1)", "", "", "", false},
	}
	for _, tc := range tests {
		l, ok := newLink(tc.raw, "html", "")
		if ok != tc.ok || l.Domain != tc.domain || l.Rewriter != tc.rewriter || l.Target != tc.target {
			t.Errorf("newLink(%q) = %+v %v", tc.raw, l, ok)
		}
	}
	got := textURLs("Voir https://a.fr/x, puis HTTP://B.fr/y). Et <https://c.fr/z> ou http ou httpsx://d.fr.")
	want := []string{"https://a.fr/x", "HTTP://B.fr/y", "https://c.fr/z"}
	if !slices.Equal(got, want) {
		t.Errorf("textURLs = %q, want %q", got, want)
	}
}

func TestDisplayDomains(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"Agence nationale de l'emploi", nil},
		{"Service client amazon.fr", []string{"amazon.fr"}},
		{"support@impots.gouv.fr via Messagerie", []string{"impots.gouv.fr"}},
		{"M. Martin", nil},
		{"Dr. J. Smith", nil},
	} {
		if got := displayDomains(tc.name); !slices.Equal(got, tc.want) {
			t.Errorf("displayDomains(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		checks []string
		want   string
	}{
		{nil, LikelyLegitimate},
		{[]string{CheckArt34Incomplete}, LikelyLegitimate},
		{[]string{CheckLookalike}, LikelyPhishing},
		{[]string{CheckCredentialsRequest, CheckDKIMFail}, LikelyPhishing},
		{[]string{CheckCredentialsRequest, CheckDMARCFail}, LikelyPhishing},
		{[]string{CheckCredentialsRequest, CheckLinksForeign}, LikelyPhishing},
		{[]string{CheckCredentialsRequest}, Suspicious},
		{[]string{CheckCredentialsRequest, CheckHTTPLink}, Suspicious},
		{[]string{CheckCredentialsRequest, CheckUnauthenticated}, Suspicious},
		{[]string{CheckDKIMFail}, Suspicious},
		{[]string{CheckDMARCFail, CheckArt34Incomplete}, Suspicious},
		{[]string{CheckLinksForeign}, Suspicious},
		{[]string{CheckHTTPLink}, Suspicious},
		{[]string{CheckSenderMismatch}, Suspicious},
		{[]string{CheckAttachmentRisky}, Suspicious},
		{[]string{CheckUnauthenticated}, Suspicious},
	}
	for _, tc := range tests {
		r := &Report{}
		for _, c := range tc.checks {
			r.add(c, "firm")
		}
		if got := verdict(r); got != tc.want {
			t.Errorf("verdict(%v) = %s, want %s", tc.checks, got, tc.want)
		}
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name, raw string
		err       bool
	}{
		{"empty", "", true},
		{"no header", "\r\n\r\njust a body", true},
		{"binary", "\x00\x01\x02\xff\xfe", true},
		{"unterminated multipart", "From: a@b.test\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello", false},
		{"unknown charset", "From: a@b.test\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nhello https://a.test/", false},
		{"bad base64", "From: a@b.test\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!", false},
		{"bad address", "From: \"unterminated <a@b.test\r\n\r\nhello", false},
	}
	for _, tc := range tests {
		m, err := Parse(strings.NewReader(tc.raw))
		if (err != nil) != tc.err {
			t.Errorf("%s: err %v", tc.name, err)
		}
		if err == nil && m == nil {
			t.Errorf("%s: no message", tc.name)
		}
	}
	big := bytes.Repeat([]byte("a"), MaxMessageSize+1)
	if _, err := Parse(bytes.NewReader(big)); err != ErrTooLarge {
		t.Errorf("oversized message: %v", err)
	}
}

func TestAttachmentsAndLinksFromMIME(t *testing.T) {
	raw := "From: Service <a@b.test>\r\nTo: x@y.test\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" +
		"--x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		`<p>Voir <a href="https://b.test/a">https://b.test/a</a> et https://c.test/plain</p><script>var u="https://d.test/hidden";</script>` + "\r\n" +
		"--x\r\nContent-Type: application/octet-stream; name=\"facture.pdf.exe\"\r\nContent-Disposition: attachment; filename=\"facture.pdf.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n" +
		"--x\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\n\r\nPNG\r\n" +
		"--x--\r\n"
	m, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, l := range m.Links {
		urls = append(urls, l.URL+" "+l.Source)
	}
	want := []string{"https://b.test/a html", "https://c.test/plain html-text"}
	if !slices.Equal(urls, want) {
		t.Errorf("links %q, want %q", urls, want)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "facture.pdf.exe" || m.Attachments[0].Risk != RiskDoubleExtension || m.Attachments[0].Size != 12 {
		t.Errorf("attachments %+v", m.Attachments)
	}
}

// Every check the analysis reports is in the catalogue, in French and
// English, and the catalogue holds no eml.* check the analysis never
// reports.
func TestCatalogue(t *testing.T) {
	ids := []string{CheckDKIMFail, CheckDMARCFail, CheckUnauthenticated, CheckSenderMismatch, CheckLinksForeign,
		CheckLookalike, CheckHTTPLink, CheckCredentialsRequest, CheckAttachmentRisky, CheckArt34Incomplete}
	for _, id := range ids {
		m, ok := check.Lookup(id)
		if !ok || m.Title.FR == "" || m.Title.EN == "" || m.Family != "eml" {
			t.Errorf("%s: %+v %v", id, m, ok)
		}
	}
	for _, m := range check.Catalogue() {
		if strings.HasPrefix(m.ID, "eml.") && !slices.Contains(ids, m.ID) {
			t.Errorf("catalogue has %s, never reported", m.ID)
		}
	}
}

func TestAligned(t *testing.T) {
	for _, tc := range []struct {
		d, from, mode string
		want          bool
	}{
		{"agence-emploi.fr", "agence-emploi.fr", "s", true},
		{"agence-emploi.fr", "agence-emploi.fr", "r", true},
		{"news.agence-emploi.fr", "agence-emploi.fr", "r", true},
		{"news.agence-emploi.fr", "agence-emploi.fr", "s", false},
		{"AGENCE-EMPLOI.FR", "agence-emploi.fr", "s", true},
		{"routeur-mail.fr", "agence-emploi.fr", "r", false},
		{"interieur.gouv.fr", "impots.gouv.fr", "r", false}, // gouv.fr is a public suffix
		{"", "agence-emploi.fr", "r", false},
	} {
		if got := aligned(tc.d, tc.from, tc.mode); got != tc.want {
			t.Errorf("aligned(%q, %q, %s) = %v", tc.d, tc.from, tc.mode, got)
		}
	}
}

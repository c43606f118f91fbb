package securitytxt

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestProblems(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	const u = "https://www.exemple.test/.well-known/security.txt"
	for _, tc := range []struct {
		name, body string
		wellKnown  bool
		want       []string // substrings, one per problem
	}{
		{"valid", "Contact: mailto:securite@exemple.test\nExpires: 2027-06-30T00:00:00Z\n", true, nil},
		{"valid with canonical", "Contact: https://www.exemple.test/signaler\nExpires: 2027-06-30T00:00:00.000Z\nCanonical: " + u + "\n", true, nil},
		{"crlf and comments", "# Sécurité\r\nContact: mailto:s@exemple.test\r\nExpires: 2027-06-30T00:00:00+01:00\r\n", true, nil},
		{"signed", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:s@exemple.test\nExpires: 2027-06-30T00:00:00Z\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n", true, nil},
		{"expired", "Contact: mailto:s@exemple.test\nExpires: 2024-12-31T23:00:00Z\n", true, []string{"expired"}},
		{"no contact", "Expires: 2027-06-30T00:00:00Z\n", true, []string{"no Contact"}},
		{"no expires", "Contact: mailto:s@exemple.test\n", true, []string{"no Expires"}},
		{"bad date", "Contact: mailto:s@exemple.test\nExpires: demain\n", true, []string{"RFC 3339"}},
		{"two expires", "Contact: mailto:s@exemple.test\nExpires: 2027-06-30T00:00:00Z\nExpires: 2027-07-30T00:00:00Z\n", true, []string{"several Expires"}},
		{"canonical elsewhere", "Contact: mailto:s@exemple.test\nExpires: 2027-06-30T00:00:00Z\nCanonical: https://autre.test/.well-known/security.txt\n", true, []string{"Canonical"}},
		{"legacy location", "Contact: mailto:s@exemple.test\nExpires: 2027-06-30T00:00:00Z\n", false, []string{"/security.txt"}},
		{"empty", "", true, []string{"no Contact", "no Expires"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Parse([]byte(tc.body)).Problems(u, tc.wellKnown, now)
			if len(got) != len(tc.want) {
				t.Fatalf("problems %q, want %d matching %q", got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to mention %q", i, got[i], w)
				}
			}
		})
	}
}

func TestContactsWithComment(t *testing.T) {
	f := Parse([]byte("# Équipe sécurité\nContact: mailto:securite@exemple.test\n# DPO\n# Délégué à la protection des données\nContact: mailto:dpd@exemple.test\nContact: tel:+33-1-23-45-67-89\n"))
	var got []string
	for _, c := range f.Contacts() {
		got = append(got, c.Value+"|"+c.Comment)
	}
	want := []string{"mailto:securite@exemple.test|Équipe sécurité", "mailto:dpd@exemple.test|Délégué à la protection des données", "tel:+33-1-23-45-67-89|"}
	if !slices.Equal(got, want) {
		t.Errorf("contacts %q, want %q", got, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("Contact: mailto:a@b.test\nExpires: 2027-01-01T00:00:00Z\n"))
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\n- Contact: x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b).Problems("https://x.test/.well-known/security.txt", true, time.Unix(0, 0))
	})
}

package evidence

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestMaskPersonalData(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"email", "écrire à jean.dupont@exemple.fr.", "écrire à [masked:email]."},
		{"email as reference", "marie&#64;exemple.org et marie&#x40;exemple.org", "[masked:email] et [masked:email]"},
		{"email percent-encoded", `href="mailto:paul%40exemple.net"`, `href="mailto:[masked:email]"`},
		{"phone with spaces", "Tél. : 01 23 45 67 89", "Tél. : [masked:phone]"},
		{"phone with dots", "06.12.34.56.78", "[masked:phone]"},
		{"phone with no-break spaces", "01&nbsp;23&nbsp;45&nbsp;67&nbsp;89 / 01\u00a023\u00a045\u00a067\u00a089", "[masked:phone] / [masked:phone]"},
		{"phone international", "+33 6 12 34 56 78, +33 (0)1 23 45 67 89, 0033612345678", "[masked:phone], [masked:phone], [masked:phone]"},
		{"phone other country", "+44 20 7946 0958", "[masked:phone]"},
		{"NIR grouped", "NIR : 2 84 05 75 123 456 07", "NIR : [masked:nir]"},
		{"NIR with valid key", "nir=184127645108946", "nir=[masked:nir]"},
		{"NIR Corsica", "1 85 12 2A 123 456 12", "[masked:nir]"},
		{"IBAN grouped", "IBAN FR76 3000 6000 0112 3456 7890 189", "IBAN [masked:iban]"},
		{"IBAN compact", "DE89370400440532013000", "[masked:iban]"},
		{"card", "carte 4970 1012 3456 7893", "carte [masked:card]"},
		{"date", "née le 14/02/2016, relance du 2.1.2024", "née le [masked:birth], relance du [masked:date]"},
		{"IPv4", "connexion depuis 90.12.34.56", "connexion depuis [masked:ip]"},
		// Left alone: numbers that are not identifiers.
		{"not a date", "31/13/2020 et 12/03/1850", "31/13/2020 et 12/03/1850"},
		{"not an address", "version 1.2.3 ou 300.1.1.1", "version 1.2.3 ou 300.1.1.1"},
		{"timestamp", "t=1718000000000", "t=1718000000000"},
		{"year and price", "En 2024, 1 234 567 € de budget", "En 2024, 1 234 567 € de budget"},
		{"long number", "ref 012345678901234567", "ref 012345678901234567"},
		{"postcode", "75001 Paris", "75001 Paris"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, masks := MaskPersonalData([]byte(tt.in), "text/html; charset=utf-8")
			if string(got) != tt.want {
				t.Errorf("MaskPersonalData(%q)\n = %q\nwant %q", tt.in, got, tt.want)
			}
			// Offsets point at the original identifiers.
			for _, m := range masks {
				if m.Offset < 0 || m.Offset+m.Length > len(tt.in) {
					t.Errorf("mask %+v outside the input", m)
				}
			}
			if (string(got) == tt.in) != (len(masks) == 0) {
				t.Errorf("%d masks for output %q", len(masks), got)
			}
		})
	}
}

func TestMaskIdentifiers(t *testing.T) {
	in := "GET /annuaire?mail=jean%40exemple.fr HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Date: 12/03/2024\r\n"
	want := "GET /annuaire?mail=[masked:email] HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Date: 12/03/2024\r\n"
	if got, _ := MaskIdentifiers([]byte(in)); string(got) != want {
		t.Errorf("MaskIdentifiers(%q)\n = %q\nwant %q", in, got, want)
	}
}

func TestMaskPersonalDataWithholds(t *testing.T) {
	for _, tt := range []struct {
		body, contentType string
		withheld          bool
	}{
		{"%PDF-1.7 jean@exemple.fr", "application/pdf", true},
		{"\x89PNG\r\n\x1a\n", "image/png", true},
		{"\xff\xfej\x00@\x00", "text/html; charset=utf-16le", true},
		{"<p>jean@exemple.fr</p>", "", false}, // sniffed as HTML
		{`{"mail":"jean@exemple.fr"}`, "application/json", false},
	} {
		got, masks := MaskPersonalData([]byte(tt.body), tt.contentType)
		if withheld := len(masks) == 1 && masks[0].Kind == "withheld"; withheld != tt.withheld || strings.Contains(string(got), "jean@") {
			t.Errorf("%s: %q, masks %+v", tt.contentType, got, masks)
		}
	}
}

// TestNoIdentifierStored greps every file an archive and a bundle leave,
// gzip members decompressed, for the identifiers of the captured page.
func TestNoIdentifierStored(t *testing.T) {
	for _, keep := range []bool{false, true} {
		dir := t.TempDir()
		testScan(t, dir, testKey(t), keep)
		out := filepath.Join(t.TempDir(), "bundle.zip")
		if _, err := Export(ExportOptions{Dir: dir, Findings: []string{"f1", "f2"}, Out: out}); err != nil {
			t.Fatal(err)
		}
		// The masked response keeps the digest of the original page.
		var m Manifest
		if err := json.Unmarshal([]byte(allText(t, dir)[filepath.Join(dir, ManifestFile)]), &m); err != nil {
			t.Fatal(err)
		}
		originals := 0
		for _, r := range m.Records {
			if r.OriginalPayloadSHA256 != "" {
				originals++
				if r.OriginalPayloadSHA256 != hexSHA256([]byte(contactPage)) || r.Masks != len(contactIdentifiers) || r.PayloadSHA256 == r.OriginalPayloadSHA256 {
					t.Errorf("record %s: original %s, %d masks", r.ID, r.OriginalPayloadSHA256, r.Masks)
				}
			}
		}
		if keep != (originals == 0) {
			t.Errorf("keep=%v: %d records with an original digest", keep, originals)
		}
		texts := allText(t, dir)
		for name, data := range unzip(t, out) {
			texts[out+"!"+name] = decompress(t, []byte(data))
		}
		for _, id := range contactIdentifiers {
			var where []string
			for p, text := range texts {
				if strings.Contains(text, id) {
					where = append(where, p)
				}
			}
			switch {
			case !keep && len(where) > 0:
				t.Errorf("identifier %q stored unmasked in %v", id, where)
			case keep && len(where) == 0:
				t.Errorf("KeepPersonalData: identifier %q not stored", id)
			}
		}
	}
}

package wellknown_test

import (
	"slices"
	"testing"
	"time"

	"vigie/check"
	_ "vigie/check/all"
	"vigie/observation"
)

func TestSecurityTxt(t *testing.T) {
	const wk = "https://www.exemple.test/.well-known/security.txt"
	started := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	valid := []byte("Contact: mailto:securite@exemple.test\nExpires: 2027-06-30T00:00:00Z\n")
	for _, tc := range []struct {
		name string
		st   *observation.SecurityTxt
		want []string
	}{
		{"valid", &observation.SecurityTxt{URL: wk, Status: 200, ContentType: "text/plain; charset=utf-8", WellKnown: true, Body: valid}, nil},
		{"missing", &observation.SecurityTxt{URL: wk, Status: 404, WellKnown: true}, []string{"wellknown.security-txt-missing"}},
		{"request failed: not known to be missing", &observation.SecurityTxt{URL: wk, WellKnown: true, Error: "timeout"}, nil},
		{"expired", &observation.SecurityTxt{URL: wk, Status: 200, ContentType: "text/plain", WellKnown: true,
			Body: []byte("Contact: mailto:s@exemple.test\nExpires: 2025-01-01T00:00:00Z\n")}, []string{"wellknown.security-txt-invalid"}},
		{"legacy location", &observation.SecurityTxt{URL: "https://www.exemple.test/security.txt", Status: 200, ContentType: "text/plain", Body: valid},
			[]string{"wellknown.security-txt-invalid"}},
		{"wrong type", &observation.SecurityTxt{URL: wk, Status: 200, ContentType: "application/octet-stream", WellKnown: true, Body: valid},
			[]string{"wellknown.security-txt-invalid"}},
		{"site not reached", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := &observation.Site{URL: "https://www.exemple.test/", SecurityTxt: tc.st, Started: started}
			var got []string
			for _, f := range check.Run(site) {
				got = append(got, f.Check)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
		})
	}
}

package dpocontact

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/farm"
	"vigie/fetch"
)

// TestDiscoverFarm runs Discover on farm sites with the DPO's contact in
// each place it is looked for, and on sites without one, which must yield
// nothing. Expectations were written from the pages, before any run.
func TestDiscoverFarm(t *testing.T) {
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	client, err := fetch.New(fetch.Options{Timeout: 3 * time.Second, Retries: -1, ConnectTo: f.ConnectTo(), CACertPEM: [][]byte{f.CACertPEM()}, NoDNS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	type want struct{ kind, value, url string }
	tests := []struct {
		name, site string
		want       []want
	}{
		{"legal notice (the common filler page)", "https://www.pref-allier.test/", []want{
			{KindEmail, "dpo@pref-allier.test", "https://www.pref-allier.test/mentions-legales.html"},
		}},
		{"privacy policy: email and postal address, not the generic contact", "https://www.mairie-belley.test/", []want{
			{KindEmail, "protection.donnees@mairie-belley.test", "https://www.mairie-belley.test/politique-de-confidentialite.html"},
			{KindAddress, "Délégué à la protection des données, Mairie de Belley, 11 boulevard du Mail, 01300 Belley", "https://www.mairie-belley.test/politique-de-confidentialite.html"},
		}},
		{"security.txt, not the security team's contact", "www.sie-bresse.test", []want{
			{KindEmail, "donnees-personnelles@sie-bresse.test", "https://www.sie-bresse.test/.well-known/security.txt"},
		}},
		{"web form, not the regulator's page", "https://www.cc-dombes.test/", []want{
			{KindForm, "https://www.cc-dombes.test/rgpd/contacter-le-dpo.html", "https://www.cc-dombes.test/rgpd/"},
		}},
		{"English privacy page", "https://www.campus-lyon.test/", []want{
			{KindEmail, "privacy-officer@campus-lyon.test", "https://www.campus-lyon.test/en/privacy.html"},
		}},
		{"no DPO: a generic contact is not one", "https://www.mairie-ceyzeriat.test/", nil},
		{"a DPO named without a contact", "https://www.ot-bugey.test/", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Discover(t.Context(), client, tt.site, Options{})
			if r.Error != "" {
				t.Fatalf("Discover: %s", r.Error)
			}
			var got []want
			for _, c := range r.Contacts {
				got = append(got, want{c.Kind, c.Value, c.URLs[0]})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("contacts =\n%v\nwant\n%v\n(pages examined: %s)", got, tt.want, strings.Join(r.Pages, " "))
			}
			if len(r.Pages) < 2 {
				t.Errorf("only %d pages examined: %v", len(r.Pages), r.Pages)
			}
		})
	}
	if r := Discover(t.Context(), client, "https://www.absent.test/", Options{}); r.Error == "" || len(r.Contacts) > 0 {
		t.Errorf("unreachable site: %+v", r)
	}
	r := Discover(t.Context(), client, "https://www.mairie-belley.test/", Options{})
	if !slices.Contains(r.Pages, "https://www.mairie-belley.test/mentions-legales.html") {
		t.Errorf("the legal notice was not examined: %v", r.Pages)
	}
}

package runner

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"vigie/cases"
	"vigie/store/sqlite"
)

// TestOrganisationDiscover: proposals are saved only when confirmed or
// with Save, to the entry the directory attaches the site to or the one
// named; a site without a DPO contact proposes only its security team's
// contact from security.txt, which is never proposed as the DPO's.
func TestOrganisationDiscover(t *testing.T) {
	f := startFarm(t)
	fo := farmScan(f, "", TargetSources{}).Fetch
	db := filepath.Join(t.TempDir(), "vigie.db")
	st, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	// Belley is in the directory, without contacts; Ceyzériat too.
	for _, o := range []cases.Organisation{{Name: "Ville de Belley", SiteSuffixes: []string{"mairie-belley.test"}}, {Name: "Ville de Ceyzériat", SiteSuffixes: []string{"mairie-ceyzeriat.test"}}} {
		if err := st.PutOrganisation(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	dirOf := func() map[string]cases.Organisation {
		st, err := sqlite.Open(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		orgs, err := st.Organisations(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]cases.Organisation{}
		for _, o := range orgs {
			m[o.Name] = o
		}
		return m
	}
	asked := 0
	run := func(answer bool, save bool, org string, sites ...string) string {
		var out bytes.Buffer
		_, err := OrganisationDiscover(context.Background(), DiscoverOptions{DB: db, Sites: sites, Organisation: org, Fetch: fo, Save: save, Stdout: &out,
			Confirm: func(string) bool { asked++; return answer }})
		if err != nil {
			t.Fatal(err)
		}
		return out.String()
	}

	out := run(false, false, "", "https://www.mairie-belley.test/", "https://www.mairie-ceyzeriat.test/", "https://www.sie-bresse.test/")
	for _, want := range []string{
		"protection.donnees@mairie-belley.test\n           from https://www.mairie-belley.test/politique-de-confidentialite.html",
		"dpo_email    (none)  →  protection.donnees@mairie-belley.test",
		"not saved (confirm on a terminal, or add --yes)",
		"https://www.mairie-ceyzeriat.test/\n  no DPO contact found",
		"not saved: no organisation of the directory claims https://www.sie-bresse.test/; give --organisation NAME",
		"security team (security.txt, not the DPO's): mailto:securite@sie-bresse.test",
		"security_contact  (none)  →  mailto:securite@mairie-ceyzeriat.test",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "security team (security.txt, not the DPO's): mailto:donnees-personnelles@") {
		t.Errorf("the DPO's address proposed as the security team's:\n%s", out)
	}
	if asked != 2 || dirOf()["Ville de Belley"].DPOEmail != "" {
		t.Errorf("asked %d times; refused proposal saved: %+v", asked, dirOf()["Ville de Belley"])
	}

	run(true, false, "", "https://www.mairie-belley.test/")
	b := dirOf()["Ville de Belley"]
	if b.DPOEmail != "protection.donnees@mairie-belley.test" || !strings.HasSuffix(b.DPOAddress, "01300 Belley") || b.SiteSuffixes[0] != "mairie-belley.test" ||
		b.SecurityContact != "mailto:securite@mairie-belley.test" {
		t.Errorf("confirmed proposal saved as %+v", b)
	}
	if out := run(true, false, "", "https://www.mairie-belley.test/"); !strings.Contains(out, "already has these contacts") {
		t.Errorf("second run: %s", out)
	}

	asked = 0
	run(false, true, "Syndicat intercommunal des eaux de la Bresse", "https://www.sie-bresse.test/")
	if got := dirOf()["Syndicat intercommunal des eaux de la Bresse"]; got.DPOEmail != "donnees-personnelles@sie-bresse.test" || asked != 0 {
		t.Errorf("--yes: saved %+v, asked %d", got, asked)
	}
	if _, ok := dirOf()["Ville de Ceyzériat"]; !ok || dirOf()["Ville de Ceyzériat"].DPOEmail != "" {
		t.Error("a site without a DPO changed its entry")
	}
	if _, err := OrganisationDiscover(context.Background(), DiscoverOptions{DB: db, Sites: []string{"a.test", "b.test"}, Organisation: "X", Fetch: fo}); err == nil {
		t.Error("--organisation with two sites accepted")
	}
}

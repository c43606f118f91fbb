package scan

import (
	"context"
	"slices"
	"strings"
	"testing"

	"vigie/farm"
	"vigie/finding"
	"vigie/pii"
	"vigie/target"
)

// TestFarmNavigationVerdicts audits the farm's navigation site (see
// farm/catalogue_navigation.go): of its many forms only two collect
// personal data, the DSFR name block with identity data only (its
// "firstname-disabled" box and disabled fields claim nothing, so high, not
// critical) and the leisure-centre form whose legend asks about a
// disability (health, critical). Every other form is judged with the
// reason the rule gives.
func TestFarmNavigationVerdicts(t *testing.T) {
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tg []target.Target
	for _, t := range farmTargets(t, f) {
		if farm.SiteID(t.Input) == "http://www.agglo-pays-issoire.test/" || strings.Contains(t.Input, "agglo-pays-issoire") {
			tg = append(tg, t)
		}
	}
	if len(tg) != 1 {
		t.Fatalf("navigation site: %d targets", len(tg))
	}
	o := farmOptions(f)
	o.TLSProbe = false
	var res *Result
	if _, err := Run(context.Background(), tg, o, func(r *Result) error { res = r; return nil }); err != nil {
		t.Fatal(err)
	}
	type verdict struct {
		personal bool
		cats     string
	}
	want := map[string]verdict{
		"/identite.html#1":       {true, "identity"},
		"/identite.html#2":       {false, ""},
		"/centre-loisirs.html#1": {true, "health,identity"},
	}
	navPages := []string{"/", "/communes.html", "/departements.html", "/aides.html", "/agenda.html", "/services.html"}
	seen := map[string]bool{}
	for _, p := range res.Site.Pages {
		path := strings.TrimPrefix(p.URL, "http://www.agglo-pays-issoire.test")
		for i := range p.Forms {
			v := pii.CollectsPersonalData(&p.Forms[i])
			key := path + "#" + string(rune('0'+p.Forms[i].Index))
			w, ok := want[key]
			if !ok && slices.Contains(navPages, path) {
				seen[path] = true
			}
			if v.Personal != w.personal || strings.Join(v.Categories, ",") != w.cats {
				t.Errorf("%s: personal=%v %v (%s), want %v %q", key, v.Personal, v.Categories, v.Reason, w.personal, w.cats)
			}
			if ok {
				seen[key] = true
			}
			t.Logf("%s: %s", key, v.Reason)
		}
	}
	for _, k := range append(navPages, "/identite.html#1", "/identite.html#2", "/centre-loisirs.html#1") {
		if !seen[k] {
			t.Errorf("no form of %s audited", k)
		}
	}
	sev := map[string]finding.Severity{}
	for _, fd := range res.Findings {
		if fd.Check == "form.http-page" {
			sev[strings.TrimPrefix(fd.URL, "http://www.agglo-pays-issoire.test")] = fd.Severity
		}
	}
	if sev["/identite.html"] != finding.High || sev["/centre-loisirs.html"] != finding.Critical || len(sev) != 2 {
		t.Errorf("form.http-page severities %v, want identite high and centre-loisirs critical only", sev)
	}
	if res.PersonalForms != 2 {
		t.Errorf("%d personal forms, want 2", res.PersonalForms)
	}
}

package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"vigie/finding"
)

// A site with only an informational note is never failing and never
// brought into a case; the dashboard's threshold moves the line.
func TestFailureThreshold(t *testing.T) {
	// The users' language is French (Accept-Language of the test client).
	card := regexp.MustCompile(`<span class="big">(\d+)</span> (sites en défaut|remarques ouvertes)`)
	tests := []struct {
		name          string
		min           finding.Severity
		failing, note string
		caseSites     []string
	}{
		{"default: low and above", 0, "2", "1", []string{"http://mairie-b.test", "https://www.prefecture-a.test"}},
		{"critical only", finding.Critical, "1", "3", []string{"http://mairie-b.test"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, func(o *Options) { o.MinSeverity = tt.min })
			ed := env.client().login("ed")
			body := ed.get("/").Body.String()
			got := map[string]string{}
			for _, m := range card.FindAllStringSubmatch(body, -1) {
				got[m[2]] = m[1]
			}
			if got["sites en défaut"] != tt.failing || got["remarques ouvertes"] != tt.note {
				t.Errorf("overview cards %v; want %s failing sites, %s notes", got, tt.failing, tt.note)
			}
			if want := "gravité " + max(tt.min, finding.Low).String() + " et au-delà"; !strings.Contains(body, want) {
				t.Errorf("overview does not show the threshold %q", want)
			}
			sites := ed.get("/sites?failing=1").Body.String()
			if strings.Contains(sites, "mairie-c.test") {
				t.Error("a site with a note only is listed as failing")
			}
			if rec := ed.post("/cases", url.Values{"csrf": {ed.csrf("/cases")}, "scan": {scanID(t, env, 2)}}); rec.Code != http.StatusSeeOther {
				t.Fatalf("opening cases: %d", rec.Code)
			}
			all, err := env.db.Cases(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var sites2 []string
			for _, c := range all {
				if c.MinSeverity != max(tt.min, finding.Low) {
					t.Errorf("case %s threshold %s", c.ID, c.MinSeverity)
				}
				sites2 = append(sites2, c.Sites...)
			}
			slices.Sort(sites2)
			if !slices.Equal(sites2, tt.caseSites) {
				t.Errorf("cases cover %v, want %v", sites2, tt.caseSites)
			}
			// Recording the alert keeps what it notified: the case's failures.
			c := all[0]
			token := ed.csrf("/cases/" + c.ID)
			if rec := ed.postMultipart("/cases/"+c.ID+"/events", map[string]string{"csrf": token, "kind": "dpo-alerted", "date": "2026-11-03"}, "document", "alerte.eml", "the letter"); rec.Code != http.StatusSeeOther {
				t.Fatalf("recording the alert: %d", rec.Code)
			}
			back, err := env.db.Case(t.Context(), c.ID)
			if err != nil || len(back.Notified()) != len(c.Findings) {
				t.Errorf("alert recorded from the dashboard notified %v, want the case's %d findings (%v)", back.Notified(), len(c.Findings), err)
			}
		})
	}
}

package exposure

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"sort"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii/detect"
)

func personalOf(ct, body string) *observation.PersonalData {
	return detect.Scan([]byte(body), ct, detect.Options{Salt: []byte("test"), OwnDomains: []string{"mairie.test"}})
}

const (
	record1042 = "<p>Karim Dumas, karim.dumas@gmail.com, 07 81 22 64 05, né le 30/07/1984</p>"
	record1041 = "<p>Odile Perrin, odile.perrin@laposte.net, 06 12 48 90 33, née le 14/02/1961</p>"
	record1043 = "<p>Anne Berthier, anne.berthier@orange.fr, 06 55 17 42 98, née le 03/11/1972</p>"
	article    = "<p>La fête de la musique aura lieu le 21 juin. Renseignements : mairie@mairie.test.</p>"
	notFound   = "<html><body><h1>Page introuvable</h1></body></html>"
	sqlDump    = "INSERT INTO membres VALUES (1,'Paul Girard','paul.girard@sfr.fr','06 45 32 10 98'),(2,'Julien Carre','j.carre@gmail.com','07 66 12 90 45');\n"
	prices     = "reference;produit;prix\nPRD-0001;Confiture 250 g;6,50\nPRD-0002;Miel 500 g;9,80\n"
)

func neighbour(of, u, ct, body string, status int) observation.ActiveProbe {
	return observation.ActiveProbe{Kind: observation.ProbeNeighbourRecord, Of: of,
		Probe: observation.Probe{URL: u, FinalURL: u, Status: status}, ContentType: ct, Length: len(body),
		BodyHash: hashHex(body), Personal: personalOf(ct, body)}
}

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

var baseline404 = &observation.ProbeBaseline{URL: "https://www.mairie.test/vigie-0.csv", Status: 404, Length: len(notFound), BodyHash: hashHex(notFound)}

func dataProbe(path, ct, body string, status int, base *observation.ProbeBaseline, mod func(*observation.ActiveProbe)) observation.ActiveProbe {
	u := "https://www.mairie.test" + path
	ap := observation.ActiveProbe{Kind: observation.ProbeDataFile, Of: "https://www.mairie.test/",
		Probe: observation.Probe{URL: u, FinalURL: u, Status: status}, ContentType: ct, Length: len(body),
		BodyHash: hashHex(body), Baseline: base, Personal: personalOf(ct, body)}
	ap.HTML = len(body) > 0 && body[0] == '<'
	if mod != nil {
		mod(&ap)
	}
	return ap
}

func TestActiveChecks(t *testing.T) {
	const rec = "https://www.asso.test/fiche.php?id=1042"
	recordPage := scanned(rec, "text/html", record1042)
	articlePage := scanned("https://www.asso.test/article/57", "text/html", article)
	tests := []struct {
		name   string
		pages  []observation.Page
		probes []observation.ActiveProbe
		want   []want
		people int // detail "people" of the enumerable-records finding
	}{
		{"neighbours show two other people", []observation.Page{recordPage}, []observation.ActiveProbe{
			neighbour(rec, "https://www.asso.test/fiche.php?id=1041", "text/html", record1041, 200),
			neighbour(rec, "https://www.asso.test/fiche.php?id=1043", "text/html", record1043, 200)},
			[]want{{"exposure.enumerable-records", finding.Critical, finding.Firm}}, 3},
		{"one neighbour shows someone else", []observation.Page{recordPage}, []observation.ActiveProbe{
			neighbour(rec, "https://www.asso.test/fiche.php?id=1041", "text/html", record1041, 200),
			neighbour(rec, "https://www.asso.test/fiche.php?id=1043", "text/html", notFound, 404)},
			[]want{{"exposure.enumerable-records", finding.Critical, finding.Firm}}, 2},

		// Look-alikes.
		{"the same record whatever the identifier", []observation.Page{recordPage}, []observation.ActiveProbe{
			neighbour(rec, "https://www.asso.test/fiche.php?id=1041", "text/html", record1042, 200),
			neighbour(rec, "https://www.asso.test/fiche.php?id=1043", "text/html", record1042, 200)}, nil, 0},
		{"neighbours need a log-in", []observation.Page{recordPage}, []observation.ActiveProbe{
			neighbour(rec, "https://www.asso.test/fiche.php?id=1041", "text/html", record1041, 403),
			neighbour(rec, "https://www.asso.test/fiche.php?id=1043", "text/html", "<form>Connexion</form>", 200)}, nil, 0},
		{"neighbouring articles without personal data", []observation.Page{articlePage}, []observation.ActiveProbe{
			neighbour("https://www.asso.test/article/57", "https://www.asso.test/article/56", "text/html", record1041, 200)}, nil, 0},
		{"no probes in a passive scan", []observation.Page{recordPage}, nil, nil, 0},

		{"sql dump with people", nil, []observation.ActiveProbe{dataProbe("/backup.sql", "application/sql", sqlDump, 200, baseline404, nil)},
			[]want{{"exposure.data-file", finding.Critical, finding.Firm}}, 0},
		{"git config", nil, []observation.ActiveProbe{dataProbe("/.git/config", "text/plain", "[core]\n\tbare = false\n", 200, baseline404,
			func(ap *observation.ActiveProbe) { ap.Evidence = []string{"git-core"} })},
			[]want{{"exposure.data-file", finding.High, finding.Firm}}, 0},
		{"env file", nil, []observation.ActiveProbe{dataProbe("/.env", "text/plain", "DB_HOST=x\nDB_PASSWORD=y\n", 200, baseline404,
			func(ap *observation.ActiveProbe) {
				ap.Evidence, ap.EnvKeys = []string{"env-lines"}, []string{"DB_HOST", "DB_PASSWORD"}
			})},
			[]want{{"exposure.data-file", finding.High, finding.Firm}}, 0},

		// Look-alikes.
		{"soft 404: the baseline page again", nil, []observation.ActiveProbe{
			dataProbe("/backup.sql", "application/sql", sqlDump, 200, &observation.ProbeBaseline{Status: 200, Length: len(sqlDump), BodyHash: hashHex(sqlDump)}, nil)}, nil, 0},
		{"soft 404 echoing the path: close length", nil, []observation.ActiveProbe{
			dataProbe("/users.csv", "text/csv", sqlDump, 200, &observation.ProbeBaseline{Status: 200, Length: len(sqlDump) + 20, BodyHash: "other"}, nil)}, nil, 0},
		{"an HTML page with a contact at an export path", nil, []observation.ActiveProbe{
			dataProbe("/export.csv", "text/html", "<html><body>"+record1041+record1043+"</body></html>", 200, baseline404, nil)}, nil, 0},
		{"an export of prices", nil, []observation.ActiveProbe{dataProbe("/export.csv", "text/csv", prices, 200, baseline404, nil)}, nil, 0},
		{"not found", nil, []observation.ActiveProbe{dataProbe("/dump.sql", "text/html", notFound, 404, baseline404, nil)}, nil, 0},
		{"redirected to the home page", nil, []observation.ActiveProbe{dataProbe("/db.sql", "application/sql", sqlDump, 200, baseline404,
			func(ap *observation.ActiveProbe) { ap.FinalURL = "https://www.mairie.test/" })}, nil, 0},
		{"git path without a [core] section", nil, []observation.ActiveProbe{dataProbe("/.git/config", "text/plain", "ok\n", 200, baseline404, nil)}, nil, 0},
		{"env path without assignments", nil, []observation.ActiveProbe{dataProbe("/.env", "text/plain", "ok\n", 200, baseline404, nil)}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &observation.Site{URL: "https://www.asso.test/", Host: "www.asso.test", Pages: tt.pages, ActiveProbes: tt.probes}
			var got []want
			for _, f := range check.Run(site) {
				if f.Check == "exposure.pii-unauthenticated" {
					continue
				}
				got = append(got, want{f.Check, f.Severity, f.Confidence})
				if why, _ := f.Detail["severity_reason"].(map[string]string); why["en"] == "" || why["fr"] == "" {
					t.Errorf("%s: no severity_reason in %v", f.Check, f.Detail)
				}
				if f.Check == "exposure.enumerable-records" && f.Detail["people"] != tt.people {
					t.Errorf("people %v, want %d", f.Detail["people"], tt.people)
				}
			}
			sort.Slice(got, func(i, j int) bool { return got[i].check < got[j].check })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestActiveCatalogue(t *testing.T) {
	for _, id := range []string{"exposure.enumerable-records", "exposure.data-file"} {
		m, ok := check.Lookup(id)
		if !ok || !m.Active {
			t.Errorf("%s: catalogue entry %+v, want one marked active", id, m)
		}
	}
}

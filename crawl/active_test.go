package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/fetch"
	"vigie/observation"
	"vigie/target"
)

func TestNeighbours(t *testing.T) {
	tests := []struct {
		raw  string
		want []string
	}{
		{"https://a.test/membres/fiche.php?id=1042", []string{"https://a.test/membres/fiche.php?id=1041", "https://a.test/membres/fiche.php?id=1043"}},
		{"https://a.test/fiche.php?id=1042&vue=complete", []string{"https://a.test/fiche.php?id=1041&vue=complete", "https://a.test/fiche.php?id=1043&vue=complete"}},
		{"https://a.test/adherent/1042", []string{"https://a.test/adherent/1041", "https://a.test/adherent/1043"}},
		{"https://a.test/adherent/1042/", []string{"https://a.test/adherent/1041/", "https://a.test/adherent/1043/"}},
		{"https://a.test/adherent/1042.html", []string{"https://a.test/adherent/1041.html", "https://a.test/adherent/1043.html"}},
		{"https://a.test/fiche?id=1", []string{"https://a.test/fiche?id=2"}},
		{"https://a.test/fiche?id=0042", nil},        // leading zero: a code, not a counter
		{"https://a.test/actualites/2024", nil},      // a year
		{"https://a.test/fiche?id=abc12", nil},       // not a number
		{"https://a.test/fiche?id=12345678901", nil}, // too long: a phone or a timestamp
		{"https://a.test/1042", []string{"https://a.test/1041", "https://a.test/1043"}},
		{"https://a.test/fiche?id=5&id=6", nil},       // repeated parameter
		{"https://a.test/annuaire/membres.html", nil}, // no identifier
		{"https://a.test/a/b?page=3&tri=nom", []string{"https://a.test/a/b?page=2&tri=nom", "https://a.test/a/b?page=4&tri=nom"}},
	}
	for _, tt := range tests {
		if got := Neighbours(tt.raw); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Neighbours(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestContentEvidence(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		evidence []string
		keys     []string
	}{
		{"git config", "[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote \"origin\"]\n\turl = https://git.test/x.git\n", []string{"git-core"}, nil},
		{"env", "# prod\nDB_HOST=localhost\nDB_PASSWORD=s3cret\nexport APP_KEY=base64:xyz\n", []string{"env-lines"}, []string{"APP_KEY", "DB_HOST", "DB_PASSWORD"}},
		{"one assignment is no env file", "TITLE=Accueil\nBienvenue sur notre site.\n", nil, nil},
		{"prose", "Le [core] du sujet est ailleurs.\nprix = 12 euros\n", nil, nil},
		{"csv", "nom;email\nDupont;a@b.fr\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, keys := contentEvidence([]byte(tt.body))
			if !reflect.DeepEqual(ev, tt.evidence) || !reflect.DeepEqual(keys, tt.keys) {
				t.Errorf("got %q %q, want %q %q", ev, keys, tt.evidence, tt.keys)
			}
		})
	}
}

// activeSite serves a record page at /fiche?id=7 showing one person,
// records 6 and 8, a /backup.sql and a 404 for everything else, and
// counts what it is asked.
func activeSite(t *testing.T) (*fetch.Client, string, func() []string) {
	var mu sync.Mutex
	var asked []string
	people := map[string]string{
		"6": "Paul Girard, paul.girard@sfr.fr, 06 45 32 10 98, né le 05/12/1966",
		"7": "Anne Berthier, anne.berthier@orange.fr, 06 55 17 42 98, née le 03/11/1972",
		"8": "Odile Perrin, odile.perrin@laposte.net, 06 12 48 90 33, née le 14/02/1961",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<a href="/fiche?id=7">ma fiche</a>`)
		case "/fiche":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, "<p>%s</p>", people[r.URL.Query().Get("id")])
		case "/backup.sql":
			w.Header().Set("Content-Type", "application/sql")
			fmt.Fprint(w, "INSERT INTO t VALUES ('Paul Girard','paul.girard@sfr.fr','06 45 32 10 98');\n")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := fetch.New(fetch.Options{Timeout: 2 * time.Second, NoDNS: true, Retries: -1,
		Resolve: []string{"www.site.test:" + u.Port() + ":127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, "http://www.site.test:" + u.Port() + "/", func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), asked...)
	}
}

func TestActiveProbes(t *testing.T) {
	tests := []struct {
		name               string
		active             bool
		records, dataFiles int
		// probeReqs counts the server's requests for id=6, id=8, the
		// random baseline and /backup.sql.
		probeReqs int
	}{
		{"passive sends nothing", false, 0, 0, 0},
		{"active: two neighbours, the data-file list", true, 2, len(DataFilePaths), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, entry, asked := activeSite(t)
			tg, err := target.Parse(entry)
			if err != nil {
				t.Fatal(err)
			}
			s := Site(context.Background(), c, tg, Options{Active: tt.active, Salt: []byte("s")})
			var records, dataFiles int
			for _, ap := range s.ActiveProbes {
				switch ap.Kind {
				case observation.ProbeNeighbourRecord:
					records++
					if ap.Of != entry+"fiche?id=7" || ap.Personal == nil || ap.Personal.People != 1 {
						t.Errorf("record probe %s of %s: %+v", ap.URL, ap.Of, ap.Personal)
					}
				case observation.ProbeDataFile:
					dataFiles++
					if ap.Baseline == nil || ap.Baseline.Status != 404 {
						t.Errorf("data-file probe %s: baseline %+v", ap.URL, ap.Baseline)
					}
				}
			}
			if records != tt.records || dataFiles != tt.dataFiles {
				t.Errorf("%d record and %d data-file probes, want %d and %d", records, dataFiles, tt.records, tt.dataFiles)
			}
			probeReqs := 0
			for _, a := range asked() {
				if !strings.HasPrefix(a, "GET ") {
					t.Errorf("request %s: only GET is allowed", a)
				}
				if strings.Contains(a, "id=6") || strings.Contains(a, "id=8") || strings.Contains(a, "/vigie-") || strings.Contains(a, "/backup.sql") {
					probeReqs++
				}
			}
			if probeReqs != tt.probeReqs {
				t.Errorf("%d probe requests at the server (%q)", probeReqs, asked())
			}
		})
	}
}

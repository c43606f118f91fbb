package runner

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/fetch"
	"vigie/hosting"
	"vigie/hosting/hostingtest"
)

// TestDataUpdate runs vigie data update against a loopback server serving
// fixture files under the upstream release's names (--base-url), then
// opens the dataset as a scan does and records it in the settings.
func TestDataUpdate(t *testing.T) {
	country := hostingtest.MMDB(t, "country", hostingtest.Networks)
	asn := hostingtest.MMDB(t, "asn", hostingtest.Networks)
	var asked []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Path)
		switch {
		case strings.HasPrefix(r.URL.Path, "/geo-whois-asn-country-"):
			w.Write(country)
		case strings.HasPrefix(r.URL.Path, "/asn-"):
			w.Write(asn)
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	dir := t.TempDir()
	var out bytes.Buffer
	if err := DataUpdate(context.Background(), DataUpdateOptions{Dir: dir, BaseURL: ts.URL + "/elsewhere/", Stdout: &out}); err == nil {
		t.Error("a base URL whose files are missing gave no error")
	}
	if err := DataUpdate(context.Background(), DataUpdateOptions{Dir: dir, BaseURL: ts.URL, Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	if len(asked) < 4 || !strings.Contains(out.String(), "RouteViews, DB-IP") || !strings.Contains(out.String(), "sha256:") {
		t.Fatalf("asked %v, printed:\n%s", asked, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, hosting.ManifestName)); err != nil {
		t.Fatal(err)
	}

	settings := map[string]string{}
	hd, err := HostingSettings{DataDir: dir}.load(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hd.db.Close()
	j := hd.judge(false, fetch.Options{DNS: "127.0.0.1:5353"}, settings)
	if j == nil || j.DNS.Server != "127.0.0.1:5353" || !strings.Contains(settings["ip_datasets"], "asn-ipv4.mmdb@2026-12-01 sha256:") ||
		settings["hds_list"] != "vigie" || settings["dns_server"] != "127.0.0.1:5353" {
		t.Errorf("judge %+v, settings %v", j, settings)
	}
	// --no-dns without --dns: nothing is looked up.
	if hd.judge(false, fetch.Options{NoDNS: true}, nil) != nil {
		t.Error("a judge asking DNS despite --no-dns")
	}
	// A named dataset directory that is not one is an error; the default
	// one missing is not.
	if _, err := (HostingSettings{DataDir: t.TempDir()}).load(nil); err == nil {
		t.Error("an empty --ip-data directory gave no error")
	}
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	var note bytes.Buffer
	if hd, err := (HostingSettings{}).load(&note); err != nil || hd.db != nil || !strings.Contains(note.String(), "vigie data update") {
		t.Errorf("no default dataset: %v, %q", err, note.String())
	}
	if _, err := (HostingSettings{HDSList: filepath.Join(dir, "missing.csv")}).load(nil); err == nil {
		t.Error("a missing --hds-list gave no error")
	}
}

package observatory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/farm"
	"vigie/fetch"
	"vigie/internal/testtool"
	"vigie/observatory"
	"vigie/scan"
	"vigie/target"
)

// postures are the farm sites graded by both Vigie and the real MDN HTTP
// Observatory: the header archetypes of farm/catalogue_headers.go and a
// few others (a well-run default, cookies without flags, HTTP only, no
// redirection to HTTPS).
var postures = []string{
	"hdr-none", "hdr-xfo-only", "hdr-strict-styles", "hdr-csp-meta", "hdr-meta-frame",
	"hdr-referrer-unsafe", "hdr-referrer-harmless", "hdr-cors-credentials", "hdr-cors-public", "hdr-cors-star",
	"hdr-sri-missing", "hdr-sri-ok", "hdr-hsts-only",
	"dpo-privacy", "cookie-flags", "pref-http-latin1", "no-redirect",
}

type observatoryOutput struct {
	Host  string `json:"host"`
	Score int    `json:"score"`
	Grade string `json:"grade"`
	Tests map[string]struct {
		Result        string `json:"result"`
		ScoreModifier int    `json:"score_modifier"`
	} `json:"tests"`
	Error string `json:"error"`
}

// TestAgainstObservatory grades farm sites with Vigie and with the MDN
// HTTP Observatory itself (the npm package, under Node): the letter
// grades must be the same on every posture, and each test's result too
// where Vigie observes what the Observatory does.
func TestAgainstObservatory(t *testing.T) {
	node := testtool.Need(t, "node")
	mod := testtool.NodeModule(t, "@mdn/mdn-http-observatory")
	driver, err := filepath.Abs(filepath.Join("testdata", "observatory.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	caFile := filepath.Join(t.TempDir(), "farm-ca.pem")
	if err := os.WriteFile(caFile, f.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}

	hosts := map[string]string{} // archetype -> host
	var targets []target.Target
	var csv bytes.Buffer
	if err := f.WriteTargetsCSV(&csv); err != nil {
		t.Fatal(err)
	}
	all, errs := target.ParseCSV(&csv, "farm")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, s := range f.Sites() {
		if slices.Contains(postures, s.Archetype) {
			hosts[s.Archetype] = s.Host
			for _, tg := range all {
				if tg.Host == s.Host {
					targets = append(targets, tg)
				}
			}
		}
	}
	if len(hosts) != len(postures) {
		t.Fatalf("found %d of the %d postures in the farm", len(hosts), len(postures))
	}

	vigie := map[string]*observatory.Result{}
	opts := scan.Options{Concurrency: 8, Fetch: fetch.Options{
		Timeout: 5 * time.Second, Retries: -1, ConnectTo: f.ConnectTo(), CACertPEM: [][]byte{f.CACertPEM()}, NoDNS: true,
	}}
	if _, err := scan.Run(context.Background(), targets, opts, func(r *scan.Result) error {
		vigie[r.Site.Host] = r.Observatory
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	theirs := map[string]*observatoryOutput{}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := []string{driver, mod, f.HTTPAddr(), f.HTTPSAddr()}
	for _, arch := range postures {
		args = append(args, hosts[arch])
	}
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS="+caFile, "NODE_NO_WARNINGS=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	t.Logf("the Observatory graded %d hosts in %v", len(postures), time.Since(start).Round(time.Millisecond))
	if err != nil {
		e := stderr.String()
		t.Fatalf("node %s: %v; stderr %s", driver, err, e[max(0, len(e)-1000):])
	}
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		o := &observatoryOutput{}
		if err := json.Unmarshal(line, o); err != nil {
			t.Fatalf("observatory output %q: %v", line, err)
		}
		theirs[o.Host] = o
	}

	var table strings.Builder
	fmt.Fprintf(&table, "%-24s %-7s %-7s %s\n", "posture", "vigie", "mdn", "differences")
	for _, arch := range postures {
		host := hosts[arch]
		v, o := vigie[host], theirs[host]
		if o == nil {
			t.Errorf("%s (%s): the Observatory did not answer", arch, host)
			continue
		}
		if o.Error != "" {
			t.Errorf("%s (%s): observatory: %s", arch, host, o.Error)
			continue
		}
		if v == nil {
			t.Errorf("%s (%s): Vigie gave no grade; the Observatory %d %s", arch, host, o.Score, o.Grade)
			continue
		}
		var diffs []string
		for name, ot := range o.Tests {
			if vt := v.Tests[name]; vt.Result != ot.Result {
				diffs = append(diffs, fmt.Sprintf("%s: vigie %s (%+d), mdn %s (%+d)", name, vt.Result, vt.ScoreModifier, ot.Result, ot.ScoreModifier))
			}
		}
		sort := slices.Sorted(slices.Values(diffs))
		fmt.Fprintf(&table, "%-24s %3d %-3s %3d %-3s %s\n", arch, v.Score, v.Grade, o.Score, o.Grade, strings.Join(sort, "; "))
		if v.Grade != o.Grade {
			t.Errorf("%s: Vigie %d %s, Observatory %d %s", arch, v.Score, v.Grade, o.Score, o.Grade)
		}
		for _, d := range sort {
			if !explained(d) {
				t.Errorf("%s: unexplained difference %s", arch, d)
			}
		}
	}
	t.Logf("grades of %d postures:\n%s", len(postures), table.String())
}

// explained tells the differences package observatory documents: the
// CORS test reads a GET with a foreign Origin, not an OPTIONS preflight.
func explained(d string) bool {
	return strings.HasPrefix(d, "cross-origin-resource-sharing:")
}

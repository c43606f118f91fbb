package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"vigie/farm"
)

// TestScanLegacyTLSRecord: the JSONL site record of a site audited over
// the legacy TLS fallback says so, with the protocol and suite used; a
// site reached over a modern handshake says which, without fallback.
func TestScanLegacyTLSRecord(t *testing.T) {
	f := startFarm(t)
	var legacy, modern string
	for _, s := range f.Sites() {
		switch s.Archetype {
		case "tls-legacy-only":
			legacy = s.URL
		case "pref-ok":
			modern = s.URL
		}
	}
	if legacy == "" || modern == "" {
		t.Fatal("farm lacks the tls-legacy-only or pref-ok site")
	}
	o := farmScan(f, "none", TargetSources{Args: []string{legacy, modern}})
	var stdout, stderr bytes.Buffer
	o.Stdout, o.Stderr, o.Format = &stdout, &stderr, "jsonl"
	if _, err := Scan(context.Background(), o); err != nil {
		t.Fatalf("scan: %v (stderr %s)", err, stderr.String())
	}
	type tlsRec struct {
		Protocol       string `json:"protocol"`
		CipherSuite    string `json:"cipher_suite"`
		LegacyFallback bool   `json:"legacy_fallback"`
		FallbackReason string `json:"fallback_reason"`
	}
	records := map[string]*tlsRec{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec struct {
			Record string  `json:"record"`
			Site   string  `json:"site"`
			TLS    *tlsRec `json:"tls"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if rec.Record == "site" {
			records[rec.Site] = rec.TLS
		}
	}
	if r := records[farm.SiteID(legacy)]; r == nil || !r.LegacyFallback || r.Protocol != "TLS 1.0" || r.CipherSuite == "" || r.FallbackReason == "" {
		t.Errorf("legacy site record's tls %+v, want the fallback, TLS 1.0 and why", r)
	}
	if r := records[farm.SiteID(modern)]; r == nil || r.LegacyFallback || r.Protocol != "TLS 1.3" {
		t.Errorf("modern site record's tls %+v, want TLS 1.3 without fallback", r)
	}
}

package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"vigie/finding"
)

// Each JSONL line must decode back into the finding it came from, and the
// site-error line must carry the site's error.
func TestJSONLRoundTrip(t *testing.T) {
	sites := fixture()
	out := render(t, "jsonl", Options{SiteRecords: true}, sites, fixtureScan())

	var want []finding.Finding
	var wantErrors, wantSites []*Site
	for _, s := range sites {
		want = append(want, s.Findings...)
		if s.Failed() {
			wantErrors = append(wantErrors, s)
		} else {
			wantSites = append(wantSites, s)
		}
	}

	var got []finding.Finding
	var gotErrors []siteError
	var gotSites []siteRecord
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var probe struct {
			Record *string `json:"record"`
		}
		if err := json.Unmarshal(line, &probe); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if probe.Record != nil && *probe.Record == recordSite {
			var r siteRecord
			dec := json.NewDecoder(bytes.NewReader(line))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&r); err != nil {
				t.Fatalf("site line %q: %v", line, err)
			}
			gotSites = append(gotSites, r)
			continue
		}
		if probe.Record != nil {
			var e siteError
			dec := json.NewDecoder(bytes.NewReader(line))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&e); err != nil {
				t.Fatalf("site-error line %q: %v", line, err)
			}
			gotErrors = append(gotErrors, e)
			continue
		}
		var f finding.Finding
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields() // exactly finding.Finding's JSON
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("finding line %q: %v", line, err)
		}
		got = append(got, f)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	if len(got) != len(want) {
		t.Fatalf("decoded %d findings, want %d", len(got), len(want))
	}
	for i := range want {
		// Detail comes back as plain JSON values, so compare encodings.
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if !bytes.Equal(g, w) {
			t.Errorf("finding %d:\n got %s\nwant %s", i, g, w)
		}
		if !got[i].FirstSeen.Equal(want[i].FirstSeen) || !got[i].LastSeen.Equal(want[i].LastSeen) {
			t.Errorf("finding %d: times changed", i)
		}
		if got[i].Severity != want[i].Severity {
			t.Errorf("finding %d: severity %v, want %v", i, got[i].Severity, want[i].Severity)
		}
	}

	if len(gotSites) != len(wantSites) {
		t.Fatalf("decoded %d site records, want %d", len(gotSites), len(wantSites))
	}
	for i, s := range wantSites {
		r := gotSites[i]
		g, _ := json.Marshal(r.HTTPObservatory)
		w, _ := json.Marshal(s.HTTPObservatory)
		if r.Site != s.URL || r.Organisation != s.Organisation || r.Pages != s.Pages || r.Forms != s.Forms ||
			r.PersonalForms != s.PersonalForms || !bytes.Equal(g, w) {
			t.Errorf("site record %d = %+v, want the summary of %s", i, r, s.URL)
		}
	}

	if len(gotErrors) != len(wantErrors) {
		t.Fatalf("decoded %d site errors, want %d", len(gotErrors), len(wantErrors))
	}
	for i, s := range wantErrors {
		e := gotErrors[i]
		if e.Record != "site-error" || e.Site != s.URL || e.Organisation != s.Organisation || e.Error != s.Error || e.ErrorKind != s.ErrorKind {
			t.Errorf("site error %d = %+v, want the error of %s", i, e, s.URL)
		}
	}

	if len(gotSites) != len(wantSites) {
		t.Fatalf("decoded %d site records, want %d", len(gotSites), len(wantSites))
	}
	for i, s := range wantSites {
		g := gotSites[i]
		if g.Site != s.URL || g.Pages != s.Pages || g.PersonalForms != s.PersonalForms || !reflect.DeepEqual(g.Retention, s.Retention) {
			t.Errorf("site record %d = %+v, want that of %s (retention %+v)", i, g, s.URL, s.Retention)
		}
	}

	// No HTML escaping: the hostile organisation appears as written.
	if !strings.Contains(string(out), `"organisation":"<script>alert(\"org\")</script>"`) {
		t.Error("JSONL escapes HTML characters")
	}
}

// Lines must reach the writer as each site is written, not at Close.
func TestJSONLStreams(t *testing.T) {
	var b bytes.Buffer
	w, err := New("jsonl", &b, Options{SiteRecords: true})
	if err != nil {
		t.Fatal(err)
	}
	sites := fixture()
	if err := w.WriteSite(sites[0]); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != len(sites[0].Findings)+1 {
		t.Errorf("after one site: %d lines, want %d (its findings and its site record)", n, len(sites[0].Findings)+1)
	}
	if err := w.Close(Scan{}); err != nil {
		t.Fatal(err)
	}
}

// Without Options.SiteRecords (exports of findings), no site record.
func TestJSONLNoSiteRecords(t *testing.T) {
	out := render(t, "jsonl", Options{}, fixture(), fixtureScan())
	if bytes.Contains(out, []byte(`"record":"site"`)) {
		t.Errorf("site records without SiteRecords:\n%s", out)
	}
}

package report

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"vigie/check"
	"vigie/finding"
)

// sarifSchemaFile is a focused JSON schema for the SARIF 2.1.0 objects
// Vigie writes, written from the OASIS specification: the official schema
// file is not vendored. Like the official one, it forbids properties the
// specification does not define.
const sarifSchemaFile = "testdata/sarif-2.1.0-subset.schema.json"

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "file:///sarif-2.1.0-subset.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, doc []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	return sch.Validate(inst)
}

func TestSARIFSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	docs := map[string][]byte{
		"fixture":    render(t, "sarif", Options{}, fixture(), fixtureScan()),
		"fixture-fr": render(t, "sarif", Options{Lang: "fr"}, fixture(), fixtureScan()),
		"empty":      render(t, "sarif", Options{}, nil, Scan{}),
	}
	for name, doc := range docs {
		if err := validateSARIF(t, sch, doc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}

	// The schema must bite: each broken copy of a valid log fails.
	breakages := map[string]func(log map[string]any){
		"wrong version": func(log map[string]any) { log["version"] = "2.0.0" },
		"bad level": func(log map[string]any) {
			result(log)["level"] = "fatal"
		},
		"no message": func(log map[string]any) { delete(result(log), "message") },
		"misspelt property": func(log map[string]any) {
			inv := run(log)["invocations"].([]any)[0].(map[string]any)
			inv["startTimeUTC"] = inv["startTimeUtc"]
		},
		"no driver name": func(log map[string]any) {
			delete(run(log)["tool"].(map[string]any)["driver"].(map[string]any), "name")
		},
		"bad date": func(log map[string]any) {
			run(log)["invocations"].([]any)[0].(map[string]any)["endTimeUtc"] = "yesterday"
		},
	}
	for name, breakIt := range breakages {
		var log map[string]any
		if err := json.Unmarshal(docs["fixture"], &log); err != nil {
			t.Fatal(err)
		}
		breakIt(log)
		doc, _ := json.Marshal(log)
		if err := validateSARIF(t, sch, doc); err == nil {
			t.Errorf("%s: broken log passes the schema", name)
		}
	}
}

func run(log map[string]any) map[string]any { return log["runs"].([]any)[0].(map[string]any) }

func result(log map[string]any) map[string]any {
	return run(log)["results"].([]any)[0].(map[string]any)
}

// decodeSARIF reads a log back into the writer's own structs.
func decodeSARIF(t *testing.T, doc []byte) sarifLog {
	t.Helper()
	var log sarifLog
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

func TestSARIFRulesAndResults(t *testing.T) {
	sites := fixture()
	log := decodeSARIF(t, render(t, "sarif", Options{}, sites, fixtureScan()))
	r := log.Runs[0]
	rules := r.Tool.Driver.Rules

	// One rule per catalogue check, in catalogue order, then the unknown one.
	cat := check.Catalogue()
	for i, m := range cat {
		rule := rules[i]
		if rule.ID != m.ID || rule.ShortDescription.Text != m.Title.EN ||
			rule.FullDescription == nil || rule.FullDescription.Text != m.Rationale.EN ||
			rule.Help == nil || rule.Help.Text != m.Remediation.EN ||
			rule.Properties.Severity != m.Severity.String() ||
			strings.Join(rule.Properties.Legal, "|") != strings.Join(m.Legal, "|") ||
			len(rule.Properties.Tags) != 1 || rule.Properties.Tags[0] != m.Family {
			t.Errorf("rule %d = %+v does not describe %s", i, rule, m.ID)
		}
	}
	if len(rules) != len(cat)+1 || rules[len(cat)].ID != "test.unregistered" ||
		rules[len(cat)].ShortDescription.Text != "Check missing from the catalogue" {
		t.Errorf("rules do not end with the unregistered check: %+v", rules[len(cat):])
	}

	levels := map[string]string{"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
	for _, rule := range rules {
		if want := levels[rule.Properties.Severity]; rule.DefaultConfiguration.Level != want {
			t.Errorf("rule %s (%s): level %s, want %s", rule.ID, rule.Properties.Severity, rule.DefaultConfiguration.Level, want)
		}
	}

	byID := map[string]finding.Finding{}
	for _, s := range sites {
		for _, f := range s.Findings {
			byID[f.ID] = f
		}
	}
	if len(r.Results) != len(byID) {
		t.Fatalf("%d results, want %d", len(r.Results), len(byID))
	}
	for _, res := range r.Results {
		f, ok := byID[res.PartialFingerprints[fingerprintKey]]
		if !ok {
			t.Errorf("result %+v has no known fingerprint", res)
			continue
		}
		if rules[res.RuleIndex].ID != res.RuleID || res.RuleID != f.Check {
			t.Errorf("result for %s: ruleIndex %d points to %s", f.Check, res.RuleIndex, rules[res.RuleIndex].ID)
		}
		if res.Level != levels[f.Severity.String()] {
			t.Errorf("result for %s (%s): level %s", f.Check, f.Severity, res.Level)
		}
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation.ArtifactLocation.URI != f.URL {
			t.Errorf("result for %s: locations %+v, want %s", f.Check, res.Locations, f.URL)
		}
		if !strings.HasPrefix(res.Message.Text, title(&f, "en")) {
			t.Errorf("result for %s: message %q does not start with the title", f.Check, res.Message.Text)
		}
		p := res.Properties
		if p.Site != f.Site || p.Organisation != f.Organisation || p.Confidence != f.Confidence || p.Severity != f.Severity.String() {
			t.Errorf("result for %s: properties %+v", f.Check, p)
		}
	}

	if len(r.Invocations) != 1 || !r.Invocations[0].ExecutionSuccessful {
		t.Fatalf("invocations = %+v", r.Invocations)
	}
	inv := r.Invocations[0]
	if inv.StartTimeUTC != "2025-03-14T09:26:53Z" || inv.EndTimeUTC != "2025-03-14T09:31:05Z" {
		t.Errorf("invocation times %s – %s", inv.StartTimeUTC, inv.EndTimeUTC)
	}
	if len(inv.ToolExecutionNotifications) != 1 {
		t.Fatalf("notifications = %+v", inv.ToolExecutionNotifications)
	}
	n := inv.ToolExecutionNotifications[0]
	if n.Level != "error" || !strings.Contains(n.Message.Text, "https://injoignable.exemple.fr/") || !strings.Contains(n.Message.Text, "no such host") {
		t.Errorf("notification = %+v", n)
	}
}

func TestRuleName(t *testing.T) {
	tests := map[string]string{
		"form.http-page":              "FormHttpPage",
		"tls.protocol-legacy":         "TlsProtocolLegacy",
		"exposure.enumerable-records": "ExposureEnumerableRecords",
		"":                            "Check",
	}
	for id, want := range tests {
		if got := ruleName(id); got != want {
			t.Errorf("ruleName(%q) = %q, want %q", id, got, want)
		}
	}
}

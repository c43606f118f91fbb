package report

import (
	"encoding/json"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"

	"vigie/check"
	"vigie/finding"
)

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// informationURI is where SARIF viewers send users to learn about the
	// tool. It is the project's home until it has a public one of its own.
	informationURI = "https://github.com/vigie-project/vigie"
	// fingerprintKey names Vigie's finding ID among a result's partial
	// fingerprints; the version suffix changes if finding IDs ever do.
	fingerprintKey = "vigie/v1"
)

// The SARIF 2.1.0 objects Vigie writes, with the property names of the
// OASIS schema; only the parts Vigie uses.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool              sarifTool           `json:"tool"`
		Invocations       []sarifInvocation   `json:"invocations"`
		AutomationDetails *sarifAutomation    `json:"automationDetails,omitempty"`
		Results           []sarifResult       `json:"results"`
		Properties        *sarifRunProperties `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string              `json:"id"`
		Name                 string              `json:"name"`
		ShortDescription     sarifText           `json:"shortDescription"`
		FullDescription      *sarifText          `json:"fullDescription,omitempty"`
		Help                 *sarifText          `json:"help,omitempty"`
		DefaultConfiguration sarifConfiguration  `json:"defaultConfiguration"`
		Properties           sarifRuleProperties `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifRuleProperties struct {
		Severity string   `json:"severity,omitempty"`
		Legal    []string `json:"legal,omitempty"`
		Guidance []string `json:"guidance,omitempty"`
		Tags     []string `json:"tags,omitempty"`
		// SecuritySeverity is the CVSS-like score GitHub code scanning
		// reads to rank security results.
		SecuritySeverity string `json:"security-severity,omitempty"`
	}
	sarifResult struct {
		RuleID              string                `json:"ruleId"`
		RuleIndex           int                   `json:"ruleIndex"`
		Level               string                `json:"level"`
		Message             sarifText             `json:"message"`
		Locations           []sarifLocation       `json:"locations,omitempty"`
		PartialFingerprints map[string]string     `json:"partialFingerprints,omitempty"`
		Provenance          *sarifProvenance      `json:"provenance,omitempty"`
		Properties          sarifResultProperties `json:"properties"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	}
	sarifArtifactLocation struct {
		URI string `json:"uri"`
	}
	sarifProvenance struct {
		FirstDetectionTimeUTC string `json:"firstDetectionTimeUtc,omitempty"`
		LastDetectionTimeUTC  string `json:"lastDetectionTimeUtc,omitempty"`
	}
	sarifResultProperties struct {
		Severity     string         `json:"severity,omitempty"`
		Confidence   string         `json:"confidence,omitempty"`
		Site         string         `json:"site"`
		Organisation string         `json:"organisation,omitempty"`
		Detail       map[string]any `json:"detail,omitempty"`
		Legal        []string       `json:"legal,omitempty"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                       `json:"executionSuccessful"`
		StartTimeUTC               string                     `json:"startTimeUtc,omitempty"`
		EndTimeUTC                 string                     `json:"endTimeUtc,omitempty"`
		ToolExecutionNotifications []sarifNotification        `json:"toolExecutionNotifications,omitempty"`
		Properties                 *sarifInvocationProperties `json:"properties,omitempty"`
	}
	sarifInvocationProperties struct {
		Settings map[string]string `json:"settings"`
	}
	sarifNotification struct {
		Level      string                      `json:"level"`
		Message    sarifText                   `json:"message"`
		Locations  []sarifLocation             `json:"locations,omitempty"`
		Properties sarifNotificationProperties `json:"properties"`
	}
	sarifNotificationProperties struct {
		Site         string `json:"site"`
		Organisation string `json:"organisation,omitempty"`
		ErrorKind    string `json:"error_kind,omitempty"`
	}
	sarifAutomation struct {
		ID string `json:"id"`
	}
	sarifRunProperties struct {
		Scan   string `json:"scan,omitempty"`
		Sites  int    `json:"sites"`
		Failed int    `json:"failed"`
	}
)

// sarifEntry is a result waiting for Close, with what sorting needs.
type sarifEntry struct {
	key finding.Finding // only Severity, Site, Check, URL and ID are set
	res sarifResult
}

// unknownRule remembers, for a check the catalogue does not know, what a
// synthesized rule needs.
type unknownRule struct {
	title    string
	severity finding.Severity
}

type sarifWriter struct {
	w       io.Writer
	lang    string
	entries []sarifEntry
	unknown map[string]unknownRule
	notes   []sarifNotification
	sites   int
	failed  int
}

func newSARIF(w io.Writer, o Options) *sarifWriter {
	return &sarifWriter{w: w, lang: o.Lang, unknown: map[string]unknownRule{}}
}

func (s *sarifWriter) WriteSite(site *Site) error {
	if site == nil {
		return errNilSite
	}
	s.sites++
	for i := range site.Findings {
		f := &site.Findings[i]
		s.entries = append(s.entries, sarifEntry{
			key: finding.Finding{Severity: f.Severity, Site: f.Site, Check: f.Check, URL: f.URL, ID: f.ID},
			res: s.result(f),
		})
		if _, ok := check.Lookup(f.Check); !ok {
			if _, seen := s.unknown[f.Check]; !seen {
				s.unknown[f.Check] = unknownRule{title: f.Title, severity: f.Severity}
			}
		}
	}
	if site.Failed() {
		s.failed++
		text := site.URL + ": " + site.Error
		s.notes = append(s.notes, sarifNotification{
			Level:     "error",
			Message:   sarifText{Text: text},
			Locations: artifactLocations(site.URL),
			Properties: sarifNotificationProperties{
				Site:         site.URL,
				Organisation: site.Organisation,
				ErrorKind:    site.ErrorKind,
			},
		})
	}
	return nil
}

func (s *sarifWriter) result(f *finding.Finding) sarifResult {
	msg := title(f, s.lang)
	if d := keyDetail(f.Detail); d != "" {
		msg += ": " + d
	}
	uri := f.URL
	if uri == "" {
		uri = f.Site
	}
	r := sarifResult{
		RuleID:    f.Check,
		RuleIndex: -1,
		Level:     sarifLevel(f.Severity),
		Message:   sarifText{Text: msg},
		Locations: artifactLocations(uri),
		Properties: sarifResultProperties{
			Confidence:   f.Confidence,
			Site:         f.Site,
			Organisation: f.Organisation,
			Detail:       f.Detail,
			Legal:        f.Legal,
		},
	}
	if f.Severity != 0 {
		r.Properties.Severity = f.Severity.String()
	}
	if f.ID != "" {
		r.PartialFingerprints = map[string]string{fingerprintKey: f.ID}
	}
	if !f.FirstSeen.IsZero() || !f.LastSeen.IsZero() {
		r.Provenance = &sarifProvenance{
			FirstDetectionTimeUTC: sarifTime(f.FirstSeen),
			LastDetectionTimeUTC:  sarifTime(f.LastSeen),
		}
	}
	return r
}

func artifactLocations(uri string) []sarifLocation {
	if uri == "" {
		return nil
	}
	return []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: uri}}}}
}

func (s *sarifWriter) Close(scan Scan) error {
	rules := s.rules()
	index := make(map[string]int, len(rules))
	for i, r := range rules {
		index[r.ID] = i
	}
	sort.SliceStable(s.entries, func(i, j int) bool {
		return lessFinding(&s.entries[i].key, &s.entries[j].key)
	})
	results := make([]sarifResult, len(s.entries))
	for i, e := range s.entries {
		e.res.RuleIndex = index[e.res.RuleID]
		results[i] = e.res
	}
	inv := sarifInvocation{
		ExecutionSuccessful:        true,
		StartTimeUTC:               sarifTime(scan.Started),
		EndTimeUTC:                 sarifTime(scan.Ended),
		ToolExecutionNotifications: s.notes,
	}
	if len(scan.Settings) > 0 {
		inv.Properties = &sarifInvocationProperties{Settings: scan.Settings}
	}
	audited, failed := siteCounts(scan, s.sites, s.failed)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "Vigie",
			Version:        scan.Version,
			InformationURI: informationURI,
			Rules:          rules,
		}},
		Invocations: []sarifInvocation{inv},
		Results:     results,
		Properties:  &sarifRunProperties{Scan: scan.ID, Sites: audited, Failed: failed},
	}
	if scan.ID != "" {
		run.AutomationDetails = &sarifAutomation{ID: "vigie/" + scan.ID}
	}
	enc := json.NewEncoder(s.w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// rules lists one rule per check of the catalogue, then one per unknown
// check that has findings, so that every result has a rule to point to.
func (s *sarifWriter) rules() []sarifRule {
	metas := check.Catalogue()
	rules := make([]sarifRule, 0, len(metas)+len(s.unknown))
	for _, m := range metas {
		rule := sarifRule{
			ID:                   m.ID,
			Name:                 ruleName(m.ID),
			ShortDescription:     sarifText{Text: m.Title.EN},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(m.Severity)},
			Properties: sarifRuleProperties{
				Severity:         m.Severity.String(),
				Legal:            m.Legal,
				Guidance:         m.Guidance,
				Tags:             []string{m.Family},
				SecuritySeverity: securitySeverity(m.Severity),
			},
		}
		if m.Rationale.EN != "" {
			rule.FullDescription = &sarifText{Text: m.Rationale.EN}
		}
		if m.Remediation.EN != "" {
			rule.Help = &sarifText{Text: m.Remediation.EN}
		}
		rules = append(rules, rule)
	}
	ids := make([]string, 0, len(s.unknown))
	for id := range s.unknown {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		u := s.unknown[id]
		short := u.title
		if short == "" {
			short = id
		}
		rule := sarifRule{
			ID:                   id,
			Name:                 ruleName(id),
			ShortDescription:     sarifText{Text: short},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(u.severity)},
			Properties:           sarifRuleProperties{SecuritySeverity: securitySeverity(u.severity)},
		}
		if u.severity != 0 {
			rule.Properties.Severity = u.severity.String()
		}
		if family, _, ok := strings.Cut(id, "."); ok && family != "" {
			rule.Properties.Tags = []string{family}
		}
		rules = append(rules, rule)
	}
	return rules
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	case finding.Low, finding.Info:
		return "note"
	}
	return "warning" // SARIF's default level
}

// securitySeverity maps a severity into the score bands GitHub uses
// (critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9).
func securitySeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "9.5"
	case finding.High:
		return "8.0"
	case finding.Medium:
		return "5.5"
	case finding.Low:
		return "3.0"
	case finding.Info:
		return "0.0"
	}
	return ""
}

// ruleName turns a check ID into the Pascal-case name SARIF suggests for
// rules: "form.http-page" becomes "FormHttpPage".
func ruleName(id string) string {
	var b strings.Builder
	upper := true
	for _, r := range id {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "Check"
	}
	return b.String()
}

// sarifTime formats t as SARIF wants date-times: RFC 3339 in UTC.
func sarifTime(t time.Time) string { return timeText(t) }

package exposure

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii"
	"vigie/pii/detect"
)

// Thresholds of exposure.pii-unauthenticated for contact data (e-mail
// addresses, phone numbers, postal addresses), which organisations also
// publish on purpose. Identifiers (NIR, IBAN, card, date of birth), an IP
// address next to a person's data and special categories are reported
// for one person already: one record in the open is one too many.
const (
	// MinPeople is how many distinct people a response must be about,
	// with contact data of two kinds (e-mail and phone...), to be
	// reported: one or two may be the visitor or a named contact.
	MinPeople = 3
	// ListPeople is how many people with one kind of contact data only
	// make a list.
	ListPeople = 10
	// ManyPeople, with data of several kinds, makes the records of a
	// list critical.
	ManyPeople = 20
)

// contactKinds are the detector kinds of contact data.
var contactKinds = []string{detect.KindEmail, detect.KindPhone, detect.KindAddress}

// identifierKinds identify one person by themselves: one NIR, IBAN, card
// number or date of birth in the open is one too many.
var identifierKinds = []string{detect.KindNIR, detect.KindIBAN, detect.KindCard, detect.KindBirth}

// personKinds are the kinds of data about people that count towards the
// "kinds of data" of a list: contact data, identifiers and IP addresses.
var personKinds = slices.Concat(contactKinds, identifierKinds, []string{detect.KindIP})

// reason is one ground of a finding's severity, in both languages, with a
// stable code for machines ("identifier:nir", "people:25"...).
type reason struct {
	Code     string
	Severity finding.Severity
	EN, FR   string
}

// verdict is the outcome of weighing what a response shows.
type verdict struct {
	severity   finding.Severity // 0: nothing to report
	confidence string
	reasons    []reason
	special    []string
}

func (v *verdict) add(r reason) {
	v.reasons = append(v.reasons, r)
	v.severity = max(v.severity, r.Severity)
}

// detail returns the reasons as the finding's detail shows them: the
// codes, and one sentence a language saying why it has its severity.
func (v *verdict) detail(d map[string]any) {
	codes := make([]string, len(v.reasons))
	var en, fr []string
	for i, r := range v.reasons {
		codes[i] = r.Code
		en = append(en, r.EN)
		fr = append(fr, r.FR)
	}
	d["reasons"] = codes
	d["severity_reason"] = map[string]string{
		"en": fmt.Sprintf("%s: %s.", v.severity, strings.Join(en, "; ")),
		"fr": fmt.Sprintf("%s : %s.", severityFR[v.severity], strings.Join(fr, " ; ")),
	}
}

var severityFR = map[finding.Severity]string{
	finding.Info: "information", finding.Low: "faible", finding.Medium: "moyenne",
	finding.High: "élevée", finding.Critical: "critique",
}

// kindNames name the kinds of identifiers: English singular and plural,
// French singular and plural.
var kindNames = map[string][4]string{
	detect.KindNIR:   {"social security number", "social security numbers", "numéro de sécurité sociale", "numéros de sécurité sociale"},
	detect.KindIBAN:  {"IBAN", "IBANs", "IBAN", "IBAN"},
	detect.KindCard:  {"payment card number", "payment card numbers", "numéro de carte bancaire", "numéros de carte bancaire"},
	detect.KindBirth: {"date of birth", "dates of birth", "date de naissance", "dates de naissance"},
}

var specialNames = map[string][2]string{
	pii.Health: {"health", "santé"}, pii.Political: {"political opinions", "opinions politiques"},
	pii.Religious: {"religion", "religion"}, pii.Union: {"union membership", "appartenance syndicale"},
	pii.SexualLife: {"sex life or orientation", "vie ou orientation sexuelle"},
}

// assess weighs the personal data of one response: identifiers, special
// categories and IP addresses of even one person are reported; contact
// data only as a list of several people, and not at all on published
// attribution (copyright files, credits), whose names and addresses are
// there on purpose.
func assess(pd *observation.PersonalData, ex *observation.PageExposure) verdict {
	v := verdict{confidence: finding.Firm}
	if !pd.Has() {
		return v
	}
	// Credited authors and published contacts are there on purpose:
	// their names and addresses are no records about them.
	attribution := ex != nil && (ex.Attribution != "" || ex.Contacts != "")
	if ex != nil && ex.BirthInProse && len(ex.Special) == 0 && onlyKind(pd, detect.KindBirth) {
		// Dates of birth in running text and nothing else about anyone:
		// a birth announcement, a centenarian's portrait, an obituary,
		// published as news rather than kept as records.
		return v
	}
	for _, k := range identifierKinds {
		n := pd.Distinct[k]
		if n == 0 {
			continue
		}
		name := kindNames[k]
		en, fr := name[0], name[2]
		if n > 1 {
			en, fr = name[1], name[3]
		}
		v.add(reason{Code: "identifier:" + k, Severity: finding.Critical,
			EN: fmt.Sprintf("%d %s in the open", n, en),
			FR: fmt.Sprintf("%d %s en accès libre", n, fr)})
	}
	special := map[string]bool{}
	for _, c := range pii.Categories {
		if pii.IsSpecial(c) && pd.Counts[c] > 0 {
			special[c] = true
		}
	}
	if ex != nil {
		for c := range ex.Special {
			special[c] = true
		}
	}
	for c := range special {
		v.special = append(v.special, c)
	}
	sort.Strings(v.special)
	if len(v.special) > 0 {
		var en, fr []string
		for _, c := range v.special {
			en = append(en, specialNames[c][0])
			fr = append(fr, specialNames[c][1])
		}
		v.add(reason{Code: "special:" + strings.Join(v.special, ","), Severity: finding.Critical,
			EN: "special categories of data (GDPR art. 9): " + strings.Join(en, ", "),
			FR: "catégories particulières de données (RGPD art. 9) : " + strings.Join(fr, ", ")})
	}
	if n := pd.Distinct[detect.KindIP]; n > 0 && pd.People > 0 && !attribution {
		v.add(reason{Code: "ip-with-person", Severity: finding.High,
			EN: fmt.Sprintf("%d IP address(es) next to people's data", n),
			FR: fmt.Sprintf("%d adresse(s) IP à côté de données de personnes", n)})
	}
	kinds := 0
	for _, k := range personKinds {
		if pd.Distinct[k] > 0 {
			kinds++
		}
	}
	list := pd.People >= MinPeople && (kinds >= 2 || pd.People >= ListPeople)
	switch {
	case attribution && len(v.reasons) == 0:
		return verdict{} // credited authors, published contacts
	case attribution:
		// Identifiers or sensitive data where people are credited: they
		// are reported, the credited contacts do not add to them.
	case list && pd.People >= ManyPeople && kinds >= 2:
		v.add(reason{Code: fmt.Sprintf("people:%d,kinds:%d", pd.People, kinds), Severity: finding.Critical,
			EN: fmt.Sprintf("records of %d people with %d kinds of data", pd.People, kinds),
			FR: fmt.Sprintf("fiches de %d personnes avec %d sortes de données", pd.People, kinds)})
	case list:
		v.add(reason{Code: fmt.Sprintf("people:%d,kinds:%d", pd.People, kinds), Severity: finding.High,
			EN: fmt.Sprintf("contact data of %d people", pd.People),
			FR: fmt.Sprintf("coordonnées de %d personnes", pd.People)})
		if len(v.reasons) == 1 && pd.People < ListPeople {
			v.confidence = finding.Tentative // a few contacts: perhaps published on purpose
		}
	}
	return v
}

// personal reports exposure.pii-unauthenticated for a page or file that
// shows other people's personal data to anyone.
func personal(r *check.Reporter, u string, p *observation.Page) {
	pd := p.Personal
	v := assess(pd, p.Exposure)
	if v.severity == 0 {
		return
	}
	samples := pd.Samples
	if len(samples) > 8 {
		samples = samples[:8]
	}
	d := map[string]any{
		"people":             max(pd.People, 1),
		"counts":             pd.Counts,
		"kinds":              pd.Kinds,
		"special_categories": v.special,
		"samples":            samples,
		"content_type":       p.ContentType,
	}
	if pd.People <= 1 {
		d["single_record"] = true
	}
	v.detail(d)
	r.Report(check.Issue{Check: "exposure.pii-unauthenticated", URL: u, Severity: v.severity, Confidence: v.confidence, Detail: d})
}

// onlyKind reports whether every personal value of pd is of kind k.
func onlyKind(pd *observation.PersonalData, k string) bool {
	for kind, n := range pd.Distinct {
		if n > 0 && kind != k {
			return false
		}
	}
	return true
}

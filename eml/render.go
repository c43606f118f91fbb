package eml

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"vigie/check"
	_ "vigie/check/eml" // the eml.* catalogue
)

// labels are the words of the text report, by language.
var labels = map[string]map[string]string{
	"en": {
		"verdict": "Verdict", LikelyLegitimate: "likely legitimate", Suspicious: "suspicious", LikelyPhishing: "likely phishing",
		"reasons": "Reasons", "none": "none", "auth": "Authentication (verified again by Vigie)",
		"received-results": "Authentication-Results as received (claims of another server, not trusted)",
		"links":            "Links by registrable domain", "official": "official", "foreign": "foreign",
		"attachments": "Attachments", "notice": "Breach notification (GDPR art. 34(2), art. 33(3)(b)-(d))",
		"present": "present", "missing": "MISSING", "dns": "DNS answers relied on", "problems": "Reading problems",
		"reference": "Reference domains", "ref-official-domain": "given with --official-domain", "ref-directory": "from the organisation directory",
		"ref-sender": "the From domain only (no official domain given)", "spf-na": "not verifiable",
		"nature": "nature of the breach", "contact": "DPO or contact point", "consequences": "likely consequences",
		"measures": "measures taken or proposed", "advice": "advice to the people", "aligned": "aligned", "not-aligned": "not aligned",
		"no-signature": "no DKIM signature", "policy-at": "policy at",
	},
	"fr": {
		"verdict": "Verdict", LikelyLegitimate: "probablement légitime", Suspicious: "suspect", LikelyPhishing: "hameçonnage probable",
		"reasons": "Motifs", "none": "aucun", "auth": "Authentification (vérifiée à nouveau par Vigie)",
		"received-results": "Authentication-Results reçus (affirmations d'un autre serveur, non retenues)",
		"links":            "Liens par domaine enregistrable", "official": "officiel", "foreign": "étranger",
		"attachments": "Pièces jointes", "notice": "Notification de violation (RGPD art. 34(2), art. 33(3)(b)-(d))",
		"present": "présent", "missing": "ABSENT", "dns": "Réponses DNS utilisées", "problems": "Problèmes de lecture",
		"reference": "Domaines de référence", "ref-official-domain": "donnés par --official-domain", "ref-directory": "de l'annuaire des organisations",
		"ref-sender": "le seul domaine From (aucun domaine officiel donné)", "spf-na": "non vérifiable",
		"nature": "nature de la violation", "contact": "DPO ou point de contact", "consequences": "conséquences probables",
		"measures": "mesures prises ou proposées", "advice": "conseils aux personnes", "aligned": "aligné", "not-aligned": "non aligné",
		"no-signature": "aucune signature DKIM", "policy-at": "politique publiée en",
		"info": "info", "low": "faible", "medium": "moyenne", "high": "élevée", "critical": "critique",
		"certain": "certaine", "firm": "ferme", "tentative": "à confirmer",
	},
}

// Write renders reports as "text" or "json" in lang ("en" or "fr").
func Write(w io.Writer, reports []*Report, format, lang string) error {
	if lang == "" {
		lang = "en"
	}
	if _, ok := labels[lang]; !ok {
		return fmt.Errorf("eml: language %q: want en or fr", lang)
	}
	for _, r := range reports {
		for i := range r.Checks {
			f := &r.Checks[i]
			if m, ok := check.Lookup(f.Check); ok {
				f.Severity = m.Severity.String()
				f.Title = m.Title.EN
				if lang == "fr" {
					f.Title = m.Title.FR
				}
			}
			f.Facts = f.Facts[:0]
			for _, x := range f.facts {
				f.Facts = append(f.Facts, x.render(lang))
			}
		}
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if reports == nil {
			reports = []*Report{}
		}
		return enc.Encode(reports)
	case "text", "":
		for i, r := range reports {
			if i > 0 {
				fmt.Fprintln(w)
			}
			writeText(w, r, labels[lang])
		}
		return nil
	}
	return fmt.Errorf("eml: format %q: want text or json", format)
}

func writeText(w io.Writer, r *Report, l map[string]string) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("%s\n", r.File)
	if l[r.Verdict] == r.Verdict || l[r.Verdict] == strings.ReplaceAll(r.Verdict, "-", " ") {
		p("  %s: %s\n", l["verdict"], r.Verdict)
	} else {
		p("  %s: %s (%s)\n", l["verdict"], l[r.Verdict], r.Verdict)
	}
	h := r.Headers
	for _, a := range h.From {
		p("  From:        %s\n", showAddress(a))
	}
	if h.Sender != nil {
		p("  Sender:      %s\n", showAddress(*h.Sender))
	}
	for _, a := range h.ReplyTo {
		p("  Reply-To:    %s\n", showAddress(a))
	}
	if h.ReturnPath != "" {
		p("  Return-Path: <%s>\n", h.ReturnPath)
	}
	if len(h.To) > 0 {
		p("  To:          %s\n", strings.Join(h.To, ", "))
	}
	p("  Subject:     %s\n", h.Subject)
	if h.Date != "" {
		p("  Date:        %s\n", h.Date)
	}

	p("\n%s:\n", l["reasons"])
	if len(r.Checks) == 0 {
		p("  %s\n", l["none"])
	}
	for _, f := range r.Checks {
		p("  [%s] %s — %s (%s)\n", word(l, f.Severity), f.Check, f.Title, word(l, f.Confidence))
		for _, fact := range f.Facts {
			p("      %s\n", fact)
		}
	}

	p("\n%s:\n", l["auth"])
	if len(r.Auth.DKIM) == 0 {
		p("  DKIM   %s\n", l["no-signature"])
	}
	for _, d := range r.Auth.DKIM {
		al := l["not-aligned"]
		if d.Aligned {
			al = l["aligned"]
		}
		p("  DKIM   %-9s d=%s s=%s a=%s (%s)", d.Result, d.Domain, d.Selector, d.Algorithm, al)
		if d.Error != "" {
			p(": %s", d.Error)
		}
		p("\n")
	}
	s := r.Auth.SPF
	if s.Result == NotVerifiable {
		p("  SPF    %-9s %s\n", l["spf-na"], s.Reason)
	} else {
		al := l["not-aligned"]
		if s.Aligned {
			al = l["aligned"]
		}
		p("  SPF    %-9s ip=%s mail-from=%s helo=%s (%s)", s.Result, s.IP, s.MailFrom, s.HELO, al)
		if s.Reason != "" {
			p(": %s", s.Reason)
		}
		p("\n")
	}
	d := r.Auth.DMARC
	p("  DMARC  %-9s from=%s", d.Result, d.Domain)
	if d.Record != "" {
		p(" %s _dmarc.%s: %s", l["policy-at"], d.PolicyDomain, d.Record)
	}
	if d.Reason != "" {
		p(" — %s", d.Reason)
	}
	p("\n")
	if len(r.Auth.Received) > 0 {
		p("  %s:\n", l["received-results"])
		for _, a := range r.Auth.Received {
			p("    %s\n", strings.Join(strings.Fields(a), " "))
		}
	}

	src := l["ref-"+r.OfficialSource]
	p("\n%s (%s): %s\n", l["reference"], src, strings.Join(r.Official, ", "))
	p("%s (%d):\n", l["links"], len(r.Links))
	for _, dc := range r.LinkDomains {
		kind := l["foreign"]
		if dc.Official {
			kind = l["official"]
		}
		if dc.Rewriter != "" {
			kind += ", " + dc.Rewriter
		}
		p("  %4d  %s (%s)\n", dc.Count, dc.Domain, kind)
	}
	for _, ln := range r.Links {
		p("        %s", ln.URL)
		if ln.Target != "" {
			p(" → %s", ln.Target)
		}
		p("\n")
	}
	if len(r.Attachments) > 0 {
		p("\n%s:\n", l["attachments"])
		for _, a := range r.Attachments {
			p("  %s (%s, %d bytes)", a.Filename, a.ContentType, a.Size)
			if a.Risk != "" {
				p(" %s", a.Risk)
			}
			p("\n")
		}
	}
	if r.Notice != nil {
		p("\n%s:\n", l["notice"])
		for _, k := range noticeElementKeys {
			if v, ok := r.Notice.Elements[k]; ok {
				p("  %-30s %s: %q\n", l[k], l["present"], v)
			} else {
				p("  %-30s %s\n", l[k], l["missing"])
			}
		}
	}
	if len(r.DNS) > 0 {
		p("\n%s:\n", l["dns"])
		for _, a := range r.DNS {
			p("  %s %s %s from %s at %s", a.Type, a.Name, a.RCode, a.Server, a.Time.Format("2006-01-02T15:04:05Z07:00"))
			vals := a.Values(a.Type)
			if len(vals) == 0 {
				p("\n")
				continue
			}
			p(":\n")
			for _, v := range vals {
				p("    %q\n", v)
			}
		}
	}
	if len(r.Problems) > 0 {
		p("\n%s:\n", l["problems"])
		for _, pr := range r.Problems {
			p("  %s\n", pr)
		}
	}
}

func showAddress(a Address) string {
	if a.Name == "" {
		return "<" + a.Address + ">"
	}
	return fmt.Sprintf("%q <%s>", a.Name, a.Address)
}

// word returns the label of a code, or the code.
func word(l map[string]string, code string) string {
	if w, ok := l[code]; ok {
		return w
	}
	return code
}

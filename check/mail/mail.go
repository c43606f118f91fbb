// Package mail holds the mail.* checks: a site's (or a domain's) mail
// posture as mailcheck observed it — SPF, DMARC, DKIM, MTA-STS, TLS-RPT,
// STARTTLS of the MX hosts and DNSSEC.
//
// Severities follow what a domain does with mail. A domain with no MX (or
// a null MX) and the SPF record "v=spf1 -all" neither sends nor receives
// mail: it is asked only what the parked-domain practice asks (SPF -all,
// DMARC p=reject), at low severity, and nothing about inbound mail
// (MTA-STS, TLS-RPT, STARTTLS). A question that got no usable answer
// (SERVFAIL, timeout) concludes nothing.
package mail

import (
	_ "embed"
	"slices"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/tlsprobe"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("mail", catalogue, Run) }

// Run reports the mail.* findings of site.Mail.
func Run(site *observation.Site, r *check.Reporter) {
	m := site.Mail
	if m == nil || m.Error != "" {
		return
	}
	spfChecks(m, r)
	dmarcChecks(m, r)
	dkimChecks(m, r)
	if m.ReceivesMail() {
		inbound(m, r)
	}
	if !m.DNSSEC.Failed && !m.DNSSEC.Signed {
		report(r, m, "mail.dnssec-missing", "", 0, map[string]any{
			"zone": m.DNSSEC.Zone, "signed": false, "validated": false, "answers": m.DNSSEC.Answers,
		})
	}
}

func report(r *check.Reporter, m *observation.MailDomain, id, where string, sev finding.Severity, detail map[string]any) {
	loc := "mail:" + m.Domain
	url := "dns:" + m.Domain
	if where != "" {
		loc += " " + where
		url = where
	}
	detail["domain"] = m.Domain
	r.Report(check.Issue{Check: id, URL: url, Location: loc, Severity: sev, Detail: detail})
}

func spfChecks(m *observation.MailDomain, r *check.Reporter) {
	s := &m.SPF
	if s.Failed {
		return
	}
	base := func() map[string]any {
		return map[string]any{"record": s.Record, "result": s.Result, "lookups": s.Lookups,
			"void_lookups": s.VoidLookups, "answers": s.Answers}
	}
	if s.Count == 0 {
		report(r, m, "mail.spf-missing", "", 0, map[string]any{"answers": s.Answers})
		return
	}
	if s.Count > 1 || len(s.Syntax) > 0 || s.Result == "permerror" {
		d := base()
		var why []string
		if s.Count > 1 {
			why = append(why, "multiple-records")
		}
		if len(s.Syntax) > 0 {
			why = append(why, "syntax")
			d["syntax_errors"] = s.Syntax
		}
		if s.Lookups > 10 {
			why = append(why, "too-many-lookups")
		}
		if s.VoidLookups > 2 {
			why = append(why, "too-many-void-lookups")
		}
		if s.Error != "" {
			d["error"] = s.Error
		}
		d["reasons"] = why
		report(r, m, "mail.spf-invalid", "", 0, d)
	}
	var why []string
	sev := finding.Medium
	switch s.All {
	case "+all":
		why, sev = append(why, "+all"), finding.High
	case "?all":
		why = append(why, "?all")
	}
	if len(s.Broad) > 0 {
		why = append(why, "broad-ranges")
	}
	if len(why) > 0 {
		d := base()
		d["reasons"] = why
		d["all"] = s.All
		if len(s.Broad) > 0 {
			d["broad"] = s.Broad
		}
		report(r, m, "mail.spf-permissive", "", sev, d)
	}
}

func dmarcChecks(m *observation.MailDomain, r *check.Reporter) {
	d := &m.DMARC
	if d.Failed {
		return
	}
	parked := m.Parked()
	detail := func() map[string]any {
		return map[string]any{"record": d.Record, "at": d.At, "inherited": d.Inherited,
			"parked": parked, "answers": d.Answers}
	}
	if d.Record == "" || d.ParseError != "" {
		x := detail()
		if d.ParseError != "" {
			x["parse_error"] = d.ParseError
		}
		sev := finding.Severity(0)
		if parked {
			sev = finding.Low
		}
		report(r, m, "mail.dmarc-missing", "", sev, x)
		return
	}
	var why []string
	sev := finding.Low
	if d.Policy == "none" {
		why, sev = append(why, "p=none"), finding.Medium
	}
	if d.Percent < 100 && d.Policy != "none" {
		why = append(why, "pct<100")
	}
	if !d.Inherited && d.SubdomainPolicy == "none" && d.Policy != "none" {
		why = append(why, "sp=none")
	}
	if len(why) == 0 {
		return
	}
	if parked {
		sev = finding.Low
	}
	x := detail()
	x["reasons"], x["policy"], x["subdomain_policy"], x["pct"] = why, d.Policy, d.SubdomainPolicy, d.Percent
	report(r, m, "mail.dmarc-weak", "", sev, x)
}

func dkimChecks(m *observation.MailDomain, r *check.Reporter) {
	for _, k := range m.DKIM.Keys {
		if k.KeyType == "rsa" && !k.Revoked && k.Bits > 0 && k.Bits < 1024 {
			report(r, m, "mail.dkim-weak", "selector "+k.Selector, 0, map[string]any{
				"selector": k.Selector, "key_type": k.KeyType, "bits": k.Bits, "answers": m.DKIM.Answers,
			})
		}
	}
}

func inbound(m *observation.MailDomain, r *check.Reporter) {
	s := &m.MTASTS
	if !s.Failed {
		detail := map[string]any{"record": s.Record, "answers": s.Answers}
		var why string
		sev := finding.Severity(0)
		switch {
		case s.Record == "":
			why = "no-record"
		case s.PolicyError != "":
			why = "policy-unavailable"
			detail["policy_url"], detail["policy_error"] = s.PolicyURL, s.PolicyError
		case s.Mode == "none":
			why = "mode-none"
		case len(s.Uncovered) > 0:
			why = "mx-not-covered"
			detail["uncovered"] = s.Uncovered
		case s.Mode == "testing":
			why, sev = "mode-testing", finding.Info
		}
		if why != "" {
			detail["reason"], detail["mode"], detail["mx_patterns"] = why, s.Mode, s.MX
			report(r, m, "mail.mta-sts-missing", "", sev, detail)
		}
	}
	if !m.TLSRPT.Failed && m.TLSRPT.Record == "" {
		report(r, m, "mail.tlsrpt-missing", "", 0, map[string]any{"answers": m.TLSRPT.Answers})
	}
	for _, ex := range m.Exchangers {
		starttls(m, &ex, r)
	}
}

func starttls(m *observation.MailDomain, ex *observation.MailExchanger, r *check.Reporter) {
	if ex.Error != "" || ex.Host == "" {
		return // not reached: nothing to conclude
	}
	where := "smtp://" + ex.Host
	base := map[string]any{"mx": ex.Host, "port": ex.Port, "banner": ex.Banner,
		"extensions": ex.Extensions, "mx_answers": m.MX.Answers}
	if len(ex.Answers) > 0 {
		base["address_answers"] = ex.Answers
	}
	if !ex.STARTTLS {
		base["reason"] = "not-offered"
		report(r, m, "mail.starttls-missing", where, 0, base)
		return
	}
	rep := ex.TLS
	if rep == nil {
		return // TLS audit not run
	}
	accepted := rep.Accepted()
	if len(accepted) == 0 {
		if rep.ErrorKind == observation.KindTLS {
			base["reason"], base["tls_error"] = "handshake-failed", rep.Error
			report(r, m, "mail.starttls-missing", where, 0, base)
		}
		return
	}
	var why []string
	sev := finding.Low
	for _, v := range []string{observation.SSL30, observation.TLS10, observation.TLS11} {
		if slices.Contains(accepted, v) {
			why, sev = append(why, "legacy-protocol:"+v), finding.Medium
		}
	}
	if !slices.Contains(accepted, observation.TLS12) && !slices.Contains(accepted, observation.TLS13) && testedBoth(rep) {
		why, sev = append(why, "no-tls1.2"), finding.Medium
	}
	var weak []string
	for _, p := range rep.Protocols {
		for _, s := range p.Suites {
			if tlsprobe.IsWeakClass(s.Class) && !slices.Contains(weak, s.Name) {
				weak = append(weak, s.Name)
			}
		}
	}
	if len(weak) > 0 {
		why, sev = append(why, "weak-suites"), finding.Medium
		base["weak_suites"] = weak
	}
	if probs := tlsprobe.CertificateProblems(rep.Certificate); len(probs) > 0 {
		why = append(why, "certificate")
		base["certificate_problems"] = probs
	}
	if len(why) == 0 {
		return
	}
	base["reasons"], base["accepted"] = why, accepted
	if rep.Certificate != nil {
		base["certificate_subject"] = rep.Certificate.Subject
	}
	report(r, m, "mail.starttls-weak", where, sev, base)
}

// testedBoth reports whether TLS 1.2 and 1.3 were both tested reliably: a
// server that limits connections may have failed those handshakes for
// another reason than refusing the versions.
func testedBoth(rep *observation.TLSReport) bool {
	for _, v := range []string{observation.TLS12, observation.TLS13} {
		if p := rep.Protocol(v); p == nil || p.Error != "" {
			return false
		}
	}
	return !rep.Incomplete
}

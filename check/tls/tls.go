// Package tls is the family of checks over a site's TLS audit
// (observation.Site.TLSProbe): obsolete protocols, weak or non-forward-
// secret suites, invalid, expiring or weak certificates, and TLS 1.3
// support. Each finding names the exact protocols, suites or certificates
// at fault and the yardstick rules they break.
package tls

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"vigie/check"
	"vigie/check/transport"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii"
	"vigie/tlsprobe"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("tls", catalogue, run) }

// expiringDays is how close to expiry a certificate must be to be
// reported.
const expiringDays = 30

func run(site *observation.Site, r *check.Reporter) {
	rep := site.TLSProbe
	if rep == nil || len(rep.Accepted()) == 0 {
		return
	}
	profiles := rep.Profiles
	if profiles == nil {
		profiles = tlsprobe.Evaluate(rep)
	}
	a := audit{site: site, rep: rep, r: r, profiles: profiles, personal: CollectsPersonalData(site)}
	a.protocols()
	a.suites()
	a.certificate()
}

// CollectsPersonalData reports whether any page of site has a form that
// collects personal data (see pii.CollectsPersonalData).
func CollectsPersonalData(site *observation.Site) bool {
	for _, p := range site.Pages {
		for i := range p.Forms {
			if pii.CollectsPersonalData(&p.Forms[i]).Personal {
				return true
			}
		}
	}
	return false
}

type audit struct {
	site     *observation.Site
	rep      *observation.TLSReport
	r        *check.Reporter
	profiles []observation.TLSProfile
	personal bool
}

func (a *audit) url() string {
	host := a.rep.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if a.rep.Port != 0 && a.rep.Port != 443 {
		host += ":" + strconv.Itoa(a.rep.Port)
	}
	return "https://" + host + "/"
}

func (a *audit) location(suffix string) string {
	return "tls:" + strings.ToLower(a.rep.Host) + ":" + strconv.Itoa(a.rep.Port) + suffix
}

// rules returns the yardstick rules of the deviations on topics.
func (a *audit) rules(topics ...string) []string {
	var out []string
	for _, p := range a.profiles {
		for _, d := range p.Deviations {
			if slices.Contains(topics, d.Topic) && !slices.Contains(out, d.Rule) {
				out = append(out, d.Rule)
			}
		}
	}
	return out
}

// report files a finding, one severity level up when the site collects
// personal data (info findings stay info).
func (a *audit) report(id, locSuffix string, detail map[string]any) {
	m, ok := check.Lookup(id)
	if !ok {
		panic("check/tls: unknown check " + id)
	}
	sev := m.Severity
	if a.personal && sev > finding.Info && sev < finding.Critical {
		sev++
	}
	detail["host"] = a.rep.Host
	detail["port"] = a.rep.Port
	if a.rep.Address != "" {
		detail["address"] = a.rep.Address
	}
	if a.personal {
		detail["collects_personal_data"] = true
	}
	if c := transport.LegacyConnection(a.site); c != nil {
		// The pages were audited over what this finding reports.
		detail["crawl_connection"] = c
	}
	a.r.Report(check.Issue{Check: id, URL: a.url(), Location: a.location(locSuffix), Severity: sev, Detail: detail})
}

func (a *audit) protocols() {
	var legacy []string
	for _, v := range a.rep.Accepted() {
		if v == observation.SSL30 || v == observation.TLS10 || v == observation.TLS11 {
			legacy = append(legacy, v)
		}
	}
	if len(legacy) > 0 {
		a.report("tls.protocol-legacy", "", map[string]any{
			"protocols": legacy,
			"rules":     a.rules(observation.TLSTopicProtocol),
		})
	}
	if p := a.rep.Protocol(observation.TLS13); p != nil && !p.Accepted && p.Error == "" {
		a.report("tls.no-tls13", "", map[string]any{
			"protocols": a.rep.Accepted(),
			"rules":     []string{tlsprobe.RuleModernVersions},
		})
	}
}

func (a *audit) suites() {
	weak, weakBy, classes := []string{}, map[string][]string{}, []string{}
	noFS, noFSBy := []string{}, map[string][]string{}
	for _, p := range a.rep.Protocols {
		for _, s := range p.Suites {
			switch {
			case tlsprobe.IsWeakClass(s.Class):
				weak = appendNew(weak, s.Name)
				weakBy[p.Version] = append(weakBy[p.Version], s.Name)
				classes = appendNew(classes, s.Class)
			case !s.ForwardSecrecy:
				noFS = appendNew(noFS, s.Name)
				noFSBy[p.Version] = append(noFSBy[p.Version], s.Name)
			}
		}
	}
	if len(weak) > 0 {
		a.report("tls.cipher-weak", "", map[string]any{
			"suites":      weak,
			"by_protocol": weakBy,
			"classes":     classes,
			"rules":       a.rules(observation.TLSTopicCipher),
		})
	}
	if len(noFS) > 0 {
		a.report("tls.no-forward-secrecy", "", map[string]any{
			"suites":      noFS,
			"by_protocol": noFSBy,
			"rules":       a.rules(observation.TLSTopicForwardSecrecy),
		})
	}
}

func (a *audit) certificate() {
	c := a.rep.Certificate
	if c == nil || c.Error != "" {
		return
	}
	base := map[string]any{
		"subject":   c.Subject,
		"issuer":    c.Issuer,
		"not_after": c.NotAfter,
		"sha256":    c.SHA256,
	}
	with := func(extra map[string]any) map[string]any {
		d := map[string]any{}
		for k, v := range base {
			d[k] = v
		}
		for k, v := range extra {
			d[k] = v
		}
		return d
	}
	if probs := tlsprobe.CertificateProblems(c); len(probs) > 0 {
		d := with(map[string]any{
			"problems":   probs,
			"not_before": c.NotBefore,
			"dns_names":  c.DNSNames,
			"rules":      a.rules(observation.TLSTopicCertValidity),
		})
		if c.VerifyError != "" {
			d["verify_error"] = c.VerifyError
		}
		a.report("tls.cert-invalid", ":cert", d)
	}
	if !c.Expired && !c.NotYetValid && c.DaysLeft < expiringDays {
		a.report("tls.cert-expiring", ":cert", with(map[string]any{"days_left": c.DaysLeft}))
	}
	var keys, sigs []string
	for i, cc := range c.Chain {
		if i > 0 && cc.SelfSigned {
			continue // a root's own signature and key are the trust store's business
		}
		if tlsprobe.WeakKey(cc.KeyType, cc.KeyBits) {
			keys = append(keys, fmt.Sprintf("%s: %s %d bits", cc.Subject, cc.KeyType, cc.KeyBits))
		}
		if tlsprobe.WeakSignature(cc.SignatureAlgorithm) {
			sigs = append(sigs, fmt.Sprintf("%s: %s", cc.Subject, cc.SignatureAlgorithm))
		}
	}
	if len(keys) > 0 {
		a.report("tls.cert-weak-key", ":cert", with(map[string]any{
			"keys":  keys,
			"rules": a.rules(observation.TLSTopicCertKey),
		}))
	}
	if len(sigs) > 0 {
		a.report("tls.cert-weak-signature", ":cert", with(map[string]any{
			"signatures": sigs,
			"rules":      a.rules(observation.TLSTopicCertSignature),
		}))
	}
	if !c.SelfSigned && len(c.OCSPServers) == 0 && len(c.CRLDistribution) == 0 {
		a.report("tls.cert-no-revocation", ":cert", with(map[string]any{"ocsp_stapled": c.OCSPStapled}))
	}
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

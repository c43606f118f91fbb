package mailcheck

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"slices"
	"strings"
	"sync"

	"github.com/emersion/go-msgauth/dmarc"

	"vigie/dnsq"

	"vigie/observation"
)

// dmarc finds the DMARC record that applies to the domain: its own, else
// its organisational domain's (RFC 7489 §6.6.3), whose subdomain policy
// then applies.
func (a *Auditor) dmarc(ctx context.Context, md *observation.MailDomain) {
	d := &md.DMARC
	names := []string{md.Domain}
	if md.OrgDomain != md.Domain {
		names = append(names, md.OrgDomain)
	}
	for i, name := range names {
		at := "_dmarc." + name
		recs, ans, failed := a.txt(ctx, at, "v=DMARC1")
		keep(&d.Answers, ans)
		if failed {
			d.Failed = true
			return
		}
		if len(recs) == 0 {
			continue
		}
		d.At, d.Inherited = at, i > 0
		if len(recs) > 1 {
			// §6.6.3: several records are as none; say why.
			d.Record = strings.Join(recs, " | ")
			d.ParseError = "more than one DMARC record"
			return
		}
		d.Record = recs[0]
		r, err := dmarc.Parse(recs[0])
		if err != nil {
			d.ParseError = err.Error()
			return
		}
		d.SubdomainPolicy = string(r.SubdomainPolicy)
		if d.SubdomainPolicy == "" {
			d.SubdomainPolicy = string(r.Policy)
		}
		d.Policy = string(r.Policy)
		if d.Inherited {
			d.Policy = d.SubdomainPolicy
		}
		d.Percent = 100
		if r.Percent != nil {
			d.Percent = *r.Percent
		}
		return
	}
}

// dkim asks every selector for a key record, a few at a time.
func (a *Auditor) dkim(ctx context.Context, md *observation.MailDomain) {
	sels := append([]string(nil), CommonSelectors...)
	for _, s := range a.o.Selectors {
		s = strings.ToLower(strings.TrimSpace(s))
		if s != "" && !slices.Contains(sels, s) {
			sels = append(sels, s)
		}
	}
	md.DKIM.Selectors = sels
	keys := make([]*observation.DKIMKey, len(sels))
	answers := make([]*dnsq.Answer, len(sels))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, sel := range sels {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ans, failed := a.query(ctx, sel+"._domainkey."+md.Domain, "TXT")
			if failed {
				return
			}
			for _, v := range ans.Values("TXT") {
				if k := parseDKIMKey(sel, v); k != nil {
					keys[i], answers[i] = k, ans
					return
				}
			}
		}()
	}
	wg.Wait()
	for i := range sels {
		if keys[i] != nil {
			md.DKIM.Keys = append(md.DKIM.Keys, *keys[i])
			keep(&md.DKIM.Answers, answers[i])
		}
	}
}

// parseDKIMKey reads a key record (RFC 6376 §3.6.1); nil when txt is not
// one (no p= tag, or another version).
func parseDKIMKey(sel, txt string) *observation.DKIMKey {
	tags := map[string]string{}
	for _, part := range strings.Split(txt, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		tags[strings.ToLower(strings.TrimSpace(k))] = strings.Join(strings.Fields(v), "")
	}
	if v, ok := tags["v"]; ok && v != "DKIM1" {
		return nil
	}
	p, ok := tags["p"]
	if !ok {
		return nil
	}
	k := &observation.DKIMKey{Selector: sel, KeyType: strings.ToLower(tags["k"])}
	if k.KeyType == "" {
		k.KeyType = "rsa"
	}
	if p == "" {
		k.Revoked = true
		return k
	}
	der, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		k.Error = "p= is not base64: " + err.Error()
		return k
	}
	switch k.KeyType {
	case "rsa":
		k.Bits = rsaBits(der)
		if k.Bits == 0 {
			k.Error = "p= is not an RSA public key"
		}
	case "ed25519":
		if len(der) != ed25519.PublicKeySize {
			k.Error = "p= is not an Ed25519 public key"
		}
	}
	return k
}

// rsaBits returns the modulus size of an RSA key in SubjectPublicKeyInfo
// or PKCS #1 form, 0 when der is neither.
func rsaBits(der []byte) int {
	if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
		if r, ok := pub.(*rsa.PublicKey); ok {
			return r.N.BitLen()
		}
		return 0
	}
	if r, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return r.N.BitLen()
	}
	return 0
}

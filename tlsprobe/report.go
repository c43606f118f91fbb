package tlsprobe

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"vigie/observation"
)

// WriteReport writes r for a reader: format "text" gives a per-host
// summary (versions, suites by class, preference, groups, certificate,
// profile verdicts with their deviations), "json" the report itself.
func WriteReport(w io.Writer, r *observation.TLSReport, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "text", "":
		return writeText(w, r)
	}
	return fmt.Errorf("tls report: unknown format %q (want text or json)", format)
}

func writeText(w io.Writer, r *observation.TLSReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d", r.Host, r.Port)
	if r.Address != "" {
		fmt.Fprintf(&b, " (%s)", r.Address)
	}
	fmt.Fprintf(&b, ": %d handshakes in %d ms\n", r.Handshakes, r.DurationMS)
	switch {
	case r.SharedFrom != "" && r.SharedVerified:
		fmt.Fprintf(&b, "  protocols and suites of %s (same address, same negotiated version and suite, another certificate), verified here: refusals, first choices, legacy versions, weak and non-forward-secret suites and weak groups\n", r.SharedFrom)
	case r.SharedFrom != "":
		fmt.Fprintf(&b, "  protocols and suites shared with %s (same address)\n", r.SharedFrom)
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "  error: %s\n", r.Error)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}

	if len(r.Protocols) > 0 {
		b.WriteString("\nProtocols\n")
		for _, p := range r.Protocols {
			state := "not accepted"
			if p.Accepted {
				state = "accepted"
				if p.Preference != "" {
					state += ", " + p.Preference + " order"
				}
			}
			if p.Error != "" {
				state += " (" + p.Error + ")"
			}
			fmt.Fprintf(&b, "  %-8s %s\n", p.Version, state)
		}
	}
	for _, p := range r.Protocols {
		if len(p.Suites) == 0 {
			continue
		}
		order := "client order"
		if p.Preference == "server" {
			order = "server order"
		} else if p.Preference == "" {
			order = "order unknown"
		}
		fmt.Fprintf(&b, "\n%s suites (%s)\n", p.Version, order)
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		for _, s := range p.Suites {
			kx := s.Group
			if s.DHBits > 0 {
				kx = fmt.Sprintf("DH %d", s.DHBits)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", s.Class, s.Code, s.Name, s.OpenSSL, kx)
		}
		tw.Flush()
		if len(p.Groups) > 0 {
			fmt.Fprintf(&b, "  groups: %s\n", strings.Join(p.Groups, ", "))
		}
		if p.EncryptThenMAC {
			b.WriteString("  encrypt-then-MAC: yes\n")
		}
	}
	if c := r.Certificate; c != nil {
		b.WriteString("\nCertificate\n")
		if c.Error != "" {
			fmt.Fprintf(&b, "  error: %s\n", c.Error)
		} else {
			fmt.Fprintf(&b, "  subject:    %s\n", c.Subject)
			fmt.Fprintf(&b, "  issuer:     %s\n", c.Issuer)
			if len(c.DNSNames)+len(c.IPAddresses) > 0 {
				fmt.Fprintf(&b, "  names:      %s\n", strings.Join(append(append([]string(nil), c.DNSNames...), c.IPAddresses...), ", "))
			}
			fmt.Fprintf(&b, "  validity:   %s to %s (%d days left)\n", c.NotBefore.Format("2006-01-02"), c.NotAfter.Format("2006-01-02"), c.DaysLeft)
			fmt.Fprintf(&b, "  key:        %s %d bits\n", c.KeyType, c.KeyBits)
			fmt.Fprintf(&b, "  signature:  %s\n", c.SignatureAlgorithm)
			fmt.Fprintf(&b, "  host name:  %s\n", yesNo(c.HostnameMatch, "matches", "does not match "+r.Host))
			trust := "trusted"
			if !c.Trusted {
				trust = "not trusted: " + c.VerifyError
			}
			fmt.Fprintf(&b, "  chain:      %d certificates, %s\n", len(c.Chain), trust)
			if c.SelfSigned {
				b.WriteString("  self-signed\n")
			}
			if probs := CertificateProblems(c); len(probs) > 0 {
				fmt.Fprintf(&b, "  problems:   %s\n", strings.Join(probs, ", "))
			}
			fmt.Fprintf(&b, "  revocation: OCSP %s, CRL %s, stapled %s\n",
				listOrNone(c.OCSPServers), listOrNone(c.CRLDistribution), yesNo(c.OCSPStapled, "yes", "no"))
		}
	}
	if len(r.Profiles) > 0 {
		b.WriteString("\nProfiles\n")
		for _, p := range r.Profiles {
			fmt.Fprintf(&b, "  %-21s %s\n", p.Name, yesNo(p.Compliant, "compliant", fmt.Sprintf("not compliant (%d deviations)", len(p.Deviations))))
			for _, d := range p.Deviations {
				fmt.Fprintf(&b, "    - %s", d.Detail)
				if len(d.Items) > 0 {
					fmt.Fprintf(&b, ": %s", strings.Join(d.Items, ", "))
				}
				fmt.Fprintf(&b, "\n      [%s]\n", d.Rule)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func yesNo(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, " ")
}

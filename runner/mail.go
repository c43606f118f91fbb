package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"vigie/check"
	"vigie/dnsq"
	"vigie/fetch"
	"vigie/mailcheck"
	"vigie/observation"
	"vigie/report"
	"vigie/store"
)

// MailSettings are the settings of the mail audit, for `vigie mail` and
// `vigie scan --mail`.
type MailSettings struct {
	// DNS is the --dns server ("ADDR:PORT"), "" for the system's.
	DNS string
	// Selectors are DKIM selectors asked besides the common ones.
	Selectors []string
	// NoTLSProbe skips the TLS audit after STARTTLS.
	NoTLSProbe bool
}

// auditor returns a mail auditor connecting as fo says.
func (m MailSettings) auditor(fo fetch.Options) (*mailcheck.Auditor, error) {
	srv, err := dnsq.ParseServer(m.DNS)
	if err != nil {
		return nil, err
	}
	timeout := fo.Timeout
	if timeout <= 0 || timeout > 10*time.Second {
		timeout = 10 * time.Second
	}
	return mailcheck.New(mailcheck.Options{
		DNS:        &dnsq.Client{Server: srv},
		Fetch:      fo,
		Selectors:  m.Selectors,
		Timeout:    timeout,
		NoTLSProbe: m.NoTLSProbe,
	}), nil
}

// MailOptions are the settings of `vigie mail`.
type MailOptions struct {
	Domains []string
	Mail    MailSettings
	// Fetch routes the MTA-STS and SMTP connections (--resolve,
	// --connect-to, --ca-cert, --timeout).
	Fetch fetch.Options
	// Format, Output, Lang and FailOn are as for scan.
	Format, Output, Lang, FailOn string
	Stdout, Stderr               io.Writer
	StdoutIsTTY                  bool
}

// mailConcurrency is the number of domains examined at once.
const mailConcurrency = 4

// Mail runs `vigie mail`: each domain's mail posture, reported as scan
// reports sites (one "site" per domain, named by the domain), and returns
// the exit status.
func Mail(ctx context.Context, o MailOptions) (int, error) {
	failOn, err := outputDefaults(&o.Stdout, &o.Stderr, &o.FailOn)
	if err != nil {
		return ExitError, err
	}
	if len(o.Domains) == 0 {
		return ExitError, errors.New("vigie mail needs at least one DOMAIN")
	}
	var domains []string
	for _, d := range o.Domains {
		n, err := mailcheck.NormaliseDomain(d)
		if err != nil {
			return ExitError, err
		}
		domains = append(domains, n)
	}
	a, err := o.Mail.auditor(o.Fetch)
	if err != nil {
		return ExitError, err
	}
	writers, closers, err := openWriters(report.Options{Lang: o.Lang}, o.Format, o.Output, o.Stdout, o.StdoutIsTTY)
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	if err != nil {
		return ExitError, err
	}

	started := time.Now().UTC()
	scanID := store.NewScanID(started)
	results := make([]*observation.MailDomain, len(domains))
	sem := make(chan struct{}, mailConcurrency)
	var wg sync.WaitGroup
	for i, d := range domains {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = a.Audit(ctx, d)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ExitError, ctx.Err()
	}

	failing, failed := 0, 0
	for _, md := range results {
		rs := MailSite(md, scanID, started)
		if rs.Failed() {
			failed++
		}
		for _, f := range rs.Findings {
			if f.Severity >= failOn {
				failing++
			}
		}
		for _, w := range writers {
			if err := w.WriteSite(rs); err != nil {
				return ExitError, fmt.Errorf("writing results: %w", err)
			}
		}
		fmt.Fprintln(o.Stderr, MailSummary(md))
	}
	rscan := report.Scan{ID: scanID, Started: started, Ended: time.Now().UTC(), Version: Version,
		Sites: len(domains), Failed: failed, Settings: map[string]string{"mode": "mail", "dns": o.Mail.DNS}}
	for _, w := range writers {
		if err := w.Close(rscan); err != nil {
			return ExitError, fmt.Errorf("writing results: %w", err)
		}
	}
	for _, c := range closers {
		if err := c.Close(); err != nil {
			return ExitError, fmt.Errorf("writing %s: %w", o.Output, err)
		}
	}
	closers = nil
	if failing > 0 {
		return ExitFindings, nil
	}
	return ExitOK, nil
}

// MailSite runs the checks on one domain's mail audit and returns it as
// a report site named by the domain.
func MailSite(md *observation.MailDomain, scanID string, at time.Time) *report.Site {
	site := &observation.Site{Input: md.Domain, URL: md.Domain, Host: md.Domain, Mail: md}
	rs := &report.Site{URL: md.Domain}
	if md.Error != "" {
		rs.Error, rs.ErrorKind = md.Error, observation.KindDNS
		return rs
	}
	rs.Findings = check.Run(site)
	for i := range rs.Findings {
		rs.Findings[i].Scan, rs.Findings[i].FirstSeen, rs.Findings[i].LastSeen = scanID, at, at
	}
	return rs
}

// MailSummary is one line on what was found for a domain: records present,
// DKIM keys, MTA-STS mode, STARTTLS of each MX, DNSSEC.
func MailSummary(md *observation.MailDomain) string {
	if md.Error != "" {
		return md.Domain + ": " + md.Error
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", md.Domain)
	switch {
	case md.MX.Null:
		b.WriteString("MX null")
	case len(md.MX.Hosts) == 0:
		b.WriteString("MX none")
	default:
		fmt.Fprintf(&b, "MX %s", strings.Join(md.MX.Hosts, ","))
	}
	fmt.Fprintf(&b, "; SPF %s", orNone(md.SPF.Record))
	if md.SPF.Record != "" {
		fmt.Fprintf(&b, " (%s, %d lookups)", md.SPF.Result, md.SPF.Lookups)
	}
	fmt.Fprintf(&b, "; DMARC %s", orNone(md.DMARC.Record))
	var keys []string
	for _, k := range md.DKIM.Keys {
		s := k.Selector + ":" + k.KeyType
		switch {
		case k.Revoked:
			s += " revoked"
		case k.Bits > 0:
			s += fmt.Sprintf("-%d", k.Bits)
		}
		keys = append(keys, s)
	}
	fmt.Fprintf(&b, "; DKIM %s", orNone(strings.Join(keys, ",")))
	if md.MTASTS.Record != "" {
		fmt.Fprintf(&b, "; MTA-STS %s", orNone(md.MTASTS.Mode))
	}
	for _, ex := range md.Exchangers {
		switch {
		case ex.Error != "":
			fmt.Fprintf(&b, "; %s unreachable", ex.Host)
		case !ex.STARTTLS:
			fmt.Fprintf(&b, "; %s no STARTTLS", ex.Host)
		case ex.TLS != nil:
			fmt.Fprintf(&b, "; %s STARTTLS %s", ex.Host, strings.Join(ex.TLS.Accepted(), ","))
		default:
			fmt.Fprintf(&b, "; %s STARTTLS", ex.Host)
		}
	}
	if md.DNSSEC.Signed {
		fmt.Fprintf(&b, "; zone %s signed (not validated)", md.DNSSEC.Zone)
	} else {
		b.WriteString("; zone not signed")
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

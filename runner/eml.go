package runner

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"vigie/cases"
	"vigie/dnsq"
	"vigie/eml"
)

// EmlOptions are the settings of `vigie eml`.
type EmlOptions struct {
	Files  []string
	Format string // text or json
	Lang   string // en or fr
	// DNS is the --dns server ("" for the system's resolvers).
	DNS string
	// OfficialDomains are the organisation's domains (--official-domain).
	OfficialDomains []string
	// DB and Organisation take the official domains from the
	// organisation directory instead: its site suffixes, its DPO
	// address's domain and its DPO form's host.
	DB, Organisation string
	Stdout           io.Writer
}

// Eml analyses each message and prints the reports. The status is ExitOK
// when every message is likely legitimate, ExitFindings when one is
// suspicious or likely phishing, and an error (status 2) when a file
// cannot be read or is not an email.
func Eml(ctx context.Context, o EmlOptions) (int, error) {
	if len(o.Files) == 0 {
		return ExitError, fmt.Errorf("vigie eml needs at least one FILE (- for standard input)")
	}
	switch o.Format {
	case "", "text", "json":
	default:
		return ExitError, fmt.Errorf("--format %q: want text or json", o.Format)
	}
	if o.Lang != "" && o.Lang != "en" && o.Lang != "fr" {
		return ExitError, fmt.Errorf("--lang %q: want en or fr", o.Lang)
	}
	server, err := dnsq.ParseServer(o.DNS)
	if err != nil {
		return ExitError, err
	}
	opts := eml.Options{DNS: &dnsq.Client{Server: server}, OfficialDomains: o.OfficialDomains}
	if len(o.OfficialDomains) > 0 {
		opts.OfficialSource = eml.SourceFlag
	}
	if o.Organisation != "" {
		if len(o.OfficialDomains) > 0 {
			return ExitError, fmt.Errorf("give --official-domain or --organisation, not both")
		}
		ds, err := organisationDomains(ctx, o.DB, o.Organisation)
		if err != nil {
			return ExitError, err
		}
		opts.OfficialDomains, opts.OfficialSource = ds, eml.SourceDirectory
	}
	var reports []*eml.Report
	code := ExitOK
	for _, f := range o.Files {
		r, err := emlFile(ctx, f, opts)
		if err != nil {
			return ExitError, err
		}
		if r.Verdict != eml.LikelyLegitimate {
			code = ExitFindings
		}
		reports = append(reports, r)
	}
	if err := eml.Write(o.Stdout, reports, o.Format, o.Lang); err != nil {
		return ExitError, err
	}
	return code, nil
}

func emlFile(ctx context.Context, name string, opts eml.Options) (*eml.Report, error) {
	var in io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	m, err := eml.Parse(in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r, err := eml.Analyse(ctx, m, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r.File = name
	return r, nil
}

// organisationDomains returns the domains the directory gives an
// organisation.
func organisationDomains(ctx context.Context, db, name string) ([]string, error) {
	st, cs, err := openCases(ctx, db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	orgs, err := cs.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	org, ok := cases.NewDirectory(orgs).Lookup(name)
	if !ok {
		return nil, fmt.Errorf("organisation %q is not in the directory", name)
	}
	var out []string
	out = append(out, org.SiteSuffixes...)
	if _, d, ok := strings.Cut(org.DPOEmail, "@"); ok {
		out = append(out, d)
	}
	if u, err := url.Parse(org.DPOForm); err == nil && u.Hostname() != "" {
		out = append(out, u.Hostname())
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("organisation %q has no site suffix, DPO address or DPO form in the directory: give --official-domain", name)
	}
	return out, nil
}

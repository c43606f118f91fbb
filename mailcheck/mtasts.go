package mailcheck

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"vigie/fetch"
	"vigie/observation"
)

// maxPolicy bounds the MTA-STS policy read (RFC 8461 §3.3 allows 64 KiB).
const maxPolicy = 64 << 10

func (a *Auditor) mtaSTSRecord(ctx context.Context, domain string) observation.MTASTS {
	var s observation.MTASTS
	recs, ans, failed := a.txt(ctx, "_mta-sts."+domain, "v=STSv1")
	keep(&s.Answers, ans)
	s.Failed = failed
	if len(recs) == 1 {
		s.Record = recs[0]
	} else if len(recs) > 1 {
		// RFC 8461 §3.1: several records are as none.
		s.Record = strings.Join(recs, " | ")
		s.PolicyError = "more than one _mta-sts record"
	}
	return s
}

// mtaSTSPolicy reads the policy over HTTPS, through the fetcher, and
// matches the MX hosts against its patterns.
func (a *Auditor) mtaSTSPolicy(ctx context.Context, client *fetch.Client, domain string, s *observation.MTASTS, mx []string) {
	if s.PolicyError != "" {
		return
	}
	s.PolicyURL = "https://mta-sts." + domain + "/.well-known/mta-sts.txt"
	r := client.Get(ctx, s.PolicyURL)
	switch {
	case r.Error != "":
		s.PolicyError = r.Error
		return
	case r.FinalURL != s.PolicyURL:
		// §3.3: redirects must not be followed.
		s.PolicyError = "redirected to " + r.FinalURL
		return
	case r.Status != 200:
		s.PolicyError = fmt.Sprintf("HTTP status %d", r.Status)
		return
	}
	body := r.Body
	if len(body) > maxPolicy {
		body = body[:maxPolicy]
	}
	s.Policy = string(body)
	mode, maxAge, patterns, err := parsePolicy(s.Policy)
	if err != nil {
		s.PolicyError = err.Error()
		return
	}
	s.Mode, s.MaxAge, s.MX = mode, maxAge, patterns
	for _, h := range mx {
		if !coveredBy(h, patterns) {
			s.Uncovered = append(s.Uncovered, h)
		}
	}
}

// parsePolicy reads an MTA-STS policy (RFC 8461 §3.2).
func parsePolicy(p string) (mode string, maxAge int, mx []string, err error) {
	version := ""
	haveAge := false
	for _, line := range strings.Split(p, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return "", 0, nil, fmt.Errorf("policy line %q has no key", line)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "version":
			version = v
		case "mode":
			mode = v
		case "max_age":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 31557600 {
				return "", 0, nil, fmt.Errorf("invalid max_age %q", v)
			}
			maxAge, haveAge = n, true
		case "mx":
			mx = append(mx, strings.ToLower(strings.TrimSuffix(v, ".")))
		}
	}
	switch {
	case version != "STSv1":
		return "", 0, nil, fmt.Errorf("policy version %q, want STSv1", version)
	case mode != "enforce" && mode != "testing" && mode != "none":
		return "", 0, nil, fmt.Errorf("invalid policy mode %q", mode)
	case !haveAge:
		return "", 0, nil, fmt.Errorf("policy without max_age")
	case mode != "none" && len(mx) == 0:
		return "", 0, nil, fmt.Errorf("policy without mx")
	}
	return mode, maxAge, mx, nil
}

// coveredBy matches an MX host against the policy's patterns: exact, or
// "*.example.fr" for exactly one more label (RFC 8461 §4.1).
func coveredBy(host string, patterns []string) bool {
	for _, p := range patterns {
		if rest, ok := strings.CutPrefix(p, "*."); ok {
			if label, parent, ok := strings.Cut(host, "."); ok && label != "" && parent == rest {
				return true
			}
			continue
		}
		if host == p {
			return true
		}
	}
	return false
}

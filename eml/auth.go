package eml

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"sync"

	"blitiri.com.ar/go/spf"
	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-msgauth/dmarc"
	"github.com/miekg/dns"

	"vigie/dnsq"
)

// dnsLog asks DNS questions through dnsq and keeps every answer, so that
// the report shows what the verdict relied on.
type dnsLog struct {
	ctx context.Context
	c   *dnsq.Client
	mu  sync.Mutex
	ans []*dnsq.Answer
}

func (l *dnsLog) query(ctx context.Context, name, qtype string) (*dnsq.Answer, error) {
	a, err := l.c.Query(ctx, name, qtype)
	if err != nil {
		return nil, &net.DNSError{Err: err.Error(), Name: name, IsTemporary: true}
	}
	l.mu.Lock()
	l.ans = append(l.ans, a)
	l.mu.Unlock()
	switch a.RCode {
	case "NOERROR", "NXDOMAIN":
	default:
		return a, &net.DNSError{Err: "server answered " + a.RCode, Name: name, Server: a.Server, IsTemporary: true}
	}
	return a, nil
}

// values returns the records of type t, or a "not found" error as the
// standard library's resolver does, which the DKIM, DMARC and SPF
// libraries expect.
func (l *dnsLog) values(ctx context.Context, name, t string) ([]string, error) {
	a, err := l.query(ctx, name, t)
	if err != nil {
		return nil, err
	}
	v := a.Values(t)
	if len(v) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: name, Server: a.Server, IsNotFound: true}
	}
	return v, nil
}

// LookupTXT is the lookup the DKIM and DMARC libraries call.
func (l *dnsLog) LookupTXT(name string) ([]string, error) { return l.values(l.ctx, name, "TXT") }

// answers returns the answers kept, in a stable order.
func (l *dnsLog) answers() []*dnsq.Answer {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := append([]*dnsq.Answer(nil), l.ans...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// spfResolver gives the SPF library the lookups it needs, through dnsLog.
type spfResolver struct{ l *dnsLog }

func (r spfResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return r.l.values(ctx, name, "TXT")
}

func (r spfResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	vs, err := r.l.values(ctx, name, "MX")
	var out []*net.MX
	for _, v := range vs {
		pref, host, ok := strings.Cut(v, " ")
		n, perr := strconv.Atoi(pref)
		if ok && perr == nil {
			out = append(out, &net.MX{Host: host, Pref: uint16(n)})
		}
	}
	return out, err
}

func (r spfResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	var out []net.IPAddr
	var lastErr error
	for _, t := range []string{"A", "AAAA"} {
		vs, err := r.l.values(ctx, host, t)
		if err != nil {
			lastErr = err
		}
		for _, v := range vs {
			if ip := net.ParseIP(v); ip != nil {
				out = append(out, net.IPAddr{IP: ip})
			}
		}
	}
	if len(out) == 0 {
		return nil, lastErr
	}
	return out, nil
}

func (r spfResolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	rev, err := dns.ReverseAddr(addr)
	if err != nil {
		return nil, err
	}
	return r.l.values(ctx, rev, "PTR")
}

// DKIMResult is the re-verification of one DKIM-Signature field.
type DKIMResult struct {
	Domain    string `json:"domain"`
	Selector  string `json:"selector"`
	Algorithm string `json:"algorithm,omitempty"`
	// Result is "pass", "fail" (the signature or the body hash does not
	// verify), "permerror" (no usable key, malformed signature) or
	// "temperror" (the key could not be fetched).
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
	// BodyLength is true when the signature covers only the first l=
	// bytes of the body: text added after them is not signed.
	BodyLength bool `json:"body_length,omitempty"`
	// Aligned is true when Domain is aligned with the From domain
	// (DMARC's adkim mode, relaxed without a policy).
	Aligned bool `json:"aligned"`
}

// verifyDKIM re-verifies every DKIM signature of the message.
func verifyDKIM(m *Message, l *dnsLog) ([]DKIMResult, error) {
	sigs := signatureTags(m.Raw)
	if len(sigs) == 0 {
		return nil, nil
	}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(m.Raw), &dkim.VerifyOptions{LookupTXT: l.LookupTXT, MaxVerifications: 10})
	if err != nil && !errors.Is(err, dkim.ErrTooManySignatures) {
		return nil, fmt.Errorf("DKIM verification: %w", err)
	}
	var out []DKIMResult
	for i, v := range vs {
		r := DKIMResult{Domain: strings.ToLower(v.Domain), Result: "pass"}
		if i < len(sigs) {
			r.Selector, r.Algorithm, r.BodyLength = sigs[i]["s"], sigs[i]["a"], sigs[i]["l"] != ""
			if r.Domain == "" {
				r.Domain = strings.ToLower(sigs[i]["d"])
			}
		}
		switch {
		case v.Err == nil:
		case dkim.IsTempFail(v.Err):
			r.Result = "temperror"
		case dkim.IsPermFail(v.Err):
			r.Result = "permerror"
		default:
			r.Result = "fail"
		}
		if v.Err != nil {
			r.Error = v.Err.Error()
		}
		out = append(out, r)
	}
	return out, nil
}

// signatureTags returns the tags of each DKIM-Signature field of the
// header, in order.
func signatureTags(raw []byte) []map[string]string {
	head := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		head = raw[:i]
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		head = raw[:i]
	}
	// Unfold, then read field by field.
	text := strings.ReplaceAll(string(head), "\r\n", "\n")
	var fields []string
	for _, line := range strings.Split(text, "\n") {
		if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && len(fields) > 0 {
			fields[len(fields)-1] += line
			continue
		}
		fields = append(fields, line)
	}
	var out []map[string]string
	for _, f := range fields {
		k, v, ok := strings.Cut(f, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "DKIM-Signature") {
			continue
		}
		tags := map[string]string{}
		for _, p := range strings.Split(v, ";") {
			tk, tv, ok := strings.Cut(p, "=")
			if ok {
				tags[strings.TrimSpace(tk)] = strings.Join(strings.Fields(tv), "")
			}
		}
		out = append(out, tags)
	}
	return out
}

// SPFResult is the SPF evaluation, when it can be made.
type SPFResult struct {
	// Result is an SPF result (RFC 7208: "pass", "fail", "softfail",
	// "neutral", "none", "temperror", "permerror") or "not-verifiable"
	// when the connecting address is unknown.
	Result string `json:"result"`
	// Reason says why SPF could not be verified, or what failed.
	Reason   string `json:"reason,omitempty"`
	IP       string `json:"ip,omitempty"`
	HELO     string `json:"helo,omitempty"`
	MailFrom string `json:"mail_from,omitempty"`
	// Domain is the domain SPF was checked for: the MAIL FROM's
	// (Return-Path), else the HELO name.
	Domain  string `json:"domain,omitempty"`
	Aligned bool   `json:"aligned"`
}

// NotVerifiable is the SPF result when the connecting address is unknown.
const NotVerifiable = "not-verifiable"

// connection returns the HELO name and the connecting address that the
// topmost Received field shows: it was added by the recipient's own
// server, the only one whose word the recipient can take.
func connection(received []string) (helo string, ip netip.Addr, reason string) {
	if len(received) == 0 {
		return "", netip.Addr{}, "no Received field"
	}
	top := strings.Join(strings.Fields(received[0]), " ")
	lower := strings.ToLower(top)
	if !strings.HasPrefix(lower, "from ") {
		return "", netip.Addr{}, "the topmost Received field has no from clause"
	}
	fromClause := top[5:]
	if i := strings.Index(strings.ToLower(fromClause), " by "); i >= 0 {
		fromClause = fromClause[:i]
	}
	if f := strings.Fields(fromClause); len(f) > 0 {
		helo = strings.Trim(f[0], "()[]")
	}
	for rest := fromClause; ; {
		i := strings.IndexByte(rest, '[')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], ']')
		if j < 0 {
			break
		}
		lit := rest[i+1 : i+j]
		lit = strings.TrimPrefix(strings.TrimPrefix(lit, "IPv6:"), "ipv6:")
		if a, err := netip.ParseAddr(lit); err == nil {
			ip = a.Unmap()
			break
		}
		rest = rest[i+j+1:]
	}
	switch {
	case !ip.IsValid():
		return helo, ip, "the topmost Received field shows no connecting address"
	case ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified():
		return helo, ip, "the topmost Received field shows an internal hop (" + ip.String() + "), not the sender's server"
	}
	return helo, ip, ""
}

// checkSPF evaluates SPF for the connecting address of the topmost
// Received field, when it shows one.
func checkSPF(ctx context.Context, m *Message, l *dnsLog) SPFResult {
	helo, ip, reason := connection(m.Received)
	r := SPFResult{HELO: helo, MailFrom: m.ReturnPath}
	if ip.IsValid() {
		r.IP = ip.String()
	}
	if reason != "" {
		r.Result, r.Reason = NotVerifiable, reason
		return r
	}
	sender := m.ReturnPath
	if sender == "" {
		if helo == "" {
			r.Result, r.Reason = NotVerifiable, "neither a Return-Path nor a HELO name"
			return r
		}
		sender = "postmaster@" + helo
	}
	r.Domain = domainOf(sender)
	res, err := spf.CheckHostWithSender(net.IP(ip.AsSlice()), helo, sender,
		spf.WithContext(ctx), spf.WithResolver(spfResolver{l}))
	r.Result = string(res)
	if err != nil && res != spf.Pass {
		r.Reason = err.Error()
	}
	return r
}

// DMARCResult is the DMARC evaluation of the From domain.
type DMARCResult struct {
	// Domain is the From domain.
	Domain string `json:"domain"`
	// PolicyDomain is where the record was found: Domain, or its
	// organisational domain.
	PolicyDomain string `json:"policy_domain,omitempty"`
	Record       string `json:"record,omitempty"`
	Policy       string `json:"policy,omitempty"`
	// ADKIM and ASPF are the alignment modes, "r" (relaxed) or "s"
	// (strict).
	ADKIM string `json:"adkim,omitempty"`
	ASPF  string `json:"aspf,omitempty"`
	// Result is "pass", "fail", "none" (no policy), "temperror" or
	// "permerror" (a malformed record).
	Result string `json:"result"`
	// SPFVerifiable is false when SPF could not be evaluated: a fail
	// then rests on DKIM alone.
	SPFVerifiable bool   `json:"spf_verifiable"`
	Reason        string `json:"reason,omitempty"`
}

// checkDMARC looks up the From domain's DMARC policy and evaluates the
// alignment of the DKIM and SPF results with it. It sets the Aligned
// fields of dk and sp.
func checkDMARC(from string, dk []DKIMResult, sp *SPFResult, l *dnsLog) DMARCResult {
	r := DMARCResult{Domain: from, ADKIM: "r", ASPF: "r", SPFVerifiable: sp.Result != NotVerifiable}
	if from == "" {
		r.Result, r.Reason = "none", "no single From address"
		return r
	}
	org := registrable(from)
	opts := &dmarc.LookupOptions{LookupTXT: l.LookupTXT}
	rec, err := dmarc.LookupWithOptions(from, opts)
	r.PolicyDomain = from
	if errors.Is(err, dmarc.ErrNoPolicy) && org != from {
		rec, err = dmarc.LookupWithOptions(org, opts)
		r.PolicyDomain = org
	}
	switch {
	case errors.Is(err, dmarc.ErrNoPolicy):
		r.PolicyDomain = ""
	case dmarc.IsTempFail(err):
		r.Result, r.Reason = "temperror", err.Error()
	case err != nil:
		r.Result, r.Reason = "permerror", err.Error()
	case rec != nil:
		r.Policy = string(rec.Policy)
		if rec.DKIMAlignment == dmarc.AlignmentStrict {
			r.ADKIM = "s"
		}
		if rec.SPFAlignment == dmarc.AlignmentStrict {
			r.ASPF = "s"
		}
		r.Record = dmarcRecord(l, r.PolicyDomain)
	}
	dkimPass, spfPass := false, false
	for i := range dk {
		dk[i].Aligned = aligned(dk[i].Domain, from, r.ADKIM)
		if dk[i].Aligned && dk[i].Result == "pass" {
			dkimPass = true
		}
	}
	if sp.Domain != "" {
		sp.Aligned = aligned(sp.Domain, from, r.ASPF)
		spfPass = sp.Aligned && sp.Result == string(spf.Pass)
	}
	if r.Result != "" {
		return r
	}
	switch {
	case rec == nil:
		r.Result = "none"
	case dkimPass || spfPass:
		r.Result = "pass"
	default:
		r.Result = "fail"
		if !r.SPFVerifiable {
			r.Reason = "no aligned DKIM signature verifies; SPF could not be verified"
		} else {
			r.Reason = "neither an aligned DKIM signature nor an aligned SPF pass"
		}
	}
	return r
}

// dmarcRecord returns the DMARC record text found for domain.
func dmarcRecord(l *dnsLog, domain string) string {
	for _, a := range l.answers() {
		if a.Name != "_dmarc."+domain {
			continue
		}
		for _, v := range a.Values("TXT") {
			if strings.HasPrefix(v, "v=DMARC1") {
				return v
			}
		}
	}
	return ""
}

// aligned reports whether domain d is aligned with the From domain in
// mode "r" (same organisational domain) or "s" (same domain).
func aligned(d, from, mode string) bool {
	d, from = strings.ToLower(d), strings.ToLower(from)
	if d == "" || from == "" {
		return false
	}
	if mode == "s" {
		return d == from
	}
	return registrable(d) == registrable(from)
}

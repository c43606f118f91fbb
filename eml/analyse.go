package eml

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"vigie/dnsq"
	"vigie/pii/detect"
)

// Verdicts, from best to worst.
const (
	LikelyLegitimate = "likely-legitimate"
	Suspicious       = "suspicious"
	LikelyPhishing   = "likely-phishing"
)

// Check IDs (their catalogue is in check/eml).
const (
	CheckDKIMFail           = "eml.dkim-fail"
	CheckDMARCFail          = "eml.dmarc-fail"
	CheckUnauthenticated    = "eml.sender-unauthenticated"
	CheckSenderMismatch     = "eml.sender-mismatch"
	CheckLinksForeign       = "eml.links-foreign-domain"
	CheckLookalike          = "eml.lookalike-domain"
	CheckHTTPLink           = "eml.http-link"
	CheckCredentialsRequest = "eml.credentials-request"
	CheckAttachmentRisky    = "eml.attachment-risky"
	CheckArt34Incomplete    = "eml.art34-incomplete"
)

// Where the reference domains come from (Options.OfficialSource,
// Report.OfficialSource).
const (
	SourceFlag      = "official-domain"
	SourceDirectory = "directory"
	// SourceSender: none given, the From domain is the only reference.
	SourceSender = "sender"
)

const (
	defaultDNSTimeout = 5 * time.Second
	// maxDisplayName bounds the display name read for domains.
	maxDisplayName = 200
)

// ErrUnverified is returned when a DNS question the authentication needs
// got no answer (a temporary error): the message gets no verdict.
var ErrUnverified = errors.New("eml: authentication could not be verified (DNS temporary error)")

// Options configure Analyse.
type Options struct {
	// DNS asks the DKIM, DMARC and SPF questions (the --dns server, or
	// the system's resolvers).
	DNS *dnsq.Client
	// OfficialDomains are the organisation's domains (--official-domain,
	// or its directory entry). Without them the From domain is the only
	// reference, and a From domain imitating the organisation's cannot
	// be told.
	OfficialDomains []string
	// OfficialSource says where OfficialDomains came from
	// ("official-domain" or "directory").
	OfficialSource string
}

// Finding is one check that fired on the message.
type Finding struct {
	Check string `json:"check"`
	// Severity and Title come from the catalogue (check/eml), Title in
	// the report's language.
	Severity string `json:"severity,omitempty"`
	Title    string `json:"title,omitempty"`
	// Confidence is "certain", "firm" or "tentative".
	Confidence string `json:"confidence"`
	// Facts are what the check saw (domains, sentences, results), in
	// the report's language; Write fills them from facts.
	Facts []string `json:"facts"`
	facts []fact
}

// Headers are the sender fields a reader sees or is misled by.
type Headers struct {
	From       []Address `json:"from"`
	Sender     *Address  `json:"sender,omitempty"`
	ReplyTo    []Address `json:"reply_to,omitempty"`
	ReturnPath string    `json:"return_path,omitempty"`
	// To and Cc are the recipients, masked.
	To        []string `json:"to,omitempty"`
	Cc        []string `json:"cc,omitempty"`
	Subject   string   `json:"subject"`
	Date      string   `json:"date,omitempty"`
	MessageID string   `json:"message_id,omitempty"`
	// Received are the Received fields, topmost first, masked.
	Received []string `json:"received,omitempty"`
}

// Authentication is what Vigie re-verified, beside what the message
// claims.
type Authentication struct {
	DKIM  []DKIMResult `json:"dkim"`
	SPF   SPFResult    `json:"spf"`
	DMARC DMARCResult  `json:"dmarc"`
	// Received are the Authentication-Results fields as received:
	// another server's claims, shown, never trusted over Vigie's own
	// verification.
	Received []string `json:"received_results,omitempty"`
}

// Report is the analysis of one message.
type Report struct {
	File    string         `json:"file"`
	Verdict string         `json:"verdict"`
	Checks  []Finding      `json:"findings"`
	Headers Headers        `json:"headers"`
	Auth    Authentication `json:"authentication"`
	// Official are the domains links and senders are compared with;
	// OfficialSource says where they came from ("official-domain",
	// "directory", or "sender": the From domain, none being given).
	Official       []string      `json:"official_domains"`
	OfficialSource string        `json:"official_source"`
	LinkDomains    []DomainCount `json:"link_domains"`
	Links          []Link        `json:"links"`
	Attachments    []Attachment  `json:"attachments"`
	Lookalikes     []Lookalike   `json:"lookalikes,omitempty"`
	// Requests are the sentences asking for credentials or bank
	// details.
	Requests []SecretRequest `json:"credential_requests,omitempty"`
	// Notice is set when the message reads as a breach notification.
	Notice *Notice `json:"breach_notice,omitempty"`
	// DNS are the answers the verification relied on.
	DNS      []*dnsq.Answer `json:"dns"`
	Problems []string       `json:"problems,omitempty"`
}

// Has reports whether the check fired.
func (r *Report) Has(id string) bool {
	return slices.ContainsFunc(r.Checks, func(f Finding) bool { return f.Check == id })
}

func (r *Report) add(id, confidence string, facts ...fact) {
	for i := range r.Checks {
		if r.Checks[i].Check == id {
			r.Checks[i].facts = append(r.Checks[i].facts, facts...)
			return
		}
	}
	r.Checks = append(r.Checks, Finding{Check: id, Confidence: confidence, facts: facts})
}

// Analyse verifies and reads one parsed message. It fails when its
// context does, and with ErrUnverified when a DNS question the DKIM, SPF
// or DMARC verification needs got no answer.
func Analyse(ctx context.Context, m *Message, o Options) (*Report, error) {
	c := o.DNS
	if c == nil {
		c = &dnsq.Client{Timeout: defaultDNSTimeout}
	}
	l := &dnsLog{ctx: ctx, c: c}
	r := &Report{Checks: []Finding{}, Attachments: m.Attachments, Problems: m.Problems}
	if r.Attachments == nil {
		r.Attachments = []Attachment{}
	}
	r.Headers = Headers{From: m.From, Sender: m.Sender, ReplyTo: m.ReplyTo, ReturnPath: m.ReturnPath,
		Subject: m.Subject, Date: m.Date, MessageID: m.MessageID, Received: m.Received}
	r.Auth.Received = m.AuthenticationResults

	from := ""
	if len(m.From) == 1 {
		from = m.From[0].Domain
	}

	// Authentication.
	dk, err := verifyDKIM(m, l)
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	sp := checkSPF(ctx, m, l)
	dm := checkDMARC(from, dk, &sp, l)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.Auth.DKIM, r.Auth.SPF, r.Auth.DMARC = dk, sp, dm
	// Without the DNS answers nothing can be vouched for: no verdict
	// rather than a reassuring one.
	var unverified []string
	for _, d := range dk {
		if d.Result == "temperror" {
			unverified = append(unverified, fmt.Sprintf("DKIM key %s._domainkey.%s: %s", d.Selector, d.Domain, d.Error))
		}
	}
	if sp.Result == "temperror" {
		unverified = append(unverified, "SPF of "+sp.Domain+": "+sp.Reason)
	}
	if dm.Result == "temperror" {
		unverified = append(unverified, "DMARC of "+dm.Domain+": "+dm.Reason)
	}
	if len(unverified) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrUnverified, strings.Join(unverified, "; "))
	}
	dkimAlignedPass := false
	for _, d := range dk {
		switch d.Result {
		case "fail", "permerror":
			r.add(CheckDKIMFail, "certain", newFact("dkim", d.Domain, d.Selector, d.Result, d.Error))
		case "pass":
			if d.Aligned {
				dkimAlignedPass = true
			}
		}
		if d.BodyLength && d.Result == "pass" {
			r.Problems = append(r.Problems, fmt.Sprintf("DKIM signature d=%s covers only part of the body (l=): text added after it is not signed", d.Domain))
		}
	}
	switch dm.Result {
	case "fail":
		conf := "firm"
		if !dm.SPFVerifiable {
			conf = "tentative"
		}
		key := "dmarc-fail"
		if !dm.SPFVerifiable {
			key = "dmarc-fail-dkim"
		}
		r.add(CheckDMARCFail, conf, newFact(key, dm.PolicyDomain, dm.Policy))
	case "none":
		if from != "" && !dkimAlignedPass && !(sp.Aligned && sp.Result == "pass") {
			r.add(CheckUnauthenticated, "firm", newFact("unauthenticated", from, sp.Result))
		}
	}

	// The reference domains.
	r.Official, r.OfficialSource = registrables(o.OfficialDomains), o.OfficialSource
	fromReg := ""
	if from != "" {
		fromReg = registrable(from)
	}
	if len(r.Official) == 0 {
		r.OfficialSource = SourceSender
		if fromReg != "" {
			r.Official = []string{fromReg}
		}
	} else if r.OfficialSource == "" {
		r.OfficialSource = SourceFlag
	}
	// Links to the sender's own domain are not foreign when the sender
	// is authenticated, or when no official domain is known.
	own := slices.Clone(r.Official)
	senderAuthenticated := dkimAlignedPass || dm.Result == "pass"
	if fromReg != "" && !slices.Contains(own, fromReg) && senderAuthenticated {
		if _, look := lookalike(fromReg, r.Official); !look {
			own = append(own, fromReg)
		}
	}

	// Senders.
	r.senderChecks(m, from, fromReg, own, len(o.OfficialDomains) > 0)

	// Lookalikes among every domain the message shows.
	seen := map[string]bool{}
	consider := func(where, host string) {
		if host == "" {
			return
		}
		d := registrable(host)
		if seen[d] {
			return
		}
		seen[d] = true
		if la, ok := lookalike(d, r.Official); ok {
			r.addLookalike(la)
			shown := la.Domain
			if la.Unicode != "" {
				shown += " (" + la.Unicode + ")"
			}
			r.add(CheckLookalike, "firm", newFact("lookalike", where, shown, la.Official, la.Reason))
		}
	}
	for _, a := range m.From {
		consider("From", a.Domain)
	}
	for _, a := range m.ReplyTo {
		consider("Reply-To", a.Domain)
	}
	consider("Return-Path", domainOf(m.ReturnPath))
	for _, d := range dk {
		consider("DKIM d=", d.Domain)
	}

	// Links.
	links := slices.Clone(m.Links)
	foreign := map[string]int{}
	var foreignOrder []string
	for i := range links {
		l := &links[i]
		eff := l.Domain
		if strings.HasPrefix(l.Rewriter, "protection:") && l.TargetDomain != "" {
			eff = l.TargetDomain // rewritten by the recipient's provider
		}
		l.Official = slices.Contains(own, eff)
		consider("link", l.Host)
		if l.TargetDomain != "" {
			consider("link target", l.TargetDomain)
		}
		if !l.Official {
			if foreign[eff] == 0 {
				foreignOrder = append(foreignOrder, eff)
			}
			foreign[eff]++
		}
		if l.Scheme == "http" {
			r.add(CheckHTTPLink, "certain", newFact("http-link", l.URL))
		}
		if l.Text != "" {
			if shown := registrable(hostOf(l.Text)); shown != "" && shown != l.Domain && isDomain(shown) {
				r.add(CheckLinksForeign, "firm", newFact("link-text", l.Text, l.Host))
				// A link that shows one domain and leads to its
				// look-alike is a look-alike, official domains or not.
				if la, ok := lookalike(l.Domain, []string{shown}); ok && !seen["shown:"+l.Domain] {
					seen["shown:"+l.Domain] = true
					r.addLookalike(la)
					r.add(CheckLookalike, "firm", newFact("lookalike-shown", la.Domain, la.Official, la.Reason))
				}
			}
		}
	}
	for _, d := range foreignOrder {
		n := strconv.Itoa(foreign[d])
		f := newFact("foreign", d, n)
		for _, l := range links {
			if l.Domain == d && l.Rewriter != "" {
				f = newFact("foreign-via", d, n, l.Rewriter)
				if l.TargetDomain != "" {
					f = newFact("foreign-to", d, n, l.Rewriter, l.TargetDomain)
				}
				break
			}
		}
		r.add(CheckLinksForeign, "certain", f)
	}
	r.Links = links
	r.LinkDomains = countDomains(links)
	if r.Links == nil {
		r.Links, r.LinkDomains = []Link{}, []DomainCount{}
	}

	// Attachments.
	for _, a := range m.Attachments {
		if risky(a.Risk) {
			r.add(CheckAttachmentRisky, "firm", newFact("attachment", a.Filename, a.ContentType, a.Risk))
		}
	}

	// Wording.
	r.Requests = secretRequests(m.Text)
	for _, q := range r.Requests {
		r.add(CheckCredentialsRequest, "firm", newFact("request", q.Kind, q.Sentence))
	}
	if n, ok := breachNotice(m.Text); ok {
		r.Notice = &n
		if len(n.Missing) > 0 {
			r.add(CheckArt34Incomplete, "tentative", newFact("art34", strings.Join(n.Missing, ", ")))
		}
	}

	r.DNS = l.answers()
	r.Verdict = verdict(r)
	sort.SliceStable(r.Checks, func(i, j int) bool { return r.Checks[i].Check < r.Checks[j].Check })
	r.mask(m, own)
	return r, nil
}

// addLookalike lists la once.
func (r *Report) addLookalike(la Lookalike) {
	if !slices.ContainsFunc(r.Lookalikes, func(x Lookalike) bool { return x.Domain == la.Domain && x.Official == la.Official }) {
		r.Lookalikes = append(r.Lookalikes, la)
	}
}

// senderChecks compares From, Reply-To, Sender and the display name.
func (r *Report) senderChecks(m *Message, from, fromReg string, own []string, officialGiven bool) {
	switch {
	case len(m.From) == 0:
		r.add(CheckSenderMismatch, "certain", newFact("no-from"))
		return
	case len(m.From) > 1:
		r.add(CheckSenderMismatch, "certain", newFact("many-from", strconv.Itoa(len(m.From))))
	}
	for _, a := range m.ReplyTo {
		if d := registrable(a.Domain); d != "" && d != fromReg && !slices.Contains(own, d) {
			r.add(CheckSenderMismatch, "firm", newFact("reply-to", a.Address, d, fromReg))
		}
	}
	for _, a := range m.From {
		for _, tok := range displayDomains(a.Name) {
			if d := registrable(tok); d != registrable(a.Domain) {
				r.add(CheckSenderMismatch, "firm", newFact("display-name", a.Name, tok, a.Domain))
			}
		}
	}
	if officialGiven && fromReg != "" && !slices.Contains(r.Official, fromReg) {
		if _, look := lookalike(fromReg, r.Official); !look {
			r.add(CheckSenderMismatch, "firm", newFact("not-official", fromReg, strings.Join(r.Official, ", ")))
		}
	}
}

// displayDomains returns the domain names and addresses' domains a
// display name shows ("Service client amazon.fr", "a@b.fr via X").
func displayDomains(name string) []string {
	if len(name) > maxDisplayName {
		name = name[:maxDisplayName]
	}
	var out []string
	for _, tok := range strings.FieldsFunc(name, func(r rune) bool {
		return r == ' ' || r == '<' || r == '>' || r == '(' || r == ')' || r == '"' || r == ',' || r == '[' || r == ']'
	}) {
		tok = strings.Trim(tok, ".:;!?'")
		if i := strings.LastIndexByte(tok, '@'); i >= 0 {
			tok = tok[i+1:]
		}
		if isDomain(tok) {
			out = append(out, strings.ToLower(tok))
		}
	}
	return out
}

// isDomain reports whether s reads as a domain name under a public
// suffix of the ICANN list ("amazon.fr"), not an abbreviation ("M.")
func isDomain(s string) bool {
	if !strings.Contains(s, ".") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 127) {
			return false
		}
	}
	suf, icann := publicsuffix.PublicSuffix(strings.ToLower(s))
	// Names under .test (RFC 6761, reserved for testing) count too, so
	// that a test corpus reads as real mail does.
	return (icann || strings.HasSuffix(strings.ToLower(s), ".test")) && suf != strings.ToLower(s)
}

// hostOf returns the host a link text shows ("https://a.fr/x" or "a.fr/x").
func hostOf(s string) string {
	s = strings.ToLower(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#:"); i >= 0 {
		s = s[:i]
	}
	return s
}

func registrables(ds []string) []string {
	var out []string
	for _, d := range ds {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		if strings.Contains(d, "://") {
			d = hostOf(d)
		}
		if reg := registrable(d); !slices.Contains(out, reg) {
			out = append(out, reg)
		}
	}
	return out
}

// verdict applies the rule documented in the package comment.
func verdict(r *Report) string {
	authFail := r.Has(CheckDKIMFail) || r.Has(CheckDMARCFail)
	switch {
	case r.Has(CheckLookalike):
		return LikelyPhishing
	case r.Has(CheckCredentialsRequest) && (authFail || r.Has(CheckLinksForeign)):
		return LikelyPhishing
	}
	for _, f := range r.Checks {
		if f.Check != CheckArt34Incomplete {
			return Suspicious
		}
	}
	return LikelyLegitimate
}

// mask hides the recipient's data in what the report shows: their
// addresses and names wherever they appear, and any other personal data
// the masker finds in sentences, links and Received fields. The sender
// fields stay as they are: they are what the analyst must see.
func (r *Report) mask(m *Message, own []string) {
	var secrets []string
	for _, a := range append(slices.Clone(m.To), m.Cc...) {
		if a.Address != "" {
			// As written, and as a link's query carries it.
			secrets = append(secrets, a.Address, url.QueryEscape(a.Address))
			if local, _, ok := strings.Cut(a.Address, "@"); ok && len(local) >= 3 {
				secrets = append(secrets, local)
			}
		}
		for _, w := range strings.Fields(a.Name) {
			if w = strings.Trim(w, `",.'`); len([]rune(w)) >= 3 {
				secrets = append(secrets, w)
			}
		}
	}
	// Longest first, so that an address goes before its local part.
	sort.SliceStable(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	opts := detect.MaskOptions{OwnDomains: own, Surroundings: true}
	text := func(s string) string {
		for _, sec := range secrets {
			s = replaceFold(s, sec, "[masked:recipient]")
		}
		spans := detect.FindFormat([]byte(s), detect.FormatText, opts)
		return string(detect.Redact([]byte(s), spans))
	}
	for _, a := range m.To {
		r.Headers.To = append(r.Headers.To, text(a.Address))
	}
	for _, a := range m.Cc {
		r.Headers.Cc = append(r.Headers.Cc, text(a.Address))
	}
	r.Headers.Subject = text(r.Headers.Subject)
	r.Headers.Received = mapStrings(r.Headers.Received, text)
	r.Auth.Received = mapStrings(r.Auth.Received, text)
	for i := range r.Links {
		l := &r.Links[i]
		l.URL, l.Target, l.Text = text(l.URL), text(l.Target), text(l.Text)
	}
	for i := range r.Requests {
		r.Requests[i].Sentence = text(r.Requests[i].Sentence)
	}
	if r.Notice != nil {
		for k, v := range r.Notice.Elements {
			r.Notice.Elements[k] = text(v)
		}
	}
	for i := range r.Checks {
		for j := range r.Checks[i].facts {
			r.Checks[i].facts[j].args = mapStrings(r.Checks[i].facts[j].args, text)
		}
	}
	r.Problems = mapStrings(r.Problems, text)
}

func mapStrings(xs []string, f func(string) string) []string {
	if xs == nil {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// replaceFold replaces every case-insensitive occurrence of old (ASCII
// case) in s.
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	ls, lo := asciiLower(s), asciiLower(old)
	var b strings.Builder
	for {
		i := strings.Index(ls, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, ls = s[i+len(old):], ls[i+len(old):]
	}
}

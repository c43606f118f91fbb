package observation

import (
	"time"

	"vigie/dnsq"
)

// MailDomain is what was seen of one mail domain: its MX, SPF, DMARC,
// DKIM, MTA-STS and TLS-RPT records, the STARTTLS of each MX, and whether
// its zone is signed with DNSSEC. Each part keeps the DNS answers it
// relied on (server and time).
type MailDomain struct {
	Domain string `json:"domain"`
	// OrgDomain is the registrable domain (public suffix plus one label),
	// where DMARC falls back to.
	OrgDomain string    `json:"org_domain"`
	Time      time.Time `json:"time"`

	MX MailMX `json:"mx"`
	// Exchangers are the STARTTLS probes of the MX hosts, by preference.
	Exchangers []MailExchanger `json:"exchangers,omitempty"`
	SPF        SPFRecord       `json:"spf"`
	DMARC      DMARCRecord     `json:"dmarc"`
	DKIM       DKIMKeys        `json:"dkim"`
	MTASTS     MTASTS          `json:"mta_sts"`
	TLSRPT     TLSRPT          `json:"tls_rpt"`
	DNSSEC     DNSSEC          `json:"dnssec"`
	// Error is set when the domain could not be examined at all (no DNS
	// server answered).
	Error string `json:"error,omitempty"`
}

// ReceivesMail reports whether the domain publishes at least one MX host
// that is not the null MX of RFC 7505 ("0 .").
func (m *MailDomain) ReceivesMail() bool { return len(m.MX.Hosts) > 0 }

// Parked reports whether the domain says it neither sends nor receives
// mail: no MX (or a null MX) and an SPF record that authorises no one
// ("v=spf1 -all").
func (m *MailDomain) Parked() bool {
	return !m.ReceivesMail() && m.SPF.Found() && m.SPF.DeniesAll
}

// MailMX is the domain's MX record set.
type MailMX struct {
	// Hosts are the exchangers' names, by preference then name; the null
	// MX is not listed.
	Hosts []string `json:"hosts,omitempty"`
	// Null is set for a null MX ("0 ."): the domain accepts no mail.
	Null bool `json:"null,omitempty"`
	// Failed is set when the question got no usable answer (SERVFAIL,
	// timeout): nothing is concluded from it.
	Failed  bool          `json:"failed,omitempty"`
	Answers []dnsq.Answer `json:"answers,omitempty"`
}

// SPFRecord is the domain's SPF policy (RFC 7208) and its evaluation.
type SPFRecord struct {
	// Record is the "v=spf1" TXT record; Count is how many there were
	// (more than one is a permerror).
	Record string `json:"record,omitempty"`
	Count  int    `json:"count"`
	// Result is the evaluation of the policy for an address no record
	// authorises ("100::1", RFC 6666's discard prefix), which walks every
	// mechanism: "permerror" when the record is invalid or needs more than
	// 10 DNS lookups, otherwise what any unlisted sender gets.
	Result string `json:"result,omitempty"`
	// Error is the evaluator's explanation of a permerror or temperror.
	Error string `json:"error,omitempty"`
	// Syntax lists the terms of the record that RFC 7208's grammar does
	// not allow.
	Syntax []string `json:"syntax_errors,omitempty"`
	// Lookups and VoidLookups count the DNS-querying terms of the record
	// and its includes and redirect (RFC 7208 §4.6.4), as walked by Vigie.
	Lookups     int `json:"lookups"`
	VoidLookups int `json:"void_lookups"`
	// All is the "all" mechanism of the top-level record with its
	// qualifier ("-all", "~all", "?all", "+all"), "" when absent.
	All string `json:"all,omitempty"`
	// Broad lists the ip4/ip6 mechanisms of the top-level record wider
	// than the thresholds (see mailcheck.BroadIPv4Prefix).
	Broad []string `json:"broad,omitempty"`
	// DeniesAll is set for a record with no mechanism but "-all".
	DeniesAll bool `json:"denies_all,omitempty"`
	// Failed is set when the TXT question got no usable answer.
	Failed  bool          `json:"failed,omitempty"`
	Answers []dnsq.Answer `json:"answers,omitempty"`
}

// Found reports whether exactly one SPF record was published.
func (s *SPFRecord) Found() bool { return s.Count == 1 }

// DMARCRecord is the DMARC policy (RFC 7489) that applies to the domain.
type DMARCRecord struct {
	Record string `json:"record,omitempty"`
	// At is the name the record was found at ("_dmarc.example.fr");
	// Inherited is set when it is the organisational domain's record
	// (the domain has none of its own), whose subdomain policy applies.
	At        string `json:"at,omitempty"`
	Inherited bool   `json:"inherited,omitempty"`
	// Policy is the policy applied to the domain's mail (p, or sp when
	// inherited); SubdomainPolicy is the sp tag (p when absent).
	Policy          string `json:"policy,omitempty"`
	SubdomainPolicy string `json:"subdomain_policy,omitempty"`
	Percent         int    `json:"pct,omitempty"`
	// ParseError is set when a record was published but is invalid.
	ParseError string        `json:"parse_error,omitempty"`
	Failed     bool          `json:"failed,omitempty"`
	Answers    []dnsq.Answer `json:"answers,omitempty"`
}

// DKIMKeys are the DKIM keys found under common and given selectors.
type DKIMKeys struct {
	// Selectors are the selectors asked.
	Selectors []string  `json:"selectors"`
	Keys      []DKIMKey `json:"keys,omitempty"`
	// Answers are the answers of the selectors that had a key.
	Answers []dnsq.Answer `json:"answers,omitempty"`
}

// DKIMKey is one published DKIM key record.
type DKIMKey struct {
	Selector string `json:"selector"`
	// KeyType is the k= tag ("rsa" by default, "ed25519").
	KeyType string `json:"key_type"`
	// Bits is the RSA modulus size (0 for other types).
	Bits int `json:"bits,omitempty"`
	// Revoked is set for an empty p= tag.
	Revoked bool   `json:"revoked,omitempty"`
	Error   string `json:"error,omitempty"`
}

// MTASTS is the domain's MTA-STS policy (RFC 8461).
type MTASTS struct {
	// Record is the "_mta-sts" TXT record ("v=STSv1; id=…").
	Record string `json:"record,omitempty"`
	// PolicyURL is where the policy was asked for; PolicyError why it
	// could not be read (status, TLS error, syntax).
	PolicyURL   string `json:"policy_url,omitempty"`
	Policy      string `json:"policy,omitempty"`
	PolicyError string `json:"policy_error,omitempty"`
	// Mode is "enforce", "testing" or "none"; MX the policy's mx patterns;
	// Uncovered the MX hosts no pattern matches.
	Mode      string        `json:"mode,omitempty"`
	MaxAge    int           `json:"max_age,omitempty"`
	MX        []string      `json:"mx,omitempty"`
	Uncovered []string      `json:"uncovered,omitempty"`
	Failed    bool          `json:"failed,omitempty"`
	Answers   []dnsq.Answer `json:"answers,omitempty"`
}

// TLSRPT is the domain's SMTP TLS reporting record (RFC 8460).
type TLSRPT struct {
	Record  string        `json:"record,omitempty"`
	Failed  bool          `json:"failed,omitempty"`
	Answers []dnsq.Answer `json:"answers,omitempty"`
}

// DNSSEC says whether the domain's zone is signed: DNSKEY records and
// their RRSIG in the answer, asked with the DO bit. Signed is not
// validated: Vigie does not check the chain of trust from the root.
type DNSSEC struct {
	// Zone is the name whose DNSKEY was asked.
	Zone    string        `json:"zone"`
	Signed  bool          `json:"signed"`
	Failed  bool          `json:"failed,omitempty"`
	Answers []dnsq.Answer `json:"answers,omitempty"`
}

// MailExchanger is one MX host and its STARTTLS.
type MailExchanger struct {
	Host string `json:"host"`
	Port int    `json:"port"`
	// Error is set when the SMTP dialogue could not reach the EHLO
	// answer (connection refused, timeout): nothing is concluded then.
	Error string `json:"error,omitempty"`
	// Banner is the server's greeting; Extensions the EHLO keywords.
	Banner     string   `json:"banner,omitempty"`
	Extensions []string `json:"extensions,omitempty"`
	STARTTLS   bool     `json:"starttls"`
	// TLS is the TLS audit of the connection after STARTTLS.
	TLS     *TLSReport    `json:"tls,omitempty"`
	Answers []dnsq.Answer `json:"answers,omitempty"`
}

package observation

import "time"

// Hosting is where a host's content is served from, as DNS answered and
// the open IP datasets, the provider list and the response headers tell:
// the facts the hosting.* checks judge.
type Hosting struct {
	// Host is the name asked of DNS.
	Host string `json:"host"`
	// DNSServer is the server that answered ("127.0.0.1:53"), "" when
	// the system's resolvers did.
	DNSServer string `json:"dns_server,omitempty"`
	// CNAMEs is the alias chain from Host to the name holding the
	// addresses, in order.
	CNAMEs []string `json:"cname_chain,omitempty"`
	// Addresses are the A and AAAA answers of the end of the chain.
	Addresses []HostAddress `json:"addresses,omitempty"`
	NS        []string      `json:"ns,omitempty"`
	MX        []string      `json:"mx,omitempty"`
	// Provider identifies the hosting provider or CDN ("ovhcloud",
	// "cloudflare"), "" when unknown; ProviderName is its name, and
	// Clues say what identified it ("as:16276", "cname:cloudfront.net",
	// "header:x-amz-cf-id", "issuer:Amazon").
	Provider     string   `json:"provider,omitempty"`
	ProviderName string   `json:"provider_name,omitempty"`
	Clues        []string `json:"clues,omitempty"`
	// CDN is set when the addresses are a content delivery network's:
	// the origin server behind it, which holds the data, is then hidden
	// (OriginHidden) and no verdict is given on where it is.
	CDN          bool `json:"cdn,omitempty"`
	OriginHidden bool `json:"origin_hidden,omitempty"`
	// Countries are the addresses' countries (ISO 3166-1 alpha-2), sorted.
	Countries []string `json:"countries,omitempty"`
	// Jurisdiction is "eea" (every address in the European Economic
	// Area), "adequacy" (in a country with an adequacy decision),
	// "partial" (a country whose adequacy decision covers certified
	// organisations only: the United States under the Data Privacy
	// Framework), "outside", or "" when not judged (no address, a CDN, an
	// address the dataset does not know).
	Jurisdiction string `json:"jurisdiction,omitempty"`
	// HDS is "listed" when the provider is on the list of certified
	// health-data hosts, "not-listed" when it is a known provider absent
	// from it, "" when the provider is unknown or hidden. HDSEntry names
	// the list's entry.
	HDS      string `json:"hds,omitempty"`
	HDSEntry string `json:"hds_entry,omitempty"`
	// Datasets are the open datasets the addresses were looked up in.
	Datasets []Dataset `json:"datasets,omitempty"`
	// Error says why DNS gave no address ("NXDOMAIN", a timeout).
	Error string `json:"error,omitempty"`
	// DNS are the answers received, kept for the evidence.
	DNS []DNSAnswer `json:"-"`
}

// HostAddress is one address of a host and who announces it.
type HostAddress struct {
	IP string `json:"ip"`
	// ASN and ASName are the autonomous system announcing the address;
	// Country is the dataset's country for it.
	ASN     uint32 `json:"asn,omitempty"`
	ASName  string `json:"as_name,omitempty"`
	Country string `json:"country,omitempty"`
	// Special is set for loopback, private and other non-public
	// addresses, which no dataset describes.
	Special bool `json:"special,omitempty"`
}

// Dataset names one dataset file as it was used: name, release date and
// SHA-256 of the file.
type Dataset struct {
	Name   string `json:"name"`
	Date   string `json:"date,omitempty"`
	SHA256 string `json:"sha256"`
}

// DNSAnswer is one DNS answer as received, for evidence.
type DNSAnswer struct {
	Name   string    `json:"name"`
	Type   string    `json:"type"`
	Server string    `json:"server"`
	Time   time.Time `json:"time"`
	RCode  string    `json:"rcode"`
	// Records are the answer's records in presentation form
	// ("name TTL TYPE data").
	Records []string `json:"records,omitempty"`
	Wire    []byte   `json:"-"`
}

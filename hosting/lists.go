package hosting

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

//go:embed data/providers.json
var providersJSON []byte

//go:embed data/hds.json
var hdsJSON []byte

//go:embed data/jurisdictions.json
var jurisdictionsJSON []byte

// Provider is a hosting provider or CDN Vigie can name.
type Provider struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Company string `json:"company"`
	// Country is where the company has its seat (its jurisdiction), not
	// where its servers are.
	Country string   `json:"country"`
	CDN     bool     `json:"cdn,omitempty"`
	ASNs    []uint32 `json:"asns,omitempty"`
	// CNAMESuffixes are domains the provider's service names end with.
	CNAMESuffixes []string `json:"cname_suffixes,omitempty"`
	// Headers are response headers only the provider sends: a name alone
	// matches its presence, with Value a case-insensitive substring.
	Headers []HeaderClue `json:"headers,omitempty"`
	// Issuers are substrings of the organisation of certificate issuers
	// only the provider uses.
	Issuers   []string `json:"issuers,omitempty"`
	ToConfirm bool     `json:"to_confirm,omitempty"`
}

// HeaderClue is a response header that names a provider.
type HeaderClue struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

type providerFile struct {
	Date      string     `json:"date"`
	Providers []Provider `json:"providers"`
}

// Providers returns the shipped list of providers.
func Providers() []Provider {
	var f providerFile
	if err := json.Unmarshal(providersJSON, &f); err != nil {
		panic("hosting: data/providers.json: " + err.Error())
	}
	return f.Providers
}

// HDSEntry is one certified health-data host of the list.
type HDSEntry struct {
	Name      string   `json:"name"`
	ASNs      []uint32 `json:"asns,omitempty"`
	Providers []string `json:"providers,omitempty"`
	Note      string   `json:"note,omitempty"`
}

// HDSList is the list of certified health-data hosts Vigie judges with.
type HDSList struct {
	// Source names the list: "vigie" for the shipped one, or the path
	// given with --hds-list; Date is the list's own date.
	Source  string     `json:"source"`
	Date    string     `json:"date,omitempty"`
	Entries []HDSEntry `json:"entries"`
}

// DefaultHDSList returns the shipped list (data/hds.json).
func DefaultHDSList() *HDSList {
	l, err := ParseHDSList(bytes.NewReader(hdsJSON), "data/hds.json")
	if err != nil {
		panic("hosting: " + err.Error())
	}
	l.Source = "vigie"
	return l
}

// ReadHDSList reads a list given with --hds-list: the JSON form of
// data/hds.json, or CSV with the header "name,asns,providers,note" where
// AS numbers and provider IDs are separated by spaces.
func ReadHDSList(path string) (*HDSList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--hds-list: %w", err)
	}
	defer f.Close()
	l, err := ParseHDSList(f, path)
	if err != nil {
		return nil, fmt.Errorf("--hds-list: %w", err)
	}
	l.Source = path
	return l, nil
}

// ParseHDSList parses a list in JSON or CSV (see ReadHDSList); name is
// used in errors.
func ParseHDSList(r io.Reader, name string) (*HDSList, error) {
	data, err := io.ReadAll(io.LimitReader(r, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var l HDSList
		if err := json.Unmarshal(t, &l); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for i, e := range l.Entries {
			if strings.TrimSpace(e.Name) == "" {
				return nil, fmt.Errorf("%s: entry %d has no name", name, i+1)
			}
		}
		return &l, nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty list", name)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["name"]; !ok {
		return nil, fmt.Errorf("%s: want a CSV header with name,asns,providers,note or a JSON object", name)
	}
	get := func(row []string, c string) string {
		if i, ok := col[c]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	l := &HDSList{}
	for n, row := range rows[1:] {
		e := HDSEntry{Name: get(row, "name"), Note: get(row, "note"), Providers: strings.Fields(get(row, "providers"))}
		if e.Name == "" {
			return nil, fmt.Errorf("%s:%d: no name", name, n+2)
		}
		for _, a := range strings.Fields(strings.ReplaceAll(get(row, "asns"), ",", " ")) {
			v, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(a), "AS"), 10, 32)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: AS number %q", name, n+2, a)
			}
			e.ASNs = append(e.ASNs, uint32(v))
		}
		l.Entries = append(l.Entries, e)
	}
	return l, nil
}

// entryFor returns the list's entry covering provider id or AS number asn.
func (l *HDSList) entryFor(id string, asn uint32) *HDSEntry {
	if l == nil {
		return nil
	}
	for i := range l.Entries {
		e := &l.Entries[i]
		if id != "" && slices.Contains(e.Providers, id) || asn != 0 && slices.Contains(e.ASNs, asn) {
			return e
		}
	}
	return nil
}

// Adequacy is a country with an adequacy decision (GDPR art. 45).
type Adequacy struct {
	Country  string `json:"country"`
	Name     string `json:"name"`
	Decision string `json:"decision"`
	Date     string `json:"date"`
	// Partial decisions cover certified or regulated organisations only
	// (the United States' Data Privacy Framework, Canada's PIPEDA).
	Partial bool `json:"partial,omitempty"`
}

// Jurisdictions are the European Economic Area and the adequacy decisions.
type Jurisdictions struct {
	Date     string     `json:"date"`
	EEA      []string   `json:"eea"`
	Adequacy []Adequacy `json:"adequacy"`
}

// DefaultJurisdictions returns the shipped data/jurisdictions.json.
func DefaultJurisdictions() *Jurisdictions {
	var j Jurisdictions
	if err := json.Unmarshal(jurisdictionsJSON, &j); err != nil {
		panic("hosting: data/jurisdictions.json: " + err.Error())
	}
	return &j
}

// Of returns the jurisdiction of one country: "eea", "adequacy",
// "partial" or "outside", and the adequacy decision when there is one.
func (j *Jurisdictions) Of(country string) (string, *Adequacy) {
	country = strings.ToUpper(country)
	if slices.Contains(j.EEA, country) {
		return JurisdictionEEA, nil
	}
	for i := range j.Adequacy {
		if a := &j.Adequacy[i]; a.Country == country {
			if a.Partial {
				return JurisdictionPartial, a
			}
			return JurisdictionAdequacy, a
		}
	}
	return JurisdictionOutside, nil
}

// Jurisdiction values of observation.Hosting.
const (
	JurisdictionEEA      = "eea"
	JurisdictionAdequacy = "adequacy"
	JurisdictionPartial  = "partial"
	JurisdictionOutside  = "outside"
)

// HDS values of observation.Hosting.
const (
	HDSListed    = "listed"
	HDSNotListed = "not-listed"
)

// DataDir returns the directory where `vigie data update` keeps the IP
// datasets: $XDG_DATA_HOME/vigie/ip-location-db, or
// ~/.local/share/vigie/ip-location-db.
func DataDir() (string, error) {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no data directory: %w", err)
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "vigie", "ip-location-db"), nil
}

func utoa(n uint32) string { return strconv.FormatUint(uint64(n), 10) }

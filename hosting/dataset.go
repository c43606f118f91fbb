package hosting

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"

	"github.com/oschwald/maxminddb-golang/v2"

	"vigie/observation"
)

// ManifestName is the file, in a dataset directory, that says which
// files it holds, when they were fetched and their SHA-256.
const ManifestName = "manifest.json"

// Manifest describes a dataset directory written by Update.
type Manifest struct {
	// Name is the dataset's name ("ip-location-db").
	Name     string `json:"name"`
	Homepage string `json:"homepage,omitempty"`
	// Date is when the files were fetched (RFC 3339).
	Date  string         `json:"date"`
	Files []ManifestFile `json:"files"`
}

// ManifestFile is one MMDB file of a dataset.
type ManifestFile struct {
	// Kind is "country" (records with country_code) or "asn" (records
	// with autonomous_system_number and autonomous_system_organization).
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	URL     string `json:"url,omitempty"`
	Licence string `json:"licence,omitempty"`
	// Built is the build date the file's metadata gives (YYYY-MM-DD).
	Built  string `json:"built,omitempty"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// DB looks addresses up in a dataset's MMDB files. It is safe for
// concurrent use.
type DB struct {
	country, asn []*maxminddb.Reader
	datasets     []observation.Dataset
}

// Open opens the dataset directory dir (see Update), checking each file
// against the SHA-256 its manifest records.
func Open(dir string) (*DB, error) {
	raw, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, fmt.Errorf("IP dataset: %w (run vigie data update)", err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("IP dataset %s: %w", filepath.Join(dir, ManifestName), err)
	}
	db := &DB{}
	for _, f := range m.Files {
		path := filepath.Join(dir, filepath.Base(f.Name))
		sum, _, err := fileSHA256(path)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("IP dataset: %w", err)
		}
		if sum != f.SHA256 {
			db.Close()
			return nil, fmt.Errorf("IP dataset: %s has SHA-256 %s, its manifest says %s (run vigie data update)", path, sum, f.SHA256)
		}
		r, err := maxminddb.Open(path)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("IP dataset %s: %w", path, err)
		}
		switch f.Kind {
		case "country":
			db.country = append(db.country, r)
		case "asn":
			db.asn = append(db.asn, r)
		default:
			r.Close()
			db.Close()
			return nil, fmt.Errorf("IP dataset %s: unknown kind %q", path, f.Kind)
		}
		date := f.Built
		if date == "" {
			date = r.Metadata.BuildTime().UTC().Format("2006-01-02")
		}
		db.datasets = append(db.datasets, observation.Dataset{Name: m.Name + "/" + f.Name, Date: date, SHA256: f.SHA256})
	}
	if len(db.country)+len(db.asn) == 0 {
		return nil, fmt.Errorf("IP dataset %s: no file", dir)
	}
	sort.Slice(db.datasets, func(i, j int) bool { return db.datasets[i].Name < db.datasets[j].Name })
	return db, nil
}

// Datasets names the files looked up, with their date and SHA-256.
func (db *DB) Datasets() []observation.Dataset {
	if db == nil {
		return nil
	}
	return append([]observation.Dataset(nil), db.datasets...)
}

// Close releases the files.
func (db *DB) Close() error {
	if db == nil {
		return nil
	}
	var errs []error
	for _, r := range append(append([]*maxminddb.Reader(nil), db.country...), db.asn...) {
		errs = append(errs, r.Close())
	}
	return errors.Join(errs...)
}

// Lookup fills a's AS number and name and country from the dataset;
// fields the dataset does not know stay empty.
func (db *DB) Lookup(ip netip.Addr, a *observation.HostAddress) {
	if db == nil {
		return
	}
	ip = ip.Unmap()
	for _, r := range db.country {
		var rec struct {
			Country string `maxminddb:"country_code"`
		}
		if res := r.Lookup(ip); res.Found() && res.Decode(&rec) == nil && rec.Country != "" {
			a.Country = rec.Country
			break
		}
	}
	for _, r := range db.asn {
		var rec struct {
			ASN  uint32 `maxminddb:"autonomous_system_number"`
			Name string `maxminddb:"autonomous_system_organization"`
		}
		if res := r.Lookup(ip); res.Found() && res.Decode(&rec) == nil && rec.ASN != 0 {
			a.ASN, a.ASName = rec.ASN, rec.Name
			break
		}
	}
}

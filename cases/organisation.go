package cases

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
)

// Organisation is a data controller and the contacts of its data
// protection officer (DPO).
type Organisation struct {
	Name       string
	DPOEmail   string
	DPOAddress string
	DPOForm    string // URL of the DPO's web form
	Parent     string // name of the organisation above it, "" at the top
	Sector     string
	// SiteSuffixes attach sites to the organisation by host suffix
	// ("interieur.gouv.fr" matches www.rhone.interieur.gouv.fr).
	SiteSuffixes []string
}

// csvHeader is the column order of the organisation CSV format.
var csvHeader = []string{"name", "dpo_email", "dpo_address", "dpo_form", "parent", "sector", "site_suffixes"}

// ReadOrganisations parses organisations from CSV with the header
// name,dpo_email,dpo_address,dpo_form,parent,sector,site_suffixes (columns
// in any order; only name is required). Site suffixes are separated by
// spaces or semicolons.
func ReadOrganisations(r io.Reader) ([]Organisation, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("organisations CSV: reading header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := col["name"]; !ok {
		return nil, errors.New("organisations CSV: no name column in header")
	}
	var orgs []Organisation
	seen := map[string]bool{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("organisations CSV: %w", err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		o := Organisation{
			Name: get("name"), DPOEmail: get("dpo_email"), DPOAddress: get("dpo_address"),
			DPOForm: get("dpo_form"), Parent: get("parent"), Sector: get("sector"),
			SiteSuffixes: strings.FieldsFunc(get("site_suffixes"), func(r rune) bool { return r == ' ' || r == ';' }),
		}
		if o.Name == "" {
			return nil, fmt.Errorf("organisations CSV: line %d: empty name", line)
		}
		if seen[o.Name] {
			return nil, fmt.Errorf("organisations CSV: line %d: organisation %q listed twice", line, o.Name)
		}
		seen[o.Name] = true
		orgs = append(orgs, o)
	}
	return orgs, nil
}

// WriteOrganisations writes orgs as CSV in the format ReadOrganisations reads.
func WriteOrganisations(w io.Writer, orgs []Organisation) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, o := range orgs {
		cw.Write([]string{o.Name, o.DPOEmail, o.DPOAddress, o.DPOForm, o.Parent, o.Sector, strings.Join(o.SiteSuffixes, " ")})
	}
	cw.Flush()
	return cw.Error()
}

// Directory looks organisations up by name and by site.
type Directory struct {
	byName map[string]Organisation
	list   []Organisation
}

// NewDirectory indexes orgs by name.
func NewDirectory(orgs []Organisation) *Directory {
	d := &Directory{byName: map[string]Organisation{}, list: orgs}
	for _, o := range orgs {
		d.byName[o.Name] = o
	}
	return d
}

// Lookup returns the organisation named name.
func (d *Directory) Lookup(name string) (Organisation, bool) {
	o, ok := d.byName[name]
	return o, ok
}

// ForSite returns the organisation whose longest site suffix matches the
// host of site, "" when none does.
func (d *Directory) ForSite(site string) string {
	host := site
	if u, err := url.Parse(site); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	host = strings.ToLower(host)
	best, bestLen := "", 0
	for _, o := range d.list {
		for _, s := range o.SiteSuffixes {
			s = strings.ToLower(strings.TrimPrefix(s, "."))
			if (host == s || strings.HasSuffix(host, "."+s)) && len(s) > bestLen {
				best, bestLen = o.Name, len(s)
			}
		}
	}
	return best
}

// Top returns the topmost ancestor of name in the directory (name itself
// when it has no known parent). Cycles stop at the first repeat.
func (d *Directory) Top(name string) string {
	var seen []string
	for {
		o, ok := d.byName[name]
		if !ok || o.Parent == "" || slices.Contains(seen, o.Parent) {
			return name
		}
		seen = append(seen, name)
		name = o.Parent
	}
}

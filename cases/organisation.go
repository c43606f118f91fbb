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
	// SecurityContact is where to report a security flaw (a mailto: or
	// https: URI from the site's security.txt); never the DPO's.
	SecurityContact string
	Parent          string // name of the organisation above it, "" at the top
	Sector          string
	// SiteSuffixes attach sites to the organisation by host suffix
	// ("interieur.gouv.fr" matches www.rhone.interieur.gouv.fr).
	SiteSuffixes []string
	// SiteTags attach sites to the organisation by a tag of the scan input
	// ("prefecture"), when no suffix matches.
	SiteTags []string
}

// csvHeader is the column order of the organisation CSV format.
var csvHeader = []string{"name", "dpo_email", "dpo_address", "dpo_form", "parent", "sector", "site_suffixes", "site_tags", "security_contact"}

// ReadOrganisations parses organisations from CSV with the header
// name,dpo_email,dpo_address,dpo_form,parent,sector,site_suffixes,site_tags,security_contact
// (columns in any order; only name is required). Site suffixes and tags are
// separated by spaces or semicolons.
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
			SiteSuffixes:    strings.FieldsFunc(get("site_suffixes"), isListSep),
			SiteTags:        strings.FieldsFunc(get("site_tags"), isListSep),
			SecurityContact: get("security_contact"),
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
		cw.Write([]string{o.Name, o.DPOEmail, o.DPOAddress, o.DPOForm, o.Parent, o.Sector, strings.Join(o.SiteSuffixes, " "), strings.Join(o.SiteTags, " "), o.SecurityContact})
	}
	cw.Flush()
	return cw.Error()
}

func isListSep(r rune) bool { return r == ' ' || r == ';' }

// Directory looks organisations up by name and by site.
type Directory struct {
	byName   map[string]Organisation
	list     []Organisation
	siteTags map[string][]string
}

// WithSiteTags tells the directory the tags each site had in the scan
// input (site URL to tags), for organisations attached by tag.
func (d *Directory) WithSiteTags(tags map[string][]string) *Directory {
	d.siteTags = tags
	return d
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
// host of site, else the first organisation with a tag the site has, ""
// when none does.
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
	if best != "" {
		return best
	}
	for _, o := range d.list {
		for _, t := range o.SiteTags {
			for _, st := range d.siteTags[site] {
				if strings.EqualFold(t, st) {
					return o.Name
				}
			}
		}
	}
	return ""
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

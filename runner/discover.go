package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"vigie/cases"
	"vigie/dpocontact"
	"vigie/fetch"
)

// DiscoverOptions are the settings of `vigie organisation discover`.
type DiscoverOptions struct {
	DB    string
	Sites []string
	// Organisation is the directory entry the contacts are proposed for
	// (one site only); by default, the organisation the directory
	// attaches the site to.
	Organisation string
	Fetch        fetch.Options
	// Save saves the proposals without asking (--yes).
	Save bool
	// Confirm asks the user whether to save a proposal; nil when nobody
	// can answer (not a terminal): then only Save saves.
	Confirm func(question string) bool
	Stdout  io.Writer
}

// OrganisationDiscover looks on each site for its DPO's contact (see
// dpocontact.Discover), prints what it found with the URL each contact
// came from, and proposes the first email, postal address and form found
// for the organisation's directory entry. Nothing is saved unless the
// user confirms or Save is set.
func OrganisationDiscover(ctx context.Context, o DiscoverOptions) ([]*dpocontact.Result, error) {
	if len(o.Sites) == 0 {
		return nil, errors.New("discover needs at least one site (URL or host name)")
	}
	if o.Organisation != "" && len(o.Sites) > 1 {
		return nil, errors.New("--organisation names the entry of one site: give one site, or let the directory attach each site")
	}
	st, cs, err := openCases(ctx, o.DB)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	client, err := fetch.New(o.Fetch)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	w := o.Stdout
	if w == nil {
		w = io.Discard
	}
	var results []*dpocontact.Result
	for _, site := range o.Sites {
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
		r := dpocontact.Discover(ctx, client, site, dpocontact.Options{})
		results = append(results, r)
		fmt.Fprintf(w, "%s\n", site)
		if r.Error != "" {
			fmt.Fprintf(w, "  could not be examined: %s\n", r.Error)
			continue
		}
		if len(r.Contacts) == 0 {
			fmt.Fprintf(w, "  no DPO contact found on %d pages (%s)\n", len(r.Pages), strings.Join(r.Pages, " "))
		}
		for _, c := range r.Contacts {
			fmt.Fprintf(w, "  %-7s  %s\n           from %s\n", c.Kind, c.Value, strings.Join(c.URLs, " "))
			if c.Context != "" {
				fmt.Fprintf(w, "           %q\n", c.Context)
			}
		}
		for _, c := range r.SecurityContacts {
			fmt.Fprintf(w, "  security team (security.txt, not the DPO's): %s\n", c)
		}
		if len(r.Contacts) == 0 && len(r.SecurityContacts) == 0 {
			continue
		}
		if err := proposeContact(ctx, cs, o, site, r, w); err != nil {
			return results, err
		}
	}
	return results, nil
}

// proposeContact proposes r's contacts for the site's directory entry and
// saves them when confirmed.
func proposeContact(ctx context.Context, cs cases.Store, o DiscoverOptions, site string, r *dpocontact.Result, w io.Writer) error {
	orgs, err := cs.Organisations(ctx)
	if err != nil {
		return err
	}
	dir := cases.NewDirectory(orgs)
	name := o.Organisation
	if name == "" {
		name = dir.ForSite(r.Entry)
	}
	if name == "" {
		fmt.Fprintf(w, "  not saved: no organisation of the directory claims %s; give --organisation NAME\n", site)
		return nil
	}
	org, known := dir.Lookup(name)
	org.Name = name
	next := org
	for _, f := range []struct {
		field *string
		kind  string
	}{{&next.DPOEmail, dpocontact.KindEmail}, {&next.DPOAddress, dpocontact.KindAddress}, {&next.DPOForm, dpocontact.KindForm}} {
		if v := r.First(f.kind); v != "" {
			*f.field = v
		}
	}
	if len(r.SecurityContacts) > 0 {
		next.SecurityContact = r.SecurityContacts[0]
	}
	if next.DPOEmail == org.DPOEmail && next.DPOAddress == org.DPOAddress && next.DPOForm == org.DPOForm && next.SecurityContact == org.SecurityContact {
		fmt.Fprintf(w, "  the directory entry of %q already has these contacts\n", name)
		return nil
	}
	verb := "update"
	if !known {
		verb = "create"
	}
	fmt.Fprintf(w, "  proposed: %s the directory entry of %q:\n", verb, name)
	for _, c := range [][3]string{{"dpo_email", org.DPOEmail, next.DPOEmail}, {"dpo_address", org.DPOAddress, next.DPOAddress},
		{"dpo_form", org.DPOForm, next.DPOForm}, {"security_contact", org.SecurityContact, next.SecurityContact}} {
		if c[1] != c[2] {
			if c[1] == "" {
				c[1] = "(none)"
			}
			fmt.Fprintf(w, "    %-11s  %s  →  %s\n", c[0], c[1], c[2])
		}
	}
	save := o.Save
	if !save && o.Confirm != nil {
		save = o.Confirm("  save to the directory? [y/N] ")
	}
	if !save {
		fmt.Fprintln(w, "  not saved (confirm on a terminal, or add --yes)")
		return nil
	}
	if err := cs.PutOrganisation(ctx, next); err != nil {
		return err
	}
	fmt.Fprintf(w, "  saved: %q\n", name)
	return nil
}

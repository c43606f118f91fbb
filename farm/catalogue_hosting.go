package farm

// Sites for the hosting checks (where the data lives). Each names, in
// Zone, the DNS records of its domain: public addresses of well-known
// providers, as data only. A test serves these zones from a real DNS
// server (see Farm.Zones) and routes every connection to the farm with
// --connect-to, inside a network namespace of its own; the hosting
// findings are then expected (exp.dns). Without those zones, as in every
// other farm test, the sites give no hosting finding at all.
//
// The fixture dataset (vigie/hosting/hostingtest) places the addresses:
// 51.91.0.0/16 OVH (FR, HDS-listed), 88.198.0.0/16 Hetzner (DE, not
// listed), 104.16.0.0/13 Cloudflare (CDN), 159.89.0.0/16 DigitalOcean
// (US), 128.199.0.0/16 DigitalOcean (SG), 212.27.32.0/19 Free (FR, a
// network no provider list names).
func init() {
	catalogue = append(catalogue,
		archetype{
			// Health data on a certified host: nothing to say.
			ID: "hosting-hds", Domain: "centre-sante-oyonnax.test", Input: "https://www.{D}/",
			Org: "Centre de santé d'Oyonnax", Tags: []string{"sante", "dept:01"},
			Layout: "moderne", Shared: "health-http",
			Hosts: []hostSpec{secure("www")},
			Zone:  []string{"www A 51.91.20.30", "www AAAA 2001:41d0:304::20"},
		},
		archetype{
			// The Francetest case: a health form on a host absent from
			// the HDS list.
			ID: "hosting-non-hds", Domain: "cabinet-sante-bourg.test", Input: "https://www.{D}/",
			Org: "Maison de santé de Bourg", Tags: []string{"sante", "dept:01"},
			Layout: "moderne", Shared: "health-http",
			Hosts:  []hostSpec{secure("www")},
			Zone:   []string{"www A 88.198.20.30"},
			Expect: dnsOnly(site(CheckHealthNonHDS, "https://www.{D}/")),
		},
		archetype{
			// A hospital (health-sector tags) whose contact form asks who
			// writes and why, on a host absent from the HDS list.
			ID: "hosting-sector", Domain: "ch-nantua.test", Input: "https://www.{D}/",
			Org: "Centre hospitalier de Nantua", Tags: []string{"sante", "hopital", "dept:01"},
			Layout: "moderne", Shared: "mairie",
			Hosts:  []hostSpec{secure("www")},
			Zone:   []string{"www A 88.198.20.31"},
			Expect: dnsOnly(site(CheckHealthNonHDS, "https://www.{D}/")),
		},
		archetype{
			// Health data behind a CDN (Cloudflare's addresses and Server
			// header): the origin is hidden, no verdict.
			ID: "hosting-cdn", Domain: "laboratoire-gex.test", Input: "https://www.{D}/",
			Org: "Laboratoire d'analyses de Gex", Tags: []string{"sante", "dept:01"},
			Layout: "moderne", Shared: "health-http",
			Hosts: []hostSpec{func() hostSpec { h := secure("www"); h.Server = "cloudflare"; return h }()},
			Zone:  []string{"www A 104.16.20.30", "www A 104.16.20.31"},
		},
		archetype{
			// A contact form on a server in Singapore: a note.
			ID: "hosting-outside", Domain: "club-randonnee-bugey.test", Input: "https://www.{D}/",
			Org: "Club de randonnée du Bugey", Tags: []string{"association", "dept:01"},
			Layout: "moderne", Shared: "mairie",
			Hosts:  []hostSpec{secure("www")},
			Zone:   []string{"www A 128.199.20.30"},
			Expect: dnsOnly(site(CheckOutsideEEA, "https://www.{D}/")),
		},
		archetype{
			// Health data in the United States, on a host absent from the
			// HDS list: both findings.
			ID: "hosting-us-health", Domain: "teleconsultation-ain.test", Input: "https://www.{D}/",
			Org: "Téléconsultation de l'Ain", Tags: []string{"sante", "dept:01"},
			Layout: "moderne", Shared: "health-http",
			Hosts:  []hostSpec{secure("www")},
			Zone:   []string{"www A 159.89.20.30"},
			Expect: dnsOnly(site(CheckHealthNonHDS, "https://www.{D}/"), site(CheckOutsideEEA, "https://www.{D}/")),
		},
		archetype{
			// Look-alike: a town hall's contact form (no health data) on
			// the same uncertified host, in the EEA.
			ID: "hosting-lookalike-eea", Domain: "mairie-hauteville.test", Input: "https://www.{D}/",
			Org: "Ville de Hauteville", Tags: []string{"commune", "dept:01"},
			Layout: "moderne", Shared: "mairie",
			Hosts: []hostSpec{secure("www")},
			Zone:  []string{"www A 88.198.20.32"},
		},
		archetype{
			// Look-alike: a brochure site (no personal-data form) in the
			// United States.
			ID: "hosting-lookalike-nodata", Domain: "rando-valserine.test", Input: "https://www.{D}/",
			Org: "Sentiers de la Valserine", Tags: []string{"association", "dept:01"},
			Layout: "moderne", Shared: "hosting-vitrine",
			Hosts: []hostSpec{secure("www")},
			Zone:  []string{"www A 159.89.20.31"},
		},
		archetype{
			// Look-alike: a health form on a network no list names (in
			// France): the provider is unknown, so no HDS verdict.
			ID: "hosting-lookalike-unknown", Domain: "infirmiers-belley.test", Input: "https://www.{D}/",
			Org: "Cabinet infirmier de Belley", Tags: []string{"sante", "dept:01"},
			Layout: "moderne", Shared: "health-http",
			Hosts: []hostSpec{secure("www")},
			Zone:  []string{"www A 212.27.40.30"},
		},
	)
}

// dnsOnly marks expectations that hold only when the farm's zones are
// served by DNS and the scan looks hosting up there.
func dnsOnly(groups ...[]exp) []exp {
	out := expects(groups...)
	for i := range out {
		out[i].dns = true
	}
	return out
}

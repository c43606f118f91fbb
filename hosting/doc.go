// Package hosting tells where a site's data lives: the addresses DNS gives
// for its host (with the CNAME chain, NS and MX answers kept as evidence),
// the autonomous system and country of each address from open IP datasets
// (MMDB files of sapics' ip-location-db, read with maxminddb), the
// provider those and the response headers, CNAME suffixes and certificate
// issuer point to, whether a CDN hides the origin, the jurisdiction
// (European Economic Area, adequacy decision, outside) and whether the
// provider is on the list of certified health-data hosts (HDS).
//
// The lists it judges with are data shipped beside the code, each with its
// sources and date: data/providers.json, data/hds.json (replaceable with
// --hds-list), data/jurisdictions.json and data/sources.json (where `vigie
// data update` fetches the datasets). Nothing here decides whether a site
// fails: the hosting.* checks do, from the observation.Hosting it makes.
package hosting

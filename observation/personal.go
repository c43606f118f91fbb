package observation

// PersonalData summarises the personal data detected in one response body
// (see package vigie/pii/detect). It never holds a value in clear: each
// sample keeps its category, a salted hash and a masked form.
type PersonalData struct {
	// Counts maps a personal-data category (contact, birth, national-id,
	// financial, health, political...) to the number of distinct values
	// found; for special categories the values are the distinct keywords.
	Counts map[string]int `json:"counts,omitempty"`
	// Distinct maps a detector kind (email, phone, nir, iban, card, birth,
	// address, ip, health...) to the number of distinct personal values.
	Distinct map[string]int `json:"distinct,omitempty"`
	// People estimates how many distinct people the body is about: the
	// largest number of distinct personal e-mail addresses, national
	// identifiers, bank accounts, cards, mobile numbers or birth dates.
	People int `json:"people"`
	// Kinds lists the detector kinds of the personal values, sorted.
	Kinds []string `json:"kinds,omitempty"`
	// Organisation maps a kind to the number of distinct values that are
	// the organisation's own data, not personal: its SIREN and SIRET, the
	// e-mail addresses on its own domain or of a role (contact@, dpo@,
	// mairie@...), and the phones and addresses that go with them.
	Organisation map[string]int `json:"organisation,omitempty"`
	// Samples are a bounded selection of the personal values, masked.
	Samples []PersonalMatch `json:"samples,omitempty"`
}

// PersonalMatch is one detected personal value, masked.
type PersonalMatch struct {
	// Kind is the detector that found it: email, phone, nir, iban, card,
	// birth, address, ip, or a special category keyword (health...).
	Kind string `json:"kind"`
	// Category is the personal-data category (see package pii).
	Category string `json:"category"`
	// Masked shows enough to recognise the value's shape, e.g.
	// "j***@e***.fr" or "06 ** ** ** 78".
	Masked string `json:"masked"`
	// Hash is the hex SHA-256 of the scan's salt and the normalised value,
	// so that the same value can be recognised across pages of one scan;
	// empty when no salt was given.
	Hash string `json:"hash,omitempty"`
}

// Has reports whether the summary holds any personal value.
func (p *PersonalData) Has() bool { return p != nil && len(p.Kinds) > 0 }

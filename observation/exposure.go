package observation

// PageExposure is what a page is published as, for the exposure checks:
// the difference between a record about people and what an organisation
// or a project publishes on purpose.
type PageExposure struct {
	// Attribution is set when the page or file credits people as authors,
	// maintainers, copyright holders or contributors (a copyright file,
	// AUTHORS, CREDITS, a changelog, a credits page): their names and
	// addresses are published attribution, not records about them. It
	// names what showed it: "name" (the file's or page's name), "title"
	// (its title or first heading) or "content" (most addresses sit on
	// copyright, author or maintainer lines).
	Attribution string `json:"attribution,omitempty"`
	// Contacts is set when the page's title or first heading announces
	// the contacts an organisation publishes on purpose (press contacts,
	// an organisation chart): "title".
	Contacts string `json:"contacts,omitempty"`
	// Special lists the special categories (GDPR art. 9) that the record
	// fields of a page about one person name (a "Pathologie" row, a
	// party membership), by category; set only for pages that identify
	// one person by a birth date, a NIR, an IBAN or a card number.
	Special map[string][]string `json:"special,omitempty"`
	// BirthInProse is set when the dates of birth an HTML page shows are
	// all in running text (a birth announcement, a biography, an
	// obituary), none in a record's fields (a table, a definition list,
	// a "Date de naissance :" field).
	BirthInProse bool `json:"birth_in_prose,omitempty"`
}

package observation

// Notice is what a page says about the processing of personal data, read
// by package notice: whether the page is an information notice (GDPR
// art. 13) and which of its elements it states, the short notices next to
// its forms, its links to notice pages, and the retention periods it
// states.
type Notice struct {
	// IsNotice is set when the page's own text, cookies aside, informs
	// people about the processing of their personal data; Elements are
	// then the art. 13 elements it states (notice.Controller...).
	IsNotice bool     `json:"is_notice,omitempty"`
	Elements []string `json:"elements,omitempty"`
	// CookieOnly is set when the page speaks of personal data only about
	// cookies and trackers: a cookie policy, no form's notice.
	CookieOnly bool `json:"cookie_only,omitempty"`
	// DPOContact is set when the page gives a contact of the data
	// protection officer (see package dpocontact).
	DPOContact bool `json:"dpo_contact,omitempty"`
	// Retention are the retention statements of the page's notice text.
	Retention []RetentionStatement `json:"retention,omitempty"`
	// Links are the page's links to candidate notice pages ("Données
	// personnelles", "Mentions légales", "Privacy"...), absolute, without
	// fragment, first occurrence only.
	Links []string `json:"links,omitempty"`
	// Forms are the short notices next to the page's forms (inside the
	// form, or right before or after it), by form index.
	Forms []FormNotice `json:"forms,omitempty"`
}

// FormNotice is the notice text next to one form.
type FormNotice struct {
	// Form is the form's index among the page's forms.
	Form int `json:"form"`
	// IsNotice is set when the text next to the form informs about the
	// processing of personal data; Elements are the art. 13 elements it
	// states.
	IsNotice  bool                 `json:"is_notice,omitempty"`
	Elements  []string             `json:"elements,omitempty"`
	Retention []RetentionStatement `json:"retention,omitempty"`
}

// RetentionStatement is a sentence saying how long personal data are
// kept.
type RetentionStatement struct {
	// Sentence is the sentence as the page states it, personal data
	// masked.
	Sentence string `json:"sentence"`
	// Days is the first duration the sentence states, in days (a year is
	// 365 days, a month 30); 0 when it states none.
	Days int `json:"days,omitempty"`
	// Unlimited is set when the sentence says the data are kept without
	// limit ("sans limitation de durée", "indefinitely").
	Unlimited bool `json:"unlimited,omitempty"`
	// Criterion is set when the sentence gives no duration but a
	// criterion that fixes one ("jusqu'à la clôture de votre compte").
	Criterion bool `json:"criterion,omitempty"`
	// Vague is set when it says only "as long as necessary", which
	// states no period (see package notice).
	Vague bool `json:"vague,omitempty"`
	// Topic is what the data kept are about when the sentence or its
	// heading says so: "contact", "newsletter", "recruitment", "" for
	// none.
	Topic string `json:"topic,omitempty"`
	// URL is the page the sentence was read on.
	URL string `json:"url"`
}

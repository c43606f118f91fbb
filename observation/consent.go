package observation

// Consent is what the browser-mode consent pass saw on a site's entry
// page, once per site: the consent banners shown to a first-time visitor,
// their controls, and what happened in two fresh browser contexts (no
// cookie, no storage) after a visitor refused, and after one accepted.
// The only interaction is clicking the banner's own controls.
type Consent struct {
	// URL is the entry page the pass loaded.
	URL string `json:"url"`
	// Managers names the consent-management APIs the page defines
	// (tarteaucitron, klaro, orejime, cookieconsent, didomi, onetrust,
	// cookiebot, axeptio), TCF whether it defines the IAB TCF API
	// (__tcfapi), TCFCmpID the CMP's registered ID when it answered.
	Managers []string `json:"managers,omitempty"`
	TCF      bool     `json:"tcf,omitempty"`
	TCFCmpID int      `json:"tcf_cmp_id,omitempty"`
	// Banners are the consent banners visible after the page loaded, in
	// document order.
	Banners []Banner `json:"banners,omitempty"`
	// Refusal and Acceptance are the two visits; nil when the pass could
	// not find the control to click.
	Refusal    *ConsentVisit `json:"refusal,omitempty"`
	Acceptance *ConsentVisit `json:"acceptance,omitempty"`
	// Screenshot is a PNG of the page with its banner as first shown,
	// personal data blacked out as in Rendering.Screenshot; only its
	// digest reaches reports.
	Screenshot         []byte `json:"-"`
	ScreenshotDigest   string `json:"screenshot_digest,omitempty"`
	ScreenshotMasked   int    `json:"screenshot_masked,omitempty"`
	ScreenshotUnmasked string `json:"screenshot_unmasked,omitempty"`
	// Error is set when the pass failed (page did not load, timeout); the
	// consent checks then say nothing.
	Error string `json:"error,omitempty"`
}

// Banner is one consent banner.
type Banner struct {
	// Manager is the consent manager recognised by its markup
	// (tarteaucitron, klaro, orejime, cookieconsent, didomi, onetrust,
	// cookiebot, axeptio), or "generic" for a dialog whose text speaks of
	// cookies and which offers to accept them.
	Manager string `json:"manager"`
	// Text is the beginning of the banner's text.
	Text string `json:"text,omitempty"`
	// Width and Height are its size in CSS pixels.
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	// Controls are the visible controls of the first layer.
	Controls []Control `json:"controls"`
	// SecondLayer are the controls visible after clicking the first
	// layer's settings control ("Personnaliser"), when it was explored.
	SecondLayer []Control `json:"second_layer,omitempty"`
	// AcceptClicks and RefuseClicks count the clicks a visitor needs to
	// accept and to refuse: 1 on the first layer, 2 through the settings
	// layer, 0 when no such control was found.
	AcceptClicks int `json:"accept_clicks"`
	RefuseClicks int `json:"refuse_clicks"`
}

// Control roles.
const (
	ControlAccept   = "accept"
	ControlRefuse   = "refuse"
	ControlSettings = "settings"
	ControlClose    = "close"
	ControlOther    = "other"
)

// Control is one clickable element of a banner, with what decides its
// visual weight.
type Control struct {
	// Role is one of the Control* constants.
	Role string `json:"role"`
	// Text is the visible label, Aria the aria-label or title.
	Text string `json:"text,omitempty"`
	Aria string `json:"aria,omitempty"`
	// Tag is the element's name; Kind is "button" (a button element, or
	// anything filled or bordered like one), "link" or "text".
	Tag  string `json:"tag"`
	Kind string `json:"kind"`
	// Box in CSS pixels.
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	// FontSize in CSS pixels, FontWeight (400 normal, 700 bold).
	FontSize   float64 `json:"font_size"`
	FontWeight int     `json:"font_weight"`
	// Color is the text colour and Background the colour behind it,
	// composed over white; Contrast their WCAG contrast ratio.
	Color      string  `json:"color"`
	Background string  `json:"background"`
	Contrast   float64 `json:"contrast"`
	// Filled: the control has a background of its own, distinct from the
	// banner's; Bordered: it has a visible border.
	Filled   bool `json:"filled,omitempty"`
	Bordered bool `json:"bordered,omitempty"`
	// Navigates is true for a link to another page: the pass never
	// follows one to explore a second layer.
	Navigates bool `json:"navigates,omitempty"`
	// Index is the control's position in the list the page script kept;
	// it means nothing outside one visit.
	Index int `json:"index"`
}

// Area is the control's box area in square CSS pixels.
func (c Control) Area() float64 { return c.Width * c.Height }

// ConsentVisit is one visitor's choice on the banner, made in a fresh
// browser context.
type ConsentVisit struct {
	// Choice is ControlAccept or ControlRefuse.
	Choice string `json:"choice"`
	// Clicked lists the labels of the controls clicked, in order.
	Clicked []string `json:"clicked"`
	// Requests are the requests sent after the last click: while the
	// page settled, then while it was loaded again (as a visitor going on
	// browsing would).
	Requests []Request `json:"requests,omitempty"`
	// CookiesBefore are the cookies held just before the first click;
	// Cookies those held at the end of the visit.
	CookiesBefore []Cookie `json:"cookies_before,omitempty"`
	Cookies       []Cookie `json:"cookies,omitempty"`
	// Storage lists the top document's Web Storage entries at the end of
	// the visit; StorageBefore those just before the first click.
	StorageBefore []StorageItem `json:"storage_before,omitempty"`
	Storage       []StorageItem `json:"storage,omitempty"`
	// Error is set when the visit did not complete (the control vanished,
	// the page did not load again); what was seen until then stands.
	Error string `json:"error,omitempty"`
}

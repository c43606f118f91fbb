// Package transparency holds the checks on the information given to people
// whose personal data a site collects (GDPR art. 12, 13, 5(1)(e), 37(7)):
// transparency.no-notice, transparency.notice-incomplete,
// transparency.retention-unlimited and transparency.no-dpo-contact. It
// reads what package notice observed on each page during the crawl.
//
// A form's notice is the text next to it, or a page its page links to
// whose link or URL names a notice ("Données personnelles", "Mentions
// légales", "Privacy"...), or both (a short notice with a link to the full
// policy): the elements stated by any of them count. A candidate page the
// crawl could not fetch (a timeout, a server error, 401 or 403, or past
// the budget) leaves the form unexamined: no finding, never a failure. A
// candidate that answers 404 or 410 was examined and holds no notice.
//
// Log-in forms (a user name and a password, nothing else) and account
// recovery forms (a user name or an e-mail address, under words such as
// "mot de passe oublié", "reset password") are left out: GDPR art. 13
// applies when data are obtained, and they obtain nothing new: the
// account's data were collected, and the notice due, at sign-up, which is
// a form of its own and is checked. Forms in frames
// (browser mode) are left out too: their notice would be in the frame's
// document, which is not read.
package transparency

import (
	_ "embed"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"vigie/check"
	"vigie/check/form"
	"vigie/finding"
	"vigie/notice"
	"vigie/observation"
	"vigie/pii"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("transparency", catalogue, run) }

// Limit is the longest retention accepted for a purpose of forms, with
// the published guidance it comes from.
type Limit struct {
	Days   int
	Source string
}

// Limits are the default retention limits per purpose of a form; a scan
// overrides them with observation.Site.RetentionLimits (vigie scan
// --retention-limit contact=3y). A purpose without a limit is judged on
// unlimited retention only.
var Limits = map[string]Limit{
	notice.PurposeContact:     {3 * 365, "CNIL, référentiel relatif aux traitements de données à caractère personnel mis en œuvre dans le cadre de la gestion des activités commerciales (2021) : données d'un contact ou prospect conservées au plus 3 ans à compter du dernier contact"},
	notice.PurposeNewsletter:  {3 * 365, "CNIL, référentiel gestion des activités commerciales (2021) : prospection, 3 ans à compter de la collecte ou du dernier contact émanant de la personne"},
	notice.PurposeRecruitment: {2 * 365, "CNIL, référentiel relatif aux traitements de données à caractère personnel mis en œuvre aux fins de gestion du recrutement (2023) : candidature non retenue conservée au plus 2 ans après le dernier contact, avec l'accord de la personne"},
}

func run(site *observation.Site, r *check.Reporter) {
	pages := map[string]*observation.Page{}
	for i := range site.Pages {
		p := &site.Pages[i]
		pages[finding.NormaliseURL(p.URL)] = p
		if p.FinalURL != "" {
			pages[finding.NormaliseURL(p.FinalURL)] = p
		}
	}
	t := &transparency{site: site, r: r, pages: pages, reported: map[string]bool{}}
	for i := range site.Pages {
		p := &site.Pages[i]
		if p.Error != "" || p.Notice == nil {
			continue
		}
		for j := range p.Forms {
			t.form(p, &p.Forms[j])
		}
		if p.Notice.IsNotice {
			for _, st := range p.Notice.Retention {
				if st.Unlimited {
					t.retention(st, "", nil)
				}
			}
		}
	}
	t.dpo()
}

type transparency struct {
	site  *observation.Site
	r     *check.Reporter
	pages map[string]*observation.Page
	// reported holds the retention statements reported (page and
	// sentence): one finding per statement.
	reported map[string]bool
}

// Examination of a candidate page.
const (
	examined = iota
	absent   // 404 or 410: examined, nothing there
	unexamined
)

// candidate returns the fetched page of a candidate link and how far it
// was examined.
func (t *transparency) candidate(link string) (*observation.Page, int) {
	p := t.pages[finding.NormaliseURL(link)]
	switch {
	case p == nil || p.Error != "":
		return nil, unexamined
	case p.Status == 404 || p.Status == 410:
		return p, absent
	case p.Status >= 200 && p.Status < 400 && p.Notice != nil:
		return p, examined
	}
	return nil, unexamined
}

// loginOnly reports whether a personal form only asks for credentials.
func loginOnly(v pii.Verdict) bool {
	return len(v.Categories) == 1 && v.Categories[0] == "credentials"
}

// recoveryRe names an account recovery form by its words: "Mot de passe
// oublié", "Réinitialiser", "Reset password", "Forgot your password?".
var recoveryRe = regexp.MustCompile(` (oublie|oubliee|reinitialiser|reinitialisation|reset|forgot|forgotten|lost|recover|recovery|perdu|retrouver) `)

// recovery reports whether a form asks only for an account's identifier
// (a user name, an e-mail address) to recover the account: like a log-in
// form, it obtains nothing new about the person.
func recovery(pageURL string, f *observation.Form, v pii.Verdict) bool {
	for _, c := range v.Categories {
		if c != "credentials" && c != "contact" {
			return false
		}
	}
	words := pageURL + " " + f.Label + " " + f.Action + " " + strings.Join(f.Buttons, " ")
	return recoveryRe.MatchString(" " + pii.Normalise(words) + " ")
}

func pageURL(p *observation.Page) string {
	if p.FinalURL != "" {
		return p.FinalURL
	}
	return p.URL
}

// form judges the notice of one form of page p.
func (t *transparency) form(p *observation.Page, f *observation.Form) {
	if f.Frame != "" {
		return
	}
	v := pii.CollectsPersonalData(f)
	if !v.Personal || loginOnly(v) || recovery(pageURL(p), f, v) {
		return
	}
	var near *observation.FormNotice
	for i := range p.Notice.Forms {
		if p.Notice.Forms[i].Form == f.Index {
			near = &p.Notice.Forms[i]
		}
	}
	has := map[string]bool{}
	var sources []string
	var statements []observation.RetentionStatement
	if near != nil {
		if near.IsNotice {
			sources = append(sources, pageURL(p))
			for _, e := range near.Elements {
				has[e] = true
			}
		}
		// What the text next to the form says of retention is about
		// the form.
		statements = append(statements, near.Retention...)
	}
	open := false // a candidate could not be examined
	purpose := notice.FormPurpose(pageURL(p), f)
	for _, l := range p.Notice.Links {
		cp, state := t.candidate(l)
		if state == unexamined {
			open = true
			continue
		}
		if state == absent || !cp.Notice.IsNotice {
			continue
		}
		sources = append(sources, pageURL(cp))
		for _, e := range cp.Notice.Elements {
			has[e] = true
		}
		if cp.Notice.DPOContact {
			has[notice.DPO] = true
		}
		// A linked policy's statement is about the form when it names
		// the form's purpose.
		for _, st := range cp.Notice.Retention {
			if st.Unlimited || (purpose != "" && st.Topic == purpose) {
				statements = append(statements, st)
			}
		}
	}
	loc := form.Signature(f)
	detail := map[string]any{
		"form_action":     f.Action,
		"method":          f.Method,
		"form_index":      f.Index,
		"categories":      v.Categories,
		"personal_reason": v.Reason,
		"notice_links":    p.Notice.Links,
	}
	switch {
	case len(sources) == 0 && !open:
		t.r.Report(check.Issue{Check: "transparency.no-notice", URL: pageURL(p), Location: "notice:" + loc, Detail: detail, Grouped: true})
	case len(sources) > 0:
		var missing, fr, en []string
		for _, e := range notice.Elements {
			// The DPO's contact is due only where a DPO must be
			// designated (art. 13(1)(b), "where applicable"): for a
			// public body; and a public body that publishes it nowhere
			// is one defect, transparency.no-dpo-contact.
			if e == notice.DPO && (!t.site.Public || !t.dpoKnown()) {
				continue
			}
			if !has[e] {
				missing = append(missing, e)
				fr = append(fr, notice.Label(e, "fr"))
				en = append(en, notice.Label(e, "en"))
			}
		}
		// An unexamined candidate may hold what is missing.
		// One incomplete notice is one defect, whatever the number of
		// forms it serves: the finding is keyed by the notice's pages.
		if len(missing) > 0 && !open {
			d := clone(detail)
			d["missing"], d["missing_fr"], d["missing_en"] = missing, fr, en
			d["notice_pages"] = uniq(sources)
			t.r.Report(check.Issue{Check: "transparency.notice-incomplete", URL: pageURL(p),
				Location: "notice-pages:" + strings.Join(uniq(sources), " "), Detail: d, Grouped: true})
		}
	}
	for _, st := range statements {
		t.retention(st, purpose, f)
	}
}

// dpoKnown reports whether the site gives its DPO's contact anywhere.
func (t *transparency) dpoKnown() bool {
	if t.site.DPOContact != "" {
		return true
	}
	for _, p := range t.site.Pages {
		if p.Error == "" && p.Notice != nil && p.Notice.DPOContact {
			return true
		}
	}
	return false
}

// retention reports a retention statement that keeps data without limit,
// or, for a form of a purpose with a limit, longer than the limit.
func (t *transparency) retention(st observation.RetentionStatement, purpose string, f *observation.Form) {
	d := map[string]any{"sentence": st.Sentence, "page": st.URL}
	switch {
	case st.Unlimited:
		d["unlimited"] = true
	case st.Days > 0 && f != nil:
		lim, ok := t.limit(purpose)
		if !ok || st.Days <= lim.Days {
			return
		}
		d["days"], d["purpose"], d["limit_days"], d["limit_source"] = st.Days, purpose, lim.Days, lim.Source
		d["form_action"] = f.Action
	default:
		return
	}
	key := finding.NormaliseURL(st.URL) + "\x00" + st.Sentence
	if t.reported[key] {
		return
	}
	t.reported[key] = true
	t.r.Report(check.Issue{Check: "transparency.retention-unlimited", URL: st.URL,
		Location: "retention:" + finding.NormaliseURL(st.URL) + "#" + st.Sentence, Detail: d})
}

// limit returns the retention limit for a purpose: the scan's, else the
// default.
func (t *transparency) limit(purpose string) (Limit, bool) {
	if purpose == "" {
		return Limit{}, false
	}
	if d, ok := t.site.RetentionLimits[purpose]; ok && d > 0 {
		return Limit{Days: d, Source: "vigie scan --retention-limit"}, true
	}
	l, ok := Limits[purpose]
	return l, ok
}

// dpo reports a public body's site that gives its DPO's contact nowhere:
// on no page the crawl fetched, when every candidate notice page linked
// from them was examined and at least one was.
func (t *transparency) dpo() {
	if !t.site.Public || t.dpoKnown() {
		return
	}
	var links []string
	for _, p := range t.site.Pages {
		if p.Notice == nil || p.Error != "" {
			continue
		}
		for _, l := range p.Notice.Links {
			if !slices.Contains(links, l) && sameSite(l, t.site.Host) {
				links = append(links, l)
			}
		}
	}
	var seen []string
	for _, l := range links {
		cp, state := t.candidate(l)
		if state == unexamined {
			return
		}
		if state == examined {
			seen = append(seen, pageURL(cp))
		}
	}
	if len(seen) == 0 {
		return
	}
	sort.Strings(seen)
	t.r.Report(check.Issue{Check: "transparency.no-dpo-contact", URL: t.site.URL, Location: "dpo:" + finding.NormaliseURL(t.site.URL),
		Detail: map[string]any{"notice_pages": uniq(seen), "public_because": publicBecause(t.site)}})
}

// sameSite reports whether a link's host is the site's host or under the
// same parent: pages elsewhere were never the crawl's to fetch.
func sameSite(link, host string) bool {
	u, err := url.Parse(link)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	host = strings.ToLower(host)
	return h == host || strings.HasSuffix(h, "."+strings.TrimPrefix(host, "www.")) || strings.TrimPrefix(h, "www.") == strings.TrimPrefix(host, "www.")
}

func publicBecause(site *observation.Site) string {
	if len(site.Tags) > 0 {
		return fmt.Sprintf("tags %s, or the organisation directory", strings.Join(site.Tags, ", "))
	}
	return "the organisation directory"
}

func clone(d map[string]any) map[string]any {
	out := make(map[string]any, len(d)+4)
	for k, v := range d {
		out[k] = v
	}
	return out
}

func uniq(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return slices.Compact(out)
}

// ParseLimit reads a retention limit of the form PURPOSE=DURATION
// ("contact=3y", "newsletter=36m", "recruitment=730d"): the purpose of
// a form (contact, newsletter, recruitment) and a duration in years (y),
// months (m, 30 days) or days (d). It returns the purpose and the days.
func ParseLimit(s string) (purpose string, days int, err error) {
	purpose, dur, ok := strings.Cut(s, "=")
	purpose = strings.ToLower(strings.TrimSpace(purpose))
	dur = strings.ToLower(strings.TrimSpace(dur))
	if !ok || purpose == "" || len(dur) < 2 {
		return "", 0, fmt.Errorf("retention limit %q: want PURPOSE=DURATION, e.g. contact=3y", s)
	}
	if _, known := Limits[purpose]; !known {
		return "", 0, fmt.Errorf("retention limit %q: unknown purpose %q (contact, newsletter, recruitment)", s, purpose)
	}
	n, err := strconv.Atoi(dur[:len(dur)-1])
	if err != nil || n <= 0 || n > 100000 {
		return "", 0, fmt.Errorf("retention limit %q: bad duration %q", s, dur)
	}
	switch dur[len(dur)-1] {
	case 'y':
		return purpose, n * 365, nil
	case 'm':
		return purpose, n * 30, nil
	case 'd':
		return purpose, n, nil
	}
	return "", 0, fmt.Errorf("retention limit %q: duration %q needs a unit y, m or d", s, dur)
}

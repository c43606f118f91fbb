package pii

import (
	"net/url"
	"regexp"
	"sort"
	"strings"

	"vigie/observation"
)

// Verdict says whether a form collects personal data, and why.
type Verdict struct {
	// Personal is true when the form asks the person for personal data.
	Personal bool `json:"personal"`
	// Categories are the sorted categories of Fields.
	Categories []string `json:"categories,omitempty"`
	// Fields are the indices in Form.Fields of the personal fields the
	// verdict rests on (every enabled personal field of a personal form;
	// none otherwise).
	Fields []int `json:"-"`
	// Reason says what decided, for finding details and reviews:
	// `free entry of identity data ("nom")`, `navigation form (method
	// get, button "Rechercher"): only place or fixed-choice fields`.
	Reason string `json:"reason"`
}

// CollectsPersonalData decides whether form f collects personal data, from
// the categories its fields were given (ClassifyField) and from what the
// form is for.
//
// A form collects personal data when the person types identifying data
// into it (a text, e-mail, telephone, date or password field, or a text
// area, classified as personal), uploads a file, or answers a question
// about a special category (GDPR art. 9). A choice from a fixed list
// ("Civilité", a department) is personal data only beside such a field:
// on its own, nothing it records identifies anyone. Disabled fields are
// never filled in and do not count.
//
// A navigation, search or filter form (role "search", a search or filter
// name, a GET form whose action is a search or list page or whose only
// buttons say "Rechercher", "Aller", "Go", "Afficher", "Filtrer"; or whose
// personal choices navigate as soon as they change) collects nothing
// personal through its place fields ("Votre commune", a postcode to find
// a town hall), its choices, or words that name a special category as a
// search term ("Nom du médecin"): it takes what to show, not who is
// asking. Names, e-mail addresses, identifiers and uploads typed into
// such a form still count, with one exception: a look-up form.
//
// A look-up form is a GET navigation form without a password field that
// queries a list, log or history by an account key — a user name, an IP
// address, a pseudonym ("IP address or username", "Auteur") — beside
// filter controls (a list of namespaces or types, dates, checkboxes "Only
// show…", "Masquer…"): a wiki's contributions or log pages. Its key names
// whose public records to show, not who is asking, and does not count.
// Everything else typed into it still does: a name, an e-mail address, a
// national identifier; a form with no filter control beside the key, or
// with a password, is a log-in or subscription and counts.
//
// A form whose selects list places or languages (departments by number,
// languages by their own names) is a finder: its place fields and choices
// do not count either, though what it asks beyond them does.
func CollectsPersonalData(f *observation.Form) Verdict {
	nav := navigation(f)
	lookup := nav != "" && lookUp(f)
	finder := nav
	if finder == "" {
		finder = placeList(f)
	}
	var (
		v        Verdict
		decisive = -1 // the field that makes the form personal
		excused  []string
		choices  []string
		keys     int // account keys of a look-up form among excused
	)
	for i := range f.Fields {
		fl := &f.Fields[i]
		if fl.Category == "" || fl.Disabled {
			continue
		}
		v.Fields = append(v.Fields, i)
		switch entryOf(fl) {
		case entryFree:
			if nav != "" && (IsSpecial(fl.Category) || fl.Category == OtherPersonal || fl.Category == Location) || finder != "" && isPlace(fl) {
				excused = append(excused, describe(fl))
				continue
			}
			if lookup && accountKey(fl) {
				keys++
				excused = append(excused, describe(fl))
				continue
			}
		case entryUpload:
		default: // a choice
			if !IsSpecial(fl.Category) || finder != "" || fl.Navigates {
				choices = append(choices, describe(fl))
				continue
			}
		}
		if decisive < 0 {
			decisive = i
		}
	}
	if decisive < 0 {
		v.Fields = nil
		switch {
		case len(excused)+len(choices) == 0:
			v.Reason = "no personal field"
		case keys > 0:
			v.Reason = "look-up form (" + nav + ", with filter controls): " + strings.Join(append(excused, choices...), ", ") + " choose whose public records to show"
		case finder != "":
			v.Reason = "navigation or search form (" + finder + "): " + strings.Join(append(excused, choices...), ", ") + " choose what to show"
		default:
			v.Reason = "only choices from fixed lists, nothing typed identifies the person: " + strings.Join(choices, ", ")
		}
		return v
	}
	v.Personal = true
	seen := map[string]bool{}
	for _, i := range v.Fields {
		if c := f.Fields[i].Category; !seen[c] {
			seen[c] = true
			v.Categories = append(v.Categories, c)
		}
	}
	sort.Strings(v.Categories)
	fl := &f.Fields[decisive]
	switch entryOf(fl) {
	case entryUpload:
		v.Reason = "file upload " + describe(fl)
	case entryFree:
		v.Reason = "free entry of " + describe(fl)
	default:
		v.Reason = "special-category question " + describe(fl)
	}
	return v
}

type entryKind int

const (
	entryFree entryKind = iota
	entryUpload
	entryChoice
)

func entryOf(fl *observation.Field) entryKind {
	switch k := kindOf(strings.ToLower(fl.Tag), strings.ToLower(fl.Type)); {
	case k == kindSelect || k == kindChoice:
		return entryChoice
	case strings.EqualFold(fl.Type, "file"):
		return entryUpload
	}
	return entryFree
}

// describe names a field and its category for a reason: `identity data
// ("Nom")`.
func describe(fl *observation.Field) string {
	name := fl.Label
	for _, s := range []string{fl.Legend, fl.Aria, fl.Placeholder, fl.Name, fl.ID} {
		if name == "" {
			name = s
		}
	}
	if len(name) > 60 {
		name = name[:60] + "…"
	}
	return fl.Category + " data (" + quote(name) + ")"
}

func quote(s string) string { return "\u201c" + s + "\u201d" }

// navigation returns why f looks like a navigation, search or filter
// form, or "".
func navigation(f *observation.Form) string {
	if strings.EqualFold(strings.TrimSpace(f.Role), "search") {
		return `role "search"`
	}
	for _, s := range []string{f.Label, f.ID, f.Name} {
		if w := navWord(s, navFormWords); w != "" {
			return "form named " + quote(s)
		}
	}
	get := f.Method == "" || strings.EqualFold(f.Method, "get")
	if get {
		if u, err := url.Parse(f.Action); err == nil {
			if w := navWord(u.Path, navActionWords); w != "" {
				return "method get to " + quote(u.Path)
			}
		}
	}
	// A single select sent by "Aller" is a menu whatever the method (an
	// ASP.NET page posts back even to navigate).
	if get || len(f.Fields) == 1 && f.Fields[0].Tag == "select" {
		if len(f.Buttons) > 0 {
			all := true
			for _, b := range f.Buttons {
				if !navButton(b) {
					all = false
					break
				}
			}
			if all {
				m := "get"
				if !get {
					m = strings.ToLower(f.Method)
				}
				return "method " + m + ", button " + quote(f.Buttons[0])
			}
		}
	}
	// Every personal choice changes the page as soon as it is made.
	n, navs := 0, 0
	for _, fl := range f.Fields {
		if fl.Category == "" || fl.Disabled {
			continue
		}
		n++
		if fl.Navigates {
			navs++
		}
	}
	if n > 0 && navs == n {
		return "choices that navigate on change"
	}
	return ""
}

// placeList returns why a form's selects list places or languages, or "".
func placeList(f *observation.Form) string {
	for _, fl := range f.Fields {
		if fl.Tag != "select" || fl.Disabled || len(fl.Options) < 3 {
			continue
		}
		depts, langs := 0, 0
		for _, o := range fl.Options {
			if departmentOption.MatchString(o) {
				depts++
			}
			if languageNames[strings.ToLower(strings.TrimSpace(o))] {
				langs++
			}
		}
		switch {
		case depts >= 3 && 2*depts >= len(fl.Options):
			return "a list of departments"
		case langs >= 2:
			return "a list of languages"
		}
	}
	return ""
}

// departmentOption is an option naming a French department by its number:
// "01 - Ain", "2A Corse-du-Sud", "974 – La Réunion".
var departmentOption = regexp.MustCompile(`^\s*(?:\d{2,3}|2[AaBb])\s*[-–—.:]?\s*\p{Lu}`)

// languageNames are languages in their own names, as language pickers
// list them.
var languageNames = map[string]bool{
	"français": true, "english": true, "deutsch": true, "español": true, "italiano": true,
	"português": true, "nederlands": true, "brezhoneg": true, "occitan": true, "euskara": true,
	"corsu": true, "català": true, "alsacien": true, "polski": true, "română": true,
	"العربية": true, "中文": true, "русский": true, "türkçe": true,
}

// navFormWords name search, filter and navigation forms.
var navFormWords = map[string]bool{
	"search": true, "recherche": true, "rechercher": true, "filtre": true, "filtres": true,
	"filter": true, "filters": true, "tri": true, "sort": true, "navigation": true, "nav": true,
	"langue": true, "language": true, "lang": true, "selecteur": true, "switcher": true,
}

// navActionWords name the pages search and filter forms go to.
var navActionWords = map[string]bool{
	"search": true, "recherche": true, "rechercher": true, "resultats": true, "results": true,
	"liste": true, "list": true, "annuaire": true, "directory": true, "filtre": true,
	"filter": true, "carte": true, "map": true, "agenda": true, "actualites": true, "news": true,
}

// navButtons are the words of the buttons of navigation and filter forms
// (a form that sends data says "Envoyer", "Valider", "S'inscrire").
var navButtons = map[string]bool{
	"aller": true, "go": true, "ok": true, "afficher": true, "filtrer": true, "filter": true,
	"rechercher": true, "recherche": true, "search": true, "trouver": true, "find": true,
	"voir": true, "appliquer": true, "apply": true, "trier": true, "sort": true,
	"changer": true, "show": true, "chercher": true, "lancer": true, "la": true, "le": true,
	"les": true, "resultats": true, "results": true, "filtres": true, "filters": true,
	"consulter": true, "acceder": true,
}

// navButton reports whether every word of a button's text is a word of
// navigation ("Lancer la recherche", "Go", "Afficher les résultats").
func navButton(text string) bool {
	ws := words(text, nil)
	if len(ws) == 0 {
		return false
	}
	for _, w := range ws {
		if !navButtons[w] {
			return false
		}
	}
	return true
}

// navWord returns the first word of s in set, or "".
func navWord(s string, set map[string]bool) string {
	for _, w := range words(s, nil) {
		if set[w] {
			return w
		}
	}
	return ""
}

// placeWords are the words of fields that name a place: in a search form
// they say where to look, not who is asking.
var placeWords = map[string]bool{
	"commune": true, "communes": true, "ville": true, "villes": true, "city": true, "town": true,
	"cp": true, "postal": true, "postcode": true, "zip": true, "zipcode": true,
	"departement": true, "region": true, "localite": true, "lieu": true, "adresse": true,
	"address": true, "rue": true, "street": true, "pays": true, "country": true, "quartier": true,
	"secteur": true, "canton": true, "arrondissement": true, "location": true, "localisation": true,
}

// isPlace reports whether a free-entry field asks for a place.
func isPlace(fl *observation.Field) bool {
	if fl.Category != Contact && fl.Category != Location {
		return false
	}
	switch strings.ToLower(fl.Type) {
	case "email", "tel":
		return false
	}
	texts := []string{fl.Label, fl.Placeholder, fl.Aria, fl.Name, fl.ID, fl.Autocomplete}
	place := false
	for _, s := range texts {
		if navWord(s, reachWords) != "" {
			return false // "Adresse électronique", "Téléphone"
		}
		place = place || navWord(s, placeWords) != ""
	}
	return place
}

// reachWords are the words of contact fields that reach a person.
var reachWords = map[string]bool{
	"mail": true, "email": true, "courriel": true, "electronique": true, "mel": true,
	"telephone": true, "tel": true, "phone": true, "portable": true, "mobile": true, "fax": true,
}

// lookUp reports whether navigation form f is a look-up form: sent with
// GET, without a password field, with at least one filter control.
func lookUp(f *observation.Form) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, "get") {
		return false
	}
	filters := 0
	for i := range f.Fields {
		fl := &f.Fields[i]
		if fl.Disabled {
			continue
		}
		if strings.EqualFold(fl.Type, "password") {
			return false
		}
		if fl.Category == "" && filterControl(fl) {
			filters++
		}
	}
	return filters > 0
}

// filterControl reports whether a field that collects nothing personal
// narrows what a list shows: a select among several options, a date, or
// a checkbox or radio button whose label says what to show or hide ("Only
// show edits that are page creations", "Masquer les modifications
// mineures"). A "Remember me" box is no filter.
func filterControl(fl *observation.Field) bool {
	switch kindOf(strings.ToLower(fl.Tag), strings.ToLower(fl.Type)) {
	case kindSelect:
		return len(fl.Options) >= 2 || fl.OptionCount >= 2
	case kindDate:
		return true
	case kindChoice:
		for _, s := range []string{fl.Label, fl.Aria} {
			if navWord(s, filterWords) != "" {
				return true
			}
		}
	}
	return false
}

// filterWords are the words of filter checkboxes.
var filterWords = map[string]bool{
	"only": true, "show": true, "hide": true, "invert": true, "exclude": true, "include": true,
	"seulement": true, "uniquement": true, "afficher": true, "masquer": true, "cacher": true,
	"montrer": true, "inverser": true, "exclure": true, "inclure": true,
}

// accountKey reports whether a free-entry field asks for an account's
// key — a user name, an IP address, a pseudonym, an author — rather than
// a person's name or contact: "IP address or username", "Adresse IP ou
// nom d'utilisateur", "Pseudo". A field typed email or tel, or classified
// as anything but credentials or identity, is no key.
func accountKey(fl *observation.Field) bool {
	if fl.Category != Credentials && fl.Category != Identity {
		return false
	}
	switch strings.ToLower(fl.Type) {
	case "", "text":
	default:
		return false
	}
	for _, s := range []string{fl.Label, fl.Placeholder, fl.Aria, fl.Name, fl.ID} {
		if navWord(s, accountWords) != "" {
			return true
		}
	}
	return false
}

// accountWords name an account or its address on a site.
var accountWords = map[string]bool{
	"username": true, "user": true, "utilisateur": true, "utilisatrice": true, "ip": true,
	"pseudo": true, "pseudonyme": true, "compte": true, "account": true, "auteur": true,
	"author": true, "performer": true, "contributeur": true, "contributor": true,
	"login": true, "identifiant": true,
}

// Package facts writes a finding's detail for people: the form's personal
// fields as a table (label, category), the address the data goes to and
// what else was seen, as labelled values in French or English, instead of
// the JSON the machine-readable formats (JSONL, SARIF) keep.
package facts

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"vigie/finding"
)

// Field is one personal field of a form.
type Field struct {
	// Label is the text people see next to the field (its name when it
	// has none); Name is the name it is submitted under.
	Label, Name, Type string
	// Category is the personal-data category, in the chosen language.
	Category string
}

// Item is one labelled fact: what was seen, one value or several.
type Item struct {
	Label  string
	Values []string
}

// Facts is a finding's detail written for people.
type Facts struct {
	Fields []Field
	Items  []Item
}

// Empty reports whether there is nothing to show.
func (f Facts) Empty() bool { return len(f.Fields) == 0 && len(f.Items) == 0 }

// Of returns the facts of f's detail in lang ("fr" or anything else for
// English). Known keys come in a fixed order with their label; others
// follow, sorted, under their key written as words.
func Of(f *finding.Finding, lang string) Facts {
	var out Facts
	if len(f.Detail) == 0 {
		return out
	}
	// A round trip through JSON turns whatever types the check used into
	// plain maps, slices, strings, numbers and booleans.
	raw, err := json.Marshal(f.Detail)
	if err != nil {
		return out
	}
	var d map[string]any
	if json.Unmarshal(raw, &d) != nil {
		return out
	}
	fr := lang == "fr"
	if fields, ok := d["fields"].([]any); ok {
		for _, x := range fields {
			m, ok := x.(map[string]any)
			if !ok {
				continue
			}
			fl := Field{Label: str(m["label"]), Name: str(m["name"]), Type: str(m["type"]), Category: Category(lang, str(m["category"]))}
			if fl.Label == "" {
				fl.Label = fl.Name
			}
			out.Fields = append(out.Fields, fl)
		}
		delete(d, "fields")
	}
	add := func(key string, v any) {
		var values []string
		switch key {
		case "categories", "special_categories":
			for _, c := range list(v) {
				values = append(values, Category(lang, c))
			}
		default:
			values = valuesOf(v, fr)
		}
		if len(values) > 0 {
			out.Items = append(out.Items, Item{Label: label(key, fr), Values: values})
		}
	}
	for _, k := range order {
		if v, ok := d[k]; ok {
			add(k, v)
			delete(d, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(d)) {
		add(k, d[k])
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func list(v any) []string {
	var out []string
	if xs, ok := v.([]any); ok {
		for _, x := range xs {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// valuesOf writes a detail value as one or more lines of text: each
// element of a list on its own, objects as "key: value" pairs.
func valuesOf(v any, fr bool) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, scalar(x, fr))
		}
		return out
	case map[string]any:
		var out []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, words(k)+colon(fr)+scalar(v[k], fr))
		}
		return out
	case string:
		if v == "" {
			return nil
		}
	}
	return []string{scalar(v, fr)}
}

// scalar writes one value on one line.
func scalar(v any, fr bool) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		switch {
		case v && fr:
			return "oui"
		case v:
			return "yes"
		case fr:
			return "non"
		}
		return "no"
	case nil:
		return "—"
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, scalar(x, fr))
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if s := scalar(v[k], fr); s != "" {
				parts = append(parts, words(k)+colon(fr)+s)
			}
		}
		return strings.Join(parts, " · ")
	}
	return fmt.Sprint(v)
}

func colon(fr bool) string {
	if fr {
		return "\u00a0: "
	}
	return ": "
}

// words writes a detail key as words: "form_action" is "form action".
func words(k string) string { return strings.ReplaceAll(k, "_", " ") }

func label(k string, fr bool) string {
	if l, ok := labels[k]; ok {
		if fr {
			return l[0]
		}
		return l[1]
	}
	w := words(k)
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// order is the order of the known keys: where the data goes first, then
// what it is, then the rest of what was seen.
var order = []string{
	"form_action", "http_actions", "method", "frame", "categories", "special_categories",
	"party", "tracker_name", "tracker", "leaks", "parties", "forms",
	"people", "counts", "kinds", "samples", "probed",
	"https_error", "https_error_kind", "final_url", "status", "chain", "header", "problem", "resources",
	"parameter", "where", "url", "value", "scheme", "realm", "cookie", "missing", "domain", "path",
	"cookies", "purposes", "count", "possibly_exempt",
	"protocols", "suites", "by_protocol", "classes", "rules",
	"subject", "issuer", "dns_names", "not_before", "not_after", "days_left", "problems", "verify_error",
	"keys", "signatures", "ocsp_stapled", "sha256", "host", "port", "address", "collects_personal_data",
	"entries", "data_files", "data_extensions", "content_type", "length", "form_index",
}

// labels names the known keys in French and English.
var labels = map[string][2]string{
	"form_action":            {"Adresse où partent les données", "Address the data goes to"},
	"http_actions":           {"Adresses d’envoi en clair (HTTP)", "Clear-text (HTTP) submission addresses"},
	"method":                 {"Méthode d’envoi", "Submission method"},
	"frame":                  {"Cadre (iframe)", "Frame"},
	"categories":             {"Données personnelles", "Personal data"},
	"special_categories":     {"Catégories particulières (RGPD art. 9)", "Special categories (GDPR art. 9)"},
	"party":                  {"Destinataire", "Recipient"},
	"tracker_name":           {"Traceur", "Tracker"},
	"tracker":                {"Catégorie de traceur", "Tracker category"},
	"leaks":                  {"Saisies transmises", "Typed values sent"},
	"parties":                {"Tiers présents", "Third parties present"},
	"forms":                  {"Formulaires", "Forms"},
	"people":                 {"Personnes concernées", "People concerned"},
	"counts":                 {"Données vues", "Data seen"},
	"kinds":                  {"Types de données", "Kinds of data"},
	"samples":                {"Exemples (masqués)", "Samples (masked)"},
	"probed":                 {"Adresses sondées", "Addresses probed"},
	"https_error":            {"Erreur HTTPS", "HTTPS error"},
	"https_error_kind":       {"Type d’erreur", "Kind of error"},
	"final_url":              {"Adresse d’arrivée", "Final address"},
	"status":                 {"Statut HTTP", "HTTP status"},
	"chain":                  {"Redirections", "Redirects"},
	"header":                 {"En-tête reçu", "Header received"},
	"problem":                {"Problème", "Problem"},
	"resources":              {"Ressources chargées en clair", "Resources loaded in clear text"},
	"parameter":              {"Paramètre", "Parameter"},
	"where":                  {"Où", "Where"},
	"url":                    {"Adresse", "Address"},
	"value":                  {"Valeur (masquée)", "Value (masked)"},
	"scheme":                 {"Schéma d’authentification", "Authentication scheme"},
	"realm":                  {"Domaine (realm)", "Realm"},
	"cookie":                 {"Cookie", "Cookie"},
	"missing":                {"Attributs manquants", "Missing attributes"},
	"domain":                 {"Domaine", "Domain"},
	"path":                   {"Chemin", "Path"},
	"cookies":                {"Cookies", "Cookies"},
	"purposes":               {"Finalités", "Purposes"},
	"count":                  {"Nombre", "Count"},
	"possibly_exempt":        {"Peut-être exempté (mesure d’audience)", "Possibly exempt (audience measurement)"},
	"protocols":              {"Protocoles", "Protocols"},
	"suites":                 {"Suites de chiffrement", "Cipher suites"},
	"by_protocol":            {"Par protocole", "By protocol"},
	"classes":                {"Faiblesses", "Weaknesses"},
	"rules":                  {"Règles non respectées", "Rules not met"},
	"subject":                {"Sujet du certificat", "Certificate subject"},
	"issuer":                 {"Émetteur", "Issuer"},
	"dns_names":              {"Noms couverts", "Names covered"},
	"not_before":             {"Valide à partir du", "Valid from"},
	"not_after":              {"Valide jusqu’au", "Valid until"},
	"days_left":              {"Jours restants", "Days left"},
	"problems":               {"Problèmes", "Problems"},
	"verify_error":           {"Erreur de vérification", "Verification error"},
	"keys":                   {"Clés", "Keys"},
	"signatures":             {"Signatures", "Signatures"},
	"ocsp_stapled":           {"Réponse OCSP agrafée", "OCSP response stapled"},
	"sha256":                 {"Empreinte SHA-256", "SHA-256 fingerprint"},
	"host":                   {"Hôte", "Host"},
	"port":                   {"Port", "Port"},
	"address":                {"Adresse IP", "IP address"},
	"collects_personal_data": {"Le site collecte des données personnelles", "The site collects personal data"},
	"entries":                {"Entrées listées", "Entries listed"},
	"data_files":             {"Fichiers de données (noms masqués)", "Data files (names masked)"},
	"data_extensions":        {"Extensions de données", "Data extensions"},
	"content_type":           {"Type de contenu", "Content type"},
	"length":                 {"Taille (octets)", "Length (bytes)"},
	"form_index":             {"Formulaire n°", "Form number"},
}

// CategoryOrder lists the personal-data categories, in the order letters
// and pages list them.
var CategoryOrder = []string{"identity", "contact", "message", "birth", "national-id", "financial", "credentials", "health", "political", "religious", "union", "sexual-life", "biometric", "location", "upload", "other-personal"}

var categoryNames = map[string][2]string{
	"identity":       {"identité (nom, prénom)", "identity (name, first name)"},
	"contact":        {"coordonnées (courriel, téléphone, adresse postale)", "contact details (email, phone, postal address)"},
	"message":        {"message libre", "free-text message"},
	"birth":          {"date ou lieu de naissance", "date or place of birth"},
	"national-id":    {"numéro d’identification (NIR, passeport, carte d’identité)", "national identifier (NIR, passport, identity card)"},
	"financial":      {"données bancaires ou de paiement", "bank or payment data"},
	"credentials":    {"identifiants et mots de passe", "credentials and passwords"},
	"health":         {"données de santé", "health data"},
	"political":      {"opinions politiques", "political opinions"},
	"religious":      {"convictions religieuses", "religious beliefs"},
	"union":          {"appartenance syndicale", "trade-union membership"},
	"sexual-life":    {"vie sexuelle", "sex life"},
	"biometric":      {"données biométriques", "biometric data"},
	"location":       {"localisation", "location"},
	"upload":         {"pièces jointes", "attachments"},
	"other-personal": {"autres données personnelles", "other personal data"},
}

// Category names a personal-data category in lang ("fr", else English);
// an unknown category is returned as it is.
func Category(lang, c string) string {
	n, ok := categoryNames[c]
	if !ok {
		return c
	}
	if lang == "fr" {
		return n[0]
	}
	return n[1]
}

package report

import "vigie/finding"

// labels holds the report's own words in each language; check texts come
// from the catalogue.
var labels = map[string]map[string]string{
	"en": {
		"report":           "Vigie report",
		"scan":             "Scan",
		"started":          "Started",
		"ended":            "Ended",
		"duration":         "Duration",
		"version":          "Version",
		"settings":         "Settings",
		"totals":           "Totals",
		"sites-audited":    "Sites audited",
		"sites-failed":     "Sites not audited",
		"findings":         "Findings",
		"by-severity":      "Findings by severity",
		"by-check":         "Findings by check",
		"severity":         "Severity",
		"check":            "Check",
		"title":            "Title",
		"count":            "Count",
		"url":              "URL",
		"detail":           "Detail",
		"legal":            "Legal basis",
		"pages":            "Pages",
		"forms":            "Forms",
		"personal-forms":   "Forms collecting personal data",
		"http-observatory": "HTTP Observatory grade",
		"tags":             "Tags",
		"no-findings":      "No findings.",
		"no-organisation":  "(no organisation)",
		"organisation":     "Organisation",
		"site":             "Site",
		"error":            "Error",
		"error-kind":       "Kind",
		"ip-data":          "Hosting (AS, country) from sapics' ip-location-db: country data CC0 1.0; AS data CC BY 4.0 by RouteViews, DB-IP (https://db-ip.com/) and the NRO. Datasets used:",
		"family":           "Family",
		"confidence":       "Confidence",
		"rationale":        "Rationale",
		"remediation":      "Remediation",
		"guidance":         "Guidance",
		"active":           "Active probe (opt-in)",
		"checks":           "Vigie checks",
		"catalogue-intro":  "Every check Vigie runs, with its default severity and legal basis.",
		"not-audited":      "Not audited:",
		// more-findings, more-failed: the number of findings, or sites,
		// the table leaves out.
		"more-findings": "… and %d more findings (every finding is in the --format output)",
		"more-failed":   "  … and %d more",
		// summary: sites audited, failed, findings, per-severity list.
		"summary": "%d sites audited, %d failed, %d findings (%s)",

		"sev-critical": "critical",
		"sev-high":     "high",
		"sev-medium":   "medium",
		"sev-low":      "low",
		"sev-info":     "info",
		"note":         "note",
		"sev-unset":    "unrated",
		// failing-summary: sites with failures, the threshold, notes.
		"failing-summary": "%d sites with failures (severity %s and above); notes, not failures: %d",
		"sites-failing":   "Sites with failures",
		"failures":        "Failures",
		"notes":           "Notes (not failures)",
		"threshold":       "Failures are findings of severity %s and above; the others are notes.",
		"fields":          "Fields",
		"field-label":     "Field",
		"field-name":      "Name sent",
		"field-category":  "Personal data",
		// sev-count: a severity's label and its number of findings.
		"sev-count": "%[2]d %[1]s",
		// colon separates a label from its value.
		"colon": ": ",
	},
	"fr": {
		"report":           "Rapport Vigie",
		"scan":             "Analyse",
		"started":          "Début",
		"ended":            "Fin",
		"duration":         "Durée",
		"version":          "Version",
		"settings":         "Paramètres",
		"totals":           "Totaux",
		"sites-audited":    "Sites audités",
		"sites-failed":     "Sites non audités",
		"findings":         "Constats",
		"by-severity":      "Constats par gravité",
		"by-check":         "Constats par contrôle",
		"severity":         "Gravité",
		"check":            "Contrôle",
		"title":            "Intitulé",
		"count":            "Nombre",
		"url":              "URL",
		"detail":           "Détail",
		"legal":            "Fondement juridique",
		"pages":            "Pages",
		"forms":            "Formulaires",
		"personal-forms":   "Formulaires collectant des données personnelles",
		"http-observatory": "Note HTTP Observatory",
		"tags":             "Étiquettes",
		"no-findings":      "Aucun constat.",
		"no-organisation":  "(sans organisme)",
		"organisation":     "Organisme",
		"site":             "Site",
		"error":            "Erreur",
		"error-kind":       "Type",
		"ip-data":          "Hébergement (AS, pays) selon ip-location-db de sapics : données de pays CC0 1.0 ; données d'AS CC BY 4.0 par RouteViews, DB-IP (https://db-ip.com/) et le NRO. Jeux de données utilisés :",
		"family":           "Famille",
		"confidence":       "Confiance",
		"rationale":        "Justification",
		"remediation":      "Correction",
		"guidance":         "Recommandations suivies",
		"active":           "Sonde active (sur demande)",
		"checks":           "Contrôles Vigie",
		"catalogue-intro":  "Tous les contrôles de Vigie, avec leur gravité par défaut et leur fondement juridique.",
		"not-audited":      "Non audités :",
		"more-findings":    "… et %d autres constats (tous figurent dans la sortie --format)",
		"more-failed":      "  … et %d autres",
		"summary":          "%d sites audités, %d en échec, %d constats (%s)",

		"sev-critical":    "critique",
		"sev-high":        "élevée",
		"sev-medium":      "moyenne",
		"sev-low":         "faible",
		"sev-info":        "info",
		"note":            "remarque",
		"sev-unset":       "non évaluée",
		"failing-summary": "%d sites en défaut (gravité %s et au-delà) ; remarques, pas des manquements : %d",
		"sites-failing":   "Sites en défaut",
		"failures":        "Manquements",
		"notes":           "Remarques (pas des manquements)",
		"threshold":       "Sont des manquements les constats de gravité %s et au-delà ; les autres sont des remarques.",
		"fields":          "Champs",
		"field-label":     "Champ",
		"field-name":      "Nom envoyé",
		"field-category":  "Donnée personnelle",
		"sev-count":       "%[1]s : %[2]d",
		"colon":           " : ",
	},
}

// label returns the word for key in lang ("en" when lang is unknown).
func label(lang, key string) string {
	if s, ok := labels[lang][key]; ok {
		return s
	}
	return labels["en"][key]
}

// severityLabel names s in lang.
func severityLabel(lang string, s finding.Severity) string {
	if s < finding.Info || s > finding.Critical {
		return label(lang, "sev-unset")
	}
	return label(lang, "sev-"+s.String())
}

package letter

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"vigie/finding/facts"
)

// Non-breaking spaces French typography asks for: a full one before a
// colon and inside guillemets, a narrow one before ; ? and !.
const (
	nbsp       = "\u00a0"
	narrowNbsp = "\u202f"
)

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// FormatDate writes t as "25 janvier 2022" in French ("1er" on the first of
// the month) or "25 January 2022" in English.
func FormatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if lang == "fr" {
		d := fmt.Sprint(t.Day())
		if t.Day() == 1 {
			d = "1er"
		}
		return d + " " + frenchMonths[t.Month()-1] + " " + fmt.Sprint(t.Year())
	}
	return t.Format("2 January 2006")
}

// French fixes the typography of a French sentence: typographic
// apostrophes, « » for straight double quotes, and non-breaking spaces
// inside guillemets, before a colon (full) and before ; ? ! (narrow). URLs
// are left alone: their colons have no space before them.
func French(s string) string {
	s = strings.ReplaceAll(s, "'", "’")
	s = quoted.ReplaceAllString(s, "«"+nbsp+"$1"+nbsp+"»")
	s = strings.ReplaceAll(s, "« ", "«"+nbsp)
	s = strings.ReplaceAll(s, " »", nbsp+"»")
	s = strings.ReplaceAll(s, " :", nbsp+":")
	return beforePunct.ReplaceAllString(s, narrowNbsp+"$1")
}

var (
	quoted      = regexp.MustCompile(`"\s*([^"]*?)\s*"`)
	beforePunct = regexp.MustCompile(` ([;?!])`)
)

func category(lang, c string) string { return facts.Category(lang, c) }

// pick returns the French or English name of key in names, key itself when
// it has none.
func pick(lang string, names map[string][2]string, key string) string {
	n, ok := names[key]
	if !ok {
		return key
	}
	if lang == "fr" {
		return n[0]
	}
	return n[1]
}

var eventNames = map[string][2]string{
	"dpo-alerted":        {"Alerte du délégué à la protection des données", "DPO alerted"},
	"complaint-filed":    {"Plainte auprès de la CNIL", "Complaint filed with the regulator"},
	"authority-answered": {"Réponse de la CNIL", "Regulator’s answer"},
	"verified-fixed":     {"Correction vérifiée", "Fix verified"},
	"closed":             {"Action close", "Case closed"},
	"regressed":          {"Régression constatée", "Regression observed"},
	"withdrawn":          {"Action abandonnée", "Case withdrawn"},
	"note":               {"Note", "Note"},
	"reminder":           {"Relance", "Reminder"},
	"answer-received":    {"Réponse reçue", "Answer received"},
	"partially-fixed":    {"Correction partielle vérifiée", "Partial fix verified"},
	"new-findings":       {"Nouveaux manquements constatés", "New failures found"},
}

func eventName(lang, kind string) string { return pick(lang, eventNames, kind) }

package litre

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestNeed(t *testing.T) {
	tests := []struct {
		expr string
		want []string // nil: no pre-check
	}{
		{` (donnees|informations) personnelles `, []string{" personnelles "}},
		{` rgpd | privacy | vie privee `, []string{"rgpd ", "privacy ", "vie privee "}}, // the common space is factored out
		{`(cookies?|traceurs?)`, []string{"cookie", "traceur"}},
		{` (\d{1,3}|un|deux) (ans?|mois) `, []string{"an", "mois"}},
		{`a.*b`, nil},        // single characters pass everything
		{`\d+`, nil},         // no literal
		{`(?i)privacy`, nil}, // case-folded
		{`x?yz|w*`, nil},     // one branch needs nothing
		{`(ab){2,}cd`, []string{"ab"}},
		{`(ab){0,2}cd`, []string{"cd"}},
		{`^foo$`, []string{"foo"}},
	}
	for _, tt := range tests {
		got := MustCompile(tt.expr).Need()
		slices.Sort(got)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Need(%q) = %q, want %q", tt.expr, got, want)
		}
	}
}

// TestSameAnswers compares gated and plain answers on texts built from the
// expressions' own words, so that both matches and near-misses occur.
func TestSameAnswers(t *testing.T) {
	exprs := []string{
		` (donnees|informations) (a caractere )?(personnelles|nominatives) | (vos|ces) (donnees|informations) (recueillies|collectees)| vos donnees | rgpd | privacy `,
		` (reclamation|plainte) .{0,80}(cnil|autorite de controle) | (saisir|aupres de) la (cnil|commission) | supervisory authority `,
		` (\d{1,3}|un|une|deux) (ans?|annees?|mois|jours?) `,
		` responsables? (du|des|de) (ce |ces )?traitements? | (processed|collected) by (the )?[a-z]+ `,
		`(ab)+c|d(ef){1,3}`,
	}
	words := []string{" ", "donnees", "informations", "personnelles", "a caractere", "vos", "ces", "recueillies", "rgpd", "privacy",
		"reclamation", "cnil", "plainte", "saisir", "aupres de", "la", "supervisory", "authority", "3", "12", "un", "deux", "ans",
		"mois", "jours", "responsable", "du", "traitement", "processed", "by", "the", "acme", "ab", "c", "d", "ef", "x"}
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, e := range exprs {
		gated, plain := MustCompile(e), regexp.MustCompile(e)
		hits := 0
		for range 20000 {
			var b strings.Builder
			for range 1 + rnd.IntN(10) {
				b.WriteString(words[rnd.IntN(len(words))])
				if rnd.IntN(3) > 0 {
					b.WriteByte(' ')
				}
			}
			s := b.String()
			g, p := gated.MatchString(s), plain.MatchString(s)
			if g != p {
				t.Fatalf("%q on %q: gated %v, plain %v", e, s, g, p)
			}
			if p {
				hits++
			}
			if !slices.Equal(gated.FindStringSubmatch(s), plain.FindStringSubmatch(s)) {
				t.Fatalf("%q on %q: submatches differ", e, s)
			}
		}
		if hits == 0 {
			t.Errorf("%q: no text matched; the comparison proves nothing", e)
		}
	}
}

// Package litre compiles regular expressions with a literal pre-check:
// from the expression's syntax it derives a set of strings one of which
// every match must contain, and answers "no match" without running the
// expression when the text holds none of them. The phrase classifiers of
// notices and DPO contacts are alternations of words padded with spaces
// ("( donnees | privacy | ...)"): Go's matcher tries each position of every
// sentence, while most sentences contain none of the words.
//
// The pre-check never changes an answer: a string is in the set only when
// the syntax proves that every match contains it, and an expression whose
// matches need no literal (".*", "\d+") gets no pre-check.
package litre

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// Regexp is a compiled expression and its pre-check.
type Regexp struct {
	*regexp.Regexp
	// need holds strings one of which every match contains; nil means no
	// pre-check.
	need []string
}

// MustCompile compiles expr like regexp.MustCompile and derives its
// pre-check.
func MustCompile(expr string) *Regexp {
	re := regexp.MustCompile(expr)
	r := &Regexp{Regexp: re}
	if t, err := syntax.Parse(expr, syntax.Perl); err == nil {
		r.need = useful(required(t.Simplify()))
	}
	return r
}

// Need returns the strings one of which every match contains (nil: no
// pre-check), for tests.
func (r *Regexp) Need() []string { return r.need }

// possible reports whether s may match: it holds one of the needed
// strings.
func (r *Regexp) possible(s string) bool {
	if r.need == nil {
		return true
	}
	for _, n := range r.need {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// MatchString reports whether s contains a match.
func (r *Regexp) MatchString(s string) bool {
	return r.possible(s) && r.Regexp.MatchString(s)
}

// FindStringIndex is regexp's, with the pre-check.
func (r *Regexp) FindStringIndex(s string) []int {
	if !r.possible(s) {
		return nil
	}
	return r.Regexp.FindStringIndex(s)
}

// FindStringSubmatch is regexp's, with the pre-check.
func (r *Regexp) FindStringSubmatch(s string) []string {
	if !r.possible(s) {
		return nil
	}
	return r.Regexp.FindStringSubmatch(s)
}

// FindAllStringIndex is regexp's, with the pre-check.
func (r *Regexp) FindAllStringIndex(s string, n int) [][]int {
	if !r.possible(s) {
		return nil
	}
	return r.Regexp.FindAllStringIndex(s, n)
}

// FindAllString is regexp's, with the pre-check.
func (r *Regexp) FindAllString(s string, n int) []string {
	if !r.possible(s) {
		return nil
	}
	return r.Regexp.FindAllString(s, n)
}

// required returns strings one of which every match of t contains, or nil
// when no such set is known. Case-folded literals give nothing (the
// pre-check compares bytes).
func required(t *syntax.Regexp) []string {
	switch t.Op {
	case syntax.OpLiteral:
		if t.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(t.Rune)}
	case syntax.OpCharClass:
		// A few single characters: each match holds one of them.
		var out []string
		for i := 0; i+1 < len(t.Rune); i += 2 {
			if t.Rune[i+1]-t.Rune[i] > 4 || len(out) > 8 {
				return nil
			}
			for c := t.Rune[i]; c <= t.Rune[i+1]; c++ {
				out = append(out, string(c))
			}
		}
		return out
	case syntax.OpCapture:
		return required(t.Sub[0])
	case syntax.OpPlus:
		return required(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return required(t.Sub[0])
		}
		return nil
	case syntax.OpAlternate:
		var out []string
		for _, s := range t.Sub {
			r := required(s)
			if r == nil {
				return nil
			}
			out = append(out, r...)
		}
		return out
	case syntax.OpConcat:
		// Every match holds a match of each part: take the part whose
		// shortest needed string is longest, after joining adjacent
		// literals.
		var best []string
		bestLen := 0
		var run []rune
		consider := func(r []string) {
			if r == nil {
				return
			}
			shortest := len(r[0])
			for _, s := range r[1:] {
				shortest = min(shortest, len(s))
			}
			if shortest > bestLen {
				best, bestLen = r, shortest
			}
		}
		flush := func() {
			if len(run) > 0 {
				consider([]string{string(run)})
				run = nil
			}
		}
		for _, s := range t.Sub {
			if s.Op == syntax.OpLiteral && s.Flags&syntax.FoldCase == 0 {
				run = append(run, s.Rune...)
				continue
			}
			flush()
			consider(required(s))
		}
		flush()
		return best
	}
	return nil
}

// useful drops sets too weak to save time: a set holding a single space
// or a single character of common text passes nearly every sentence. An
// empty string would pass everything.
func useful(need []string) []string {
	if len(need) == 0 || len(need) > 128 {
		return nil
	}
	for _, n := range need {
		if len(n) < 2 {
			return nil
		}
	}
	return need
}

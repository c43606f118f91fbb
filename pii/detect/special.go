package detect

import (
	"bytes"
	"slices"
	"sort"
)

// SpecialCategories returns the special categories (GDPR art. 9: health,
// political, religious, union, sexual-life) whose words or phrases text
// names, sorted, with the phrases found for each. Unlike Scan, which keeps
// such words only in a record that also identifies a person, it reads text
// as one record: callers give it what they already know to be about one
// person, such as the fields of a record page.
func SpecialCategories(text []byte) map[string][]string {
	folded := foldText(nil, text)
	words := bytes.Fields(folded)
	var out map[string][]string
	for i, w := range words {
		if len(w) < 3 || !lexiconPrefixes.has(w) {
			continue
		}
	next:
		for _, p := range specialIndex[string(w)] {
			if i+len(p.rest) >= len(words) {
				continue
			}
			for k, r := range p.rest {
				if !bytes.Equal(words[i+1+k], r) {
					continue next
				}
			}
			cat := specialCategory(p.bit)
			if out == nil {
				out = map[string][]string{}
			}
			if !slices.Contains(out[cat], p.text) {
				out[cat] = append(out[cat], p.text)
			}
		}
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

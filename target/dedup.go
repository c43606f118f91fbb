package target

import "strings"

// Dedup removes repeated targets, keeping the position of each first
// occurrence. Two targets are the same when their URLs are equal; a bare
// host (SchemeGiven false) is also the same as the http:// and https://
// forms of its URL, and when both appear the explicit one is kept in the
// bare one's place. Organisation and Tags of the kept target are those of
// the first occurrence that has them.
func Dedup(ts []Target) []Target {
	out := make([]Target, 0, len(ts))
	byURL := make(map[string]int)    // explicit URL -> index in out
	bare := make(map[string]int)     // schemeless URL of a bare target still kept as bare -> index
	explicit := make(map[string]int) // schemeless URL -> index of the first explicit target
	merge := func(i int, t Target) {
		if out[i].Organisation == "" {
			out[i].Organisation = t.Organisation
		}
		if len(out[i].Tags) == 0 {
			out[i].Tags = t.Tags
		}
	}
	for _, t := range ts {
		rest := schemeless(t.URL)
		if !t.SchemeGiven {
			if i, ok := explicit[rest]; ok {
				merge(i, t)
			} else if i, ok := bare[rest]; ok {
				merge(i, t)
			} else {
				bare[rest] = len(out)
				out = append(out, t)
			}
			continue
		}
		if i, ok := byURL[t.URL]; ok {
			merge(i, t)
			continue
		}
		if i, ok := bare[rest]; ok {
			// The explicit form replaces the bare host it is equal to; the
			// bare one came first, so its organisation and tags win.
			prev := out[i]
			out[i] = t
			out[i].Organisation, out[i].Tags = prev.Organisation, prev.Tags
			merge(i, t)
			delete(bare, rest)
			byURL[t.URL] = i
			explicit[rest] = i
			continue
		}
		if _, ok := explicit[rest]; !ok {
			explicit[rest] = len(out)
		}
		byURL[t.URL] = len(out)
		out = append(out, t)
	}
	return out
}

// schemeless returns u without its "scheme://" prefix.
func schemeless(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		return u[i+3:]
	}
	return u
}

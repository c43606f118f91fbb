package evidence

import (
	"bytes"
	"regexp"
	"sort"
	"testing"
)

// referenceFind runs every pattern over the whole body: what
// findPersonalData must find by running them over runs of bytes only.
func referenceFind(body []byte) []Mask {
	var found []Mask
	add := func(kind string, re *regexp.Regexp, keep func([]byte) bool) {
		for _, loc := range re.FindAllIndex(body, -1) {
			start, end := loc[0], loc[1]
			if start > 0 && isDigit(body[start-1]) || end < len(body) && isDigit(body[end]) {
				continue
			}
			if keep == nil || keep(body[start:end]) {
				found = append(found, Mask{Kind: kind, Offset: start, Length: end - start})
			}
		}
	}
	if hasAt(body) {
		add("email", emailPattern, nil)
	}
	add("nir", nirPattern, plausibleNIR)
	add("iban", ibanPattern, plausibleIBAN)
	add("card", cardPattern, luhnValid)
	add("phone", phonePattern, nil)
	add("phone", intlPhonePattern, func(m []byte) bool { n := countDigits(m); return n >= 8 && n <= 15 })
	add("date", datePattern, plausibleDate)
	add("ipv4", ipv4Pattern, nil)
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].Offset != found[j].Offset {
			return found[i].Offset < found[j].Offset
		}
		return found[i].Length > found[j].Length
	})
	var out []Mask
	end := -1
	for _, m := range found {
		if m.Offset >= end {
			out = append(out, m)
			end = m.Offset + m.Length
		}
	}
	return out
}

func FuzzMaskPersonalData(f *testing.F) {
	f.Add([]byte(contactPage))
	for _, s := range []string{"01 23 45 67 89 01 23 45 67 90", "_0123456789", "x@y.fr&#64;z.org", "+33 (0)1 23 45 67 89", "FR76 3000 6000 0112 3456 7890 189 2 84 05 75 123 456 07"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got := findPersonalData(body, true)
		want := referenceFind(body)
		if len(got) != len(want) {
			t.Fatalf("found %v, the whole-body scan %v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("found %v, the whole-body scan %v", got, want)
			}
		}
		masked, masks := MaskPersonalData(body, "text/plain")
		end := 0
		for _, m := range masks {
			if m.Offset < end || m.Length <= 0 || m.Offset+m.Length > len(body) {
				t.Fatalf("masks overlap or fall outside: %v", masks)
			}
			end = m.Offset + m.Length
		}
		if len(masks) == 0 && !bytes.Equal(masked, body) {
			t.Fatal("body changed without mask")
		}
	})
}

func FuzzReadWARC(f *testing.F) {
	dir := f.TempDir()
	testScan(f, dir, testKey(f), false)
	matches, _ := readMatches(dir, "*.warc.gz")
	for _, m := range matches {
		f.Add(m)
	}
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadWARC(bytes.NewReader(b), func(r *WARCRecord) error {
			r.Check()
			r.Payload()
			namedFindings(r)
			return nil
		})
	})
}

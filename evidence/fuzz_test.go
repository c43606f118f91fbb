package evidence

import (
	"bytes"
	"testing"
)

// FuzzMaskPersonalData checks that masking never fails on any input,
// that masks lie in the input, in order, and that the output is the input
// with each mask replaced.
func FuzzMaskPersonalData(f *testing.F) {
	f.Add([]byte(contactPage), "text/html")
	for _, s := range []string{"01 23 45 67 89 01 23 45 67 90", "_0123456789", "x@y.fr&#64;z.org", "+33 (0)1 23 45 67 89",
		"FR76 3000 6000 0112 3456 7890 189 2 84 05 75 123 456 07", "nom;prenom\nDupont;Jean\n", `{"nom":"Dupont"}`} {
		f.Add([]byte(s), "text/plain")
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		masked, masks := MaskPersonalData(body, contentType)
		if len(masks) == 1 && masks[0].Kind == "withheld" {
			return
		}
		var want bytes.Buffer
		last := 0
		for _, m := range masks {
			if m.Offset < last || m.Length <= 0 || m.Offset+m.Length > len(body) {
				t.Fatalf("mask %+v out of order or outside the body (%d bytes)", m, len(body))
			}
			want.Write(body[last:m.Offset])
			want.WriteString("[masked:" + m.Kind + "]")
			last = m.Offset + m.Length
		}
		want.Write(body[last:])
		if !bytes.Equal(masked, want.Bytes()) {
			t.Fatalf("output %q is not the body %q with its masks %+v", masked, body, masks)
		}
	})
}

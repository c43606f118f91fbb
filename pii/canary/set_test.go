package canary

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"vigie/pii"
)

const frame = "https://www.example.gouv.fr/contact#form=0/"

func TestForShapes(t *testing.T) {
	digits := regexp.MustCompile(`^[0-9]+$`)
	tests := []struct {
		name, category, inputType string
		check                     func(v string) error
	}{
		{"email", pii.Contact, "email", func(v string) error {
			a, err := mail.ParseAddress(v)
			if err != nil {
				return err
			}
			if a.Address != v || !strings.HasSuffix(v, "@canary.invalid") {
				return fmt.Errorf("not a bare address under .invalid")
			}
			return nil
		}},
		{"courriel", pii.Contact, "text", func(v string) error {
			_, err := mail.ParseAddress(v)
			return err
		}},
		{"telephone", pii.Contact, "tel", phoneCheck},
		{"portable", pii.Contact, "text", phoneCheck},
		{"date", pii.Birth, "date", func(v string) error {
			_, err := time.Parse("2006-01-02", v)
			return err
		}},
		{"date_naissance", pii.Birth, "text", func(v string) error {
			_, err := time.Parse("02/01/2006", v)
			return err
		}},
		{"lieu_naissance", pii.Birth, "text", nameCheck},
		{"nom", pii.Identity, "text", nameCheck},
		{"prenom", pii.Identity, "", nameCheck},
		{"submitted[code_postal]", pii.Contact, "text", func(v string) error {
			if len(v) != 5 || !digits.MatchString(v) {
				return fmt.Errorf("not 5 digits")
			}
			return nil
		}},
		{"ville", pii.Contact, "text", nameCheck},
		{"adresse", pii.Contact, "text", func(v string) error {
			if !regexp.MustCompile(`^[0-9]+ rue [A-Z][a-z]{7,}$`).MatchString(v) {
				return fmt.Errorf("not a street address")
			}
			return nil
		}},
		{"nir", pii.NationalID, "text", digitsCheck},
		{"quantite", pii.OtherPersonal, "number", digitsCheck},
		{"pwd", pii.Credentials, "password", func(v string) error {
			for _, class := range []string{`[a-z]`, `[A-Z]`, `[0-9]`, `[^A-Za-z0-9]`} {
				if !regexp.MustCompile(class).MatchString(v) {
					return fmt.Errorf("no character of %s", class)
				}
			}
			return nil
		}},
		{"message", pii.Message, "textarea", func(v string) error {
			if !strings.Contains(v, " ") {
				return fmt.Errorf("not a phrase")
			}
			return nil
		}},
		{"site", pii.OtherPersonal, "url", func(v string) error {
			if !strings.HasPrefix(v, "https://") || !strings.Contains(v, ".invalid/") {
				return fmt.Errorf("not a URL under .invalid")
			}
			return nil
		}},
		{"mois", pii.Birth, "month", func(v string) error {
			_, err := time.Parse("2006-01", v)
			return err
		}},
	}
	set := NewSet([]byte("shapes"))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := set.For(frame+tc.name, tc.category, tc.inputType)
			if err := tc.check(v); err != nil {
				t.Errorf("For(%q, %q, %q) = %q: %v", tc.name, tc.category, tc.inputType, v, err)
			}
		})
	}
	for _, v := range set.Values() {
		if !strings.Contains(strings.ToLower(v.Text), strings.ToLower(v.Unique)) {
			t.Errorf("%q does not contain its unique part %q", v.Text, v.Unique)
		}
	}
}

func phoneCheck(v string) error {
	if !regexp.MustCompile(`^(0199|0639)(00|98)[0-9]{4}$`).MatchString(v) ||
		!(strings.HasPrefix(v, "019900") || strings.HasPrefix(v, "063998")) {
		return fmt.Errorf("not in a fiction range")
	}
	return nil
}

func nameCheck(v string) error {
	if !regexp.MustCompile(`^[A-Z][a-z]{7,}$`).MatchString(v) {
		return fmt.Errorf("not a capitalised name")
	}
	return nil
}

func digitsCheck(v string) error {
	if !regexp.MustCompile(`^[1-9][0-9]{9,}$`).MatchString(v) {
		return fmt.Errorf("not a number of 10 digits or more")
	}
	return nil
}

func TestSetDeterministic(t *testing.T) {
	fill := func(seed string) []Value {
		s := NewSet([]byte(seed))
		for i, c := range pii.Categories {
			for _, typ := range []string{"text", "email", "tel", "date", "number", "password"} {
				s.For(fmt.Sprintf("%s%d/%s", frame, i, typ), c, typ)
			}
		}
		return s.Values()
	}
	a, b, c := fill("seed-1"), fill("seed-1"), fill("seed-2")
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("two Sets with the same seed differ")
	}
	same := 0
	for i := range a {
		if a[i].Text == c[i].Text {
			same++
		}
	}
	if same > len(a)/10 {
		t.Errorf("seeds seed-1 and seed-2 share %d of %d values", same, len(a))
	}
}

func TestForSameKey(t *testing.T) {
	s := NewSet([]byte("k"))
	a := s.For(frame+"nom", pii.Identity, "text")
	if b := s.For(frame+"nom", pii.Identity, "text"); a != b {
		t.Errorf("same key: %q then %q", a, b)
	}
	if n := len(s.Values()); n != 1 {
		t.Errorf("%d values after asking twice for one key", n)
	}
}

func TestSetDistinct(t *testing.T) {
	s := NewSet([]byte("thousand"))
	types := []string{"text", "email", "tel", "date", "number", "password", "textarea", ""}
	for i := range 1000 {
		c := pii.Categories[i%len(pii.Categories)]
		s.For(fmt.Sprintf("%s%d/field%d", frame, i, i), c, types[i%len(types)])
	}
	vals := s.Values()
	if len(vals) != 1000 {
		t.Fatalf("%d values", len(vals))
	}
	seen := map[string]string{}
	for _, v := range vals {
		for _, x := range []string{strings.ToLower(v.Text), strings.ToLower(v.Unique)} {
			if k, dup := seen[x]; dup && k != v.Key {
				t.Errorf("%q handed out for %s and %s", x, k, v.Key)
			}
			seen[x] = v.Key
		}
		if len(v.Unique) < minClear {
			t.Errorf("%q: unique part %q shorter than %d", v.Text, v.Unique, minClear)
		}
	}
	// No unique part shows up inside another value.
	for _, a := range vals {
		for _, b := range vals {
			if a.Key != b.Key && strings.Contains(strings.ToLower(b.Text), strings.ToLower(a.Unique)) {
				t.Errorf("unique part %q of %s is inside %q", a.Unique, a.Key, b.Text)
			}
		}
	}
}

func TestSetConcurrent(t *testing.T) {
	s := NewSet([]byte("concurrent"))
	done := make(chan []string)
	for g := range 4 {
		go func() {
			var got []string
			for i := range 50 {
				got = append(got, s.For(fmt.Sprintf("%sg%d-%d", frame, g, i%25), pii.Identity, "text"))
			}
			_ = s.Searcher()
			done <- got
		}()
	}
	for range 4 {
		got := <-done
		for i := range 25 {
			if got[i] != got[i+25] {
				t.Errorf("key asked twice: %q then %q", got[i], got[i+25])
			}
		}
	}
	if n := len(s.Values()); n != 100 {
		t.Errorf("%d values, want 100", n)
	}
}

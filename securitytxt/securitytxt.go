// Package securitytxt reads security.txt files (RFC 9116): the fields
// with the comment that introduces each, and what makes a file invalid
// (no Contact, no Expires or one in the past, a Canonical that does not
// name the file's URL, a file outside /.well-known/). An OpenPGP
// cleartext signature is accepted and its armour skipped; it is not
// verified.
package securitytxt

import (
	"strings"
	"time"
)

// Field is one "Name: value" line.
type Field struct {
	// Name is as written; compare it with strings.EqualFold.
	Name  string
	Value string
	// Comment is the text of the comment line right before the field, ""
	// when none: a comment introduces the field that follows it.
	Comment string
	Line    int
}

// File is a parsed security.txt.
type File struct {
	Fields []Field
	// Signed is true for a file wrapped in an OpenPGP cleartext
	// signature.
	Signed bool
}

// Parse reads body. It never fails: lines that are no field are skipped.
func Parse(body []byte) *File {
	f := &File{}
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	inSig, comment := false, []string{}
	for i, raw := range lines {
		line := strings.TrimSpace(raw)
		switch {
		case line == "-----BEGIN PGP SIGNED MESSAGE-----":
			f.Signed = true
			continue
		case f.Signed && strings.HasPrefix(line, "Hash:"):
			continue
		case line == "-----BEGIN PGP SIGNATURE-----":
			inSig = true
			continue
		case line == "-----END PGP SIGNATURE-----":
			inSig = false
			continue
		case inSig:
			continue
		}
		line = strings.TrimPrefix(line, "- ") // dash-escaped lines of a signed file
		if c, ok := strings.CutPrefix(line, "#"); ok {
			comment = append(comment, strings.TrimSpace(c))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(strings.TrimSpace(name), " \t") {
			comment = comment[:0]
			continue
		}
		fd := Field{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value), Line: i + 1}
		if len(comment) > 0 {
			fd.Comment = comment[len(comment)-1]
		}
		f.Fields = append(f.Fields, fd)
		comment = comment[:0]
	}
	return f
}

// Values returns the values of the fields named name.
func (f *File) Values(name string) []string {
	var out []string
	for _, fd := range f.Fields {
		if strings.EqualFold(fd.Name, name) {
			out = append(out, fd.Value)
		}
	}
	return out
}

// Contacts returns the Contact fields.
func (f *File) Contacts() []Field {
	var out []Field
	for _, fd := range f.Fields {
		if strings.EqualFold(fd.Name, "Contact") {
			out = append(out, fd)
		}
	}
	return out
}

// Problems returns why the file, served at fileURL (the URL that
// answered, after redirects) and read at now, does not follow RFC 9116;
// nil when it does. wellKnown is false for a file found only at
// /security.txt.
func (f *File) Problems(fileURL string, wellKnown bool, now time.Time) []string {
	var out []string
	if !wellKnown {
		out = append(out, "served at /security.txt, not /.well-known/security.txt")
	}
	if len(f.Contacts()) == 0 {
		out = append(out, "no Contact field")
	}
	switch exp := f.Values("Expires"); {
	case len(exp) == 0:
		out = append(out, "no Expires field")
	case len(exp) > 1:
		out = append(out, "several Expires fields")
	default:
		t, err := time.Parse(time.RFC3339, exp[0])
		switch {
		case err != nil:
			out = append(out, "Expires is not an RFC 3339 date: "+exp[0])
		case !t.After(now):
			out = append(out, "expired on "+t.UTC().Format(time.RFC3339))
		}
	}
	if cs := f.Values("Canonical"); len(cs) > 0 {
		match := false
		for _, c := range cs {
			match = match || strings.EqualFold(strings.TrimSuffix(c, "/"), strings.TrimSuffix(fileURL, "/"))
		}
		if !match {
			out = append(out, "no Canonical field names "+fileURL)
		}
	}
	return out
}

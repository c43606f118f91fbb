package target

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// MaxLineBytes bounds one line of a list or CSV header; longer lines are
// reported and skipped rather than read into memory.
const MaxLineBytes = 64 << 10

var utf8BOM = []byte("\xef\xbb\xbf")

// ParseList reads targets one a line. Blank lines are skipped, and so is
// everything from a '#' that starts a line or follows white space (a '#'
// inside a URL is a fragment, which Parse drops). A leading byte-order mark
// and CRLF line ends are accepted. Each bad line yields a *LineError
// ("source:LINE: ...") and parsing goes on; a read error ends it.
func ParseList(r io.Reader, source string) ([]Target, []error) {
	var (
		ts   []Target
		errs []error
	)
	br := bufio.NewReaderSize(r, 4096)
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br)
		if n == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if tooLong {
			errs = append(errs, &LineError{Source: source, Line: n,
				Err: fmt.Errorf("line longer than %d bytes", MaxLineBytes)})
		} else if s := stripComment(string(line)); s != "" {
			t, perr := parse(s)
			if perr != nil {
				errs = append(errs, &LineError{Source: source, Line: n, Input: s, Err: perr})
			} else {
				t.Source, t.Line = source, n
				ts = append(ts, t)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, &LineError{Source: source, Line: n, Err: err})
			break
		}
	}
	return ts, errs
}

// readLine returns the next line without its line end. A line longer than
// MaxLineBytes is consumed and reported as tooLong. err is io.EOF after the
// last line.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLineBytes+2 { // +2 for CRLF
			tooLong = true
			buf = buf[:0]
		} else {
			buf = append(buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == nil {
			buf = bytes.TrimSuffix(buf, []byte("\n"))
			buf = bytes.TrimSuffix(buf, []byte("\r"))
		}
		if tooLong {
			buf = nil
		}
		return buf, tooLong, err
	}
}

// stripComment removes a comment that starts at a '#' at the beginning of
// s or after white space, and trims the rest.
func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			s = s[:i]
			break
		}
	}
	return strings.TrimSpace(s)
}

// ParseCSV reads targets from a CSV file whose header row names the columns
// url (required), organisation (or organization), tags and mode (static or
// browser, blank for the scan's default), in any order and case; other
// columns are ignored. The delimiter is ',' unless the header
// holds more ';' or tab characters, as spreadsheets in French locales write.
// Tags are separated by ';', ',', '|' or white space within their cell.
// Rows whose cells are all blank, and lines starting with '#', are
// skipped. Each bad row yields a *LineError and parsing goes on.
func ParseCSV(r io.Reader, source string) ([]Target, []error) {
	br := bufio.NewReaderSize(r, MaxLineBytes)
	if b, _ := br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	head, _ := br.Peek(MaxLineBytes)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}

	cr := csv.NewReader(br)
	cr.Comma = sniffDelimiter(head)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			err = errors.New("missing header row")
		}
		return nil, []error{&LineError{Source: source, Line: 1, Err: err}}
	}
	hline, _ := cr.FieldPos(0)
	cols := map[string]int{"url": -1, "organisation": -1, "tags": -1, "mode": -1}
	var names []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		names = append(names, h)
		if h == "organization" {
			h = "organisation"
		}
		if j, ok := cols[h]; ok && j < 0 {
			cols[h] = i
		}
	}
	if cols["url"] < 0 {
		return nil, []error{&LineError{Source: source, Line: hline,
			Err: fmt.Errorf(`header row has no "url" column (columns: %s)`, strings.Join(names, ", "))}}
	}

	var (
		ts   []Target
		errs []error
	)
	cell := func(rec []string, col string) string {
		if i := cols[col]; i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, &LineError{Source: source, Line: pe.StartLine, Err: pe.Err})
				continue
			}
			line, _ := cr.FieldPos(0)
			errs = append(errs, &LineError{Source: source, Line: line, Err: err})
			break
		}
		line, _ := cr.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		in := cell(rec, "url")
		if in == "" {
			errs = append(errs, &LineError{Source: source, Line: line, Err: errors.New("empty url cell")})
			continue
		}
		t, perr := parse(in)
		if perr != nil {
			errs = append(errs, &LineError{Source: source, Line: line, Input: in, Err: perr})
			continue
		}
		mode := strings.ToLower(cell(rec, "mode"))
		if mode != "" && mode != ModeStatic && mode != ModeBrowser {
			errs = append(errs, &LineError{Source: source, Line: line, Input: in,
				Err: fmt.Errorf("mode %q is neither %q nor %q", mode, ModeStatic, ModeBrowser)})
			continue
		}
		t.Mode = mode
		t.Organisation = cell(rec, "organisation")
		t.Tags = splitTags(cell(rec, "tags"))
		t.Public = PublicTags(t.Tags)
		t.Source, t.Line = source, line
		ts = append(ts, t)
	}
	return ts, errs
}

// sniffDelimiter picks the most frequent of ',', ';' and tab outside quotes
// in the header line, ',' on a tie or when none occurs.
func sniffDelimiter(header []byte) rune {
	var comma, semi, tab int
	quoted := false
	for _, c := range header {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			comma++
		case c == ';':
			semi++
		case c == '\t':
			tab++
		}
	}
	switch {
	case semi > comma && semi >= tab:
		return ';'
	case tab > comma && tab > semi:
		return '\t'
	}
	return ','
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// splitTags splits a tags cell on ';', ',', '|' and white space, dropping
// empty and repeated tags.
func splitTags(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ';' || r == ',' || r == '|' || unicode.IsSpace(r)
	})
	var tags []string
	for _, f := range fields {
		dup := false
		for _, t := range tags {
			if t == f {
				dup = true
				break
			}
		}
		if !dup {
			tags = append(tags, f)
		}
	}
	return tags
}

package canary

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"vigie/observation"
)

// minClear is the shortest text searched for in clear (plain, escaped or
// base64): shorter values, such as postcodes, would match by chance, so
// they are searched for only hashed.
const minClear = 6

// Match is a canary value found in a request.
type Match struct {
	// Key is the Value's key.
	Key string `json:"key"`
	// Where is "url" (path and query), "body" or "header".
	Where string `json:"where"`
	// Encoding is one of the observation.Encoding constants.
	Encoding string `json:"encoding"`
}

// Places a value is searched for, in the order matches are reported.
var places = [...]string{"url", "body", "header"}

// Encodings in the order they are preferred when a value is found several
// ways in one place: the clearest disclosure first, since a hash found
// beside the clear value adds nothing to it.
var encodings = [...]string{
	observation.EncodingPlain,
	observation.EncodingURL,
	observation.EncodingBase64,
	observation.EncodingSHA256,
	observation.EncodingSHA1,
	observation.EncodingMD5,
}

const (
	rankPlain = iota
	rankURL
	rankBase64
	rankSHA256
	rankSHA1
	rankMD5
	// partial is added to the rank of a find of a value's unique part
	// alone: the whole value, however encoded, tells more.
	partial = 8
	noRank  = 2 * partial
)

// Search reports where the values appear in r. It builds a Searcher for
// the values on every call: to search many requests for the same values,
// build one with NewSearcher or Set.Searcher and reuse it.
func Search(values []Value, r observation.Request) []Match {
	return NewSearcher(values).Search(r)
}

// Searcher finds a fixed list of canary values in requests. Every form a
// value can take in a request (plain, URL-encoded, JSON-escaped, base64,
// hashed) is computed once, when the Searcher is built, as a needle; a
// search then scans each part of the request once whatever the number of
// needles: a bit table indexed by a hash of every 8-byte window of the
// text selects the few windows that may start a needle, and only those
// are compared. Base64 tokens of the request are decoded and scanned the
// same way. A Searcher is safe for concurrent use.
type Searcher struct {
	values []Value
	// fold holds the needles compared case-insensitively (ASCII): plain,
	// escaped and hex forms; exact the base64 ones.
	fold, exact index
}

// Searcher returns a Searcher for the values handed out so far.
func (s *Set) Searcher() *Searcher {
	return NewSearcher(s.Values())
}

// needle is one form of one value.
type needle struct {
	text  string
	value int
	rank  int
	// digitStart and digitEnd require that no digit touches the match on
	// that side, so a number is not found inside a longer number.
	digitStart, digitEnd bool
}

// window is the length of the prefix the bit table hashes; shorter needles
// are searched for one by one.
const window = 8

// index finds a set of needles in a text.
type index struct {
	fold    bool // needles and text are compared lower-cased
	needles []needle
	byText  map[string]int
	bits    [1 << 16 / 64]uint64
	heads   map[uint64][]int32 // needles by their first 8 bytes
	short   []int32
}

// NewSearcher returns a Searcher for values.
func NewSearcher(values []Value) *Searcher {
	s := &Searcher{values: append([]Value(nil), values...)}
	s.fold.fold = true
	s.fold.byText = map[string]int{}
	s.exact.byText = map[string]int{}
	for i, v := range values {
		s.addValue(i, v)
	}
	s.fold.build()
	s.exact.build()
	return s
}

func (s *Searcher) addValue(i int, v Value) {
	type form struct {
		text string
		rank int // rankPlain, or partial for the unique part alone
	}
	var clear []form
	addClear := func(t string, rank int) {
		if len(t) < minClear {
			return
		}
		for _, f := range clear {
			if f.text == t {
				return
			}
		}
		clear = append(clear, form{t, rank})
	}
	addClear(v.Text, rankPlain)
	for _, f := range phoneForms(v.Text) {
		addClear(f, rankPlain)
	}
	addClear(v.Unique, partial)
	hashed := []string{v.Text}
	for _, f := range append([]string{strings.ToLower(strings.TrimSpace(v.Text)), compactDate(v.Text)}, phoneForms(v.Text)...) {
		if f != "" && !slices.Contains(hashed, f) {
			hashed = append(hashed, f)
		}
	}
	for _, f := range clear {
		s.fold.add(f.text, i, f.rank+rankPlain)
		for _, j := range jsonForms(f.text) {
			s.fold.add(j, i, f.rank+rankPlain)
		}
		for _, u := range urlForms(f.text) {
			s.fold.add(u, i, f.rank+rankURL)
			s.fold.add(strings.ReplaceAll(u, "%", "%25"), i, f.rank+rankURL)
		}
		s.exact.add(base64.RawStdEncoding.EncodeToString([]byte(f.text)), i, f.rank+rankBase64)
		s.exact.add(base64.RawURLEncoding.EncodeToString([]byte(f.text)), i, f.rank+rankBase64)
	}
	if strings.TrimSpace(v.Text) == "" {
		return
	}
	for _, f := range hashed {
		sums := [...]struct {
			sum  []byte
			rank int
		}{
			{sha256Sum(f), rankSHA256},
			{sha1Sum(f), rankSHA1},
			{md5Sum(f), rankMD5},
		}
		for _, h := range sums {
			s.fold.add(hex.EncodeToString(h.sum), i, h.rank)
			s.exact.add(base64.RawStdEncoding.EncodeToString(h.sum), i, h.rank)
			s.exact.add(base64.RawURLEncoding.EncodeToString(h.sum), i, h.rank)
		}
	}
}

func sha256Sum(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
func sha1Sum(s string) []byte   { h := sha1.Sum([]byte(s)); return h[:] }
func md5Sum(s string) []byte    { h := md5.Sum([]byte(s)); return h[:] }

// phoneForms returns the forms of a French telephone number trackers send
// or hash: national digits (0639981234), E.164 (+33639981234) and E.164
// digits (33639981234), as advertising pixels normalise them. It returns
// nil for text that is not a French number.
func phoneForms(t string) []string {
	var nsn string // the nine digits after 0 or +33
	switch {
	case len(t) == 10 && t[0] == '0' && allDigits(t):
		nsn = t[1:]
	case len(t) == 12 && strings.HasPrefix(t, "+33") && allDigits(t[3:]):
		nsn = t[3:]
	default:
		return nil
	}
	if nsn[0] == '0' {
		return nil
	}
	return []string{"0" + nsn, "+33" + nsn, "33" + nsn}
}

// compactDate returns the date of an ISO (2006-01-02) or French
// (02/01/2006) date as 20060102, how advertising pixels hash dates of
// birth, or "" when t is not such a date.
func compactDate(t string) string {
	switch {
	case len(t) == 10 && t[4] == '-' && t[7] == '-' && allDigits(t[:4]+t[5:7]+t[8:]):
		return t[:4] + t[5:7] + t[8:]
	case len(t) == 10 && t[2] == '/' && t[5] == '/' && allDigits(t[:2]+t[3:5]+t[6:]):
		return t[6:] + t[3:5] + t[:2]
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// jsonForms returns f as JSON string serialisers may escape it: the
// minimal escaping, with "\/" for "/" (PHP), and with every character but
// letters and digits as a \u escape.
func jsonForms(f string) []string {
	var minimal, slash, all strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '"' || c == '\\':
			minimal.WriteByte('\\')
			minimal.WriteByte(c)
			slash.WriteByte('\\')
			slash.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&minimal, `\u%04x`, c)
			fmt.Fprintf(&slash, `\u%04x`, c)
		case c == '/':
			minimal.WriteByte(c)
			slash.WriteString(`\/`)
		default:
			minimal.WriteByte(c)
			slash.WriteByte(c)
		}
		if isAlnum(c) || c >= 0x80 {
			all.WriteByte(c)
		} else {
			fmt.Fprintf(&all, `\u%04x`, c)
		}
	}
	return []string{minimal.String(), slash.String(), all.String()}
}

func isAlnum(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// urlForms returns f URL-encoded as Go's QueryEscape does (space as "+"),
// with "%20" for spaces, and as JavaScript's encodeURIComponent does.
func urlForms(f string) []string {
	q := url.QueryEscape(f)
	var js strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if isAlnum(c) || strings.IndexByte("-_.!~*'()", c) >= 0 {
			js.WriteByte(c)
		} else {
			fmt.Fprintf(&js, "%%%02X", c)
		}
	}
	return []string{q, strings.ReplaceAll(q, "+", "%20"), js.String()}
}

// add records a needle. A text already recorded for the same value keeps
// its clearest rank: a URL encoding that changes nothing is plain.
func (x *index) add(text string, value, rank int) {
	if text == "" {
		return
	}
	if x.fold {
		text = lowerASCII(text)
	}
	if j, ok := x.byText[text]; ok {
		if x.needles[j].value == value && rank < x.needles[j].rank {
			x.needles[j].rank = rank
		}
		return
	}
	x.byText[text] = len(x.needles)
	x.needles = append(x.needles, needle{
		text: text, value: value, rank: rank,
		digitStart: rank%partial <= rankURL && isDigit(text[0]),
		digitEnd:   rank%partial <= rankURL && isDigit(text[len(text)-1]),
	})
}

// build fills the bit table once every needle is added.
func (x *index) build() {
	x.heads = map[uint64][]int32{}
	for i, n := range x.needles {
		if len(n.text) < window {
			x.short = append(x.short, int32(i))
			continue
		}
		k := binary.LittleEndian.Uint64([]byte(n.text[:window]))
		h := hash16(k)
		x.bits[h/64] |= 1 << (h % 64)
		x.heads[k] = append(x.heads[k], int32(i))
	}
	x.byText = nil
}

func hash16(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> 48 }

// scan calls found for every needle present in text. A folding index
// compares lower-cased: its needles are, and text is folded on the fly.
func (x *index) scan(text []byte, found func(n *needle)) {
	if len(x.needles) == 0 {
		return
	}
	for _, i := range x.short {
		n := &x.needles[i]
		for p := 0; p+len(n.text) <= len(text); p++ {
			if x.equal(text[p:p+len(n.text)], n.text) && x.bounded(text, p, n) {
				found(n)
				break
			}
		}
	}
	if len(x.heads) == 0 {
		return
	}
	for p := 0; p+window <= len(text); p++ {
		k := binary.LittleEndian.Uint64(text[p:])
		if x.fold {
			k = lower8(k)
		}
		h := hash16(k)
		if x.bits[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, i := range x.heads[k] {
			n := &x.needles[i]
			if p+len(n.text) <= len(text) && x.equal(text[p:p+len(n.text)], n.text) && x.bounded(text, p, n) {
				found(n)
			}
		}
	}
}

// equal compares b with a needle, ignoring the case of b's ASCII letters
// in a folding index.
func (x *index) equal(b []byte, needle string) bool {
	if !x.fold {
		return string(b) == needle
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != needle[i] {
			return false
		}
	}
	return true
}

// lower8 lower-cases the ASCII letters among the 8 bytes of k at once.
func lower8(k uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	h := k &^ highs                 // each byte below 0x80: no carry below
	atLeastA := h + (0x80-'A')*ones // high bit set where byte >= 'A'
	pastZ := h + (0x80-'Z'-1)*ones  // high bit set where byte > 'Z'
	upper := atLeastA &^ pastZ &^ k & highs
	return k | upper>>2 // 0x80>>2 is 0x20, the case bit
}

// bounded reports whether the match of n at p in text is not part of a
// longer number when n asks for it.
func (x *index) bounded(text []byte, p int, n *needle) bool {
	if n.digitStart && p > 0 && isDigit(text[p-1]) {
		return false
	}
	end := p + len(n.text)
	if n.digitEnd && end < len(text) && isDigit(text[end]) {
		return false
	}
	return true
}

// lowerASCII lower-cases the ASCII letters of s.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// maxDecodeDepth is how deep base64 is decoded: the tokens of a request,
// then the tokens of what they decode to. Decoding shrinks a text by a
// quarter at each level, so the work stays linear in the request's size.
const maxDecodeDepth = 2

// Search reports where the Searcher's values appear in r: once per value
// and place, with the most telling encoding found there. The whole value
// beats its unique part alone (so an address URL-encoded is reported
// url-encoded although its token also shows in clear); then the clearest
// encoding wins: plain, URL-encoded, base64, then SHA-256, SHA-1 and MD5
// digests. JSON-escaped forms count as plain; a value found in clear
// inside decoded base64 counts as base64, a digest stays a digest.
// Matches come in the order of the values, then of the places url, body,
// header.
//
// The URL is searched from its path on (the host is the recipient, not
// data); headers are searched except Cookie, Host, User-Agent, Accept*
// and HTTP/2 pseudo-headers, which carry no page data (Referer does: the
// page's URL with what a GET form put in it).
func (s *Searcher) Search(r observation.Request) []Match {
	if len(s.values) == 0 {
		return nil
	}
	best := make([]int, len(s.values)*len(places))
	for i := range best {
		best[i] = noRank
	}
	sc := new(scratch)
	for pi, where := range places {
		var text string
		switch where {
		case "url":
			text = urlTail(r.URL)
		case "body":
			text = r.PostData
		case "header":
			text = headerText(r.Header)
		}
		if len(text) == 0 {
			continue
		}
		s.searchText([]byte(text), sc, maxDecodeDepth, where != "body", func(value, rank int) {
			if b := &best[value*len(places)+pi]; rank < *b {
				*b = rank
			}
		})
	}
	var out []Match
	for vi, v := range s.values {
		for pi, where := range places {
			if r := best[vi*len(places)+pi]; r != noRank {
				out = append(out, Match{Key: v.Key, Where: where, Encoding: encodings[r%partial]})
			}
		}
	}
	return out
}

// scratch holds the buffers of one search, one set per decoding level,
// reused from request part to request part.
type scratch struct {
	unescaped, decoded [maxDecodeDepth + 1][]byte
}

// grow returns b resized to n bytes, reallocated only when too small.
func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n, max(n, 2*cap(b)))
	}
	return b[:n]
}

// searchText scans text for every needle, then decodes the base64 tokens
// of text and scans what they decode to, depth levels deep. Inside decoded
// bytes every find counts as base64 (unless a digest, which stays one).
// paths is set for a URL or headers: base64 runs are then also split at
// "/" and "+", where a path segment or a query's space may end.
func (s *Searcher) searchText(text []byte, sc *scratch, depth int, paths bool, found func(value, rank int)) {
	decoded := depth < maxDecodeDepth
	report := func(n *needle) {
		r := n.rank
		if decoded && r%partial < rankBase64 {
			r += rankBase64 - r%partial
		}
		found(n.value, r)
	}
	s.exact.scan(text, report)
	s.fold.scan(text, report)
	if depth == 0 {
		return
	}
	src := text
	if needsUnescape(text) {
		sc.unescaped[depth] = unescape(sc.unescaped[depth][:0], text)
		src = sc.unescaped[depth]
	}
	forEachBase64(src, paths, func(tok []byte) {
		var d []byte
		d, sc.decoded[depth] = decodeBase64(sc.decoded[depth], tok)
		if len(d) >= minClear {
			s.searchText(d, sc, depth-1, false, found)
		}
	})
}

// urlTail returns the path, query and fragment of a URL: what follows its
// host.
func urlTail(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	rest := raw[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		return rest[j:]
	}
	return ""
}

// headerText joins the values of the headers that can carry page data.
func headerText(h map[string]string) string {
	var b strings.Builder
	for name, v := range h {
		n := strings.ToLower(name)
		if n == "cookie" || n == "host" || n == "user-agent" ||
			strings.HasPrefix(n, "accept") || strings.HasPrefix(n, ":") {
			continue
		}
		b.WriteString(v)
		b.WriteByte('\n')
	}
	return b.String()
}

func needsUnescape(b []byte) bool {
	return bytes.IndexByte(b, '%') >= 0 || bytes.Contains(b, []byte(`\/`))
}

// unescape appends to out, decoded leniently, what hides base64 from forEachBase64:
// percent escapes (a query parameter's "+" stays, since it is part of the
// base64 alphabet far more often than a space between base64 tokens) and
// JSON's "\/".
func unescape(out, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
		case b[i] == '\\' && i+1 < len(b) && b[i+1] == '/':
			out = append(out, '/')
			i++
		default:
			out = append(out, b[i])
		}
	}
	return out
}

func isHex(c byte) bool { return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') }

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// minToken is the length of the shortest run of base64 characters worth
// decoding.
const minToken = 8

// base64Chars marks the characters of both base64 alphabets.
var base64Chars = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isAlnum(byte(c)) || strings.IndexByte("+/-_", byte(c)) >= 0
	}
	return t
}()

func isBase64Char(c byte) bool { return base64Chars[c] }

// forEachBase64 calls fn for every run of at least minToken base64
// characters (standard or URL alphabet) in b, and, when split is set and
// the run holds a "/" or "+", also for each part between them, since a
// base64 payload is often a path segment or follows one.
func forEachBase64(b []byte, split bool, fn func(tok []byte)) {
	for i := 0; i < len(b); {
		if !isBase64Char(b[i]) {
			i++
			continue
		}
		j := i
		parts := false
		for j < len(b) && isBase64Char(b[j]) {
			parts = parts || b[j] == '/' || b[j] == '+'
			j++
		}
		if j-i >= minToken {
			fn(b[i:j])
			if split && parts {
				start := i
				for k := i; k <= j; k++ {
					if k == j || b[k] == '/' || b[k] == '+' {
						if k-start >= minToken && k-start < j-i {
							fn(b[start:k])
						}
						start = k + 1
					}
				}
			}
		}
		i = j
	}
}

// decodeBase64 decodes a token of either alphabet, without padding,
// ignoring a dangling last character, using buf as scratch space; it
// returns what decoded and buf, grown if needed, for reuse.
func decodeBase64(buf, tok []byte) (decoded, scratch []byte) {
	n := len(tok)
	if n%4 == 1 {
		n--
	}
	buf = grow(buf, n+base64.RawStdEncoding.DecodedLen(n))
	t, out := buf[:n], buf[n:]
	for i := range t {
		switch c := tok[i]; c {
		case '-':
			t[i] = '+'
		case '_':
			t[i] = '/'
		default:
			t[i] = c
		}
	}
	k, _ := base64.RawStdEncoding.Decode(out, t)
	return out[:k], buf
}

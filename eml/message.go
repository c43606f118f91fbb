package eml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // legacy charsets (ISO-8859-*, Windows-125x)
	"github.com/emersion/go-message/mail"
	"golang.org/x/net/html"
)

// Bounds on what one message may make Vigie read or keep.
const (
	// MaxMessageSize is the largest message analysed, in bytes.
	MaxMessageSize = 25 << 20
	// maxParts bounds the MIME parts walked.
	maxParts = 500
	// maxPartSize bounds one decoded part.
	maxPartSize = 10 << 20
	// maxText bounds the text (plain and HTML's visible text) kept for
	// the phrase classifiers.
	maxText = 2 << 20
)

// ErrTooLarge is returned for a message over MaxMessageSize.
var ErrTooLarge = fmt.Errorf("eml: message larger than %d bytes", MaxMessageSize)

// Address is a mailbox of a header field.
type Address struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`
	// Domain is the address's domain, lower-cased.
	Domain string `json:"domain,omitempty"`
}

// Attachment is a part that is not the message's text.
type Attachment struct {
	Filename    string `json:"filename,omitempty"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	// Risk is "executable", "macro", "double-extension", "archive" or
	// "disk-image"; empty when the type is not one to worry about.
	Risk string `json:"risk,omitempty"`
}

// Message is a parsed email.
type Message struct {
	Raw        []byte
	From       []Address
	Sender     *Address
	ReplyTo    []Address
	ReturnPath string
	To, Cc     []Address
	Subject    string
	Date       string
	MessageID  string
	// Received are the Received fields, topmost (most recent) first.
	Received []string
	// AuthenticationResults are the Authentication-Results fields as
	// received: what some server claimed, never trusted.
	AuthenticationResults []string
	// Text is the plain-text parts followed by the visible text of the
	// HTML parts.
	Text        string
	Links       []Link
	Attachments []Attachment
	// Problems are what could not be read (malformed parts, unknown
	// charsets); the analysis goes on with the rest.
	Problems []string
}

// Parse reads an email in Internet Message Format (RFC 5322, as .eml
// files hold). Malformed parts are recorded in Problems; only a message
// without a readable header is an error.
func Parse(r io.Reader) (*Message, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxMessageSize+1))
	if err != nil {
		return nil, fmt.Errorf("eml: reading the message: %w", err)
	}
	if len(raw) > MaxMessageSize {
		return nil, ErrTooLarge
	}
	return parseBytes(raw)
}

func parseBytes(raw []byte) (*Message, error) {
	m := &Message{Raw: raw}
	ent, err := message.Read(bytes.NewReader(raw))
	if err != nil && ent == nil {
		return nil, fmt.Errorf("eml: not an email: %w", err)
	}
	if err != nil {
		m.Problems = append(m.Problems, err.Error())
	}
	if ent.Header.Len() == 0 {
		return nil, errors.New("eml: not an email: no header fields")
	}
	m.readHeader(mail.Header{Header: ent.Header})

	var text, htmlText strings.Builder
	parts := 0
	walkErr := ent.Walk(func(_ []int, e *message.Entity, err error) error {
		if err != nil {
			m.Problems = append(m.Problems, err.Error())
			return nil
		}
		parts++
		if parts > maxParts {
			return fmt.Errorf("more than %d MIME parts: the rest is not read", maxParts)
		}
		if e.MultipartReader() != nil {
			return nil
		}
		m.readPart(e, &text, &htmlText)
		return nil
	})
	if walkErr != nil {
		m.Problems = append(m.Problems, walkErr.Error())
	}
	m.Text = text.String()
	if htmlText.Len() > 0 {
		if m.Text != "" {
			m.Text += "\n\n"
		}
		m.Text += htmlText.String()
	}
	// URLs written as text in the plain part (the HTML's were read
	// with it). A link is listed once, as the HTML shows it when both
	// alternatives carry it.
	for _, u := range textURLs(text.String()) {
		if l, ok := newLink(u, "text", ""); ok {
			m.Links = append(m.Links, l)
		}
	}
	m.Links = uniqueLinks(m.Links)
	return m, nil
}

func (m *Message) readHeader(h mail.Header) {
	m.From = addresses(h, "From")
	if s := addresses(h, "Sender"); len(s) > 0 {
		m.Sender = &s[0]
	}
	m.ReplyTo = addresses(h, "Reply-To")
	m.To = addresses(h, "To")
	m.Cc = addresses(h, "Cc")
	if rp := strings.TrimSpace(h.Get("Return-Path")); rp != "" {
		m.ReturnPath = strings.Trim(rp, "<> ")
	}
	if s, err := h.Subject(); err == nil {
		m.Subject = s
	} else {
		m.Subject = h.Get("Subject")
	}
	m.Date = h.Get("Date")
	m.MessageID = h.Get("Message-Id")
	m.Received = h.Values("Received")
	m.AuthenticationResults = h.Values("Authentication-Results")
}

// addresses reads an address list, falling back to the addresses a
// malformed field still shows.
func addresses(h mail.Header, key string) []Address {
	list, err := h.AddressList(key)
	var out []Address
	if err == nil {
		for _, a := range list {
			out = append(out, newAddress(a.Name, a.Address))
		}
		return out
	}
	dec := &mime.WordDecoder{}
	for _, v := range h.Values(key) {
		if d, err := dec.DecodeHeader(v); err == nil {
			v = d
		}
		for _, part := range strings.Split(v, ",") {
			name, addr := part, part
			if i := strings.LastIndexByte(part, '<'); i >= 0 {
				name = part[:i]
				addr = strings.TrimSuffix(strings.TrimSpace(part[i+1:]), ">")
			} else {
				name = ""
			}
			addr = strings.TrimSpace(addr)
			if strings.Contains(addr, "@") {
				out = append(out, newAddress(strings.Trim(strings.TrimSpace(name), `"`), addr))
			}
		}
	}
	return out
}

func newAddress(name, addr string) Address {
	return Address{Name: name, Address: addr, Domain: domainOf(addr)}
}

// domainOf returns the domain of an address, lower-cased.
func domainOf(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(addr[i+1:]), "."))
}

func (m *Message) readPart(e *message.Entity, text, htmlText *strings.Builder) {
	ct, ctParams, _ := e.Header.ContentType()
	if ct == "" {
		ct = "text/plain"
	}
	disp, dParams, _ := e.Header.ContentDisposition()
	name := dParams["filename"]
	if name == "" {
		name = ctParams["name"]
	}
	body, err := io.ReadAll(io.LimitReader(e.Body, maxPartSize+1))
	if err != nil {
		m.Problems = append(m.Problems, fmt.Sprintf("part %s: %v", ct, err))
	}
	truncated := len(body) > maxPartSize
	if truncated {
		body = body[:maxPartSize]
		m.Problems = append(m.Problems, fmt.Sprintf("part %s larger than %d bytes: the rest is not read", ct, maxPartSize))
	}
	inline := disp != "attachment" && name == ""
	switch {
	case inline && ct == "text/plain":
		appendBounded(text, string(body))
	case inline && ct == "text/html":
		visible, links := readHTML(body)
		appendBounded(htmlText, visible)
		m.Links = append(m.Links, links...)
	case inline && (strings.HasPrefix(ct, "image/") || ct == "multipart/alternative"):
		// Inline images of the layout are not attachments.
	default:
		a := Attachment{Filename: path.Base(strings.ReplaceAll(name, `\`, "/")), ContentType: ct, Size: len(body)}
		if name == "" {
			a.Filename = ""
		}
		a.Risk = attachmentRisk(a.Filename, ct)
		m.Attachments = append(m.Attachments, a)
	}
}

func appendBounded(b *strings.Builder, s string) {
	if b.Len() >= maxText {
		return
	}
	if b.Len()+len(s) > maxText {
		s = s[:maxText-b.Len()]
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	b.WriteString(s)
}

// readHTML returns the visible text of an HTML part and its links: each
// href, and each URL written in the visible text.
func readHTML(body []byte) (string, []Link) {
	z := html.NewTokenizer(bytes.NewReader(body))
	// outside is the visible text outside links: a URL written there
	// is listed, one shown as a link's text is the link's.
	var text, outside strings.Builder
	var links []Link
	skip := 0 // inside script, style, head's title…
	var href string
	var anchor strings.Builder
	inAnchor := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			visible := text.String()
			for _, u := range textURLs(outside.String()) {
				if l, ok := newLink(u, "html-text", ""); ok {
					links = append(links, l)
				}
			}
			return visible, uniqueLinks(links)
		case html.StartTagToken, html.SelfClosingTagToken:
			tn, hasAttr := z.TagName()
			tag := string(tn)
			switch tag {
			case "script", "style", "title", "head":
				if tt == html.StartTagToken {
					skip++
				}
			case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "td", "table":
				text.WriteString("\n")
			}
			if (tag == "a" || tag == "area") && hasAttr {
				for {
					k, v, more := z.TagAttr()
					if string(k) == "href" {
						href = string(v)
					}
					if !more {
						break
					}
				}
				if tag == "a" && tt == html.StartTagToken {
					inAnchor = true
					anchor.Reset()
				} else if l, ok := newLink(href, "html", ""); ok {
					links = append(links, l)
				}
			}
		case html.EndTagToken:
			tn, _ := z.TagName()
			switch string(tn) {
			case "script", "style", "title", "head":
				if skip > 0 {
					skip--
				}
			case "a":
				if inAnchor {
					if l, ok := newLink(href, "html", shownAddress(anchor.String())); ok {
						links = append(links, l)
					}
					inAnchor, href = false, ""
				}
			case "p", "div", "tr", "li", "h1", "h2", "h3", "table":
				text.WriteString("\n")
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if text.Len() < maxText {
				text.WriteString(t)
			}
			if inAnchor && anchor.Len() < 1000 {
				anchor.WriteString(t)
			}
			if !inAnchor && outside.Len() < maxText {
				outside.WriteString(t)
				outside.WriteString(" ")
			}
		}
	}
}

// shownAddress returns a link's visible text when it shows a web address
// or a domain name (what the reader believes they click), else "".
func shownAddress(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\n") || !strings.Contains(s, ".") {
		return ""
	}
	return s
}

// uniqueLinks keeps the first link of each URL, at most maxLinks, HTML
// hrefs before URLs written as text.
func uniqueLinks(links []Link) []Link {
	rank := func(src string) int {
		if src == "html" {
			return 0
		}
		return 1
	}
	seen := map[string]int{}
	var out []Link
	for _, l := range links {
		if i, ok := seen[l.URL]; ok {
			if rank(l.Source) < rank(out[i].Source) {
				out[i] = l
			}
			continue
		}
		if len(out) >= maxLinks {
			break
		}
		seen[l.URL] = len(out)
		out = append(out, l)
	}
	return out
}

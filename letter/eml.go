package letter

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// Message is the envelope of a letter sent by email.
type Message struct {
	From, To string // addresses, optionally with display names
	Date     time.Time
}

// EML turns a Markdown letter into an RFC 5322 message: its first line
// ("Objet : …" or "Subject: …") becomes the Subject header, Q-encoded in
// UTF-8; the rest is a text/plain UTF-8 body in quoted-printable with CRLF
// line endings. The Message-ID is derived from the content, so the same
// letter gives the same file.
func EML(md []byte, m Message) ([]byte, error) {
	first, body, _ := strings.Cut(string(md), "\n")
	subject := first
	for _, p := range []string{"Objet\u00a0:", "Objet :", "Subject:"} {
		if s, ok := strings.CutPrefix(first, p); ok {
			subject = strings.TrimSpace(s)
			break
		}
	}
	from, err := address(m.From)
	if err != nil {
		return nil, fmt.Errorf("letter: From %q: %w", m.From, err)
	}
	to, err := address(m.To)
	if err != nil {
		return nil, fmt.Errorf("letter: To %q: %w", m.To, err)
	}
	body = strings.TrimLeft(body, "\n")
	sum := sha256.Sum256(md)
	domain := "vigie.invalid"
	if _, d, ok := strings.Cut(from.Address, "@"); ok {
		domain = d
	}
	var b bytes.Buffer
	header := func(k, v string) {
		if !strings.HasPrefix(v, "\r\n") {
			v = " " + v
		}
		fmt.Fprintf(&b, "%s:%s\r\n", k, v)
	}
	header("From", from.String())
	header("To", to.String())
	// Each encoded word (at most 75 octets) on a line of its own keeps every
	// line within 78 octets.
	header("Subject", "\r\n "+strings.ReplaceAll(mime.QEncoding.Encode("utf-8", subject), "?= =?", "?=\r\n =?"))
	header("Date", m.Date.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(sum[:12])+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func address(s string) (*mail.Address, error) {
	if s == "" {
		return nil, fmt.Errorf("empty address")
	}
	return mail.ParseAddress(s)
}

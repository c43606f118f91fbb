package letter

import (
	"fmt"
	"net/mail"
	"net/smtp"
)

// Send submits an .eml built by EML to the SMTP server at addr (host:port),
// from m.From to m.To, without authentication (a local relay); net/smtp
// upgrades to STARTTLS when the server offers it.
func Send(addr string, m Message, eml []byte) error {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return fmt.Errorf("letter: From %q: %w", m.From, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("letter: To %q: %w", m.To, err)
	}
	if err := smtp.SendMail(addr, nil, from.Address, []string{to.Address}, eml); err != nil {
		return fmt.Errorf("letter: sending to %s through %s: %w", to.Address, addr, err)
	}
	return nil
}

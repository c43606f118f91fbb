package alert

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"

	"vigie/store"
)

// SMTP is how alerts are emailed: always over STARTTLS (a server that does
// not offer it is refused, so that credentials and alerts never cross the
// network in clear), authenticated with PLAIN when Username is set.
type SMTP struct {
	// Addr is the submission server, HOST:PORT.
	Addr string
	// ServerName is the name its certificate must carry (default: Addr's
	// host); RootCAs the authorities to trust (default: the system's).
	ServerName string
	RootCAs    *x509.CertPool
	Username   string
	Password   string
	// From is the sender, e.g. "Vigie <alertes@example.org>".
	From string
	// Timeout bounds one delivery (default 30 s).
	Timeout time.Duration
}

func (d *Dispatcher) sendEmail(ctx context.Context, s store.Subscription, to string, alerts []Alert, scanID string) error {
	msg, err := d.compose(s.Lang, to, alerts)
	if err != nil {
		return err
	}
	return d.retry(ctx, s, "email", to, scanID, func() (string, error) {
		return "", d.o.SMTP.send(ctx, to, msg)
	})
}

func (c SMTP) send(ctx context.Context, to string, msg []byte) error {
	if c.Addr == "" {
		return errors.New("no SMTP server configured (--smtp)")
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return fmt.Errorf("sender %q: %w", c.From, err)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("SMTP server %q: %w", c.Addr, err)
	}
	name := c.ServerName
	if name == "" {
		name = host
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	cl, err := smtp.NewClient(conn, name)
	if err != nil {
		return fmt.Errorf("SMTP %s: %w", c.Addr, err)
	}
	defer cl.Close()
	if err := cl.Hello("localhost"); err != nil {
		return fmt.Errorf("SMTP %s: EHLO: %w", c.Addr, err)
	}
	if ok, _ := cl.Extension("STARTTLS"); !ok {
		return fmt.Errorf("SMTP %s offers no STARTTLS: refused", c.Addr)
	}
	if err := cl.StartTLS(&tls.Config{ServerName: name, RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12}); err != nil {
		return fmt.Errorf("SMTP %s: STARTTLS: %w", c.Addr, err)
	}
	if c.Username != "" {
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, name)); err != nil {
			return fmt.Errorf("SMTP %s: AUTH: %w", c.Addr, err)
		}
	}
	if err := cl.Mail(from.Address); err != nil {
		return fmt.Errorf("SMTP %s: MAIL FROM: %w", c.Addr, err)
	}
	if err := cl.Rcpt(to); err != nil {
		return fmt.Errorf("SMTP %s: RCPT TO %s: %w", c.Addr, to, err)
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("SMTP %s: DATA: %w", c.Addr, err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("SMTP %s: DATA: %w", c.Addr, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP %s: DATA: %w", c.Addr, err)
	}
	return cl.Quit()
}

// words of the emails, by language.
var words = map[string]map[string]string{
	"en": {
		"subject":   "Vigie: %d new, %d back, %d fixed",
		"intro":     "Vigie's scheduled scans changed the following.",
		"scan":      "Scan %s of group %q (schedule %q), %s",
		"new":       "New failures:",
		"regressed": "Failures back after a fix:",
		"fixed":     "Fixed:",
		"check":     "check",
		"outro":     "You receive this email because of your alert subscription on the Vigie dashboard.",
	},
	"fr": {
		"subject":   "Vigie : %d nouveaux, %d revenus, %d corrigés",
		"intro":     "Les analyses programmées de Vigie ont relevé les changements suivants.",
		"scan":      "Analyse %s du groupe « %s » (programmation « %s »), %s",
		"new":       "Nouveaux manquements :",
		"regressed": "Manquements revenus après correction :",
		"fixed":     "Corrigés :",
		"check":     "contrôle",
		"outro":     "Vous recevez ce courriel au titre de votre abonnement aux alertes du tableau de bord Vigie.",
	},
}

// compose writes the digest email of alerts for one recipient.
func (d *Dispatcher) compose(lang, to string, alerts []Alert) ([]byte, error) {
	if lang != "fr" {
		lang = "en"
	}
	w := words[lang]
	var nNew, nBack, nFixed int
	var body strings.Builder
	body.WriteString(w["intro"] + "\n")
	for _, a := range alerts {
		nNew, nBack, nFixed = nNew+len(a.New), nBack+len(a.Regressed), nFixed+len(a.Fixed)
		fmt.Fprintf(&body, "\n"+w["scan"]+"\n", a.Scan, a.Group, a.Schedule, a.At.Format("2006-01-02 15:04 MST"))
		for _, sec := range []struct {
			key   string
			items []Item
		}{{"new", a.New}, {"regressed", a.Regressed}, {"fixed", a.Fixed}} {
			if len(sec.items) == 0 {
				continue
			}
			body.WriteString("\n" + w[sec.key] + "\n")
			for _, it := range sec.items {
				fmt.Fprintf(&body, "- [%s] %s\n  %s\n  %s %s, %s\n", it.Severity, title(it.Check, lang, it.Title), it.URL, w["check"], it.Check, it.ID)
				if d.o.Dashboard != "" {
					fmt.Fprintf(&body, "  %s/findings/%s\n", strings.TrimRight(d.o.Dashboard, "/"), it.ID)
				}
			}
		}
	}
	body.WriteString("\n-- \n" + w["outro"] + "\n")

	var id [12]byte
	rand.Read(id[:]) // never fails, see crypto/rand.Read
	from, err := mail.ParseAddress(d.o.SMTP.From)
	if err != nil {
		return nil, fmt.Errorf("alert: sender %q: %w", d.o.SMTP.From, err)
	}
	domain := "vigie.invalid"
	if _, dom, ok := strings.Cut(from.Address, "@"); ok {
		domain = dom
	}
	var msg bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&msg, "%s: %s\r\n", k, v) }
	hdr("From", from.String())
	hdr("To", to)
	hdr("Subject", mime.QEncoding.Encode("utf-8", fmt.Sprintf(w["subject"], nNew, nBack, nFixed)))
	hdr("Date", d.o.Now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domain+">")
	hdr("Content-Language", lang)
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	hdr("Auto-Submitted", "auto-generated")
	msg.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&msg)
	qp.Write([]byte(strings.ReplaceAll(body.String(), "\n", "\r\n")))
	qp.Close()
	return msg.Bytes(), nil
}

// Package smtppeer runs a real SMTP server, built on
// github.com/emersion/go-smtp, on a loopback port for tests of STARTTLS:
// it greets, answers EHLO (offering STARTTLS when given a TLS
// configuration), upgrades with STARTTLS, and refuses every message.
//
// Debian's Postfix would be the more faithful peer, but it needs its
// spool tree, its own user and a master process with privileged helpers;
// the go-smtp server speaks the same protocol over real sockets and lets a
// test choose the TLS versions offered.
package smtppeer

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// refusing is a session that accepts no mail.
type refusing struct{}

var errNoMail = &smtp.SMTPError{Code: 550, Message: "test server accepts no mail"}

func (refusing) Reset()                               {}
func (refusing) Logout() error                        { return nil }
func (refusing) Mail(string, *smtp.MailOptions) error { return errNoMail }
func (refusing) Rcpt(string, *smtp.RcptOptions) error { return errNoMail }
func (refusing) Data(io.Reader) error                 { return errNoMail }

// Start serves SMTP on 127.0.0.1 until the test ends and returns the
// port; cfg nil offers no STARTTLS.
func Start(t testing.TB, cfg *tls.Config) int {
	t.Helper()
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return refusing{}, nil }))
	s.Domain = "mx.test"
	s.TLSConfig = cfg
	s.ErrorLog = log.New(io.Discard, "", 0)
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtppeer: %v", err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

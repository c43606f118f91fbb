// Package smtptest runs a real SMTP submission server on loopback for
// tests (github.com/emersion/go-smtp): STARTTLS with a throwaway CA, AUTH
// PLAIN required before MAIL, and every accepted message kept in memory.
package smtptest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"vigie/internal/testpki"
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Data []byte
	// User is the authenticated user; TLS whether STARTTLS was on.
	User string
	TLS  bool
}

// Server is a running test SMTP server.
type Server struct {
	// Addr is HOST:PORT on loopback; Name the certificate's name.
	Addr, Name string
	// Roots trusts the server's certificate.
	Roots *x509.CertPool
	// User and Password are the only credentials accepted.
	User, Password string

	mu       sync.Mutex
	messages []Message
	arrived  chan struct{}
}

// Start serves until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ca := testpki.NewCA(t, "smtptest CA")
	cert := ca.Issue(t, testpki.LeafOptions{Names: []string{"localhost", "127.0.0.1"}})
	s := &Server{Name: "localhost", Roots: ca.Pool(), User: "vigie", Password: "smtp-test-password", arrived: make(chan struct{}, 64)}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.AllowInsecureAuth = false // AUTH only after STARTTLS
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 1 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Wait waits until n messages were accepted or the timeout passes, and
// returns the messages.
func (s *Server) Wait(n int, timeout time.Duration) []Message {
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrived:
		case <-deadline:
			return s.Messages()
		}
	}
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

type session struct {
	s    *Server
	conn *smtp.Conn
	user string
	msg  Message
}

var errAuth = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, password string) error {
		if user != x.s.User || password != x.s.Password {
			return errors.New("invalid credentials")
		}
		x.user = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.user == "" {
		return errAuth
	}
	_, isTLS := x.conn.TLSConnectionState()
	x.msg = Message{From: from, User: x.user, TLS: isTLS}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.msg.To = append(x.msg.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	x.msg.Data = b.Bytes()
	x.s.mu.Lock()
	x.s.messages = append(x.s.messages, x.msg)
	x.s.mu.Unlock()
	select {
	case x.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

func (x *session) Reset()        { x.msg = Message{} }
func (x *session) Logout() error { return nil }

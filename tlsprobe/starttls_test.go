package tlsprobe

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"
)

func TestReadSMTPReply(t *testing.T) {
	tests := []struct {
		in    string
		code  int
		lines int
		err   string
		rest  string
	}{
		{"220 mx.example.fr ESMTP\r\n\x16\x03", 220, 1, "", "\x16\x03"},
		{"250-mx.example.fr\r\n250-PIPELINING\r\n250 STARTTLS\r\n", 250, 3, "", ""},
		{"250\r\n", 250, 1, "", ""},
		{"250-a\r\n251 b\r\n", 0, 0, "mixed", ""},
		{"2x0 nope\r\n", 0, 0, "malformed", ""},
		{"25\r\n", 0, 0, "malformed", ""},
		{"250+a\r\n", 0, 0, "malformed", ""},
		{"250-a\r\n", 0, 0, "EOF", ""},
		{strings.Repeat("250-x\r\n", 101), 0, 0, "too long", ""},
		{"220 " + strings.Repeat("x", 3000), 0, 0, "too long", ""},
	}
	for _, tt := range tests {
		r := strings.NewReader(tt.in)
		code, lines, err := readSMTPReply(r)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%.30q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || code != tt.code || len(lines) != tt.lines {
			t.Errorf("%.30q: %d %q %v", tt.in, code, lines, err)
		}
		rest := make([]byte, 10)
		n, _ := r.Read(rest)
		if string(rest[:n]) != tt.rest {
			t.Errorf("%.30q: left %q, want %q (nothing past the reply may be read)", tt.in, rest[:n], tt.rest)
		}
	}
}

// fakeMX answers one scripted SMTP dialogue per connection and, after
// STARTTLS, a TLS handshake with cert.
func fakeMX(t *testing.T, ehlo string, cert *tls.Certificate) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				c.Write([]byte("220 fake ESMTP\r\n"))
				for {
					line, err := readLine(c)
					if err != nil {
						return
					}
					switch strings.ToUpper(strings.Fields(line + " x")[0]) {
					case "EHLO":
						c.Write([]byte(ehlo))
					case "STARTTLS":
						if cert == nil {
							c.Write([]byte("454 TLS not available\r\n"))
							continue
						}
						c.Write([]byte("220 go ahead\r\n"))
						tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{*cert}})
						tc.Handshake()
						return
					case "QUIT":
						c.Write([]byte("221 bye\r\n"))
						return
					default:
						c.Write([]byte("502 no\r\n"))
					}
				}
			}()
		}
	}()
	return l.Addr().String()
}

func TestSMTPHelloAndSTARTTLSDialer(t *testing.T) {
	d := &net.Dialer{}
	ctx := context.Background()
	cert := newCA(t).leaf(t, leafSpec{names: []string{"mx.example.test"}})

	with := fakeMX(t, "250-fake\r\n250-SIZE 1000\r\n250 STARTTLS\r\n", &cert)
	s, err := SMTPHello(ctx, d.DialContext, with, "vigie.invalid", 2*time.Second)
	if err != nil || !s.STARTTLS || s.Banner != "fake ESMTP" || strings.Join(s.Extensions, ",") != "SIZE,STARTTLS" {
		t.Fatalf("hello: %+v %v", s, err)
	}
	dial := STARTTLSDialer(d.DialContext, "vigie.invalid", 2*time.Second)
	conn, err := dial(ctx, "tcp", with)
	if err != nil {
		t.Fatalf("STARTTLS dial: %v", err)
	}
	tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true})
	if err := tc.Handshake(); err != nil {
		t.Errorf("TLS after STARTTLS: %v", err)
	}
	tc.Close()

	without := fakeMX(t, "250-fake\r\n250 SIZE 1000\r\n", nil)
	if s, err := SMTPHello(ctx, d.DialContext, without, "vigie.invalid", 2*time.Second); err != nil || s.STARTTLS {
		t.Errorf("hello without STARTTLS: %+v %v", s, err)
	}
	if _, err := dial(ctx, "tcp", without); err == nil || !strings.Contains(err.Error(), "not offered") {
		t.Errorf("dial without STARTTLS: %v", err)
	}
	refused := fakeMX(t, "250-fake\r\n250 STARTTLS\r\n", nil)
	if _, err := dial(ctx, "tcp", refused); err == nil || !strings.Contains(err.Error(), "454") {
		t.Errorf("dial with STARTTLS refused: %v", err)
	}
}

func FuzzReadSMTPReply(f *testing.F) {
	f.Add("250-a\r\n250 b\r\n")
	f.Fuzz(func(t *testing.T, in string) { readSMTPReply(strings.NewReader(in)) })
}

package tlsprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// SMTPSession is what an SMTP server said before TLS: its greeting and
// the keywords of its EHLO answer.
type SMTPSession struct {
	Banner     string   `json:"banner"`
	Extensions []string `json:"extensions"`
	// STARTTLS is set when the EHLO answer offers STARTTLS (RFC 3207).
	STARTTLS bool `json:"starttls"`
}

// maxSMTPLine bounds one reply line (RFC 5321 allows 512 octets).
const maxSMTPLine = 2048

// maxSMTPLines bounds the lines of one multi-line reply.
const maxSMTPLines = 100

// SMTPHello connects to addr with dial, reads the greeting and sends
// "EHLO helo", then QUIT. It never sends mail. timeout bounds the whole
// dialogue.
func SMTPHello(ctx context.Context, dial func(ctx context.Context, network, addr string) (net.Conn, error), addr, helo string, timeout time.Duration) (*SMTPSession, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, &dialError{err: err}
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	s, err := smtpEHLO(conn, helo)
	if err != nil {
		return nil, fmt.Errorf("smtp %s: %w", addr, err)
	}
	fmt.Fprintf(conn, "QUIT\r\n")
	return s, nil
}

// STARTTLSDialer returns a dial function for Options.Dial that upgrades
// each SMTP connection with STARTTLS before the prober speaks TLS on it:
// greeting, "EHLO helo", "STARTTLS", and its 220 answer. Each handshake
// of a probe thus costs one SMTP dialogue; no mail is ever sent.
func STARTTLSDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error), helo string, timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		dl := time.Now().Add(timeout)
		if d, ok := ctx.Deadline(); ok && d.Before(dl) {
			dl = d
		}
		conn.SetDeadline(dl)
		s, err := smtpEHLO(conn, helo)
		if err == nil && !s.STARTTLS {
			err = errors.New("STARTTLS not offered")
		}
		if err == nil {
			err = smtpCommand(conn, "STARTTLS", 220)
		}
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("smtp %s: %w", addr, err)
		}
		conn.SetDeadline(time.Time{})
		return conn, nil
	}
}

// smtpEHLO reads the greeting and sends EHLO.
func smtpEHLO(conn net.Conn, helo string) (*SMTPSession, error) {
	code, lines, err := readSMTPReply(conn)
	if err != nil {
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if code != 220 {
		return nil, fmt.Errorf("greeting: code %d %q", code, strings.Join(lines, " "))
	}
	s := &SMTPSession{Banner: strings.Join(lines, " ")}
	if _, err := fmt.Fprintf(conn, "EHLO %s\r\n", helo); err != nil {
		return nil, err
	}
	code, lines, err = readSMTPReply(conn)
	if err != nil {
		return nil, fmt.Errorf("EHLO: %w", err)
	}
	if code != 250 {
		return nil, fmt.Errorf("EHLO: code %d %q", code, strings.Join(lines, " "))
	}
	for _, l := range lines[1:] { // the first line is the server's name
		kw := strings.ToUpper(strings.Fields(l + " ")[0])
		s.Extensions = append(s.Extensions, kw)
		if kw == "STARTTLS" {
			s.STARTTLS = true
		}
	}
	return s, nil
}

func smtpCommand(conn net.Conn, cmd string, want int) error {
	if _, err := fmt.Fprintf(conn, "%s\r\n", cmd); err != nil {
		return err
	}
	code, lines, err := readSMTPReply(conn)
	if err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	if code != want {
		return fmt.Errorf("%s: code %d %q", cmd, code, strings.Join(lines, " "))
	}
	return nil
}

// readSMTPReply reads one reply, single or multi-line, byte by byte so
// that nothing after it (the TLS handshake) is consumed.
func readSMTPReply(r io.Reader) (int, []string, error) {
	var lines []string
	code := 0
	for n := 0; n < maxSMTPLines; n++ {
		line, err := readLine(r)
		if err != nil {
			return 0, nil, err
		}
		if len(line) < 3 {
			return 0, nil, fmt.Errorf("malformed reply %q", line)
		}
		c := 0
		for _, d := range line[:3] {
			if d < '0' || d > '9' {
				return 0, nil, fmt.Errorf("malformed reply %q", line)
			}
			c = c*10 + int(d-'0')
		}
		if code != 0 && c != code {
			return 0, nil, fmt.Errorf("reply codes %d and %d mixed", code, c)
		}
		code = c
		text := ""
		if len(line) > 4 {
			text = line[4:]
		}
		lines = append(lines, text)
		if len(line) == 3 || line[3] == ' ' {
			return code, lines, nil
		}
		if line[3] != '-' {
			return 0, nil, fmt.Errorf("malformed reply %q", line)
		}
	}
	return 0, nil, errors.New("reply too long")
}

func readLine(r io.Reader) (string, error) {
	var b []byte
	one := make([]byte, 1)
	for len(b) < maxSMTPLine {
		if _, err := io.ReadFull(r, one); err != nil {
			return "", err
		}
		if one[0] == '\n' {
			return strings.TrimSuffix(string(b), "\r"), nil
		}
		b = append(b, one[0])
	}
	return "", errors.New("reply line too long")
}

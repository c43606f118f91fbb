package letter

import (
	"bufio"
	"bytes"
	"net"
	"strings"
	"testing"
	"time"
)

// smtpServer accepts one message on loopback and sends what it received
// (envelope lines and data) on the returned channel.
func smtpServer(t *testing.T) (string, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		var rec strings.Builder
		reply := func(s string) { conn.Write([]byte(s + "\r\n")) }
		reply("220 test ESMTP")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.TrimSpace(line))
			switch {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				reply("250 test")
			case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"):
				rec.WriteString(strings.TrimSpace(line) + "\n")
				reply("250 ok")
			case cmd == "DATA":
				reply("354 go on")
				for {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if l == ".\r\n" {
						break
					}
					rec.WriteString(strings.TrimPrefix(l, ".")) // dot-stuffing
				}
				reply("250 queued")
			case cmd == "QUIT":
				reply("221 bye")
				got <- rec.String()
				return
			default:
				reply("502 not implemented")
			}
		}
	}()
	return ln.Addr().String(), got
}

func TestSend(t *testing.T) {
	md, err := Markdown(fixture("fr", false), Alert, "")
	if err != nil {
		t.Fatal(err)
	}
	m := Message{From: "Association Vigie <alerte@vigie.test>", To: "dpd@interieur.test", Date: time.Date(2022, 1, 25, 9, 30, 0, 0, time.UTC)}
	eml, err := EML(md, m)
	if err != nil {
		t.Fatal(err)
	}
	addr, got := smtpServer(t)
	if err := Send(addr, m, eml); err != nil {
		t.Fatal(err)
	}
	select {
	case rec := <-got:
		if !strings.HasPrefix(rec, "MAIL FROM:<alerte@vigie.test>") || !strings.Contains(rec, "RCPT TO:<dpd@interieur.test>\n") {
			t.Errorf("envelope:\n%s", rec)
		}
		if _, data, _ := strings.Cut(rec, "RCPT TO:<dpd@interieur.test>\n"); !bytes.Equal([]byte(data), eml) {
			t.Errorf("data differs from the .eml:\n%s", data)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the SMTP server received nothing")
	}
	if err := Send(addr, Message{From: "nobody", To: "x@y.test"}, eml); err == nil {
		t.Error("bad From accepted")
	}
}

package browser

import (
	"io"
	"net"
	"os"
	"runtime"
	"testing"
	"time"
)

// TestOwnerListener checks that the proxy's listener tells the owner of a
// loopback peer, accepts the user's own connections and closes others'.
func TestOwnerListener(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peer owners are read from /proc/net/tcp")
	}
	for _, tc := range []struct {
		name   string
		uid    int
		accept bool
	}{
		{"own user", os.Getuid(), true},
		{"another user", os.Getuid() + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ln := ownerListener{Listener: raw, uid: tc.uid}
			defer ln.Close()
			accepted := make(chan net.Conn, 1)
			go func() {
				c, err := ln.Accept()
				if err == nil {
					accepted <- c
				}
			}()
			c, err := net.Dial("tcp", raw.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if tc.accept {
				select {
				case s := <-accepted:
					defer s.Close()
					if uid, ok := peerUID(s); !ok || uid != os.Getuid() {
						t.Errorf("peerUID = %d, %v; want %d", uid, ok, os.Getuid())
					}
				case <-time.After(5 * time.Second):
					t.Fatal("own connection not accepted")
				}
				return
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := c.Read(make([]byte, 1)); err != io.EOF {
				t.Errorf("another user's connection: read gave %v, want EOF (closed)", err)
			}
			select {
			case <-accepted:
				t.Error("another user's connection was accepted")
			default:
			}
		})
	}
}

package browser

import (
	"net"
	"os"
)

// ownerListener accepts only connections from processes of the user
// running Vigie, where the system tells (see peerUID): the proxy dials
// anything Vigie may reach, and must not serve other users of the machine
// while a scan runs.
type ownerListener struct {
	net.Listener
	uid int
}

func (l ownerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		uid, ok := peerUID(c)
		if !ok || uid == l.uid {
			return c, nil
		}
		c.Close()
	}
}

func restrictToOwner(ln net.Listener) net.Listener {
	return ownerListener{Listener: ln, uid: os.Getuid()}
}

//go:build !unix

package farm

import (
	"fmt"
	"net"
)

// closedPort is a loopback port that was free a moment ago: connections to
// it are refused unless another program takes it meanwhile.
type closedPort struct {
	port int
}

func reserveClosedPort() (*closedPort, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("farm: closed port: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return &closedPort{port: port}, nil
}

func (c *closedPort) release() {}

//go:build unix

package farm

import (
	"fmt"
	"syscall"
)

// closedPort is a loopback port bound but not listening: connections to it
// are refused, and no other program can take it while the farm runs.
type closedPort struct {
	fd   int
	port int
}

func reserveClosedPort() (*closedPort, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, fmt.Errorf("farm: closed port: %w", err)
	}
	syscall.CloseOnExec(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("farm: closed port: %w", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("farm: closed port: %w", err)
	}
	return &closedPort{fd: fd, port: sa.(*syscall.SockaddrInet4).Port}, nil
}

func (c *closedPort) release() { syscall.Close(c.fd) }

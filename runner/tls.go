package runner

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"vigie/fetch"
	"vigie/tlsprobe"
)

// TLSOptions are the settings of `vigie tls`.
type TLSOptions struct {
	// Hosts are HOST or HOST:PORT (443 by default).
	Hosts  []string
	Format string // text or json
	// Fetch supplies the dialer (resolve, connect-to, no-dns) and the
	// trusted CAs; its Timeout is the per-handshake timeout.
	Fetch  fetch.Options
	Stdout io.Writer
}

// TLS probes each host's TLS configuration and prints a report per host.
// Hosts that cannot be probed are reported and make the call fail after
// the others have been printed.
func TLS(ctx context.Context, o TLSOptions) error {
	if len(o.Hosts) == 0 {
		return fmt.Errorf("vigie tls needs at least one HOST[:PORT]")
	}
	client, err := fetch.New(o.Fetch)
	if err != nil {
		return err
	}
	defer client.Close()
	timeout := o.Fetch.Timeout
	if timeout == 0 || timeout > 5e9 {
		timeout = 5e9
	}
	p := tlsprobe.New(tlsprobe.Options{Dial: client.DialContext, RootCAs: client.RootCAs(), Timeout: timeout, NoShare: true})
	failed := 0
	for _, h := range o.Hosts {
		host, port, err := splitHostPort(h)
		if err != nil {
			return err
		}
		rep, err := p.Probe(ctx, host, port)
		if rep != nil {
			if werr := tlsprobe.WriteReport(o.Stdout, rep, o.Format); werr != nil {
				return werr
			}
		}
		if err != nil {
			failed++
			if rep == nil {
				fmt.Fprintf(o.Stdout, "%s:%d: %v\n", host, port, err)
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d hosts could not be probed", failed, len(o.Hosts))
	}
	return nil
}

func splitHostPort(s string) (string, int, error) {
	s = strings.TrimPrefix(strings.TrimSuffix(s, "/"), "https://")
	if !strings.Contains(s, ":") || (strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]")) {
		return strings.Trim(s, "[]"), 443, nil
	}
	h, p, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, fmt.Errorf("invalid host %q: %w", s, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("invalid port in %q", s)
	}
	return h, port, nil
}

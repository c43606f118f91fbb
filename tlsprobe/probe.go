package tlsprobe

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"vigie/observation"
)

// Options configures a Prober. Zero values select the defaults.
type Options struct {
	// Dial opens TCP connections; nil uses a net.Dialer. A scan passes its
	// fetcher's dialer so that --resolve and --connect-to apply.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Timeout bounds each handshake, connection included (default 5s).
	Timeout time.Duration
	// RootCAs verifies certificate chains; nil means the system pool.
	RootCAs *x509.CertPool
	// Concurrency is the number of handshakes in flight per host
	// (default 4).
	Concurrency int
	// Now gives the time certificates are judged at (default time.Now).
	Now func() time.Time
	// MaxHandshakes bounds the connections one host may cost (default
	// 400); a probe that reaches it is marked incomplete.
	MaxHandshakes int
	// HostTimeout bounds the whole probe of one host (default 60s).
	HostTimeout time.Duration
	// MaxShared bounds the server configurations remembered for sharing
	// (default 4096); the oldest finished ones are forgotten first, so that
	// a scan of 100,000 hosts keeps flat memory. A forgotten configuration
	// is probed again in full when met again: only the time differs.
	MaxShared int
	// NoShare probes every host in full. By default a host reached on an
	// address already probed reuses its protocol and suite results when
	// its own handshake (with its own SNI) negotiated the same version and
	// suite and presented the same certificate as the probed host's;
	// otherwise it is probed in full too.
	NoShare bool
}

// Prober audits the TLS configuration of servers. It is safe for
// concurrent use; it remembers the results of each address it probed so
// that virtual hosts sharing a server configuration are not probed again.
type Prober struct {
	opts   Options
	mu     sync.Mutex
	shared map[string]*sharedProbe
	// order lists the keys of shared, oldest first (some may be gone).
	order []string
}

// sharedProbe holds the handshake-level results of one address and
// server configuration (see Probe).
type sharedProbe struct {
	done       chan struct{}
	host       string
	ok         bool
	protocols  []observation.TLSProtocol
	incomplete bool
	notes      []string
	// refs are the configurations other names are verified against (an
	// entry of verify's key), under Prober.mu once done is closed.
	refs []*verRef
}

// New returns a Prober with opts, defaults filled in.
func New(opts Options) *Prober {
	if opts.Dial == nil {
		d := &net.Dialer{}
		opts.Dial = d.DialContext
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxHandshakes <= 0 {
		opts.MaxHandshakes = 400
	}
	if opts.HostTimeout <= 0 {
		opts.HostTimeout = 60 * time.Second
	}
	if opts.MaxShared <= 0 {
		opts.MaxShared = 4096
	}
	return &Prober{opts: opts, shared: map[string]*sharedProbe{}}
}

// versions lists the protocol versions probed, oldest first.
var versions = []struct {
	wire uint16
	name string
}{
	{versionSSL30, observation.SSL30},
	{versionTLS10, observation.TLS10},
	{versionTLS11, observation.TLS11},
	{versionTLS12, observation.TLS12},
	{versionTLS13, observation.TLS13},
}

// maxSuitesPerHello keeps hellos within what old servers parse.
const maxSuitesPerHello = 128

var errBudget = errors.New("handshake budget exhausted")

// Probe audits host:port: protocol versions, cipher suites per version,
// server preference, key-exchange groups, certificate and profile
// verdicts. The report is returned even on error, with Error set; the
// error is non-nil only when nothing could be probed.
func (p *Prober) Probe(ctx context.Context, host string, port int) (*observation.TLSReport, error) {
	began := time.Now()
	rep := &observation.TLSReport{Host: host, Port: port, Time: p.opts.Now()}
	ctx, cancel := context.WithTimeout(ctx, p.opts.HostTimeout)
	defer cancel()
	r := &run{p: p, host: host, addr: net.JoinHostPort(host, strconv.Itoa(port)),
		sem: make(chan struct{}, p.opts.Concurrency)}
	defer func() {
		rep.Handshakes = r.count()
		rep.DurationMS = time.Since(began).Milliseconds()
	}()

	chain, stapled, id, certErr := r.fetchCertificate(ctx)
	remote := r.remoteAddr()
	if remote == "" {
		if certErr == nil {
			certErr = errors.New("no connection")
		}
		rep.Error, rep.ErrorKind = certErr.Error(), errorKind(certErr)
		return rep, fmt.Errorf("tls probe %s: %w", r.addr, certErr)
	}
	rep.Address = remote

	var sp *sharedProbe
	owner := true
	// Another name on the address may be another server configuration
	// (shared hosting, CDNs choose by SNI): results are shared only
	// between hosts whose own handshakes, each with its SNI, negotiated
	// the same version and suite and presented the same certificate. A
	// host crypto/tls could not complete a handshake with is probed in
	// full.
	key := ""
	if id != nil {
		key = fmt.Sprintf("%s %04x %04x %x", remote, id.version, id.suite, id.leaf)
	}
	if !p.opts.NoShare && key != "" {
		sp, owner = p.claim(key, host)
		if !owner {
			select {
			case <-sp.done:
				if sp.ok {
					rep.Protocols = cloneProtocols(sp.protocols)
					rep.SharedFrom = sp.host
					rep.Incomplete = sp.incomplete
					rep.Notes = append(rep.Notes, sp.notes...)
				}
			case <-ctx.Done():
			}
		}
	}
	// Another certificate on the same address, the same negotiated
	// version and suite: most often one server configuration serving many
	// names (shared hosting). A host already probed in full there is
	// checked against this host's own hellos (verify) instead of probing
	// it again in full; any difference means a full probe.
	var vp *sharedProbe
	vowner := false
	vkey := ""
	if id != nil && !p.opts.NoShare && owner && rep.Protocols == nil {
		vkey = fmt.Sprintf("%s %04x %04x any-certificate", remote, id.version, id.suite)
		vp, vowner = p.claim(vkey, host)
		if !vowner {
			select {
			case <-vp.done:
				if vp.ok && !vp.incomplete {
					// The configurations seen there, most often matched
					// first: two verifications cost less than a full
					// probe.
					for _, ref := range p.references(vp, 2) {
						if protos, ok := r.verify(ctx, ref.protocols); ok {
							p.matched(ref)
							rep.Protocols, rep.SharedFrom, rep.SharedVerified = protos, ref.host, true
							if sp != nil {
								p.publish(key, sp, protos, true, false, nil)
							}
							break
						}
					}
					// Otherwise this host's full probe becomes one more
					// reference there.
					vowner = rep.Protocols == nil
				}
			case <-ctx.Done():
			}
		}
	}
	if rep.Protocols == nil {
		protos, err := r.probeProtocols(ctx)
		rep.Protocols = protos
		rep.Incomplete, rep.Notes = r.incomplete, append(rep.Notes, r.notes...)
		ok := err == nil && anyAccepted(protos)
		if owner && sp != nil {
			// A host that accepted nothing (a name the server refuses, say)
			// does not speak for the other names of its configuration.
			p.publish(key, sp, protos, ok, r.incomplete, r.notes)
		}
		if vowner {
			p.publishVerifiable(vkey, vp, host, protos, ok && !r.incomplete)
		}
		if err != nil {
			rep.Error, rep.ErrorKind = err.Error(), errorKind(err)
		}
	}

	if chain == nil && certErr != nil {
		chain, stapled = r.rawCertificate(ctx, rep)
	}
	rep.Certificate = describeCertificate(chain, host, p.opts.RootCAs, rep.Time)
	if rep.Certificate != nil {
		rep.Certificate.OCSPStapled = stapled
	} else if certErr != nil && len(rep.Accepted()) > 0 {
		rep.Certificate = &observation.TLSCertificate{Error: certErr.Error()}
	}
	if len(rep.Accepted()) == 0 && rep.Error == "" {
		msg := "no protocol version accepted"
		if certErr != nil {
			msg += " (" + certErr.Error() + ")"
		}
		rep.Error, rep.ErrorKind = msg, observation.KindTLS
	}
	rep.Profiles = Evaluate(rep)
	return rep, nil
}

func anyAccepted(protos []observation.TLSProtocol) bool {
	for _, p := range protos {
		if p.Accepted {
			return true
		}
	}
	return false
}

// claim returns the shared results of key (address and handshake) and
// whether the caller is the one to fill them.
func (p *Prober) claim(key, host string) (*sharedProbe, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sp, ok := p.shared[key]; ok {
		return sp, false
	}
	sp := &sharedProbe{done: make(chan struct{}), host: host}
	p.shared[key] = sp
	p.order = append(p.order, key)
	p.forget()
	return sp, true
}

// forget drops the oldest finished configurations beyond MaxShared (an
// unfinished one has hosts waiting on it and stays). p.mu is held.
func (p *Prober) forget() {
	for i := 0; len(p.shared) > p.opts.MaxShared && i < len(p.order); {
		k := p.order[i]
		sp, ok := p.shared[k]
		if ok {
			select {
			case <-sp.done:
			default:
				i++ // in progress: keep
				continue
			}
			delete(p.shared, k)
		}
		p.order = slices.Delete(p.order, i, i+1)
	}
	// Keys deleted elsewhere (failed probes) leave stale entries: compact
	// when they outnumber the live ones.
	if len(p.order) > 2*len(p.shared)+64 {
		p.order = slices.DeleteFunc(p.order, func(k string) bool { _, ok := p.shared[k]; return !ok })
	}
}

// sharedCount returns the number of configurations remembered, for tests.
func (p *Prober) sharedCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.shared)
}

func (p *Prober) publish(key string, sp *sharedProbe, protos []observation.TLSProtocol, ok, incomplete bool, notes []string) {
	sp.protocols, sp.ok, sp.incomplete, sp.notes = cloneProtocols(protos), ok && len(protos) > 0, incomplete, notes
	if !sp.ok {
		// Let the next host on this address try again.
		p.mu.Lock()
		delete(p.shared, key)
		p.mu.Unlock()
	}
	close(sp.done)
}

// maxReferences bounds the configurations remembered for one address,
// version and suite (see verify).
const maxReferences = 4

// verRef is a full probe that other names on its address are verified
// against, and how many were matched.
type verRef struct {
	host      string
	protocols []observation.TLSProtocol
	hits      int
}

// publishVerifiable makes a full probe a reference of its address,
// version and suite for hosts with other certificates (see verify): as
// the claimed entry's owner, it fills vp; as a host whose verifications
// failed, it adds one more reference, forgetting the least matched beyond
// maxReferences.
func (p *Prober) publishVerifiable(key string, vp *sharedProbe, host string, protos []observation.TLSProtocol, ok bool) {
	ref := &verRef{host: host, protocols: cloneProtocols(protos)}
	select {
	case <-vp.done:
		if !ok {
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if cur, found := p.shared[key]; !found || cur != vp {
			return // forgotten meanwhile
		}
		if len(vp.refs) >= maxReferences {
			least := 0
			for i, r := range vp.refs {
				if r.hits < vp.refs[least].hits {
					least = i
				}
			}
			vp.refs = slices.Delete(vp.refs, least, least+1)
		}
		vp.refs = append(vp.refs, ref)
	default:
		if ok {
			vp.refs = []*verRef{ref}
		}
		p.publish(key, vp, protos, ok, !ok, nil)
	}
}

// references returns up to n references of vp, the most matched first.
func (p *Prober) references(vp *sharedProbe, n int) []*verRef {
	p.mu.Lock()
	defer p.mu.Unlock()
	refs := slices.Clone(vp.refs)
	slices.SortStableFunc(refs, func(a, b *verRef) int { return b.hits - a.hits })
	return refs[:min(n, len(refs))]
}

// matched counts a host verified against ref.
func (p *Prober) matched(ref *verRef) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ref.hits++
}

func cloneProtocols(in []observation.TLSProtocol) []observation.TLSProtocol {
	out := make([]observation.TLSProtocol, len(in))
	for i, pr := range in {
		out[i] = pr
		out[i].Suites = slices.Clone(pr.Suites)
		out[i].Groups = slices.Clone(pr.Groups)
	}
	return out
}

// run is the probe of one host.
type run struct {
	p          *Prober
	host, addr string
	sem        chan struct{}

	mu         sync.Mutex
	handshakes int
	remote     string
	rawChain   [][]byte
	rawStapled bool
	incomplete bool
	notes      []string
}

func (r *run) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.handshakes
}

func (r *run) remoteAddr() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.remote
}

func (r *run) note(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	msg := fmt.Sprintf(format, args...)
	if !slices.Contains(r.notes, msg) {
		r.notes = append(r.notes, msg)
	}
	r.incomplete = true
}

// connect takes a handshake from the budget and a concurrency slot, dials
// and sets the handshake's deadline. release must be called when done.
func (r *run) connect(ctx context.Context) (conn net.Conn, release func(), err error) {
	r.mu.Lock()
	if r.handshakes >= r.p.opts.MaxHandshakes {
		r.mu.Unlock()
		return nil, nil, errBudget
	}
	r.handshakes++
	r.mu.Unlock()
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	deadline := time.Now().Add(r.p.opts.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	dctx, cancel := context.WithDeadline(ctx, deadline)
	conn, err = r.p.opts.Dial(dctx, "tcp", r.addr)
	cancel()
	if err != nil {
		<-r.sem
		return nil, nil, &dialError{err}
	}
	r.mu.Lock()
	if r.remote == "" && conn.RemoteAddr() != nil {
		r.remote = conn.RemoteAddr().String()
	}
	r.mu.Unlock()
	conn.SetDeadline(deadline)
	// Cancelling ctx unblocks reads and writes at once.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	return conn, func() {
		stop()
		conn.Close()
		<-r.sem
	}, nil
}

// dialError marks a failure to connect, as opposed to a failed handshake.
type dialError struct{ err error }

func (e *dialError) Error() string { return "connect: " + e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// exchange sends one ClientHello and reads the server's first flight.
func (r *run) exchange(ctx context.Context, h *hello) (*flight, error) {
	conn, release, err := r.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	if _, err := conn.Write(h.marshal()); err != nil {
		return nil, err
	}
	f, err := readFlight(conn)
	if err != nil {
		return nil, err
	}
	if len(f.certificates) > 0 {
		r.mu.Lock()
		if r.rawChain == nil {
			r.rawChain, r.rawStapled = f.certificates, f.stapled
		}
		r.mu.Unlock()
	}
	return f, nil
}

// declined reports whether err is the server refusing a hello (alert,
// closed connection) rather than a failure to test.
func declined(err error) bool {
	var a *AlertError
	return errors.As(err, &a) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// candidates returns the suites offered for version v: those a server can
// choose without credentials of the client's (no PSK, SRP or Kerberos),
// split into hellos of at most maxSuitesPerHello, suites OpenSSL knows
// first.
func candidates(v uint16) [][]uint16 {
	var common, rare []uint16
	for _, s := range suites {
		switch {
		case (v == versionTLS13) != s.TLS13, s.TLS12 && v < versionTLS12:
			continue
		case s.Auth == "PSK", s.KeyExchange == "RSA_PSK", s.KeyExchange == "SRP", s.KeyExchange == "KRB5":
			continue
		case s.OpenSSL != "":
			common = append(common, s.Code)
		default:
			rare = append(rare, s.Code)
		}
	}
	all := append(common, rare...)
	var out [][]uint16
	for len(all) > 0 {
		n := min(len(all), maxSuitesPerHello)
		out = append(out, all[:n])
		all = all[n:]
	}
	return out
}

// outcome is what enumeration learnt of one version.
type outcome struct {
	accepted   []uint16
	flights    map[uint16]*flight
	preference string
	groups     []uint16
	etm        bool
	err        error
}

// probeProtocols tests every version, enumerating suites and groups of
// those accepted.
func (r *run) probeProtocols(ctx context.Context) ([]observation.TLSProtocol, error) {
	out := make([]outcome, len(versions))
	var wg sync.WaitGroup
	// TLS 1.2 and 1.3 first: a server that speaks one of them is spared a
	// hello per legacy version when it refuses them all (legacyRefused).
	for i, v := range versions {
		if v.wire >= versionTLS12 {
			wg.Go(func() { out[i] = r.probeVersion(ctx, v.wire) })
		}
	}
	wg.Wait()
	legacyRefused := (len(out[3].accepted) > 0 || len(out[4].accepted) > 0) && r.legacyRefused(ctx)
	for i, v := range versions {
		if v.wire < versionTLS12 && !legacyRefused {
			wg.Go(func() { out[i] = r.probeVersion(ctx, v.wire) })
		}
	}
	wg.Wait()

	// Groups: TLS 1.3 by HelloRetryRequest, TLS 1.2 (or the best older
	// version) by ECDHE key exchanges.
	legacy := -1
	for i, v := range versions {
		if v.wire <= versionTLS12 && len(ecdheSuites(out[i].accepted)) > 0 {
			legacy = i
		}
	}
	if legacy >= 0 || len(out[4].accepted) > 0 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if legacy >= 0 {
				out[legacy].groups = r.enumerateCurves(ctx, versions[legacy].wire, ecdheSuites(out[legacy].accepted))
			}
		}()
		go func() {
			defer wg.Done()
			if len(out[4].accepted) > 0 {
				out[4].groups = r.enumerateGroups13(ctx, out[4].accepted)
			}
		}()
		wg.Wait()
	}

	protos := make([]observation.TLSProtocol, len(versions))
	var dialErr, anyErr error
	ok := false
	for i, v := range versions {
		o := out[i]
		pr := observation.TLSProtocol{Version: v.name, Accepted: len(o.accepted) > 0, Preference: o.preference, EncryptThenMAC: o.etm}
		for _, c := range o.accepted {
			s := suiteObservation(c)
			if f := o.flights[c]; f != nil {
				if v.wire == versionTLS13 {
					s.Group = groupName(f.hello.group)
				} else if f.curve != 0 {
					s.Group = groupName(f.curve)
				}
				s.DHBits = f.dhBits
			}
			pr.Suites = append(pr.Suites, s)
		}
		for _, g := range o.groups {
			pr.Groups = append(pr.Groups, groupName(g))
		}
		if o.err != nil {
			pr.Error = o.err.Error()
			var de *dialError
			if errors.As(o.err, &de) {
				dialErr = o.err
			}
			anyErr = o.err
		} else {
			ok = true
		}
		protos[i] = pr
	}
	if !ok {
		if dialErr != nil {
			return protos, dialErr
		}
		return protos, anyErr
	}
	return protos, nil
}

// legacyRefused reports whether a server known to speak TLS 1.2 or 1.3
// refuses TLS 1.1, TLS 1.0 and SSL 3.0 at once: a hello offering TLS 1.1
// at most, with the suites those versions know, gets a protocol_version
// alert. Such a server, if it spoke any of them, would answer with the
// highest (RFC 5246 appendix E.1), so the three versions need no hello
// each. Old servers that speak only legacy versions may refuse any hello
// above their own version (version intolerance): they are never asked
// this way. Any other answer (a server hello, another alert, a closed
// connection) leaves the versions to be tested one by one.
func (r *run) legacyRefused(ctx context.Context) bool {
	chunks := candidates(versionTLS11)
	if len(chunks) == 0 {
		return false
	}
	_, err := r.exchange(ctx, &hello{version: versionTLS11, suites: chunks[0], groups: groupIDs(false), serverName: r.host})
	return err != nil && versionAlert(err)
}

// probeVersion enumerates the suites of version v: offer every
// candidate, remove the one chosen, again until the server declines; one
// connection per accepted suite plus one. Then one more hello, with the
// accepted suites in reverse order, tells server from client preference.
func (r *run) probeVersion(ctx context.Context, v uint16) outcome {
	o := outcome{flights: map[uint16]*flight{}}
	chunks := candidates(v)
	filled := 0
	for _, chunk := range chunks {
		acc, refused, err := r.enumerateSuites(ctx, v, chunk, o.flights)
		if refused && len(o.accepted) == 0 {
			// The server refuses the version itself, whatever the
			// suites: the other hellos would be refused alike.
			return o
		}
		if err != nil {
			o.err = err
			if len(o.accepted)+len(acc) == 0 {
				return o
			}
		}
		if len(acc) > 0 {
			filled++
		}
		o.accepted = append(o.accepted, acc...)
	}
	if filled > 1 {
		// Suites came from several hellos: their relative order is
		// unknown until they compete in one.
		if acc, _, err := r.enumerateSuites(ctx, v, slices.Clone(o.accepted), o.flights); err == nil && len(acc) == len(o.accepted) {
			o.accepted = acc
		}
	}
	for _, c := range o.accepted {
		if f := o.flights[c]; f != nil && f.hello.encryptThenMAC && !suiteByCode[c].AEAD {
			o.etm = true
		}
	}
	if len(o.accepted) >= 2 {
		rev := slices.Clone(o.accepted)
		slices.Reverse(rev)
		f, err := r.exchange(ctx, &hello{version: v, suites: rev, groups: groupIDs(v == versionTLS13), serverName: r.host, shareX25519: true})
		switch {
		case err != nil:
			if errors.Is(err, errBudget) {
				r.note("handshake budget of %d reached", r.p.opts.MaxHandshakes)
			}
		case f.hello.suite == o.accepted[0]:
			o.preference = "server"
		case f.hello.suite == rev[0]:
			o.preference = "client"
		default:
			o.preference = "server"
		}
	}
	switch {
	case o.err != nil && len(o.accepted) > 0:
		r.note("%s: suite enumeration stopped early: %v", versionName(v), o.err)
	case o.err != nil:
		r.note("%s: could not be tested: %v", versionName(v), o.err)
	}
	return o
}

// enumerateSuites offers offer again and again, each time without the
// suite the server chose, until it declines. refused is set when the
// first hello was refused for its version rather than its suites: a
// protocol_version alert (RFC 8446 §6.2, RFC 5246 §7.2.2), or a server
// hello of another version.
func (r *run) enumerateSuites(ctx context.Context, v uint16, offer []uint16, flights map[uint16]*flight) (acc []uint16, refused bool, err error) {
	remaining := slices.Clone(offer)
	for len(remaining) > 0 {
		f, err := r.exchange(ctx, &hello{version: v, suites: remaining, groups: groupIDs(v == versionTLS13), serverName: r.host, shareX25519: true})
		if err != nil {
			if declined(err) {
				return acc, len(acc) == 0 && versionAlert(err), nil
			}
			if errors.Is(err, errBudget) {
				r.note("handshake budget of %d reached", r.p.opts.MaxHandshakes)
			}
			return acc, false, err
		}
		if f.hello.version != v {
			return acc, len(acc) == 0, nil // the server wants another version
		}
		i := slices.Index(remaining, f.hello.suite)
		if i < 0 {
			return acc, false, fmt.Errorf("server chose suite 0x%04X, which was not offered", f.hello.suite)
		}
		acc = append(acc, f.hello.suite)
		flights[f.hello.suite] = f
		remaining = slices.Delete(remaining, i, i+1)
	}
	return acc, false, nil
}

// alertProtocolVersion is the protocol_version alert.
const alertProtocolVersion = 70

// versionAlert reports whether err is a protocol_version alert.
func versionAlert(err error) bool {
	var a *AlertError
	return errors.As(err, &a) && a.Description == alertProtocolVersion
}

func ecdheSuites(codes []uint16) []uint16 {
	var out []uint16
	for _, c := range codes {
		if s := suiteByCode[c]; s != nil && s.KeyExchange == "ECDHE" {
			out = append(out, c)
		}
	}
	return out
}

// enumerateCurves finds the ECDHE curves of a TLS 1.2-or-older server:
// offer every curve, remove the one its key exchange used, repeat.
func (r *run) enumerateCurves(ctx context.Context, v uint16, ecdhe []uint16) []uint16 {
	var acc []uint16
	remaining := groupIDs(false)
	for len(remaining) > 0 {
		f, err := r.exchange(ctx, &hello{version: v, suites: ecdhe, groups: remaining, serverName: r.host})
		if err != nil {
			if !declined(err) {
				r.note("%s: group enumeration stopped early: %v", versionName(v), err)
			}
			break
		}
		i := slices.Index(remaining, f.curve)
		if f.hello.version != v || i < 0 {
			break
		}
		acc = append(acc, f.curve)
		remaining = slices.Delete(remaining, i, i+1)
	}
	return acc
}

// enumerateGroups13 finds the TLS 1.3 groups: a hello with an empty
// key_share makes the server name the group it wants in a
// HelloRetryRequest; remove it and ask again.
func (r *run) enumerateGroups13(ctx context.Context, suites13 []uint16) []uint16 {
	var acc []uint16
	remaining := groupIDs(true)
	for len(remaining) > 0 {
		f, err := r.exchange(ctx, &hello{version: versionTLS13, suites: suites13, groups: remaining, serverName: r.host})
		if err != nil {
			if !declined(err) {
				r.note("TLS 1.3: group enumeration stopped early: %v", err)
			}
			break
		}
		i := slices.Index(remaining, f.hello.group)
		if !f.hello.retry || i < 0 {
			break
		}
		acc = append(acc, f.hello.group)
		remaining = slices.Delete(remaining, i, i+1)
	}
	return acc
}

func versionName(v uint16) string {
	for _, x := range versions {
		if x.wire == v {
			return x.name
		}
	}
	return fmt.Sprintf("version 0x%04x", v)
}

// errorKind classifies a probe failure with the observation.Kind*
// constants.
func errorKind(err error) string {
	var dnsErr *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &dnsErr):
		return observation.KindDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return observation.KindRefused
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return observation.KindTimeout
	case errors.Is(err, errNotTLS):
		return observation.KindTLS
	}
	var de *dialError
	if errors.As(err, &de) {
		return observation.KindOther
	}
	return observation.KindTLS
}

package tlsprobe

import (
	"context"
	"slices"
	"strings"
	"sync"

	"vigie/observation"
)

// verify tests whether this host's server configuration is the one ref
// describes. ref is the result of a full probe of another host on the same
// address whose own handshake negotiated the same version and suite but
// presented another certificate (shared hosting: one server, many names,
// one certificate each). It costs a fraction of a full probe, and proves,
// for this host and with its own SNI:
//
//   - each version ref refused is refused (the same hellos as a full probe);
//   - for each version ref accepted, no suite outside ref's is accepted,
//     the server's first choice among ref's suites is ref's first, and
//     every suite a finding can rest on (weak, without forward secrecy,
//     finite-field Diffie-Hellman) is accepted, one hello each, with the
//     same key-exchange size;
//   - no key-exchange group outside ref's is accepted, the first choice is
//     ref's first, and each weak group is accepted.
//
// Accepted suites and groups no finding rests on are taken from ref
// without a hello each. ok is false at the first difference, or when a
// hello fails otherwise than by a refusal: the caller then probes in full.
func (r *run) verify(ctx context.Context, ref []observation.TLSProtocol) (protos []observation.TLSProtocol, ok bool) {
	if len(ref) != len(versions) {
		return nil, false
	}
	for i, p := range ref {
		if p.Version != versions[i].name || p.Error != "" {
			return nil, false
		}
	}
	protos = cloneProtocols(ref)
	good := make([]bool, len(versions)+2)
	// The legacy versions ref refused, refused by one hello (see
	// legacyRefused) when all three were: this host's own handshake
	// negotiated the version ref's did, TLS 1.2 or 1.3 then.
	legacyRefused := false
	if !slices.ContainsFunc(protos[:3], func(p observation.TLSProtocol) bool { return p.Accepted }) {
		legacyRefused = r.legacyRefused(ctx)
	}
	var wg sync.WaitGroup
	for i := range versions {
		if legacyRefused && versions[i].wire <= versionTLS11 {
			good[i] = true
			continue
		}
		wg.Go(func() { good[i] = r.verifyVersion(ctx, versions[i].wire, &protos[i]) })
	}
	// Groups: TLS 1.3's, and the ECDHE curves of the best older version.
	wg.Go(func() { good[len(versions)] = r.verifyGroups(ctx, versionTLS13, protos[len(versions)-1]) })
	legacy := -1
	for i, p := range protos[:len(versions)-1] {
		if len(p.Groups) > 0 {
			legacy = i
		}
	}
	good[len(versions)+1] = true
	if legacy >= 0 {
		wg.Go(func() { good[len(versions)+1] = r.verifyGroups(ctx, versions[legacy].wire, protos[legacy]) })
	}
	wg.Wait()
	if slices.Contains(good, false) {
		return nil, false
	}
	return protos, true
}

// verifyVersion checks version v against ref's entry pr, and records in
// pr the key exchanges this host's own hellos showed.
func (r *run) verifyVersion(ctx context.Context, v uint16, pr *observation.TLSProtocol) bool {
	if !pr.Accepted {
		o := r.probeVersion(ctx, v)
		return len(o.accepted) == 0 && o.err == nil
	}
	codes, ok := suiteCodes(pr.Suites)
	if !ok || len(codes) == 0 {
		return false
	}
	offer := func(suites []uint16) (*flight, bool, bool) {
		f, err := r.exchange(ctx, &hello{version: v, suites: suites, groups: groupIDs(v == versionTLS13), serverName: r.host, shareX25519: true})
		if err != nil {
			return nil, declined(err), false
		}
		if f.hello.version != v {
			return nil, true, false
		}
		return f, false, true
	}
	// Nothing outside ref's suites.
	for _, chunk := range candidates(v) {
		rest := slices.DeleteFunc(slices.Clone(chunk), func(c uint16) bool { return slices.Contains(codes, c) })
		if len(rest) == 0 {
			continue
		}
		if _, refused, accepted := offer(rest); accepted || !refused {
			return false
		}
	}
	// The same first choice, and each suite a finding rests on.
	f, _, accepted := offer(codes)
	if !accepted || f.hello.suite != codes[0] || !sameExchange(v, f, pr.Suites[0]) {
		return false
	}
	for i, c := range codes[1:] {
		if !confirmable(c) {
			continue
		}
		f, _, accepted := offer([]uint16{c})
		if !accepted || f.hello.suite != c || !sameExchange(v, f, pr.Suites[i+1]) {
			return false
		}
	}
	return true
}

// confirmable reports whether a finding or a key-exchange verdict rests on
// suite c being accepted: a weak suite, one without forward secrecy, or a
// finite-field Diffie-Hellman one (its group size is the server's choice).
func confirmable(c uint16) bool {
	s := suiteByCode[c]
	if s == nil {
		return true
	}
	o := suiteObservation(c)
	return IsWeakClass(o.Class) || !o.ForwardSecrecy || strings.HasPrefix(s.KeyExchange, "DHE")
}

// sameExchange reports whether flight f shows the key exchange ref's
// suite observation s recorded.
func sameExchange(v uint16, f *flight, s observation.TLSSuite) bool {
	group := ""
	if v == versionTLS13 {
		group = groupName(f.hello.group)
	} else if f.curve != 0 {
		group = groupName(f.curve)
	}
	return group == s.Group && f.dhBits == s.DHBits
}

// verifyGroups checks the key-exchange groups of version v (TLS 1.3 by
// HelloRetryRequest, older versions by ECDHE key exchanges) against ref's
// entry pr.
func (r *run) verifyGroups(ctx context.Context, v uint16, pr observation.TLSProtocol) bool {
	if !pr.Accepted || len(pr.Groups) == 0 {
		return true // nothing was found to compare: the suites' checks cover the rest
	}
	codes, ok := suiteCodes(pr.Suites)
	if !ok {
		return false
	}
	tls13 := v == versionTLS13
	if !tls13 {
		codes = ecdheSuites(codes)
	}
	var ids []uint16
	for _, name := range pr.Groups {
		g := groupByName[name]
		if g == nil {
			return false
		}
		ids = append(ids, g.id)
	}
	// chosen offers groups and returns the group the server picked, 0
	// when it refused.
	chosen := func(groups []uint16) (uint16, bool) {
		f, err := r.exchange(ctx, &hello{version: v, suites: codes, groups: groups, serverName: r.host})
		switch {
		case err != nil:
			return 0, declined(err)
		case f.hello.version != v:
			return 0, true
		case tls13 && f.hello.retry:
			return f.hello.group, true
		case !tls13 && f.curve != 0:
			return f.curve, true
		}
		return 0, false
	}
	rest := slices.DeleteFunc(groupIDs(tls13), func(id uint16) bool { return slices.Contains(ids, id) })
	if len(rest) > 0 {
		if g, ok := chosen(rest); !ok || g != 0 {
			return false
		}
	}
	if g, ok := chosen(ids); !ok || g != ids[0] {
		return false
	}
	for i, name := range pr.Groups[1:] {
		if !WeakGroup(name) {
			continue
		}
		if g, ok := chosen(ids[i+1 : i+2]); !ok || g != ids[i+1] {
			return false
		}
	}
	return true
}

// suiteCodes returns the codes of suite observations, ok false when one is
// unknown.
func suiteCodes(ss []observation.TLSSuite) ([]uint16, bool) {
	var out []uint16
	for _, s := range ss {
		st := suiteByName[s.Name]
		if st == nil {
			return nil, false
		}
		out = append(out, st.Code)
	}
	return out, true
}

package mailcheck

import (
	"context"
	"strings"

	"vigie/dnsq"
)

// walk counts the DNS lookups of an SPF record as RFC 7208 §4.6.4 counts
// them: one for each include, a, mx, ptr and exists mechanism and for the
// redirect modifier, through includes and the redirect; and the void
// lookups (no answer, or NXDOMAIN). It evaluates nothing: the verdict is
// the evaluator's. Domain specs with macros count one lookup and are not
// followed (they depend on the sender).
type walk struct {
	a       *Auditor
	ctx     context.Context
	seen    map[string]bool
	lookups int
	voids   int
	answers []dnsq.Answer
}

func (w *walk) terms(domain string, terms []string, depth int) {
	var redirect string
	for _, t := range terms {
		if w.lookups >= maxWalk || depth > 10 {
			return
		}
		if i := strings.IndexByte(t, '='); i > 0 && !strings.ContainsAny(t[:i], ":/") {
			if strings.EqualFold(t[:i], "redirect") {
				redirect = t[i+1:]
			}
			continue
		}
		_, m := splitQualifier(t)
		cut := strings.IndexAny(m, ":/")
		if cut < 0 {
			cut = len(m)
		}
		name := strings.ToLower(m[:cut])
		target := domain
		if arg, ok := strings.CutPrefix(m[cut:], ":"); ok {
			target = strings.SplitN(arg, "/", 2)[0]
		}
		switch name {
		case "include":
			w.lookups++
			w.follow(target, depth)
		case "a":
			w.lookups++
			w.address(target)
		case "mx":
			w.lookups++
			w.void(target, "MX")
		case "exists":
			w.lookups++
			w.void(target, "A")
		case "ptr":
			w.lookups++ // the PTR lookup depends on the sender
		}
	}
	if redirect != "" && w.lookups < maxWalk {
		w.lookups++
		w.follow(redirect, depth)
	}
}

// follow reads the SPF record of an include or redirect target.
func (w *walk) follow(target string, depth int) {
	target = strings.ToLower(strings.TrimSuffix(target, "."))
	if strings.Contains(target, "%") {
		return
	}
	if w.seen[target] {
		return // a loop: the evaluator stops it at the lookup limit
	}
	w.seen[target] = true
	recs, ans, failed := w.a.txt(w.ctx, target, "v=spf1")
	keep(&w.answers, ans)
	if failed {
		return
	}
	if ans.RCode == "NXDOMAIN" || len(ans.Values("TXT")) == 0 {
		w.voids++
	}
	if len(recs) != 1 {
		return
	}
	w.terms(target, strings.Fields(recs[0])[1:], depth+1)
}

// address asks A and AAAA; the lookup is void when neither has records.
func (w *walk) address(target string) {
	if strings.Contains(target, "%") {
		return
	}
	n := 0
	for _, t := range []string{"A", "AAAA"} {
		ans, failed := w.a.query(w.ctx, target, t)
		keep(&w.answers, ans)
		if failed {
			return
		}
		n += len(ans.Values(t))
	}
	if n == 0 {
		w.voids++
	}
}

func (w *walk) void(target, qtype string) {
	if strings.Contains(target, "%") {
		return
	}
	ans, failed := w.a.query(w.ctx, target, qtype)
	keep(&w.answers, ans)
	if !failed && len(ans.Values(qtype)) == 0 {
		w.voids++
	}
}

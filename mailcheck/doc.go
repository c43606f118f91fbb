// Package mailcheck examines the mail posture of a domain from outside:
// its SPF policy (evaluated by blitiri.com.ar/go/spf, lookups counted as
// RFC 7208 §4.6.4 counts them), its DMARC policy (parsed by go-msgauth,
// with the organisational-domain fallback of RFC 7489), DKIM keys under
// common selectors, MTA-STS (DNS record and the policy over HTTPS, through
// Vigie's fetcher), TLS-RPT, the STARTTLS of each MX (through the TLS
// prober), and whether its zone is signed with DNSSEC. Every DNS answer a
// verdict relies on is kept with the server that gave it and the time.
//
// It only asks questions: DNS queries, one HTTPS GET per domain for the
// MTA-STS policy, and SMTP dialogues that stop after EHLO or the TLS
// handshake. It never sends mail.
package mailcheck

// Package eml triages a received email (an .eml file, as mail clients save
// it) for phishing, and reads a personal-data breach notification for the
// elements GDPR art. 34(2) requires. It is the logic of `vigie eml`.
//
// What it does:
//
//   - parses the message with go-message, bounded (MaxMessageSize, 500
//     parts, 10 MiB a part, 2 MiB of text kept) and tolerant: a malformed
//     part is a Problem, not an error;
//   - verifies every DKIM signature again (go-msgauth), asking for the keys
//     through package dnsq (so --dns applies) and keeping every DNS answer
//     with its server and time;
//   - evaluates SPF (blitiri.com.ar/go/spf) only when the connecting
//     address is known: it is read from the topmost Received field, the
//     one the recipient's own server added. Without it (no Received field,
//     an internal hop's private address), SPF is "not-verifiable", never
//     guessed from the Authentication-Results the message carries: those
//     are shown as received and never trusted over Vigie's verification;
//   - looks up the From domain's DMARC policy (go-msgauth/dmarc, falling
//     back to the organisational domain) and evaluates relaxed or strict
//     alignment of the DKIM d= and SPF domains with the From domain;
//   - compares From, Reply-To, Return-Path and the display name; lists
//     every link (HTML hrefs, URLs in text) with its registrable domain
//     (public suffix list), counts them by domain, names shorteners, click
//     trackers and link protections (data/redirectors.txt) and unwraps a
//     redirector's destination when its query shows it; compares every
//     domain with the official ones for look-alikes (data/confusables.txt,
//     punycode, edit distance, another suffix, the official name with
//     words added);
//   - reads the text, in French and English, for requests for credentials
//     or bank details (a sentence saying the organisation will never ask
//     for them is not one) and, when the wording announces a breach, for
//     the nature of the breach, the DPO or contact point, the likely
//     consequences, the measures taken or proposed and advice to the
//     people;
//   - classifies attachments (executables, macros, disk images, double
//     extensions; archives are noted, their contents are not read).
//
// The reference domains are the organisation's official domains (given,
// or from the directory). Without them, the From domain is the only
// reference. Links to the From domain count as the organisation's when no
// official domain is given, or when the sender is authenticated (an
// aligned DKIM signature verifies, or DMARC passes) and its domain does not
// imitate an official one.
//
// The verdict rule:
//
//   - likely-phishing: a look-alike domain (eml.lookalike-domain), or a
//     request for credentials or bank details (eml.credentials-request)
//     together with an authentication failure (eml.dkim-fail or
//     eml.dmarc-fail) or links to foreign domains
//     (eml.links-foreign-domain);
//   - suspicious: any other signal: eml.dkim-fail, eml.dmarc-fail,
//     eml.sender-unauthenticated, eml.sender-mismatch,
//     eml.links-foreign-domain, eml.http-link, eml.credentials-request,
//     eml.attachment-risky;
//   - likely-legitimate otherwise. An incomplete breach notice
//     (eml.art34-incomplete) is reported and never changes the verdict.
//
// When a DNS question the verification needs gets no answer, Analyse
// returns ErrUnverified and no verdict: nothing could be vouched for.
//
// The recipient's addresses and name, and any personal data the masker
// (pii/detect) finds in sentences, links and Received fields, are masked
// in reports, since reports get shared.
//
// Limits: DKIM keys are looked up now, not when the message was received,
// so a key rotated since then makes a genuine signature fail
// (permerror "no key"); the phrase readers know French and English
// wording only.
package eml

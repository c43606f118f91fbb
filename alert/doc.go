// Package alert tells subscribers what a scheduled scan changed: failures
// that are new or back (regressed) at or above each subscription's minimum
// severity, and fixes, by email (SMTP with STARTTLS and authentication, one
// digest per recipient in the recipient's language) and by webhook (a JSON
// payload signed with HMAC-SHA256, retried with exponential backoff). Every
// attempt is logged in the store. Alerts carry what the dashboard shows of
// a finding (check, severity, site, masked URL, title), never its details.
package alert

// Package evidence keeps the proof behind findings: the HTTP and TLS
// exchanges a finding relies on, written as WARC 1.1 records (ISO 28500,
// one gzip member per record, the form replay tools read), personal data
// of third parties masked by default, and a per-scan JSON manifest of
// SHA-256 digests signed with an ed25519 key. It verifies a scan's
// directory or an exported bundle, exports the records of chosen findings
// with a human-readable summary, and prints single records.
//
// A scan writes through an Archive; Verify, Export and Show read what it
// left. Nothing here fetches or judges: the scan decides which exchanges
// support which finding.
package evidence

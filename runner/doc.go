// Package runner holds the logic of each vigie verb (scan, checks, diff,
// demo, tls) behind plain option structs, so that tests call a verb without
// starting a process and cmd/vigie only parses the command line.
package runner

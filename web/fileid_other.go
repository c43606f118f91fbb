//go:build !linux

package web

import "io/fs"

// fileIdentity has nothing beyond size and modification time to offer
// where the status-change time is not at hand.
func fileIdentity(fs.FileInfo) string { return "" }

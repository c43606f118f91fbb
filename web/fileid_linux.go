//go:build linux

package web

import (
	"fmt"
	"io/fs"
	"syscall"
)

// fileIdentity returns what of a file its owner cannot set back: its inode
// number and status-change time (which any write, rename or utimes call
// moves to now).
func fileIdentity(info fs.FileInfo) string {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d:%d:%d", st.Ino, st.Ctim.Sec, st.Ctim.Nsec)
}

package evidence

import (
	"crypto/ed25519"
	"os"
	"syscall"
	"time"
)

// signMapped signs f's content through a read-only shared mapping whose
// pages are dropped from the process (MADV_DONTNEED) every millisecond
// while ed25519.Sign reads it; the file must not change meanwhile. ok is false when the file cannot be mapped (empty, too
// large): the caller reads it instead.
func signMapped(key ed25519.PrivateKey, f *os.File) (sig []byte, ok bool, err error) {
	st, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	size := st.Size()
	if size <= 0 || int64(int(size)) != size {
		return nil, false, nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, false, nil
	}
	defer syscall.Munmap(data)
	done := make(chan []byte, 1)
	go func() { done <- Sign(key, data) }()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case sig := <-done:
			return sig, true, nil
		case <-tick.C:
			// Reading resumes on a page dropped under it by faulting it in
			// again from the page cache: same bytes, as the file is ours
			// and unchanged.
			_ = syscall.Madvise(data, syscall.MADV_DONTNEED)
		}
	}
}

package document

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// budget counts what one Extract has read against its Limits. Its
// methods are called by the reading goroutine; expire by the one that
// waits for it.
type budget struct {
	lim      Limits
	deadline time.Time
	expired  atomic.Bool
	cells    int
	text     int
	unpacked int64
}

func newBudget(lim Limits) *budget {
	return &budget{lim: lim, deadline: time.Now().Add(lim.Timeout)}
}

// expire makes every later check fail.
func (b *budget) expire() { b.expired.Store(true) }

// check fails once the time budget is spent.
func (b *budget) check() error {
	if b.expired.Load() || time.Now().After(b.deadline) {
		b.expire()
		return fmt.Errorf("after %s: %w", b.lim.Timeout, ErrTimeout)
	}
	return nil
}

// row accounts for a row of n cells (empty ones before the last
// non-empty one included) holding size bytes of text.
func (b *budget) row(n, size int) error {
	if n > b.lim.MaxColumns {
		return fmt.Errorf("row of %d columns: %w (%d)", n, ErrTooLarge, b.lim.MaxColumns)
	}
	b.cells += n
	if b.cells > b.lim.MaxCells {
		return fmt.Errorf("more than %d cells: %w", b.lim.MaxCells, ErrTooLarge)
	}
	return b.addText(size)
}

// addText accounts for size bytes of extracted text.
func (b *budget) addText(size int) error {
	b.text += size
	if b.text > b.lim.MaxText {
		return fmt.Errorf("more than %d bytes of text: %w", b.lim.MaxText, ErrTooLarge)
	}
	return b.check()
}

// unpack accounts for n decompressed bytes.
func (b *budget) unpack(n int64) error {
	b.unpacked += n
	if n < 0 || b.unpacked > b.lim.MaxUnpacked {
		return fmt.Errorf("more than %d bytes once decompressed: %w", b.lim.MaxUnpacked, ErrTooLarge)
	}
	return nil
}

// deadlineReaderAt fails every read once the time budget is spent, so
// that a library looping over a crafted file (a cyclic page tree, whose
// every step reads the file again) stops.
type deadlineReaderAt struct {
	r io.ReaderAt
	b *budget
}

func (d deadlineReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if err := d.b.check(); err != nil {
		return 0, err
	}
	return d.r.ReadAt(p, off)
}

package runner

import (
	"fmt"
	"io"
	"strings"
	"time"

	"vigie/scan"
)

// progress draws a one-line progress bar on a terminal: sites done/total,
// rate and findings so far. On a non-terminal it prints nothing.
type progress struct {
	w        io.Writer
	on       bool
	total    int
	count    int
	failed   int
	findings int
	start    time.Time
	last     time.Time
}

func newProgress(w io.Writer, tty bool, total int) *progress {
	return &progress{w: w, on: tty, total: total, start: time.Now()}
}

func (p *progress) site(r *scan.Result) {
	p.count++
	if r.Site.Error != "" {
		p.failed++
	}
	p.findings += len(r.Findings)
	if !p.on || (time.Since(p.last) < 100*time.Millisecond && p.count < p.total) {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := 0
	if p.total > 0 {
		filled = width * p.count / p.total
	}
	rate := float64(p.count) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d sites  %.1f sites/s  %d failed  %d findings ",
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.count, p.total, rate, p.failed, p.findings)
}

func (p *progress) done() {
	if p.on && p.count > 0 {
		fmt.Fprintln(p.w)
	}
}

package store

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// scanIDLayout sorts lexicographically in time order.
const scanIDLayout = "20060102T150405Z"

// NewScanID returns a time-sortable unique scan ID for a scan started at t,
// such as "20261126T113000Z-3f9a": t in UTC to the second, then 16 random
// bits to tell apart scans started within the same second.
func NewScanID(t time.Time) string {
	var b [2]byte
	rand.Read(b[:]) // never fails, see crypto/rand.Read
	return t.UTC().Format(scanIDLayout) + "-" + hex.EncodeToString(b[:])
}

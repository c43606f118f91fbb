package farm

import (
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// Beacon is one hit a tracker's collector received.
type Beacon struct {
	// Method is GET or POST; URL the absolute URL requested (scheme, host,
	// path and query); Body the request body (first 64 KiB); Referer the
	// Referer header.
	Method, URL, Body, Referer string
}

// maxBeacons bounds the hits each collector endpoint records; it counts
// them all.
const maxBeacons = 10000

// beaconLog records the hits of one collector endpoint.
type beaconLog struct {
	mu      sync.Mutex
	hits    int
	beacons []Beacon
}

func (l *beaconLog) add(b Beacon) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits++
	if len(l.beacons) < maxBeacons {
		l.beacons = append(l.beacons, b)
	}
}

// transparentGIF is the 1x1 pixel advertising trackers answer with.
var transparentGIF, _ = base64.StdEncoding.DecodeString("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")

// collectKey names a collector endpoint in Farm.beacons.
func collectKey(host, path string) string { return host + path }

// serveCollect answers a hit on a collector endpoint and records it.
func serveCollect(w http.ResponseWriter, r *http.Request, host string, c *collectPoint, log *beaconLog) {
	h := w.Header()
	h["Access-Control-Allow-Origin"] = []string{"*"}
	if r.Method == http.MethodOptions {
		h["Access-Control-Allow-Methods"] = []string{"GET, POST"}
		h["Access-Control-Allow-Headers"] = []string{"Content-Type"}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodHead {
		h["Allow"] = []string{"GET, POST"}
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	log.add(Beacon{Method: r.Method, URL: scheme + "://" + host + r.URL.RequestURI(), Body: string(body), Referer: r.Referer()})
	if len(c.Cookies) > 0 {
		h["Set-Cookie"] = c.Cookies
	}
	h["Cache-Control"] = []string{"no-store"}
	if !c.Pixel {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h["Content-Type"] = []string{"image/gif"}
	h["Content-Length"] = []string{strconv.Itoa(len(transparentGIF))}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(transparentGIF)
	}
}

// Hits returns how many hits the collector endpoint at path on host has
// received (0 for a host or path that is no collector).
func (f *Farm) Hits(host, path string) int {
	l := f.beacons[collectKey(host, path)]
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.hits
}

// Beacons returns the first hits (up to 10,000) the collector endpoint at
// path on host has received, in the order they came: what the farm's
// trackers sent, to check a browser audit against.
func (f *Farm) Beacons(host, path string) []Beacon {
	l := f.beacons[collectKey(host, path)]
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Beacon(nil), l.beacons...)
}

package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"vigie/fetch"
	"vigie/store"
)

// Headers of a webhook request.
const (
	// HeaderSignature carries "sha256=" and the hex HMAC-SHA256, keyed by
	// the subscription's secret, of the timestamp, a dot and the body.
	HeaderSignature = "X-Vigie-Signature"
	// HeaderTimestamp carries the Unix time of the attempt, in seconds.
	HeaderTimestamp = "X-Vigie-Timestamp"
)

// Payload is the JSON body of a webhook request.
type Payload struct {
	// Event is always "vigie.alert".
	Event        string    `json:"event"`
	Subscription string    `json:"subscription"`
	SentAt       time.Time `json:"sent_at"`
	Alerts       []Alert   `json:"alerts"`
}

// Sign returns the value of HeaderSignature for body sent at timestamp
// (Unix seconds, as in HeaderTimestamp).
func Sign(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a webhook request as a receiver should: the signature
// matches (in constant time) and the timestamp is within tolerance of now,
// so that a captured request cannot be replayed later.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook: bad timestamp %q", timestamp)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("webhook: timestamp %s is %s away from now: replay refused", timestamp, d.Round(time.Second))
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature)) {
		return errors.New("webhook: signature does not match")
	}
	return nil
}

// postWebhook delivers alerts to a subscription's webhook.
func (d *Dispatcher) postWebhook(ctx context.Context, s store.Subscription, alerts []Alert, scanID string) error {
	return d.retry(ctx, s, "webhook", s.Webhook, scanID, func() (string, error) {
		now := d.o.Now()
		body, err := json.Marshal(Payload{Event: "vigie.alert", Subscription: s.ID, SentAt: now.UTC(), Alerts: alerts})
		if err != nil {
			return "", err
		}
		rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(rctx, http.MethodPost, s.Webhook, bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		ts := now.Unix()
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Vigie-Webhook/1")
		req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
		req.Header.Set(HeaderSignature, Sign(s.Secret, ts, body))
		resp, err := d.o.HTTP.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return "", fmt.Errorf("answered %s", resp.Status)
		}
		return resp.Status, nil
	})
}

// webhookClient posts webhooks without following redirects and, unless
// allowPrivate, refuses to connect to private, loopback or link-local
// addresses (a subscription must not reach into the server's network).
func webhookClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			a, err := netip.ParseAddr(strings.Trim(host, "[]"))
			if err != nil {
				return err
			}
			if why := fetch.PrivateAddr(a.Unmap()); why != "" {
				return fmt.Errorf("webhook address %s is %s: refused", a, why)
			}
			return nil
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = dialer.DialContext
	tr.Proxy = nil
	return &http.Client{
		Transport:     tr,
		Timeout:       15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

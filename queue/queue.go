// Package queue carries site jobs from a scan's coordinator to vigie
// workers over a NATS JetStream work-queue stream: one message per site,
// removed once a worker acknowledges it, redelivered to another worker when
// the one holding it stops answering within the ack deadline.
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"vigie/crawl"
	"vigie/fetch"
	"vigie/target"
)

// Names of the stream, its subjects and the consumer workers share.
const (
	StreamName    = "VIGIE_JOBS"
	subjectPrefix = "vigie.jobs."
	ConsumerName  = "vigie-workers"
)

// Defaults of Options. The ack wait is short because workers touch the
// jobs they hold every third of it (see runner.Worker): the jobs of a
// killed worker come back to the others within DefaultAckWait, 7 to 10 s
// after it died. A worker that cannot reach the server for longer (a NATS
// restart) may see its jobs redelivered: the second audit replaces the
// first's record, so only time is lost.
const (
	DefaultAckWait    = 10 * time.Second
	DefaultMaxDeliver = 5
)

// ReconnectWait is how long a connection that lost its server waits
// between attempts to reconnect, for ever: a restarted server is back
// within seconds.
const ReconnectWait = 500 * time.Millisecond

// Settings are the scan options a worker audits a site with.
type Settings struct {
	Fetch    fetch.Options `json:"fetch"`
	Crawl    crawl.Options `json:"crawl"`
	TLSProbe bool          `json:"tls_probe"`
	// Browser holds the scan's browser-mode settings; nil when the scan
	// renders no site (and in jobs queued before workers rendered any).
	Browser *Browser `json:"browser,omitempty"`
}

// Browser are the browser-mode settings of a scan, carried as data: a
// worker renders with its own Chromium and may not see the coordinator's
// files.
type Browser struct {
	// All renders every target whose mode is not "static"; otherwise only
	// targets whose mode is "browser" are rendered.
	All bool `json:"all,omitempty"`
	// NoTyping leaves form fields untouched.
	NoTyping bool `json:"no_typing,omitempty"`
	// NoConsent skips the consent pass over each site's entry page.
	NoConsent bool `json:"no_consent,omitempty"`
	// PageTimeout bounds each page's rendering (browser default when 0).
	PageTimeout time.Duration `json:"page_timeout,omitempty"`
	// TrackerLists hold tracker lists (CSV domain,name,category, as read
	// on the coordinator) added to the bundled list, in order.
	TrackerLists [][]byte `json:"tracker_lists,omitempty"`
}

// Job is one site of a scan. Its target's Mode says how the site asked to
// be audited.
type Job struct {
	Scan     string        `json:"scan"`
	Target   target.Target `json:"target"`
	Settings Settings      `json:"settings"`
}

// Rendered reports whether the job's site is audited in browser mode: its
// mode says "browser", or the scan renders every site not marked "static".
func (j Job) Rendered() bool {
	b := j.Settings.Browser
	switch {
	case b == nil:
		return false
	case j.Target.Mode == target.ModeBrowser:
		return true
	case j.Target.Mode == target.ModeStatic:
		return false
	}
	return b.All
}

// Options configure the stream and the consumer.
type Options struct {
	// AckWait is how long a worker may hold a job without news before it is
	// redelivered; workers extend it while they audit (default
	// DefaultAckWait).
	AckWait time.Duration
	// MaxDeliver is how many times a job is delivered at most (default 5).
	MaxDeliver int
	// Auth authenticates the connection and secures it with TLS.
	Auth Auth
}

// Auth holds the credentials and TLS settings of a NATS connection. A
// user and password or a token may also come in the URL
// (nats://USER:PASSWORD@HOST:PORT); a tls:// URL asks for TLS.
type Auth struct {
	User, Password string
	Token          string
	// NKeySeedFile is a file holding an NKey user seed (SU...).
	NKeySeedFile string
	// CredsFile is a NATS credentials file (a user JWT and its NKey seed).
	CredsFile string
	// CAFile, a PEM file, is the authority the server's certificate must
	// chain to; setting it (or a client certificate) requires TLS.
	CAFile string
	// CertFile and KeyFile are a client certificate and its key, for
	// servers that verify their clients.
	CertFile, KeyFile string
}

// options returns the nats.Option values of a.
func (a Auth) options() ([]nats.Option, error) {
	var opts []nats.Option
	if a.User != "" || a.Password != "" {
		opts = append(opts, nats.UserInfo(a.User, a.Password))
	}
	if a.Token != "" {
		opts = append(opts, nats.Token(a.Token))
	}
	if a.NKeySeedFile != "" {
		o, err := nats.NkeyOptionFromSeed(a.NKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("NKey seed %s: %w", a.NKeySeedFile, err)
		}
		opts = append(opts, o)
	}
	if a.CredsFile != "" {
		if _, err := os.Stat(a.CredsFile); err != nil {
			return nil, fmt.Errorf("credentials file: %w", err)
		}
		opts = append(opts, nats.UserCredentials(a.CredsFile))
	}
	if a.CAFile != "" {
		opts = append(opts, nats.RootCAs(a.CAFile))
	}
	if (a.CertFile == "") != (a.KeyFile == "") {
		return nil, errors.New("a client certificate needs both its certificate and its key file")
	}
	if a.CertFile != "" {
		opts = append(opts, nats.ClientCert(a.CertFile, a.KeyFile))
	}
	return opts, nil
}

// Queue is a connection to the job stream.
type Queue struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	stream jetstream.Stream
	o      Options
}

// Connect connects to the NATS server at url (nats://HOST:PORT) and creates
// or updates the job stream.
func Connect(ctx context.Context, url string, o Options) (*Queue, error) {
	if o.AckWait <= 0 {
		o.AckWait = DefaultAckWait
	}
	if o.MaxDeliver <= 0 {
		o.MaxDeliver = DefaultMaxDeliver
	}
	opts, err := o.Auth.options()
	if err != nil {
		return nil, fmt.Errorf("queue: %s: %w", url, err)
	}
	// Reconnect for ever, every ReconnectWait (a restarted server is back
	// within seconds); requests in the meantime fail and are retried by
	// their callers.
	opts = append(opts, nats.Name("vigie"), nats.MaxReconnects(-1), nats.ReconnectWait(ReconnectWait),
		nats.RetryOnFailedConnect(false))
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("queue: connecting to %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("queue: %s: %w", url, err)
	}
	st, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        StreamName,
		Description: "Vigie site jobs",
		Subjects:    []string{subjectPrefix + ">"},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		// Enqueuing the same site of the same scan twice within this window
		// is a no-op (message IDs).
		Duplicates: 10 * time.Minute,
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("queue: creating stream %s on %s: %w", StreamName, url, err)
	}
	return &Queue{nc: nc, js: js, stream: st, o: o}, nil
}

// Close closes the connection without waiting for anything.
func (q *Queue) Close() { q.nc.Close() }

// Enqueue publishes jobs and waits until the server has stored them.
func (q *Queue) Enqueue(ctx context.Context, jobs ...Job) error {
	futures := make([]jetstream.PubAckFuture, 0, len(jobs))
	for _, j := range jobs {
		b, err := json.Marshal(j)
		if err != nil {
			return fmt.Errorf("queue: job %s of scan %s: %w", j.Target.URL, j.Scan, err)
		}
		f, err := q.js.PublishAsync(subjectPrefix+j.Scan, b, jetstream.WithMsgID(j.Scan+" "+j.Target.URL))
		if err != nil {
			return fmt.Errorf("queue: enqueuing %s of scan %s: %w", j.Target.URL, j.Scan, err)
		}
		futures = append(futures, f)
	}
	for i, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("queue: enqueuing %s of scan %s: %w", jobs[i].Target.URL, jobs[i].Scan, err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Depth returns the number of jobs in the stream, delivered or not.
func (q *Queue) Depth(ctx context.Context) (uint64, error) {
	info, err := q.stream.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("queue: stream info: %w", err)
	}
	return info.State.Msgs, nil
}

// InFlight returns the number of jobs delivered to workers and not yet
// acknowledged.
// It does not create the consumer (whose settings are the workers'): 0
// before any worker started.
func (q *Queue) InFlight(ctx context.Context) (int, error) {
	c, err := q.js.Consumer(ctx, StreamName, ConsumerName)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("queue: consumer %s: %w", ConsumerName, err)
	}
	info, err := c.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("queue: consumer info: %w", err)
	}
	return info.NumAckPending, nil
}

func (q *Queue) consumer(ctx context.Context) (jetstream.Consumer, error) {
	c, err := q.js.CreateOrUpdateConsumer(ctx, StreamName, jetstream.ConsumerConfig{
		Durable:       ConsumerName,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       q.o.AckWait,
		MaxDeliver:    q.o.MaxDeliver,
		FilterSubject: subjectPrefix + ">",
		// Workers pull one job at a time each.
		MaxAckPending: 10000,
	})
	if err != nil {
		return nil, fmt.Errorf("queue: consumer %s: %w", ConsumerName, err)
	}
	return c, nil
}

// Delivery is a job handed to a worker. The worker calls exactly one of
// Ack, Nak or nothing (the job comes back after the ack deadline).
type Delivery struct {
	Job Job
	// Attempt counts deliveries of the job, from 1.
	Attempt int
	// Last is true on the job's last allowed delivery.
	Last bool
	msg  jetstream.Msg
}

// Ack removes the job from the queue.
func (d *Delivery) Ack(ctx context.Context) error { return d.msg.DoubleAck(ctx) }

// Nak hands the job back for redelivery after delay.
func (d *Delivery) Nak(delay time.Duration) error { return d.msg.NakWithDelay(delay) }

// Touch tells the server the job is still being worked on, restarting its
// ack deadline.
func (d *Delivery) Touch() error { return d.msg.InProgress() }

// Consumer pulls jobs.
type Consumer struct {
	q *Queue
	c jetstream.Consumer
}

// Consumer returns the shared pull consumer, creating it if needed.
func (q *Queue) Consumer(ctx context.Context) (*Consumer, error) {
	c, err := q.consumer(ctx)
	if err != nil {
		return nil, err
	}
	return &Consumer{q: q, c: c}, nil
}

// ErrNoJob is returned by Next when no job came within its wait.
var ErrNoJob = errors.New("no job")

// Next waits up to wait for one job. A message that is not a job is
// acknowledged (dropped) and reported as an error.
func (c *Consumer) Next(ctx context.Context, wait time.Duration) (*Delivery, error) {
	batch, err := c.c.Fetch(1, jetstream.FetchMaxWait(wait))
	if err != nil {
		return nil, fmt.Errorf("queue: fetching a job: %w", err)
	}
	var msg jetstream.Msg
	for m := range batch.Messages() {
		msg = m
	}
	if msg == nil {
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return nil, fmt.Errorf("queue: fetching a job: %w", err)
		}
		return nil, ErrNoJob
	}
	d := &Delivery{msg: msg, Attempt: 1}
	if md, err := msg.Metadata(); err == nil {
		d.Attempt = int(md.NumDelivered)
	}
	d.Last = d.Attempt >= c.q.o.MaxDeliver
	if err := json.Unmarshal(msg.Data(), &d.Job); err != nil {
		msg.Term()
		return nil, fmt.Errorf("queue: dropping a message on %s that is not a job: %w", msg.Subject(), err)
	}
	return d, nil
}

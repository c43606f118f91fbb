// Package sqldb holds the queries store/sqlite and store/postgres run word
// for word: reads of the scan history (scans, sites, findings, diffs), the
// cases tables, and the dashboard's accounts, sessions and browsing queries. Queries are written with ? placeholders; a back end
// that wants others passes a rebind function (Dollar for PostgreSQL).
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Queries runs the shared queries on one database. Back ends embed it, so
// that its methods implement their part of store.Store and cases.Store.
type Queries struct {
	name string
	r, w handle
	// lockCases, when set, runs first in the transaction creating a case,
	// to serialise case numbering where the engine does not.
	lockCases string
	// lockSite, when set, runs first in RecordSite's transaction with the
	// site URL as argument.
	lockSite string
	// lockScan, when set, replaces the write of the scan's row a record
	// makes to order itself with EndScan.
	lockScan string
	// retry reports whether RecordSite may run again after err.
	retry func(error) bool
	// search returns the condition (on findings f) and its one argument
	// keeping the findings whose search_text holds every word, each as a
	// word or a word's start; nil when the back end has no full-text
	// index.
	search func(words []string, many bool) (cond string, arg any)
	// searchPlan asks Query to count a search's matches first (see
	// searchCond).
	searchPlan bool
	// prepared holds RecordSite's statements by SQL text, when prepared.
	prepared map[string]*sql.Stmt
}

// Options configure New.
type Options struct {
	// Name prefixes error messages ("sqlite", "postgres").
	Name string
	// Read and Write are the pools for reads and writes (possibly the same).
	Read, Write *sql.DB
	// Rebind rewrites ? placeholders for the engine; nil keeps them.
	Rebind func(string) string
	// LockCases is a statement run first when creating a case, or "".
	LockCases string
	// LockSite is a statement run first when recording a site, with the
	// site's URL as its one argument, or "".
	LockSite string
	// LockScan is a statement a record runs, with the scan ID as its one
	// argument, to wait for (or hold off) a concurrent EndScan of that
	// scan (see recorder.invalidate); "" writes the scan's row instead,
	// which also serialises the records of a scan with one another.
	LockScan string
	// Retry, when set, reports whether RecordSite may run again after an
	// error (deadlocks, serialisation failures); it tries five times.
	Retry func(error) bool
	// Search builds the full-text condition of store.Query.Search (see
	// Queries.search); many, when the matches are many, asks for a
	// condition the engine evaluates row by row rather than through the
	// index (see SearchPlan).
	Search func(words []string, many bool) (cond string, arg any)
	// SearchPlan makes Query count a search's matches before choosing
	// how to write its condition, for an engine whose planner does not
	// (SQLite without statistics).
	SearchPlan bool
	// Prepare prepares RecordSite's statements once on Write (worth it
	// where the driver does not cache them, as with SQLite).
	Prepare bool
}

// New returns the shared queries over o's pools.
func New(ctx context.Context, o Options) (*Queries, error) {
	rb := o.Rebind
	if rb == nil {
		rb = func(q string) string { return q }
	}
	q := &Queries{name: o.Name, r: handle{o.Read, rb}, w: handle{o.Write, rb},
		lockCases: o.LockCases, lockSite: o.LockSite, lockScan: o.LockScan, retry: o.Retry, search: o.Search, searchPlan: o.SearchPlan}
	if o.Prepare {
		q.prepared = make(map[string]*sql.Stmt)
		for _, sq := range queries.all() {
			s, err := o.Write.PrepareContext(ctx, rb(sq))
			if err != nil {
				q.Release()
				return nil, fmt.Errorf("%s: preparing %q: %w", o.Name, sq, err)
			}
			q.prepared[sq] = s
		}
	}
	return q, nil
}

// Release closes the prepared statements.
func (q *Queries) Release() error {
	var err error
	for _, s := range q.prepared {
		err = errors.Join(err, s.Close())
	}
	return err
}

// Dollar rewrites the ? placeholders of q as $1, $2... (PostgreSQL). The
// shared queries hold no ? inside literals.
func Dollar(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// handle is a pool whose queries are rebound.
type handle struct {
	db     *sql.DB
	rebind func(string) string
}

func (h handle) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return h.db.QueryContext(ctx, h.rebind(q), args...)
}

func (h handle) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return h.db.QueryRowContext(ctx, h.rebind(q), args...)
}

func (h handle) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return h.db.ExecContext(ctx, h.rebind(q), args...)
}

func (h handle) BeginTx(ctx context.Context, opts *sql.TxOptions) (txn, error) {
	tx, err := h.db.BeginTx(ctx, opts)
	return txn{tx, h.rebind}, err
}

// txn is a transaction whose queries are rebound.
type txn struct {
	*sql.Tx
	rebind func(string) string
}

func (t txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.rebind(q), args...)
}

func (t txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.rebind(q), args...)
}

func (t txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.rebind(q), args...)
}

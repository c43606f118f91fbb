// Package postgres is the team and fleet store.Store: scan history in a
// PostgreSQL database, through pgx's database/sql driver.
//
// It runs the same portable migrations as store/sqlite and computes finding
// history the same way. Several processes (vigie workers) may write at once:
// records of one site are serialised by a transaction-level advisory lock,
// so a redelivered job racing its first delivery still leaves one record.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"vigie/cases"
	"vigie/store"
	"vigie/store/internal/sqldb"
	"vigie/store/migrations"
)

// migrationLock is the key of the session advisory lock held while
// migrations run, so that workers starting together apply each one once.
const migrationLock = 0x76696769 // "vigi"

// DB is a scan history in a PostgreSQL database. It implements store.Store
// and is safe for concurrent use.
type DB struct {
	*sqldb.Queries // reads and cases
	url            string
	w              *sql.DB // writes
	r              *sql.DB // reads; the same pool
}

var (
	_ store.Store    = (*DB)(nil)
	_ store.Accounts = (*DB)(nil)
	_ store.Browser  = (*DB)(nil)
	_ cases.Store    = (*DB)(nil)
	_ store.Watch    = (*DB)(nil)
)

// caseLock is the key of the advisory lock serialising case numbering.
const caseLock = 0x76696763 // "vigc"

// IsURL reports whether s names a PostgreSQL database (postgres:// or
// postgresql://) rather than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at rawURL (postgres://user@host:port/db?...,
// any parameter pgx accepts, such as search_path) and brings its schema up
// to date. A database migrated by a newer Vigie is refused with an error
// wrapping migrations.ErrTooNew.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	shown := redact(rawURL)
	if !IsURL(rawURL) {
		return nil, fmt.Errorf("postgres: open %s: not a postgres:// URL", shown)
	}
	db, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", shown, err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", shown, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", shown, err)
	}
	q, err := sqldb.New(ctx, sqldb.Options{
		Name: "postgres", Read: db, Write: db, Rebind: sqldb.Dollar,
		// Case numbers are MAX + 1: one creator at a time.
		LockCases: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", caseLock),
		// One writer per site at a time: history is recomputed from the
		// site's rows, which a concurrent delivery of the same site would
		// change.
		LockSite: "SELECT pg_advisory_xact_lock(hashtext(?))",
		// A shared row lock: records of one scan do not wait for one
		// another, only for (or hold off) EndScan's update of the row.
		LockScan: "SELECT 1 FROM scans WHERE id = ? FOR SHARE",
		Retry:    retryable,
		Search:   search,
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", shown, err)
	}
	if _, err := q.FillSearchText(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", shown, err)
	}
	return &DB{Queries: q, url: shown, w: db, r: db}, nil
}

// migrate applies the migrations while holding a session advisory lock on
// a connection of its own; Apply runs on the pool's other connections.
func migrate(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("migrations: taking the lock: %w", err)
	}
	err = migrations.Up(ctx, db)
	for _, q := range searchDDL {
		if err != nil {
			break
		}
		if _, err = conn.ExecContext(ctx, q); err != nil {
			err = fmt.Errorf("search index: %w", err)
		}
	}
	// Unlock even when ctx is done: the connection goes back to the pool.
	if _, uerr := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock); uerr != nil {
		err = errors.Join(err, fmt.Errorf("migrations: releasing the lock: %w", uerr))
	}
	return err
}

// searchDDL is the full-text index of findings.search_text (migration
// 0013): a tsvector PostgreSQL computes from it on every write, with the
// 'simple' configuration (no stemming, no stop words: the words are
// folded already by store.SearchWords), and a GIN index over it.
var searchDDL = []string{
	`ALTER TABLE findings ADD COLUMN IF NOT EXISTS search tsvector
	GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(search_text, ''))) STORED`,
	`CREATE INDEX IF NOT EXISTS findings_search ON findings USING GIN (search)`,
}

// search is the full-text condition of store.Query.Search: every word,
// each as a prefix. Words are letters and digits only, outside
// to_tsquery's syntax.
func search(words []string, _ bool) (string, any) {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteString(w + ":*")
	}
	return `f.search @@ to_tsquery('simple'::regconfig, ?)`, b.String()
}

// retryable reports whether err is a deadlock or serialisation failure,
// after which the transaction can simply run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// redact hides the password of a database URL in messages.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.w.Close() }

// URL returns the database URL, password hidden.
func (db *DB) URL() string { return db.url }

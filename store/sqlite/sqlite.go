// Package sqlite is the embedded store.Store: scan history in one SQLite
// file, through the pure-Go driver modernc.org/sqlite.
//
// Writes go through a single connection (SQLite allows one writer at a
// time; queuing in Go is cheaper than SQLite's busy-wait), reads through a
// pool of read-only connections that WAL mode lets run alongside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"vigie/cases"
	"vigie/store"
	"vigie/store/internal/sqldb"
	"vigie/store/migrations"
)

// Memory is the path Open takes for a private in-memory database, gone when
// the DB is closed.
const Memory = ":memory:"

// busyTimeoutMS bounds how long a connection waits for another process
// holding the write lock.
const busyTimeoutMS = "10000"

// DB is a scan history in a SQLite database. It implements store.Store and
// is safe for concurrent use.
type DB struct {
	*sqldb.Queries // reads and cases
	path           string
	w              *sql.DB // one connection: the only writer
	r              *sql.DB // readers; w itself for an in-memory database
}

var (
	_ store.Store    = (*DB)(nil)
	_ store.Accounts = (*DB)(nil)
	_ store.Browser  = (*DB)(nil)
	_ cases.Store    = (*DB)(nil)
	_ store.Watch    = (*DB)(nil)
)

// DefaultPath returns where Vigie keeps its database by default:
// $XDG_DATA_HOME/vigie/vigie.db, or ~/.local/share/vigie/vigie.db when
// XDG_DATA_HOME is unset or not absolute (as the XDG specification asks).
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "vigie", "vigie.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("sqlite: default database path: %w", err)
	}
	return filepath.Join(home, ".local", "share", "vigie", "vigie.db"), nil
}

// Open opens the database at path, creating it and its parent directories
// (private to the user, since it holds findings about personal data) if
// needed, and brings its schema up to date. A database created by a newer
// Vigie is refused with an error wrapping migrations.ErrTooNew. The path
// Memory (":memory:") opens a private in-memory database.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if path == Memory {
		return openMemory(ctx)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// Create the file ourselves so that it is not world-readable; SQLite
	// gives its -wal and -shm files the database file's permissions.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	f.Close()

	w, err := sql.Open("sqlite", dsn(abs, url.Values{
		"_txlock":       {"immediate"},
		"_busy_timeout": {busyTimeoutMS},
		"_foreign_keys": {"1"},
		"_journal_mode": {"WAL"},
		// In WAL mode, NORMAL loses no committed transaction when the
		// process dies, only on power loss, and spares an fsync per commit.
		"_synchronous": {"NORMAL"},
		"_dqs":         {"0"},
		"_error_rc":    {"1"},
		// Finding IDs are hashes, so inserts land on random index pages: a
		// 64 MiB page cache (default 2 MiB) doubles the write rate once the
		// history holds a few hundred thousand findings.
		"_pragma": {"cache_size(-65536)"},
	}))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	oneConnection(w)
	r, err := sql.Open("sqlite", dsn(abs, url.Values{
		"_busy_timeout": {busyTimeoutMS},
		"_query_only":   {"1"},
		"_dqs":          {"0"},
		"_error_rc":     {"1"},
	}))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	r.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)))
	return setUp(ctx, path, w, r)
}

func openMemory(ctx context.Context) (*DB, error) {
	// Every connection to ":memory:" is a database of its own: keep exactly
	// one, for writes and reads alike, and never let it be recycled.
	w, err := sql.Open("sqlite", Memory+"?"+url.Values{
		"_txlock":       {"immediate"},
		"_foreign_keys": {"1"},
		"_dqs":          {"0"},
	}.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", Memory, err)
	}
	oneConnection(w)
	return setUp(ctx, Memory, w, w)
}

func oneConnection(db *sql.DB) {
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
}

// dsn returns a file: URI for path, escaped so that '?' or '#' in a file
// name cannot be taken for parameters.
func dsn(path string, params url.Values) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter: file:///C:/...
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: params.Encode()}
	return u.String()
}

// setUp migrates and prepares a database opened as writer w and readers r.
func setUp(ctx context.Context, path string, w, r *sql.DB) (*DB, error) {
	closeAll := func() {
		if r != w {
			r.Close()
		}
		w.Close()
	}
	if err := w.PingContext(ctx); err != nil {
		closeAll()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := migrations.Up(ctx, w); err != nil {
		closeAll()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := searchIndex(ctx, w); err != nil {
		closeAll()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	q, err := sqldb.New(ctx, sqldb.Options{Name: "sqlite", Read: r, Write: w, Prepare: true, Search: search, SearchPlan: true})
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if _, err := q.FillSearchText(ctx); err != nil {
		q.Release()
		closeAll()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return &DB{Queries: q, path: path, w: w, r: r}, nil
}

// searchDDL is the full-text index of findings.search_text (migration
// 0013): an FTS5 table reading its text from findings (external content,
// by rowid) and triggers keeping it in step. The words are folded
// already (store.SearchWords); unicode61 splits them the same way.
// findings has no INTEGER PRIMARY KEY, so its rowids are stable only as
// long as the database is not VACUUMed: Vigie never does, and
// 'rebuild' mends the index if someone does.
var searchDDL = []string{
	`CREATE VIRTUAL TABLE findings_fts USING fts5(search_text, content='findings', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
	`CREATE TRIGGER findings_fts_insert AFTER INSERT ON findings WHEN new.search_text IS NOT NULL BEGIN
	INSERT INTO findings_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END`,
	`CREATE TRIGGER findings_fts_delete AFTER DELETE ON findings WHEN old.search_text IS NOT NULL BEGIN
	INSERT INTO findings_fts (findings_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END`,
	`CREATE TRIGGER findings_fts_update AFTER UPDATE OF search_text ON findings
WHEN old.search_text IS NOT new.search_text BEGIN
	INSERT INTO findings_fts (findings_fts, rowid, search_text) SELECT 'delete', old.rowid, old.search_text WHERE old.search_text IS NOT NULL;
	INSERT INTO findings_fts (rowid, search_text) SELECT new.rowid, new.search_text WHERE new.search_text IS NOT NULL;
END`,
	`INSERT INTO findings_fts (findings_fts) VALUES ('rebuild')`,
}

// searchIndex creates the full-text index when the database has none.
func searchIndex(ctx context.Context, w *sql.DB) error {
	var n int
	err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'findings_fts'`).Scan(&n)
	if err != nil || n > 0 {
		return err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range searchDDL {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
	}
	return tx.Commit()
}

// search is the full-text condition of store.Query.Search: every word,
// each as a prefix. Words are letters and digits only, so quoting them
// is enough to keep FTS5's query syntax out. With many matches, the
// unary + keeps SQLite from reading the findings by rowid from the
// matches (then sorting them all): it walks the list's index instead and
// tests each finding against the matches.
func search(words []string, many bool) (string, any) {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(`"` + w + `"*`)
	}
	col := `f.rowid`
	if many {
		col = `+f.rowid`
	}
	return col + ` IN (SELECT rowid FROM findings_fts WHERE findings_fts MATCH ?)`, b.String()
}

// Close closes the database.
func (db *DB) Close() error {
	err := db.Release()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	// A clean close of the last connection checkpoints the WAL into the
	// database file and removes the -wal and -shm files.
	return errors.Join(err, db.w.Close())
}

// Path returns the path the database was opened with.
func (db *DB) Path() string { return db.path }

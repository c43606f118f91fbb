// Package migrations holds the versioned schema of Vigie's scan history,
// shared by the SQLite and PostgreSQL back ends, and the runner that applies
// it through database/sql.
//
// Each migration is a file NNNN_name.sql embedded in the binary, numbered
// from 0001 without gaps. The SQL is kept portable: TEXT and INTEGER
// columns, JSON as TEXT, timestamps as TEXT in TimeLayout, no
// engine-specific syntax. Applied versions are recorded in
// schema_migrations(version, applied_at).
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TimeLayout is how the schema stores timestamps: RFC 3339 in UTC with
// nanoseconds, fixed width so that text order is time order.
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// ErrTooNew is returned, wrapped, when a database has a schema version
// newer than the migrations this binary knows.
var ErrTooNew = errors.New("database schema is newer than this program")

//go:embed *.sql
var files embed.FS

// Migration is one versioned schema change.
type Migration struct {
	Version int
	Name    string
	// SQL holds one or more statements separated by semicolons.
	SQL string
}

var embedded = sync.OnceValues(func() ([]Migration, error) { return Load(files) })

// All returns the embedded migrations in version order.
func All() ([]Migration, error) { return embedded() }

// Latest returns the version the embedded migrations lead to.
func Latest() int {
	ms, err := All()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// Load reads the migrations NNNN_name.sql at the root of fsys. Versions must
// run from 1 without gaps or duplicates; other files are ignored.
func Load(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".sql")
		num, label, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || len(num) != 4 || label == "" {
			return nil, fmt.Errorf("migrations: %s: name is not NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		ms = append(ms, Migration{Version: v, Name: label, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations: expected version %04d, found %04d_%s", i+1, m.Version, m.Name)
		}
	}
	return ms, nil
}

// Up brings db to the latest embedded schema version; see Apply.
func Up(ctx context.Context, db *sql.DB) error {
	ms, err := All()
	if err != nil {
		return err
	}
	_, err = Apply(ctx, db, ms)
	return err
}

// Version returns the highest schema version applied to db, 0 for a fresh
// database.
func Version(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("migrations: reading schema version: %w", err)
	}
	return v, nil
}

// Apply runs the migrations of ms that db has not applied yet, in order,
// each in its own transaction together with its schema_migrations row, and
// returns the versions it applied. A database whose version is above the
// last of ms is refused with an error wrapping ErrTooNew, before anything
// is changed.
//
// Each transaction re-reads the version first, so concurrent runners
// serialised by the database (SQLite's BEGIN IMMEDIATE; on PostgreSQL, an
// advisory lock around Apply) apply each migration once. The SQL of a
// migration is executed as one multi-statement Exec without arguments.
func Apply(ctx context.Context, db *sql.DB, ms []Migration) ([]int, error) {
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].Version
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
)`); err != nil {
		return nil, fmt.Errorf("migrations: creating schema_migrations: %w", err)
	}
	cur, err := Version(ctx, db)
	if err != nil {
		return nil, err
	}
	if err := tooNew(cur, latest); err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range ms {
		if m.Version <= cur {
			continue
		}
		ok, err := apply(ctx, db, m, latest)
		if err != nil {
			return applied, err
		}
		if ok {
			applied = append(applied, m.Version)
		}
	}
	return applied, nil
}

func tooNew(cur, latest int) error {
	if cur > latest {
		return fmt.Errorf("%w: database is at schema version %d, this program knows versions up to %d; use a newer vigie", ErrTooNew, cur, latest)
	}
	return nil
}

// apply runs m in a transaction unless another runner got there first.
func apply(ctx context.Context, db *sql.DB, m Migration, latest int) (bool, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrations: %04d_%s: %w", m.Version, m.Name, err)
	}
	defer tx.Rollback()
	var cur int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return false, fmt.Errorf("migrations: %04d_%s: reading schema version: %w", m.Version, m.Name, err)
	}
	if err := tooNew(cur, latest); err != nil {
		return false, err
	}
	if cur >= m.Version {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("migrations: %04d_%s: %w", m.Version, m.Name, err)
	}
	// Literals rather than parameters: placeholders differ between engines,
	// and both values are ours.
	now := time.Now().UTC().Format(TimeLayout)
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO schema_migrations (version, applied_at) VALUES (%d, '%s')`, m.Version, now)); err != nil {
		return false, fmt.Errorf("migrations: %04d_%s: recording version: %w", m.Version, m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrations: %04d_%s: commit: %w", m.Version, m.Name, err)
	}
	return true, nil
}

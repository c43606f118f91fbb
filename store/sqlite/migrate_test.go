package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"vigie/store/internal/column"
	"vigie/store/migrations"
)

type appliedVersion struct {
	version   int
	appliedAt string
}

func appliedVersions(t *testing.T, ctx context.Context, db *DB) []appliedVersion {
	t.Helper()
	rows, err := db.r.QueryContext(ctx, `SELECT version, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []appliedVersion
	for rows.Next() {
		var v appliedVersion
		if err := rows.Scan(&v.version, &v.appliedAt); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrationsFresh(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := appliedVersions(t, ctx, db)
	if len(got) != migrations.Latest() {
		t.Fatalf("applied %v, want versions 1 to %d", got, migrations.Latest())
	}
	for i, v := range got {
		if v.version != i+1 {
			t.Errorf("applied version %d at position %d", v.version, i)
		}
		if _, err := column.ParseTime(v.appliedAt); err != nil {
			t.Errorf("applied_at: %v", err)
		}
	}
	for _, table := range []string{"scans", "scan_sites", "findings", "finding_sightings", "finding_changes", "users", "sessions", "scan_counts", "finding_unexamined"} {
		var n int
		if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
}

func TestMigrationsReopenIsNoop(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "vigie.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	before := appliedVersions(t, ctx, db)
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	after := appliedVersions(t, ctx, db)
	if len(before) != len(after) {
		t.Fatalf("re-open changed schema_migrations from %v to %v", before, after)
	}
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("re-open changed schema_migrations from %v to %v", before, after)
		}
	}
}

func TestMigrationsRefuseNewerDatabase(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "vigie.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	future := migrations.Latest() + 1
	if _, err := db.w.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		future, "2030-01-01T00:00:00.000000000Z"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = Open(ctx, path)
	if !errors.Is(err, migrations.ErrTooNew) {
		t.Fatalf("Open of a newer database: %v, want ErrTooNew", err)
	}
	for _, want := range []string{path, "schema version " + strconv.Itoa(future), "up to " + strconv.Itoa(migrations.Latest())} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

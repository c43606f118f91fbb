package migrations_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	_ "modernc.org/sqlite"

	"vigie/store/migrations"
)

func memoryDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func version(t *testing.T, ctx context.Context, db *sql.DB) int {
	t.Helper()
	v, err := migrations.Version(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEmbedded(t *testing.T) {
	ms, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || migrations.Latest() != len(ms) {
		t.Fatalf("All() = %d migrations, Latest() = %d", len(ms), migrations.Latest())
	}
	for _, m := range ms {
		// Keep the schema portable to PostgreSQL.
		for _, word := range []string{"AUTOINCREMENT", "WITHOUT ROWID", "PRAGMA", "DATETIME", "BLOB", "STRICT"} {
			if strings.Contains(strings.ToUpper(m.SQL), word) {
				t.Errorf("migration %04d_%s uses %s, which PostgreSQL lacks", m.Version, m.Name, word)
			}
		}
	}
	db := memoryDB(t)
	if err := migrations.Up(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	if v := version(t, t.Context(), db); v != migrations.Latest() {
		t.Errorf("version after Up = %d, want %d", v, migrations.Latest())
	}
}

func TestLoad(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   []string
		want    []int
		wantErr string
	}{
		{"ordered", []string{"0002_b.sql", "0001_a.sql", "README.md"}, []int{1, 2}, ""},
		{"empty", nil, nil, ""},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, nil, "expected version 0002"},
		{"duplicate", []string{"0001_a.sql", "0001_b.sql"}, nil, "expected version 0002"},
		{"not from 1", []string{"0002_b.sql"}, nil, "expected version 0001"},
		{"no name", []string{"0001.sql"}, nil, "NNNN_name.sql"},
		{"short number", []string{"1_a.sql"}, nil, "NNNN_name.sql"},
		{"not a number", []string{"abcd_a.sql"}, nil, "NNNN_name.sql"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tc.files {
				fsys[f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
			}
			ms, err := migrations.Load(fsys)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load: %v, want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("versions %v, want %v", got, tc.want)
			}
		})
	}
}

var steps = []migrations.Migration{
	{Version: 1, Name: "things", SQL: `CREATE TABLE things (id TEXT PRIMARY KEY);
INSERT INTO things (id) VALUES ('a');`},
	{Version: 2, Name: "more", SQL: `ALTER TABLE things ADD COLUMN label TEXT NOT NULL DEFAULT '';
CREATE INDEX things_label ON things (label);`},
	{Version: 3, Name: "broken", SQL: `CREATE TABLE others (id TEXT);
INSERT INTO nowhere VALUES (1);`},
}

func TestApply(t *testing.T) {
	ctx := t.Context()
	db := memoryDB(t)

	applied, err := migrations.Apply(ctx, db, steps[:1])
	if err != nil || len(applied) != 1 || applied[0] != 1 {
		t.Fatalf("Apply(1) = %v, %v", applied, err)
	}
	// An upgrade applies only what is missing.
	applied, err = migrations.Apply(ctx, db, steps[:2])
	if err != nil || len(applied) != 1 || applied[0] != 2 {
		t.Fatalf("Apply(1, 2) = %v, %v", applied, err)
	}
	// Again: nothing to do.
	applied, err = migrations.Apply(ctx, db, steps[:2])
	if err != nil || len(applied) != 0 {
		t.Fatalf("Apply(1, 2) again = %v, %v", applied, err)
	}
	// A failing migration leaves no trace.
	_, err = migrations.Apply(ctx, db, steps)
	if err == nil || !strings.Contains(err.Error(), "0003_broken") {
		t.Fatalf("Apply of a broken migration: %v, want an error naming it", err)
	}
	if v := version(t, ctx, db); v != 2 {
		t.Errorf("version after a failed migration = %d, want 2", v)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'others'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the failed migration's table exists (%d, %v)", n, err)
	}
	var label string
	if err := db.QueryRowContext(ctx, `SELECT label FROM things WHERE id = 'a'`).Scan(&label); err != nil {
		t.Errorf("migrated data: %v", err)
	}

	// An older program refuses the database.
	_, err = migrations.Apply(ctx, db, steps[:1])
	if !errors.Is(err, migrations.ErrTooNew) {
		t.Fatalf("Apply of older migrations: %v, want ErrTooNew", err)
	}
	if !strings.Contains(err.Error(), "version 2") || !strings.Contains(err.Error(), "up to 1") {
		t.Errorf("error %q does not give both versions", err)
	}
}

package sqlite

import (
	"os"
	"path/filepath"
	"testing"

	"vigie/store"
	"vigie/store/storetest"
)

func TestStoreFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := Open(t.Context(), filepath.Join(t.TempDir(), "vigie.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestStoreMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := Open(t.Context(), Memory)
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestAccounts(t *testing.T) {
	storetest.RunAccounts(t, func(t *testing.T) storetest.AccountsStore {
		db, err := Open(t.Context(), filepath.Join(t.TempDir(), "vigie.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestBrowse(t *testing.T) {
	storetest.RunBrowse(t, func(t *testing.T) storetest.BrowseStore {
		db, err := Open(t.Context(), filepath.Join(t.TempDir(), "vigie.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestMemoryDatabasesAreSeparate(t *testing.T) {
	ctx := t.Context()
	a, err := Open(ctx, Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.BeginScan(ctx, &store.Scan{ID: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Scan(ctx, "x"); err == nil {
		t.Error("a scan of one in-memory database shows in another")
	}
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	// Parent directories are created; '?' and '#' in the name are not taken
	// for URI parameters.
	path := filepath.Join(t.TempDir(), "a b", "c?d#e", "vigie.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.BeginScan(t.Context(), &store.Scan{ID: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("database file mode %v, want private to the user", perm)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil {
		t.Fatal(err)
	} else if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("database directory mode %v, want private to the user", perm)
	}

	// The data outlives the process's handle.
	db, err = Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Scan(t.Context(), "x"); err != nil {
		t.Errorf("scan lost on re-open: %v", err)
	}
	var mode string
	if err := db.r.QueryRowContext(t.Context(), `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := db.w.QueryRowContext(t.Context(), `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	if _, err := db.r.ExecContext(t.Context(), `DELETE FROM scans`); err == nil {
		t.Error("a reader connection could write")
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(t.Context(), ""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	// A regular file where a directory should be.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(t.Context(), filepath.Join(file, "vigie.db")); err == nil {
		t.Error("Open under a regular file succeeded")
	}
	// Not a database.
	junk := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(junk, []byte("this is not an SQLite database, but it is long enough to look like one..."), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(t.Context(), junk); err == nil {
		t.Error("Open of a file that is not a database succeeded")
	}
}

func TestDefaultPath(t *testing.T) {
	for _, tc := range []struct {
		name, xdg, home, want string
	}{
		{"xdg", "/data", "/home/u", "/data/vigie/vigie.db"},
		{"no xdg", "", "/home/u", "/home/u/.local/share/vigie/vigie.db"},
		{"relative xdg ignored", "data", "/home/u", "/home/u/.local/share/vigie/vigie.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("XDG_DATA_HOME", tc.xdg)
			t.Setenv("HOME", tc.home)
			got, err := DefaultPath()
			if err != nil {
				t.Fatal(err)
			}
			if got != filepath.FromSlash(tc.want) {
				t.Errorf("DefaultPath() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWatch(t *testing.T) {
	storetest.RunWatch(t, func(t *testing.T) storetest.WatchStore {
		db, err := Open(t.Context(), filepath.Join(t.TempDir(), "vigie.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestSummaries(t *testing.T) {
	storetest.RunSummaries(t, func(t *testing.T) storetest.BrowseStore {
		db, err := Open(t.Context(), filepath.Join(t.TempDir(), "vigie.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

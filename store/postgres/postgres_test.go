package postgres

import (
	"errors"
	"sync"
	"testing"

	"vigie/store"
	"vigie/store/migrations"
	"vigie/store/postgres/pgtest"
	"vigie/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t *testing.T, url string) *DB {
	t.Helper()
	db, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, pgtest.URL(t)) })
}

func TestAccounts(t *testing.T) {
	storetest.RunAccounts(t, func(t *testing.T) storetest.AccountsStore { return open(t, pgtest.URL(t)) })
}

func TestBrowse(t *testing.T) {
	storetest.RunBrowse(t, func(t *testing.T) storetest.BrowseStore { return open(t, pgtest.URL(t)) })
}

// Workers starting together must apply each migration once.
func TestConcurrentOpen(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			db, err := Open(t.Context(), url)
			if err == nil {
				err = db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	db := open(t, url)
	defer db.Close()
	v, err := migrations.Version(t.Context(), db.w)
	if err != nil || v != migrations.Latest() {
		t.Errorf("schema version = %d, %v; want %d", v, err, migrations.Latest())
	}
}

func TestOpenRefusesFiles(t *testing.T) {
	if _, err := Open(t.Context(), "/tmp/vigie.db"); err == nil {
		t.Error("Open of a file path succeeded")
	}
	for _, u := range []string{"postgres://h/db", "postgresql://h/db"} {
		if !IsURL(u) {
			t.Errorf("IsURL(%q) = false", u)
		}
	}
}

func TestWatch(t *testing.T) {
	storetest.RunWatch(t, func(t *testing.T) storetest.WatchStore { return open(t, pgtest.URL(t)) })
}

func TestSummaries(t *testing.T) {
	storetest.RunSummaries(t, func(t *testing.T) storetest.BrowseStore { return open(t, pgtest.URL(t)) })
}

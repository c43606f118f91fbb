package sqlite

import (
	"testing"

	"vigie/store"
	"vigie/store/storetest"
)

func TestRights(t *testing.T) {
	db, err := Open(t.Context(), Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.RunRights(t, db)
}

func TestReplay(t *testing.T) {
	storetest.RunReplay(t, func(t *testing.T) store.Store {
		db, err := Open(t.Context(), Memory)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

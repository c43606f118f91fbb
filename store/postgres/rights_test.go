package postgres

import (
	"testing"

	"vigie/store"
	"vigie/store/postgres/pgtest"
	"vigie/store/storetest"
)

func TestRights(t *testing.T) {
	db := open(t, pgtest.URL(t))
	defer db.Close()
	storetest.RunRights(t, db)
}

func TestReplay(t *testing.T) {
	storetest.RunReplay(t, func(t *testing.T) store.Store { return open(t, pgtest.URL(t)) })
}

package postgres

import (
	"testing"

	"vigie/store/postgres/pgtest"
	"vigie/store/storetest"
)

func TestRights(t *testing.T) {
	db := open(t, pgtest.URL(t))
	defer db.Close()
	storetest.RunRights(t, db)
}

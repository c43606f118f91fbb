package postgres

import (
	"testing"

	"vigie/store/postgres/pgtest"
	"vigie/store/storetest"
)

func TestCases(t *testing.T) {
	db := open(t, pgtest.URL(t))
	defer db.Close()
	storetest.RunCases(t, db)
}

package sqlite

import (
	"testing"

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

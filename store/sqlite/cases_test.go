package sqlite

import (
	"path/filepath"
	"testing"

	"vigie/store/storetest"
)

func TestCases(t *testing.T) {
	for _, path := range []string{Memory, "file"} {
		t.Run(path, func(t *testing.T) {
			if path == "file" {
				path = filepath.Join(t.TempDir(), "vigie.db")
			}
			db, err := Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			storetest.RunCases(t, db)
		})
	}
}

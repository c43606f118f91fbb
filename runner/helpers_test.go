package runner

import (
	"testing"

	"vigie/queue"
	"vigie/store"
)

// openTestStore opens the fleet tests' PostgreSQL store, closed with the
// test.
func openTestStore(t *testing.T, dbURL string) store.Store {
	t.Helper()
	st, err := OpenStore(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// connectTestQueue connects to the fleet tests' NATS server, closed with
// the test.
func connectTestQueue(t *testing.T, natsURL string) *queue.Queue {
	t.Helper()
	q, err := queue.Connect(t.Context(), natsURL, queue.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

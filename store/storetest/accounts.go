package storetest

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"vigie/store"
)

// AccountsStore is a back end under RunAccounts.
type AccountsStore interface {
	store.Accounts
	Close() error
}

// RunAccounts runs the suite of store.Accounts. open must return a store
// without users; it is called once per subtest, and RunAccounts closes
// every store it returns.
func RunAccounts(t *testing.T, open func(t *testing.T) AccountsStore) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, a store.Accounts)
	}{
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"DeleteUserDeletesSessions", testDeleteUserSessions},
		{"DeleteExpiredSessions", testDeleteExpiredSessions},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := open(t)
			t.Cleanup(func() {
				if err := a.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.run(t, a)
		})
	}
}

func putUsers(t *testing.T, a store.Accounts, us ...store.User) {
	t.Helper()
	for _, u := range us {
		if err := a.PutUser(t.Context(), u); err != nil {
			t.Fatalf("PutUser(%s): %v", u.Name, err)
		}
	}
}

var (
	alice = store.User{Name: "alice", Role: store.RoleViewer,
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", Created: t0}
	bob = store.User{Name: "bob", Role: store.RoleEditor,
		PasswordHash: "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", Created: t1}
)

func testUsers(t *testing.T, a store.Accounts) {
	ctx := t.Context()
	if us, err := a.Users(ctx); err != nil || len(us) != 0 {
		t.Fatalf("Users of an empty store = %v, %v", us, err)
	}
	// Created in another zone: stored and returned in UTC.
	b := bob
	b.Created = bob.Created.In(time.FixedZone("CET", 3600))
	putUsers(t, a, b, alice)
	promoted := alice
	promoted.Role, promoted.PasswordHash, promoted.Created = store.RoleEditor, "$argon2id$v=19$new", t2
	putUsers(t, a, promoted) // replaces role, hash and date

	got, err := a.User(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, promoted) {
		t.Errorf("User(alice) after the upsert = %+v, want %+v", *got, promoted)
	}
	us, err := a.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.User{promoted, bob}; !reflect.DeepEqual(us, want) {
		t.Errorf("Users = %+v, want %+v in name order, times in UTC", us, want)
	}
	if _, err := a.User(ctx, "carol"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("User(carol) err = %v, want ErrNotFound", err)
	} else if !strings.Contains(err.Error(), "carol") {
		t.Errorf("User(carol) err %q does not name the user", err)
	}
	if err := a.DeleteUser(ctx, "carol"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteUser(carol) err = %v, want ErrNotFound", err)
	}
	for _, bad := range []store.User{
		{Name: "", Role: store.RoleViewer, PasswordHash: "x", Created: t0},
		{Name: "dave", Role: "admin", PasswordHash: "x", Created: t0},
	} {
		if err := a.PutUser(ctx, bad); err == nil {
			t.Errorf("PutUser(%+v) accepted it", bad)
		}
	}
	if us, err := a.Users(ctx); err != nil || len(us) != 2 {
		t.Errorf("Users after rejected puts = %v, %v; want alice and bob", us, err)
	}
}

func session(hash, user string, expires time.Time) store.Session {
	return store.Session{TokenHash: hash, User: user, CSRF: "csrf-" + hash, Created: t0, Expires: expires}
}

func testSessions(t *testing.T, a store.Accounts) {
	ctx := t.Context()
	putUsers(t, a, alice)
	s := session("h1", "alice", t1)
	if err := a.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		hash  string
		now   time.Time
		found bool
	}{
		{"long before expiry", "h1", t0, true},
		{"a nanosecond before expiry", "h1", t1.Add(-time.Nanosecond), true},
		{"at expiry", "h1", t1, false},
		{"after expiry", "h1", t2, false},
		{"unknown hash", "h2", t0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := a.Session(ctx, tc.hash, tc.now)
			switch {
			case tc.found && err != nil:
				t.Fatalf("Session: %v", err)
			case tc.found && !reflect.DeepEqual(*got, s):
				t.Errorf("Session = %+v, want %+v", *got, s)
			case !tc.found && !errors.Is(err, store.ErrNotFound):
				t.Errorf("Session = %+v, %v; want ErrNotFound", got, err)
			}
		})
	}
	if err := a.CreateSession(ctx, session("h1", "alice", t2)); err == nil {
		t.Error("CreateSession accepted a taken token hash")
	}
	if err := a.CreateSession(ctx, session("h3", "nobody", t2)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CreateSession for an unknown user: %v, want ErrNotFound", err)
	}
	if err := a.DeleteSession(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, "h1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session after DeleteSession: %v, want ErrNotFound", err)
	}
	if err := a.DeleteSession(ctx, "h1"); err != nil {
		t.Errorf("DeleteSession of an unknown hash: %v", err)
	}
}

func testDeleteUserSessions(t *testing.T, a store.Accounts) {
	ctx := t.Context()
	putUsers(t, a, alice, bob)
	for _, s := range []store.Session{session("a1", "alice", t3), session("a2", "alice", t3), session("b1", "bob", t3)} {
		if err := a.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.DeleteUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		hash  string
		found bool
	}{{"a1", false}, {"a2", false}, {"b1", true}} {
		_, err := a.Session(ctx, tc.hash, t0)
		if tc.found && err != nil {
			t.Errorf("Session(%s) of the remaining user: %v", tc.hash, err)
		}
		if !tc.found && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Session(%s) of the deleted user: %v, want ErrNotFound", tc.hash, err)
		}
	}
	if _, err := a.User(ctx, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("User after DeleteUser: %v, want ErrNotFound", err)
	}
	if err := a.DeleteUser(ctx, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteUser again: %v, want ErrNotFound", err)
	}
	// A user of the same name starts without sessions.
	putUsers(t, a, alice)
	if n, err := a.DeleteExpiredSessions(ctx, t4); err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v; want only bob's session", n, err)
	}
}

func testDeleteExpiredSessions(t *testing.T, a store.Accounts) {
	ctx := t.Context()
	putUsers(t, a, alice, bob)
	for _, s := range []store.Session{
		session("e0", "alice", t0), session("e1", "bob", t1), session("e1bis", "alice", t1),
		session("e2", "alice", t2), session("e3", "bob", t3),
	} {
		if err := a.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		now  time.Time
		want int
	}{
		{t0.Add(-time.Nanosecond), 0},
		{t1, 3}, // expired at their Expires instant
		{t1, 0},
		{t2.Add(-time.Nanosecond), 0},
		{t3.Add(time.Hour), 2},
	} {
		n, err := a.DeleteExpiredSessions(ctx, tc.now)
		if err != nil {
			t.Fatal(err)
		}
		if n != tc.want {
			t.Errorf("DeleteExpiredSessions(%v) = %d, want %d", tc.now, n, tc.want)
		}
	}
	if _, err := a.Session(ctx, "e3", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session(e3) after its deletion: %v", err)
	}
}

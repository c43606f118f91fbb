package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vigie/store"
	"vigie/store/internal/column"
)

// PutUser implements store.Accounts.
func (db *Queries) PutUser(ctx context.Context, u store.User) error {
	if u.Name == "" {
		return fmt.Errorf("%s: saving user: empty name", db.name)
	}
	if u.Role != store.RoleViewer && u.Role != store.RoleEditor {
		return fmt.Errorf("%s: saving user %q: unknown role %q", db.name, u.Name, u.Role)
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created) VALUES (?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash,
	created = excluded.created`,
		u.Name, u.Role, u.PasswordHash, column.Time(u.Created))
	if err != nil {
		return fmt.Errorf("%s: saving user %q: %w", db.name, u.Name, err)
	}
	return nil
}

const userColumns = `name, role, password_hash, created`

func scanUser(r column.Scanner) (store.User, error) {
	var (
		u       store.User
		created string
	)
	if err := r.Scan(&u.Name, &u.Role, &u.PasswordHash, &created); err != nil {
		return u, err
	}
	var err error
	u.Created, err = column.ParseTime(created)
	return u, err
}

// User implements store.Accounts.
func (db *Queries) User(ctx context.Context, name string) (*store.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: user %q: %w", db.name, name, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: user %q: %w", db.name, name, err)
	}
	return &u, nil
}

// Users implements store.Accounts.
func (db *Queries) Users(ctx context.Context) ([]store.User, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("%s: listing users: %w", db.name, err)
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: listing users: %w", db.name, err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: listing users: %w", db.name, err)
	}
	return out, nil
}

// DeleteUser implements store.Accounts. It deletes the sessions itself
// rather than trusting ON DELETE CASCADE, which SQLite enforces only on
// connections that enabled foreign keys.
func (db *Queries) DeleteUser(ctx context.Context, name string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: deleting user %q: %w", db.name, name, err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		`DELETE FROM sessions WHERE user_name = ?`,
		`DELETE FROM api_keys WHERE user_name = ?`,
		`DELETE FROM alert_queue WHERE subscription IN (SELECT id FROM subscriptions WHERE user_name = ?)`,
		`DELETE FROM subscriptions WHERE user_name = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, name); err != nil {
			return fmt.Errorf("%s: deleting what user %q owns: %w", db.name, name, err)
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("%s: deleting user %q: %w", db.name, name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: deleting user %q: %w", db.name, name, err)
	} else if n == 0 {
		return fmt.Errorf("%s: deleting user %q: %w", db.name, name, store.ErrNotFound)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: deleting user %q: %w", db.name, name, err)
	}
	return nil
}

// CreateSession implements store.Accounts. A session of an unknown user is
// an error wrapping store.ErrNotFound.
func (db *Queries) CreateSession(ctx context.Context, s store.Session) error {
	if s.TokenHash == "" {
		return fmt.Errorf("%s: creating session of user %q: empty token hash", db.name, s.User)
	}
	// Inserting from users checks the user in the same statement.
	res, err := db.w.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_name, csrf, created, expires)
SELECT ?, name, ?, ?, ? FROM users WHERE name = ?`,
		s.TokenHash, s.CSRF, column.Time(s.Created), column.Time(s.Expires), s.User)
	if err != nil {
		return fmt.Errorf("%s: creating session of user %q: %w", db.name, s.User, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: creating session of user %q: %w", db.name, s.User, err)
	} else if n == 0 {
		return fmt.Errorf("%s: creating session: user %q: %w", db.name, s.User, store.ErrNotFound)
	}
	return nil
}

// Session implements store.Accounts. A session expires at its Expires
// instant: at now == Expires it is gone.
func (db *Queries) Session(ctx context.Context, tokenHash string, now time.Time) (*store.Session, error) {
	var (
		s                store.Session
		created, expires string
	)
	err := db.r.QueryRowContext(ctx, `SELECT token_hash, user_name, csrf, created, expires FROM sessions
WHERE token_hash = ? AND expires > ?`, tokenHash, column.Time(now)).
		Scan(&s.TokenHash, &s.User, &s.CSRF, &created, &expires)
	// The hash is a secret's digest: errors do not repeat it.
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: session: %w", db.name, store.ErrNotFound)
	}
	if err == nil {
		s.Created, err = column.ParseTime(created)
	}
	if err == nil {
		s.Expires, err = column.ParseTime(expires)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: session: %w", db.name, err)
	}
	return &s, nil
}

// DeleteSession implements store.Accounts.
func (db *Queries) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("%s: deleting session: %w", db.name, err)
	}
	return nil
}

// DeleteExpiredSessions implements store.Accounts.
func (db *Queries) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires <= ?`, column.Time(now))
	if err != nil {
		return 0, fmt.Errorf("%s: deleting expired sessions: %w", db.name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: deleting expired sessions: %w", db.name, err)
	}
	return int(n), nil
}

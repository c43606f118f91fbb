package runner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"vigie/store"
	"vigie/web"
)

// UserOptions are the settings of `vigie user add`.
type UserOptions struct {
	DB   string
	Name string
	// Role is store.RoleViewer (the default) or store.RoleEditor.
	Role string
	// Password is read from its first line.
	Password io.Reader
	Stdout   io.Writer
	// Now is the creation date (default: the current time).
	Now time.Time
}

func openAccounts(ctx context.Context, db string) (store.Store, store.Accounts, error) {
	if db == "none" {
		return nil, nil, errors.New("accounts need a database; --db none keeps none")
	}
	st, err := OpenStore(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	acc, ok := st.(store.Accounts)
	if !ok {
		st.Close()
		return nil, nil, fmt.Errorf("the %T store does not keep accounts", st)
	}
	return st, acc, nil
}

// validUserName accepts 1 to 64 letters, digits and . _ @ - characters.
func validUserName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("user name %q: want 1 to 64 characters", name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._@-", r)) {
			return fmt.Errorf("user name %q: only letters, digits and . _ @ - are allowed", name)
		}
	}
	return nil
}

// UserAdd creates a dashboard account, or replaces the one of that name
// (new password and role), with the password read from o.Password's first
// line and hashed with argon2id.
func UserAdd(ctx context.Context, o UserOptions) error {
	if err := validUserName(o.Name); err != nil {
		return err
	}
	role := o.Role
	if role == "" {
		role = store.RoleViewer
	}
	if role != store.RoleViewer && role != store.RoleEditor {
		return fmt.Errorf("role %q: want viewer or editor", role)
	}
	if o.Password == nil {
		return errors.New("no password given: write it on standard input, one line")
	}
	line, err := bufio.NewReader(io.LimitReader(o.Password, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	hash, err := web.HashPassword(password)
	if err != nil {
		return err
	}
	st, acc, err := openAccounts(ctx, o.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	now := o.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	if err := acc.PutUser(ctx, store.User{Name: o.Name, Role: role, PasswordHash: hash, Created: now}); err != nil {
		return err
	}
	if o.Stdout != nil {
		fmt.Fprintf(o.Stdout, "user %s (%s) saved\n", o.Name, role)
	}
	return nil
}

// UserList prints every account: name, role and creation date.
func UserList(ctx context.Context, db string, w io.Writer) error {
	st, acc, err := openAccounts(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := acc.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCREATED")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Role, u.Created.UTC().Format(time.DateOnly))
	}
	return tw.Flush()
}

// UserDelete removes an account and its sessions.
func UserDelete(ctx context.Context, db, name string, w io.Writer) error {
	st, acc, err := openAccounts(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := acc.DeleteUser(ctx, name); err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	if w != nil {
		fmt.Fprintf(w, "user %s deleted\n", name)
	}
	return nil
}

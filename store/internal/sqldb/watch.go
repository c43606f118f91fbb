package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie/store"
	"vigie/store/internal/column"
)

// randomID returns a fresh identifier for rows the store names itself.
func randomID() string {
	var b [8]byte
	rand.Read(b[:]) // never fails, see crypto/rand.Read
	return hex.EncodeToString(b[:])
}

// optTime stores a time that may be zero ("never") as ”.
func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return column.Time(t)
}

func parseOptTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return column.ParseTime(s)
}

func jsonList(v []string) string {
	b, _ := json.Marshal(nonNil(v)) // a []string always encodes
	return string(b)
}

func decodeList(s string) ([]string, error) {
	var v []string
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}

// affected turns "no row changed" into an error wrapping store.ErrNotFound.
func (db *Queries) affected(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %s: %w", db.name, what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %s: %w", db.name, what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %s: %w", db.name, what, store.ErrNotFound)
	}
	return nil
}

// exists reports whether a row of table has key = value.
func (db *Queries) exists(ctx context.Context, table, key, value string) (bool, error) {
	var n int
	err := db.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+key+` = ?`, value).Scan(&n)
	return n > 0, err
}

// CreateGroup implements store.Watch.
func (db *Queries) CreateGroup(ctx context.Context, g store.Group) error {
	g.Name = strings.TrimSpace(g.Name)
	if g.Name == "" {
		return fmt.Errorf("%s: creating group: empty name", db.name)
	}
	if ok, err := db.exists(ctx, "site_groups", "name", g.Name); err != nil {
		return fmt.Errorf("%s: creating group %q: %w", db.name, g.Name, err)
	} else if ok {
		return fmt.Errorf("%s: creating group %q: %w", db.name, g.Name, store.ErrExists)
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO site_groups (name, sites, tags, organisations, created) VALUES (?, ?, ?, ?, ?)`,
		g.Name, jsonList(g.Sites), jsonList(g.Tags), jsonList(g.Organisations), column.Time(g.Created))
	if err != nil {
		return fmt.Errorf("%s: creating group %q: %w", db.name, g.Name, err)
	}
	return nil
}

// PutGroup implements store.Watch.
func (db *Queries) PutGroup(ctx context.Context, g store.Group) error {
	res, err := db.w.ExecContext(ctx, `UPDATE site_groups SET sites = ?, tags = ?, organisations = ? WHERE name = ?`,
		jsonList(g.Sites), jsonList(g.Tags), jsonList(g.Organisations), g.Name)
	return db.affected(res, err, fmt.Sprintf("saving group %q", g.Name))
}

// RenameGroup implements store.Watch.
func (db *Queries) RenameGroup(ctx context.Context, from, to string) error {
	to = strings.TrimSpace(to)
	what := fmt.Sprintf("renaming group %q to %q", from, to)
	if to == "" {
		return fmt.Errorf("%s: %s: empty name", db.name, what)
	}
	if from == to {
		_, err := db.Group(ctx, from)
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", db.name, what, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM site_groups WHERE name = ?`, to).Scan(&n); err != nil {
		return fmt.Errorf("%s: %s: %w", db.name, what, err)
	} else if n > 0 {
		return fmt.Errorf("%s: %s: %w", db.name, what, store.ErrExists)
	}
	res, err := tx.ExecContext(ctx, `UPDATE site_groups SET name = ? WHERE name = ?`, to, from)
	if err := db.affected(res, err, what); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schedules SET group_name = ? WHERE group_name = ?`, to, from); err != nil {
		return fmt.Errorf("%s: %s: %w", db.name, what, err)
	}
	subs, err := subscriptionsOf(ctx, tx, "")
	if err != nil {
		return fmt.Errorf("%s: %s: %w", db.name, what, err)
	}
	for _, s := range subs {
		if i := slices.Index(s.Groups, from); i >= 0 {
			s.Groups[i] = to
			if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET group_names = ? WHERE id = ?`, jsonList(s.Groups), s.ID); err != nil {
				return fmt.Errorf("%s: %s: %w", db.name, what, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %s: %w", db.name, what, err)
	}
	return nil
}

// DeleteGroup implements store.Watch. Schedules of the group are deleted
// with it.
func (db *Queries) DeleteGroup(ctx context.Context, name string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: deleting group %q: %w", db.name, name, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM site_groups WHERE name = ?`, name)
	if err := db.affected(res, err, fmt.Sprintf("deleting group %q", name)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM schedules WHERE kind = ? AND group_name = ?`, store.ScheduleScan, name); err != nil {
		return fmt.Errorf("%s: deleting group %q: %w", db.name, name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: deleting group %q: %w", db.name, name, err)
	}
	return nil
}

func scanGroup(r column.Scanner) (store.Group, error) {
	var (
		g                      store.Group
		sites, tags, orgs, cre string
	)
	err := r.Scan(&g.Name, &sites, &tags, &orgs, &cre)
	if err == nil {
		g.Sites, err = decodeList(sites)
	}
	if err == nil {
		g.Tags, err = decodeList(tags)
	}
	if err == nil {
		g.Organisations, err = decodeList(orgs)
	}
	if err == nil {
		g.Created, err = column.ParseTime(cre)
	}
	return g, err
}

const groupColumns = `name, sites, tags, organisations, created`

// Group implements store.Watch.
func (db *Queries) Group(ctx context.Context, name string) (*store.Group, error) {
	g, err := scanGroup(db.r.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM site_groups WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: group %q: %w", db.name, name, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: group %q: %w", db.name, name, err)
	}
	return &g, nil
}

// Groups implements store.Watch.
func (db *Queries) Groups(ctx context.Context) ([]store.Group, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+groupColumns+` FROM site_groups ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("%s: groups: %w", db.name, err)
	}
	defer rows.Close()
	var out []store.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: groups: %w", db.name, err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// GroupSites implements store.Watch.
func (db *Queries) GroupSites(ctx context.Context, name string) ([]store.SiteSummary, error) {
	g, err := db.Group(ctx, name)
	if err != nil {
		return nil, err
	}
	byURL := map[string]store.SiteSummary{}
	add := func(q store.SiteQuery) error {
		ss, _, err := db.SiteSummaries(ctx, q)
		for _, s := range ss {
			byURL[s.URL] = s
		}
		return err
	}
	for _, t := range g.Tags {
		if err := add(store.SiteQuery{Tag: t}); err != nil {
			return nil, err
		}
	}
	for _, o := range g.Organisations {
		if err := add(store.SiteQuery{Organisation: o}); err != nil {
			return nil, err
		}
	}
	for _, u := range g.Sites {
		if _, ok := byURL[u]; ok {
			continue
		}
		s := store.SiteSummary{URL: u}
		ss, _, err := db.SiteSummaries(ctx, store.SiteQuery{Text: u})
		if err != nil {
			return nil, err
		}
		for _, x := range ss {
			if x.URL == u {
				s = x
			}
		}
		byURL[u] = s
	}
	out := make([]store.SiteSummary, 0, len(byURL))
	for _, s := range byURL {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b store.SiteSummary) int { return strings.Compare(a.URL, b.URL) })
	return out, nil
}

// AddLabel implements store.Watch.
func (db *Queries) AddLabel(ctx context.Context, l store.Label) error {
	l.Tag = strings.TrimSpace(l.Tag)
	if (l.Kind != store.LabelSite && l.Kind != store.LabelOrganisation) || l.Subject == "" || l.Tag == "" {
		return fmt.Errorf("%s: label %+v: want kind site or organisation, a subject and a tag", db.name, l)
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO labels (kind, subject, tag) VALUES (?, ?, ?) ON CONFLICT (kind, subject, tag) DO NOTHING`,
		l.Kind, l.Subject, l.Tag)
	if err != nil {
		return fmt.Errorf("%s: adding label %q to %s: %w", db.name, l.Tag, l.Subject, err)
	}
	return nil
}

// RemoveLabel implements store.Watch.
func (db *Queries) RemoveLabel(ctx context.Context, l store.Label) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM labels WHERE kind = ? AND subject = ? AND tag = ?`, l.Kind, l.Subject, l.Tag)
	return db.affected(res, err, fmt.Sprintf("removing label %q from %s", l.Tag, l.Subject))
}

// Labels implements store.Watch.
func (db *Queries) Labels(ctx context.Context, kind string) ([]store.Label, error) {
	q, args := `SELECT kind, subject, tag FROM labels`, []any{}
	if kind != "" {
		q += ` WHERE kind = ?`
		args = append(args, kind)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY kind, subject, tag`, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: labels: %w", db.name, err)
	}
	defer rows.Close()
	var out []store.Label
	for rows.Next() {
		var l store.Label
		if err := rows.Scan(&l.Kind, &l.Subject, &l.Tag); err != nil {
			return nil, fmt.Errorf("%s: labels: %w", db.name, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// PutSchedule implements store.Watch: it inserts or replaces a schedule's
// settings; its run state (next, last run) is kept when it exists, unless
// s.NextRun is set.
func (db *Queries) PutSchedule(ctx context.Context, s store.Schedule) error {
	if s.Name == "" || (s.Kind != store.ScheduleScan && s.Kind != store.ScheduleVerify) {
		return fmt.Errorf("%s: saving schedule %q: want a name and kind scan or verify", db.name, s.Name)
	}
	if (s.Every > 0) == (s.Cron != "") {
		return fmt.Errorf("%s: saving schedule %q: want an interval or cron times, not both", db.name, s.Name)
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO schedules (name, kind, group_name, every_seconds, cron, browser, active, owner, created, next_run)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, group_name = excluded.group_name,
	every_seconds = excluded.every_seconds, cron = excluded.cron, browser = excluded.browser,
	active = excluded.active, owner = excluded.owner,
	next_run = CASE WHEN excluded.next_run = '' THEN schedules.next_run ELSE excluded.next_run END`,
		s.Name, s.Kind, s.Group, int64(s.Every/time.Second), s.Cron, boolInt(s.Browser), boolInt(s.Active), s.Owner,
		column.Time(s.Created), optTime(s.NextRun))
	if err != nil {
		return fmt.Errorf("%s: saving schedule %q: %w", db.name, s.Name, err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// DeleteSchedule implements store.Watch.
func (db *Queries) DeleteSchedule(ctx context.Context, name string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM schedules WHERE name = ?`, name)
	return db.affected(res, err, fmt.Sprintf("deleting schedule %q", name))
}

// Schedules implements store.Watch.
func (db *Queries) Schedules(ctx context.Context) ([]store.Schedule, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT name, kind, group_name, every_seconds, cron, browser, active, owner, created,
	next_run, last_run, last_scan, last_error FROM schedules ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("%s: schedules: %w", db.name, err)
	}
	defer rows.Close()
	var out []store.Schedule
	for rows.Next() {
		var (
			s                     store.Schedule
			every                 int64
			browser, active       int
			created, next, lastRn string
		)
		if err := rows.Scan(&s.Name, &s.Kind, &s.Group, &every, &s.Cron, &browser, &active, &s.Owner, &created,
			&next, &lastRn, &s.LastScan, &s.LastError); err != nil {
			return nil, fmt.Errorf("%s: schedules: %w", db.name, err)
		}
		s.Every, s.Browser, s.Active = time.Duration(every)*time.Second, browser != 0, active != 0
		s.Created, err = column.ParseTime(created)
		if err == nil {
			s.NextRun, err = parseOptTime(next)
		}
		if err == nil {
			s.LastRun, err = parseOptTime(lastRn)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: schedule %q: %w", db.name, s.Name, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ClaimSchedule implements store.Watch: a compare-and-set on next_run, so
// that two schedulers on one database never start the same run twice.
func (db *Queries) ClaimSchedule(ctx context.Context, name string, due, next time.Time) (bool, error) {
	res, err := db.w.ExecContext(ctx, `UPDATE schedules SET next_run = ? WHERE name = ? AND next_run = ?`,
		column.Time(next), name, optTime(due))
	if err != nil {
		return false, fmt.Errorf("%s: claiming schedule %q: %w", db.name, name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: claiming schedule %q: %w", db.name, name, err)
	}
	return n == 1, nil
}

// FinishSchedule implements store.Watch.
func (db *Queries) FinishSchedule(ctx context.Context, name string, ran time.Time, scanID, errText string) error {
	res, err := db.w.ExecContext(ctx, `UPDATE schedules SET last_run = ?, last_scan = ?, last_error = ? WHERE name = ?`,
		column.Time(ran), scanID, errText, name)
	return db.affected(res, err, fmt.Sprintf("recording run of schedule %q", name))
}

// CreateSubscription implements store.Watch.
func (db *Queries) CreateSubscription(ctx context.Context, s *store.Subscription) error {
	if s.ID == "" {
		s.ID = randomID()
	}
	if s.Email == "" && s.Webhook == "" {
		return fmt.Errorf("%s: subscription of %q: no email address nor webhook", db.name, s.User)
	}
	if s.Digest != store.DigestImmediate && s.Digest != store.DigestDaily {
		return fmt.Errorf("%s: subscription of %q: digest %q: want immediate or daily", db.name, s.User, s.Digest)
	}
	res, err := db.w.ExecContext(ctx, `INSERT INTO subscriptions (id, user_name, email, webhook, secret, lang, group_names,
	min_severity, digest, fixes, created)
SELECT ?, name, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM users WHERE name = ?`,
		s.ID, s.Email, s.Webhook, s.Secret, s.Lang, jsonList(s.Groups), s.MinSeverity, s.Digest, boolInt(s.Fixes),
		column.Time(s.Created), s.User)
	return db.affected(res, err, fmt.Sprintf("subscription of user %q", s.User))
}

// DeleteSubscription implements store.Watch.
func (db *Queries) DeleteSubscription(ctx context.Context, id string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: deleting subscription %s: %w", db.name, id, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM alert_queue WHERE subscription = ?`, id); err != nil {
		return fmt.Errorf("%s: deleting subscription %s: %w", db.name, id, err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE id = ?`, id)
	if err := db.affected(res, err, "deleting subscription "+id); err != nil {
		return err
	}
	return tx.Commit()
}

func subscriptionsOf(ctx context.Context, q querier, user string) ([]store.Subscription, error) {
	query, args := `SELECT id, user_name, email, webhook, secret, lang, group_names, min_severity, digest, fixes, created
FROM subscriptions`, []any{}
	if user != "" {
		query += ` WHERE user_name = ?`
		args = append(args, user)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY user_name, created, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Subscription
	for rows.Next() {
		var (
			s              store.Subscription
			groups, create string
			fixes          int
		)
		if err := rows.Scan(&s.ID, &s.User, &s.Email, &s.Webhook, &s.Secret, &s.Lang, &groups, &s.MinSeverity, &s.Digest, &fixes, &create); err != nil {
			return nil, err
		}
		s.Fixes = fixes != 0
		if s.Groups, err = decodeList(groups); err != nil {
			return nil, err
		}
		if s.Created, err = column.ParseTime(create); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Subscriptions implements store.Watch.
func (db *Queries) Subscriptions(ctx context.Context, user string) ([]store.Subscription, error) {
	out, err := subscriptionsOf(ctx, db.r, user)
	if err != nil {
		return nil, fmt.Errorf("%s: subscriptions: %w", db.name, err)
	}
	return out, nil
}

// QueueAlert implements store.Watch.
func (db *Queries) QueueAlert(ctx context.Context, a store.QueuedAlert) error {
	if a.ID == "" {
		a.ID = randomID()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO alert_queue (id, subscription, created, alert) VALUES (?, ?, ?, ?)`,
		a.ID, a.Subscription, column.Time(a.Created), string(a.Alert))
	if err != nil {
		return fmt.Errorf("%s: queuing alert: %w", db.name, err)
	}
	return nil
}

// QueuedAlerts implements store.Watch.
func (db *Queries) QueuedAlerts(ctx context.Context, subscription string) ([]store.QueuedAlert, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, subscription, created, alert FROM alert_queue WHERE subscription = ? ORDER BY created, id`, subscription)
	if err != nil {
		return nil, fmt.Errorf("%s: queued alerts: %w", db.name, err)
	}
	defer rows.Close()
	var out []store.QueuedAlert
	for rows.Next() {
		var (
			a           store.QueuedAlert
			created, js string
		)
		if err := rows.Scan(&a.ID, &a.Subscription, &created, &js); err != nil {
			return nil, fmt.Errorf("%s: queued alerts: %w", db.name, err)
		}
		a.Alert = []byte(js)
		if a.Created, err = column.ParseTime(created); err != nil {
			return nil, fmt.Errorf("%s: queued alerts: %w", db.name, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DeleteQueuedAlerts implements store.Watch.
func (db *Queries) DeleteQueuedAlerts(ctx context.Context, ids []string) error {
	for _, id := range ids {
		if _, err := db.w.ExecContext(ctx, `DELETE FROM alert_queue WHERE id = ?`, id); err != nil {
			return fmt.Errorf("%s: deleting queued alert: %w", db.name, err)
		}
	}
	return nil
}

// AddDelivery implements store.Watch.
func (db *Queries) AddDelivery(ctx context.Context, d store.Delivery) error {
	if d.ID == "" {
		d.ID = randomID()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO deliveries (id, subscription, channel, target, scan_id, at, attempt, status, detail)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.Subscription, d.Channel, d.Target, d.Scan, column.Time(d.At), d.Attempt, d.Status, d.Detail)
	if err != nil {
		return fmt.Errorf("%s: recording delivery: %w", db.name, err)
	}
	return nil
}

// Deliveries implements store.Watch.
func (db *Queries) Deliveries(ctx context.Context, user string, limit int) ([]store.Delivery, error) {
	q, args := `SELECT d.id, d.subscription, d.channel, d.target, d.scan_id, d.at, d.attempt, d.status, d.detail FROM deliveries d`, []any{}
	if user != "" {
		q += ` WHERE d.subscription IN (SELECT id FROM subscriptions WHERE user_name = ?)`
		args = append(args, user)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY d.at DESC, d.id`+page(limit, 0), args...)
	if err != nil {
		return nil, fmt.Errorf("%s: deliveries: %w", db.name, err)
	}
	defer rows.Close()
	var out []store.Delivery
	for rows.Next() {
		var (
			d  store.Delivery
			at string
		)
		if err := rows.Scan(&d.ID, &d.Subscription, &d.Channel, &d.Target, &d.Scan, &at, &d.Attempt, &d.Status, &d.Detail); err != nil {
			return nil, fmt.Errorf("%s: deliveries: %w", db.name, err)
		}
		if d.At, err = column.ParseTime(at); err != nil {
			return nil, fmt.Errorf("%s: deliveries: %w", db.name, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CreateAPIKey implements store.Watch.
func (db *Queries) CreateAPIKey(ctx context.Context, k store.APIKey) error {
	if k.ID == "" || k.Hash == "" {
		return fmt.Errorf("%s: API key of %q: empty ID or hash", db.name, k.User)
	}
	res, err := db.w.ExecContext(ctx, `INSERT INTO api_keys (id, user_name, name, hash, created) SELECT ?, name, ?, ?, ? FROM users WHERE name = ?`,
		k.ID, k.Name, k.Hash, column.Time(k.Created), k.User)
	return db.affected(res, err, fmt.Sprintf("API key of user %q", k.User))
}

const apiKeyColumns = `id, user_name, name, hash, created, last_used, revoked`

func scanAPIKey(r column.Scanner) (store.APIKey, error) {
	var (
		k                   store.APIKey
		created, used, revo string
	)
	err := r.Scan(&k.ID, &k.User, &k.Name, &k.Hash, &created, &used, &revo)
	if err == nil {
		k.Created, err = column.ParseTime(created)
	}
	if err == nil {
		k.LastUsed, err = parseOptTime(used)
	}
	if err == nil {
		k.Revoked, err = parseOptTime(revo)
	}
	return k, err
}

// APIKeyByHash implements store.Watch.
func (db *Queries) APIKeyByHash(ctx context.Context, hash string) (*store.APIKey, error) {
	k, err := scanAPIKey(db.r.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = ?`, hash))
	// The hash is a secret's digest: errors do not repeat it.
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: API key: %w", db.name, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: API key: %w", db.name, err)
	}
	return &k, nil
}

// APIKeys implements store.Watch.
func (db *Queries) APIKeys(ctx context.Context, user string) ([]store.APIKey, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE user_name = ? ORDER BY created, id`, user)
	if err != nil {
		return nil, fmt.Errorf("%s: API keys: %w", db.name, err)
	}
	defer rows.Close()
	var out []store.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: API keys: %w", db.name, err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey implements store.Watch.
func (db *Queries) RevokeAPIKey(ctx context.Context, user, id string, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE api_keys SET revoked = ? WHERE id = ? AND user_name = ? AND revoked = ''`,
		column.Time(now), id, user)
	return db.affected(res, err, "revoking API key "+id)
}

// TouchAPIKey implements store.Watch.
func (db *Queries) TouchAPIKey(ctx context.Context, id string, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE api_keys SET last_used = ? WHERE id = ?`, column.Time(now), id)
	if err != nil {
		return fmt.Errorf("%s: API key %s: %w", db.name, id, err)
	}
	return nil
}

// TouchSession implements store.Watch.
func (db *Queries) TouchSession(ctx context.Context, tokenHash string, now time.Time, idle time.Duration) (bool, error) {
	// One conditional update: alive sessions get their last use moved,
	// and the answer needs no second read.
	res, err := db.w.ExecContext(ctx, `UPDATE sessions SET last_seen = ?
WHERE token_hash = ? AND expires > ? AND (CASE WHEN last_seen = '' THEN created ELSE last_seen END) >= ?`,
		column.Time(now), tokenHash, column.Time(now), column.Time(now.Add(-idle)))
	if err != nil {
		return false, fmt.Errorf("%s: session: %w", db.name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: session: %w", db.name, err)
	}
	if n == 1 {
		return true, nil
	}
	if err := db.DeleteSession(ctx, tokenHash); err != nil {
		return false, err
	}
	return false, nil
}

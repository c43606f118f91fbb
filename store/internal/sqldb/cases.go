package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"vigie/cases"
	"vigie/finding"
	"vigie/store/internal/column"
)

// PutOrganisation inserts or replaces the organisation named o.Name.
func (db *Queries) PutOrganisation(ctx context.Context, o cases.Organisation) error {
	if o.Name == "" {
		return fmt.Errorf("%s: organisation with an empty name", db.name)
	}
	suffixes, err := json.Marshal(nonNil(o.SiteSuffixes))
	if err != nil {
		return err
	}
	tags, err := json.Marshal(nonNil(o.SiteTags))
	if err != nil {
		return err
	}
	_, err = db.w.ExecContext(ctx, `INSERT INTO organisations (name, dpo_email, dpo_address, dpo_form, parent, sector, site_suffixes, site_tags, security_contact)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET dpo_email = excluded.dpo_email, dpo_address = excluded.dpo_address,
    dpo_form = excluded.dpo_form, parent = excluded.parent, sector = excluded.sector, site_suffixes = excluded.site_suffixes,
    site_tags = excluded.site_tags, security_contact = excluded.security_contact`,
		o.Name, o.DPOEmail, o.DPOAddress, o.DPOForm, o.Parent, o.Sector, string(suffixes), string(tags), o.SecurityContact)
	if err != nil {
		return fmt.Errorf("%s: saving organisation %q: %w", db.name, o.Name, err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Organisations returns every organisation ordered by name.
func (db *Queries) Organisations(ctx context.Context) ([]cases.Organisation, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT name, dpo_email, dpo_address, dpo_form, parent, sector, site_suffixes, site_tags, security_contact FROM organisations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("%s: listing organisations: %w", db.name, err)
	}
	defer rows.Close()
	var out []cases.Organisation
	for rows.Next() {
		var o cases.Organisation
		var suffixes, tags string
		if err := rows.Scan(&o.Name, &o.DPOEmail, &o.DPOAddress, &o.DPOForm, &o.Parent, &o.Sector, &suffixes, &tags, &o.SecurityContact); err != nil {
			return nil, fmt.Errorf("%s: listing organisations: %w", db.name, err)
		}
		if err := json.Unmarshal([]byte(suffixes), &o.SiteSuffixes); err != nil {
			return nil, fmt.Errorf("%s: organisation %q: site suffixes: %w", db.name, o.Name, err)
		}
		if len(o.SiteSuffixes) == 0 {
			o.SiteSuffixes = nil
		}
		if err := json.Unmarshal([]byte(tags), &o.SiteTags); err != nil {
			return nil, fmt.Errorf("%s: organisation %q: site tags: %w", db.name, o.Name, err)
		}
		if len(o.SiteTags) == 0 {
			o.SiteTags = nil
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CreateCase stores c and assigns its ID.
func (db *Queries) CreateCase(ctx context.Context, c *cases.Case) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: creating case: %w", db.name, err)
	}
	defer tx.Rollback()
	if db.lockCases != "" {
		if _, err := tx.ExecContext(ctx, db.lockCases); err != nil {
			return fmt.Errorf("%s: creating case: %w", db.name, err)
		}
	}
	// The number is assigned here rather than by the engine (whose
	// auto-increment differs between SQLite and PostgreSQL); the write
	// transaction serialises creators.
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM cases`).Scan(&seq); err != nil {
		return fmt.Errorf("%s: creating case: %w", db.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cases (seq, organisation, title, state, created, min_severity) VALUES (?, ?, ?, ?, ?, ?)`,
		seq, c.Organisation, c.Title, string(c.State), column.Time(c.Created), c.Threshold().String()); err != nil {
		return fmt.Errorf("%s: creating case for %q: %w", db.name, c.Organisation, err)
	}
	if err := db.saveCaseKind(ctx, tx, seq, c); err != nil {
		return err
	}
	for _, f := range c.Findings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_findings (case_seq, finding_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, seq, f); err != nil {
			return fmt.Errorf("%s: creating case: finding %s: %w", db.name, f, err)
		}
	}
	for _, s := range c.Sites {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_sites (case_seq, site_url) VALUES (?, ?) ON CONFLICT DO NOTHING`, seq, s); err != nil {
			return fmt.Errorf("%s: creating case: site %s: %w", db.name, s, err)
		}
	}
	for _, e := range c.Events {
		if err := db.insertEvent(ctx, tx, seq, e); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: creating case: %w", db.name, err)
	}
	c.ID = "C-" + strconv.FormatInt(seq, 10)
	return nil
}

func (db *Queries) insertEvent(ctx context.Context, tx txn, seq int64, e cases.Event) error {
	var doc sql.NullString
	if d := e.Document; d != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO documents (sha256, name, path) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, d.SHA256, d.Name, d.Path); err != nil {
			return fmt.Errorf("%s: saving document %s: %w", db.name, d.Name, err)
		}
		doc = sql.NullString{String: d.SHA256, Valid: true}
	}
	private := 0
	if e.Private {
		private = 1
	}
	var eseq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_seq = ?`, seq).Scan(&eseq); err != nil {
		return fmt.Errorf("%s: saving %s event of case C-%d: %w", db.name, e.Kind, seq, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_seq, seq, at, author, kind, text, ref, document_sha256, private)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		seq, eseq, column.Time(e.Date), e.Author, e.Kind, e.Text, e.Ref, doc, private)
	if err != nil {
		return fmt.Errorf("%s: saving %s event of case C-%d: %w", db.name, e.Kind, seq, err)
	}
	for _, f := range e.Findings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_event_findings (case_seq, event_seq, finding_id, site_url) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			seq, eseq, f.ID, f.Site); err != nil {
			return fmt.Errorf("%s: saving %s event of case C-%d: finding %s: %w", db.name, e.Kind, seq, f.ID, err)
		}
	}
	return nil
}

// parseCaseID turns "C-12" (or "12") into 12.
func parseCaseID(id string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(id), "C-"), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("case %q: %w", id, cases.ErrNotFound)
	}
	return n, nil
}

// AddEvent appends e to case id and sets the case's state.
func (db *Queries) AddEvent(ctx context.Context, id string, e cases.Event, state cases.State) error {
	seq, err := parseCaseID(id)
	if err != nil {
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: case %s: %w", db.name, id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE cases SET state = ? WHERE seq = ?`, string(state), seq)
	if err != nil {
		return fmt.Errorf("%s: case %s: %w", db.name, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("case %s: %w", id, cases.ErrNotFound)
	}
	if err := db.insertEvent(ctx, tx, seq, e); err != nil {
		return err
	}
	return tx.Commit()
}

// Case returns case id with its findings, sites and events.
func (db *Queries) Case(ctx context.Context, id string) (*cases.Case, error) {
	seq, err := parseCaseID(id)
	if err != nil {
		return nil, err
	}
	cs, err := db.loadCases(ctx, `WHERE seq = ?`, seq)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("case %s: %w", id, cases.ErrNotFound)
	}
	return &cs[0], nil
}

// Cases returns every case in creation order.
func (db *Queries) Cases(ctx context.Context) ([]cases.Case, error) {
	return db.loadCases(ctx, ``)
}

func (db *Queries) loadCases(ctx context.Context, where string, args ...any) ([]cases.Case, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT seq, organisation, title, state, created, min_severity FROM cases `+where+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: reading cases: %w", db.name, err)
	}
	var out []cases.Case
	var seqs []int64
	for rows.Next() {
		var c cases.Case
		var seq int64
		var state, created, minSev string
		if err := rows.Scan(&seq, &c.Organisation, &c.Title, &state, &created, &minSev); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: reading cases: %w", db.name, err)
		}
		if c.MinSeverity, err = finding.ParseSeverity(minSev); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: case C-%d: %w", db.name, seq, err)
		}
		c.ID = "C-" + strconv.FormatInt(seq, 10)
		c.State = cases.State(state)
		if c.Created, err = column.ParseTime(created); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
		seqs = append(seqs, seq)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: reading cases: %w", db.name, err)
	}
	for i, seq := range seqs {
		c := &out[i]
		if c.Findings, err = db.strings(ctx, `SELECT finding_id FROM case_findings WHERE case_seq = ? ORDER BY finding_id`, seq); err != nil {
			return nil, err
		}
		if c.Sites, err = db.strings(ctx, `SELECT site_url FROM case_sites WHERE case_seq = ? ORDER BY site_url`, seq); err != nil {
			return nil, err
		}
		if c.Events, err = db.events(ctx, seq); err != nil {
			return nil, err
		}
	}
	if err := db.loadCaseKinds(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (db *Queries) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: reading cases: %w", db.name, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("%s: reading cases: %w", db.name, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (db *Queries) events(ctx context.Context, seq int64) ([]cases.Event, error) {
	refs, err := db.eventFindings(ctx, seq)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT e.seq, e.at, e.author, e.kind, e.text, e.ref, e.private, d.sha256, d.name, d.path
FROM case_events e LEFT JOIN documents d ON d.sha256 = e.document_sha256
WHERE e.case_seq = ? ORDER BY e.at, e.seq`, seq)
	if err != nil {
		return nil, fmt.Errorf("%s: reading events of case C-%d: %w", db.name, seq, err)
	}
	defer rows.Close()
	var out []cases.Event
	for rows.Next() {
		var e cases.Event
		var eseq int64
		var at string
		var private int
		var sha, name, path sql.NullString
		if err := rows.Scan(&eseq, &at, &e.Author, &e.Kind, &e.Text, &e.Ref, &private, &sha, &name, &path); err != nil {
			return nil, fmt.Errorf("%s: reading events of case C-%d: %w", db.name, seq, err)
		}
		if e.Date, err = column.ParseTime(at); err != nil {
			return nil, err
		}
		e.Private = private != 0
		if sha.Valid {
			e.Document = &cases.Document{SHA256: sha.String, Name: name.String, Path: path.String}
		}
		e.Findings = refs[eseq]
		out = append(out, e)
	}
	return out, rows.Err()
}

// eventFindings returns the findings of each event of a case, by event
// sequence number, sorted by site then ID.
func (db *Queries) eventFindings(ctx context.Context, seq int64) (map[int64][]cases.FindingRef, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT event_seq, finding_id, site_url FROM case_event_findings
WHERE case_seq = ? ORDER BY event_seq, site_url, finding_id`, seq)
	if err != nil {
		return nil, fmt.Errorf("%s: reading event findings of case C-%d: %w", db.name, seq, err)
	}
	defer rows.Close()
	out := map[int64][]cases.FindingRef{}
	for rows.Next() {
		var eseq int64
		var f cases.FindingRef
		if err := rows.Scan(&eseq, &f.ID, &f.Site); err != nil {
			return nil, fmt.Errorf("%s: reading event findings of case C-%d: %w", db.name, seq, err)
		}
		out[eseq] = append(out[eseq], f)
	}
	// Sorted here, not by the engines, whose collations may differ.
	for _, refs := range out {
		cases.SortRefs(refs)
	}
	return out, rows.Err()
}

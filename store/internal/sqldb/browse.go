package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"vigie/finding"
	"vigie/store"
	"vigie/store/internal/column"
)

// where builds a WHERE clause of ANDed conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ``
	}
	return ` WHERE ` + strings.Join(w.conds, ` AND `)
}

// likeEscape is the escape character of the LIKE patterns built by
// containsPattern; not a backslash, whose reading in a literal depends on
// PostgreSQL's standard_conforming_strings.
const likeEscape = `!`

// containsPattern returns the LIKE pattern (with ESCAPE likeEscape) matching
// any text containing s literally.
func containsPattern(s string) string {
	s = strings.NewReplacer(likeEscape, likeEscape+likeEscape, `%`, likeEscape+`%`, `_`, likeEscape+`_`).Replace(s)
	return `%` + s + `%`
}

// textMatch is the condition that one of cols contains text, ignoring case
// (one argument per column). LOWER() on both sides makes SQLite (whose
// LIKE ignores ASCII case) and PostgreSQL (whose LIKE does not) agree on
// ASCII; beyond it, SQLite's LOWER folds nothing where PostgreSQL's folds
// by locale.
func textMatch(w *where, text string, cols ...string) {
	p := containsPattern(text)
	var ors []string
	for _, c := range cols {
		ors = append(ors, `LOWER(`+c+`) LIKE LOWER(?) ESCAPE '`+likeEscape+`'`)
		w.args = append(w.args, p)
	}
	w.conds = append(w.conds, `(`+strings.Join(ors, ` OR `)+`)`)
}

// siteTagMatch is the condition that the site of site_latest row l
// carries tag: in its latest audit's input tags (site_tags), or as a
// label of the site or of its organisation.
func siteTagMatch(w *where, tag string) error {
	// One IN list, no OR: the engine can read the sites from it.
	w.add(`l.site_url IN (SELECT site_url FROM site_tags WHERE tag = ?
	UNION SELECT subject FROM labels WHERE tag = ? AND kind = 'site'
	UNION SELECT s.site_url FROM labels x JOIN site_latest s ON s.organisation = x.subject
		WHERE x.tag = ? AND x.kind = 'organisation')`, tag, tag, tag)
	return nil
}

// page renders LIMIT and OFFSET. An offset without limit needs a LIMIT
// both engines read: SQLite has no OFFSET alone, PostgreSQL no LIMIT -1.
func page(limit, offset int) string {
	var s string
	if limit > 0 {
		s = ` LIMIT ` + strconv.Itoa(limit)
	} else if offset > 0 {
		s = ` LIMIT 9223372036854775807`
	}
	if offset > 0 {
		s += ` OFFSET ` + strconv.Itoa(offset)
	}
	return s
}

// total returns how many rows a paged query selects in all, counting them
// with countQuery only when the page does not tell: a page that is
// neither empty nor full ends the result.
func (db *Queries) total(ctx context.Context, got, limit, offset int, countQuery string, args []any) (int, error) {
	if offset < 0 {
		offset = 0
	}
	if got > 0 && (limit <= 0 || got < limit) {
		return offset + got, nil
	}
	if got == 0 && offset == 0 {
		return 0, nil
	}
	var n int
	if err := db.r.QueryRowContext(ctx, countQuery, args...).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

// Query implements store.Browser.
func (db *Queries) Query(ctx context.Context, q store.Query) ([]finding.Finding, int, error) {
	from := ` FROM findings f`
	var w where
	if q.Scan != "" {
		if err := db.scanExists(ctx, q.Scan); err != nil {
			return nil, 0, fmt.Errorf("%s: query: %w", db.name, err)
		}
		// EXISTS rather than a join: the list is read in its order
		// through findings_order, each finding looked up in the scan's
		// sightings, instead of sorting every sighting of a large scan.
		w.add(`EXISTS (SELECT 1 FROM finding_sightings s WHERE s.scan_id = ? AND s.finding_id = f.id)`, q.Scan)
	}
	for _, c := range []struct{ col, v string }{
		{"f.site", q.Site}, {"f.check_id", q.Check}, {"f.organisation", q.Organisation},
	} {
		if c.v != "" {
			w.add(c.col+` = ?`, c.v)
		}
	}
	if q.MinSeverity > finding.Critical {
		return nil, 0, nil
	}
	if q.MinSeverity > finding.Info {
		var marks []string
		var sevs []any
		for s := q.MinSeverity; s <= finding.Critical; s++ {
			marks = append(marks, `?`)
			sevs = append(sevs, s.String())
		}
		w.add(`f.severity IN (`+strings.Join(marks, `, `)+`)`, sevs...)
	}
	switch q.State {
	case "":
		if q.Open {
			w.add(`f.fixed_at IS NULL`)
		}
	case store.StateOpen:
		w.add(`f.fixed_at IS NULL`)
	case store.StateFixed:
		w.add(`f.fixed_at IS NOT NULL`)
		if q.Open {
			return nil, 0, nil // open and fixed: nothing
		}
	case store.StateRegressed:
		w.add(`f.regressed_at IS NOT NULL AND f.fixed_at IS NULL`)
	default:
		return nil, 0, fmt.Errorf("%s: query: unknown state %q", db.name, q.State)
	}
	if q.Tag != "" {
		var t where
		if err := siteTagMatch(&t, q.Tag); err != nil {
			return nil, 0, fmt.Errorf("%s: query: tag %q: %w", db.name, q.Tag, err)
		}
		w.add(`f.site IN (SELECT l.site_url FROM site_latest l WHERE `+t.conds[0]+`)`, t.args...)
	}
	if q.After != "" {
		// Keyset pagination: the rows after the finding of that ID in list
		// order (site, check, location, ID).
		w.add(`(f.site, f.check_id, f.location, f.id) > (SELECT a.site, a.check_id, a.location, a.id FROM findings a WHERE a.id = ?)`, q.After)
	}
	if q.Text != "" {
		textMatch(&w, q.Text, "f.url", "f.title", "f.check_id")
	}
	if words := store.SearchWords(q.Search); len(words) > 0 && db.search != nil {
		if err := db.searchCond(ctx, &w, from, words, q.SearchChecks); err != nil {
			return nil, 0, fmt.Errorf("%s: query: %w", db.name, err)
		}
	} else if len(words) > 0 {
		return nil, 0, fmt.Errorf("%s: query: no full-text search", db.name)
	}
	if !q.Since.IsZero() || !q.Until.IsZero() {
		if err := db.seenCond(ctx, &w, from, q.Since, q.Until); err != nil {
			return nil, 0, fmt.Errorf("%s: query: %w", db.name, err)
		}
	}
	offset := max(q.Offset, 0)

	rows, err := db.r.QueryContext(ctx, `SELECT `+column.Findings+from+w.String()+findingOrder+page(q.Limit, offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: query: %w", db.name, err)
	}
	defer rows.Close()
	var out []finding.Finding
	for rows.Next() {
		x, err := column.ScanFinding(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: query: %w", db.name, err)
		}
		if q.Scan != "" {
			x.Scan = q.Scan
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: query: %w", db.name, err)
	}
	rows.Close()
	if q.NoTotal {
		return out, -1, nil
	}
	count := `SELECT COUNT(*)` + from + w.String()
	if q.MaxTotal > 0 {
		count = `SELECT COUNT(*) FROM (SELECT 1` + from + w.String() + ` LIMIT ` + strconv.Itoa(offset+q.MaxTotal) + `) c`
	}
	n, err := db.total(ctx, len(out), q.Limit, offset, count, w.args)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: query: counting: %w", db.name, err)
	}
	return out, n, nil
}

// manyMatches is how many findings a search must match for the list to
// be read in its own order, filtering as it goes, rather than from the
// matches, sorted: sorting a few thousand rows is cheaper than walking
// the whole list for a rare word; walking is cheaper than sorting a
// common word's hundred thousand matches.
const manyMatches = 5000

// searchCond adds the full-text condition of words (or of the checks) to
// w. When the back end asks for a plan (searchPlan), it first counts the
// matches up to manyMatches, with the other conditions of w, and when
// they are many, writes the condition so that no index serves it.
func (db *Queries) searchCond(ctx context.Context, w *where, from string, words, checks []string) error {
	build := func(many bool) (string, []any) {
		cond, arg := db.search(words, many)
		if len(checks) == 0 {
			return cond, []any{arg}
		}
		col := `f.check_id`
		if many {
			col = `f.check_id || ''` // not through an index
		}
		args := []any{arg}
		for _, c := range checks {
			args = append(args, c)
		}
		return `(` + cond + ` OR ` + col + ` IN (` + strings.TrimSuffix(strings.Repeat(`?, `, len(checks)), `, `) + `))`, args
	}
	cond, args := build(false)
	if many, err := db.many(ctx, from, w, cond, args); err != nil {
		return err
	} else if many {
		cond, args = build(true)
	}
	w.add(cond, args...)
	return nil
}

// many reports whether the back end asks for plans (searchPlan) and the
// findings of from that meet w and cond number manyMatches or more.
func (db *Queries) many(ctx context.Context, from string, w *where, cond string, args []any) (bool, error) {
	if !db.searchPlan {
		return false, nil
	}
	probe := where{conds: append(slices.Clone(w.conds), cond), args: append(slices.Clone(w.args), args...)}
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1`+from+probe.String()+` LIMIT `+strconv.Itoa(manyMatches)+`) c`, probe.args...).Scan(&n)
	return n >= manyMatches, err
}

// seenCond adds the bounds of LastSeen to w. Where the back end asks for
// plans (searchPlan), a range holding many findings is written so that
// no index serves it: the list is then read in its order, filtering as it
// goes, instead of sorting every finding of the range.
func (db *Queries) seenCond(ctx context.Context, w *where, from string, since, until time.Time) error {
	build := func(col string) (string, []any) {
		var conds []string
		var args []any
		if !since.IsZero() {
			conds, args = append(conds, col+` >= ?`), append(args, column.Time(since))
		}
		if !until.IsZero() {
			conds, args = append(conds, col+` <= ?`), append(args, column.Time(until))
		}
		return strings.Join(conds, ` AND `), args
	}
	cond, args := build(`f.last_seen`)
	if many, err := db.many(ctx, from, w, cond, args); err != nil {
		return err
	} else if many {
		cond, args = build(`+f.last_seen`)
	}
	w.add(cond, args...)
	return nil
}

// Finding implements store.Browser.
func (db *Queries) Finding(ctx context.Context, id string) (*finding.Finding, error) {
	f, err := column.ScanFinding(db.r.QueryRowContext(ctx, queries.findingByID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: finding %s: %w", db.name, id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: finding %s: %w", db.name, id, err)
	}
	return &f, nil
}

// SiteSummaries implements store.Browser, from site_latest (migration
// 0013): one row per site, its latest audit and open counts kept by
// RecordSite. Each summary's Open map is non-nil, empty for a site without
// open findings.
func (db *Queries) SiteSummaries(ctx context.Context, q store.SiteQuery) ([]store.SiteSummary, int, error) {
	var w where
	if q.URL != "" {
		w.add(`l.site_url = ?`, q.URL)
	}
	if q.Organisation != "" {
		w.add(`l.organisation = ?`, q.Organisation)
	}
	if q.Tag != "" {
		if err := siteTagMatch(&w, q.Tag); err != nil {
			return nil, 0, fmt.Errorf("%s: sites: tag %q: %w", db.name, q.Tag, err)
		}
	}
	if q.After != "" {
		w.add(`l.site_url > ?`, q.After)
	}
	if q.Text != "" {
		textMatch(&w, q.Text, "l.site_url")
	}
	if q.Failing {
		w.add(`l.worst >= ?`, int(max(q.MinSeverity, finding.Info)))
	}
	offset := max(q.Offset, 0)
	rows, err := db.r.QueryContext(ctx, `SELECT l.site_url, l.organisation, l.tags, l.scan_id, l.started, l.error,
	l.open_info, l.open_low, l.open_medium, l.open_high, l.open_critical
FROM site_latest l`+w.String()+` ORDER BY l.site_url`+page(q.Limit, offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: sites: %w", db.name, err)
	}
	defer rows.Close()
	var out []store.SiteSummary
	for rows.Next() {
		var (
			s       store.SiteSummary
			tags    sql.NullString
			started string
			open    [finding.Critical + 1]int
		)
		err := rows.Scan(&s.URL, &s.Organisation, &tags, &s.LastScan, &started, &s.Error,
			&open[finding.Info], &open[finding.Low], &open[finding.Medium], &open[finding.High], &open[finding.Critical])
		if err == nil {
			err = column.DecodeJSON(tags, &s.Tags)
		}
		if err == nil {
			s.LastAudit, err = column.ParseTime(started)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: sites: %w", db.name, err)
		}
		if len(s.Tags) == 0 {
			s.Tags = nil
		}
		s.Open = openMap(open)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: sites: %w", db.name, err)
	}
	rows.Close()
	n := -1
	if !q.NoTotal {
		if n, err = db.total(ctx, len(out), q.Limit, offset, `SELECT COUNT(*) FROM site_latest l`+w.String(), w.args); err != nil {
			return nil, 0, fmt.Errorf("%s: sites: counting: %w", db.name, err)
		}
	}
	return out, n, nil
}

// openMap turns counts indexed by severity into a map of the non-zero
// ones by severity name.
func openMap(open [finding.Critical + 1]int) map[string]int {
	m := map[string]int{}
	for sev := finding.Info; sev <= finding.Critical; sev++ {
		if open[sev] != 0 {
			m[sev.String()] = open[sev]
		}
	}
	return m
}

// OpenCounts implements store.Summaries, summing open_totals' shards.
func (db *Queries) OpenCounts(ctx context.Context) ([]store.OpenCount, error) {
	var (
		out []store.OpenCount
		bad error
	)
	err := db.counts(ctx, `SELECT check_id, severity, SUM(n) FROM open_totals
GROUP BY check_id, severity HAVING SUM(n) <> 0 ORDER BY check_id, severity`, nil, func(check, severity string, n int) {
		sev, err := finding.ParseSeverity(severity)
		if err != nil {
			bad = errors.Join(bad, fmt.Errorf("check %s: %w", check, err))
			return
		}
		out = append(out, store.OpenCount{Check: check, Severity: sev, N: n})
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, fmt.Errorf("%s: open counts: %w", db.name, err)
	}
	slices.SortFunc(out, func(a, b store.OpenCount) int {
		if c := strings.Compare(a.Check, b.Check); c != 0 {
			return c
		}
		return int(a.Severity - b.Severity)
	})
	return out, nil
}

// failureFloor is the smallest worst (site_latest) that fails a site at
// threshold t: informational notes never do.
func failureFloor(t finding.Severity) int {
	if t == 0 {
		t = finding.DefaultThreshold
	}
	return int(max(t, finding.Low))
}

// SiteCounts implements store.Summaries.
func (db *Queries) SiteCounts(ctx context.Context, threshold finding.Severity) (sites, failing int, err error) {
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM site_latest`).Scan(&sites); err != nil {
		return 0, 0, fmt.Errorf("%s: site counts: %w", db.name, err)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM site_latest WHERE worst >= ?`, failureFloor(threshold)).Scan(&failing); err != nil {
		return 0, 0, fmt.Errorf("%s: site counts: %w", db.name, err)
	}
	return sites, failing, nil
}

// OrganisationSummaries implements store.Summaries: one GROUP BY over
// site_latest, joined to the directory, so that organisations with a
// directory entry and no site are listed too.
func (db *Queries) OrganisationSummaries(ctx context.Context, q store.OrganisationQuery) ([]store.OrganisationSummary, int, error) {
	var w where
	if q.Text != "" {
		textMatch(&w, q.Text, "o.name")
	}
	if q.Tag != "" {
		// Labelled, or with a site that carries the tag (org_tags) or
		// is labelled with it.
		w.add(`o.name IN (SELECT organisation FROM org_tags WHERE tag = ? AND sites > 0
	UNION SELECT subject FROM labels WHERE tag = ? AND kind = 'organisation'
	UNION SELECT l.organisation FROM labels x JOIN site_latest l ON l.site_url = x.subject
		WHERE x.tag = ? AND x.kind = 'site')`, q.Tag, q.Tag, q.Tag)
	}
	const names = `(SELECT organisation AS name FROM org_totals WHERE sites > 0 UNION SELECT name FROM organisations) o`
	offset := max(q.Offset, 0)
	floor := failureFloor(q.Threshold)
	var failing []string
	for n := floor; n <= int(finding.Critical); n++ {
		failing = append(failing, `a.worst_`+strconv.Itoa(n))
	}
	rows, err := db.r.QueryContext(ctx, `SELECT o.name, COALESCE(d.dpo_email, ''), COALESCE(d.parent, ''),
	COALESCE(a.sites, 0), COALESCE(`+strings.Join(failing, ` + `)+`, 0), COALESCE(a.open_info, 0), COALESCE(a.open_low, 0),
	COALESCE(a.open_medium, 0), COALESCE(a.open_high, 0), COALESCE(a.open_critical, 0)
FROM `+names+`
LEFT JOIN org_totals a ON a.organisation = o.name
LEFT JOIN organisations d ON d.name = o.name`+w.String()+`
ORDER BY COALESCE(a.open_total, 0) DESC, o.name`+page(q.Limit, offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: organisations: %w", db.name, err)
	}
	defer rows.Close()
	var out []store.OrganisationSummary
	for rows.Next() {
		var (
			o    store.OrganisationSummary
			open [finding.Critical + 1]int
		)
		if err := rows.Scan(&o.Name, &o.DPO, &o.Parent, &o.Sites, &o.Failing,
			&open[finding.Info], &open[finding.Low], &open[finding.Medium], &open[finding.High], &open[finding.Critical]); err != nil {
			return nil, 0, fmt.Errorf("%s: organisations: %w", db.name, err)
		}
		o.Open = openMap(open)
		for _, n := range open {
			o.Findings += n
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: organisations: %w", db.name, err)
	}
	rows.Close()
	n, err := db.total(ctx, len(out), q.Limit, offset, `SELECT COUNT(*) FROM `+names+w.String(), w.args)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: organisations: counting: %w", db.name, err)
	}
	return out, n, nil
}

// OrganisationSites implements store.Summaries: the page's sites from
// site_latest, each joined to its latest successful audit through the
// (site_url, scan_started) index.
func (db *Queries) OrganisationSites(ctx context.Context, organisation string, limit, offset int) ([]store.OrganisationSite, int, error) {
	offset = max(offset, 0)
	rows, err := db.r.QueryContext(ctx, `SELECT l.site_url, COALESCE(a.scan_id, ''), a.retention
FROM site_latest l
LEFT JOIN scan_sites a ON a.site_url = l.site_url AND a.error = '' AND NOT EXISTS (
	SELECT 1 FROM scan_sites n WHERE n.site_url = a.site_url AND n.error = ''
	AND (n.scan_started > a.scan_started OR (n.scan_started = a.scan_started AND n.scan_id > a.scan_id)))
WHERE l.organisation = ? ORDER BY l.site_url`+page(limit, offset), organisation)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: sites of %s: %w", db.name, organisation, err)
	}
	defer rows.Close()
	var out []store.OrganisationSite
	for rows.Next() {
		var (
			o         store.OrganisationSite
			retention sql.NullString
		)
		err := rows.Scan(&o.URL, &o.Scan, &retention)
		if err == nil {
			err = column.DecodeJSON(retention, &o.Retention)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: sites of %s: %w", db.name, organisation, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: sites of %s: %w", db.name, organisation, err)
	}
	rows.Close()
	n, err := db.total(ctx, len(out), limit, offset, `SELECT COUNT(*) FROM site_latest WHERE organisation = ?`, []any{organisation})
	if err != nil {
		return nil, 0, fmt.Errorf("%s: sites of %s: counting: %w", db.name, organisation, err)
	}
	return out, n, nil
}

// querier runs reads on a pool or in a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// counts runs a query of (key, subkey, count) rows and hands each to add.
func (db *Queries) counts(ctx context.Context, query string, args []any, add func(key, sub string, n int)) error {
	return countRows(ctx, db.r, query, args, add)
}

// countRows runs a query of (key, subkey, count) rows on q and hands each
// to add.
func countRows(ctx context.Context, q querier, query string, args []any, add func(key, sub string, n int)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key, sub string
			n        int
		)
		if err := rows.Scan(&key, &sub, &n); err != nil {
			return err
		}
		add(key, sub, n)
	}
	return rows.Err()
}

// addChange adds n changes of kind to the counter of that kind.
func addChange(kind string, n int, newC, fixed, regressed *int) error {
	switch kind {
	case store.ChangeNew:
		*newC += n
	case store.ChangeFixed:
		*fixed += n
	case store.ChangeRegressed:
		*regressed += n
	default:
		return fmt.Errorf("unknown change %q", kind)
	}
	return nil
}

// SiteHistory implements store.Browser. An unknown site has no audits. The
// counts go from the site's findings (by index) to their sightings and
// changes, never through a whole scan's.
func (db *Queries) SiteHistory(ctx context.Context, siteURL string) ([]store.SiteAudit, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT scan_id, `+siteColumns+`
FROM scan_sites WHERE site_url = ? ORDER BY scan_started DESC, scan_id DESC`, siteURL)
	if err != nil {
		return nil, fmt.Errorf("%s: history of %s: %w", db.name, siteURL, err)
	}
	defer rows.Close()
	var (
		out   []store.SiteAudit
		index = map[string]int{}
	)
	for rows.Next() {
		var a store.SiteAudit
		var err error
		a.Result, err = scanSite(rows, &a.Scan)
		if err != nil {
			return nil, fmt.Errorf("%s: history of %s: %w", db.name, siteURL, err)
		}
		index[a.Scan] = len(out)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: history of %s: %w", db.name, siteURL, err)
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	err = db.counts(ctx, `SELECT s.scan_id, '', COUNT(*) FROM findings f JOIN finding_sightings s ON s.finding_id = f.id
WHERE f.site = ? GROUP BY s.scan_id`, []any{siteURL}, func(scan, _ string, n int) {
		if i, ok := index[scan]; ok {
			out[i].Seen = n
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%s: history of %s: sightings: %w", db.name, siteURL, err)
	}
	var bad error
	err = db.counts(ctx, `SELECT c.scan_id, c.kind, COUNT(*) FROM findings f JOIN finding_changes c ON c.finding_id = f.id
WHERE f.site = ? GROUP BY c.scan_id, c.kind`, []any{siteURL}, func(scan, kind string, n int) {
		if i, ok := index[scan]; ok {
			a := &out[i]
			bad = errors.Join(bad, addChange(kind, n, &a.New, &a.Fixed, &a.Regressed))
		}
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, fmt.Errorf("%s: history of %s: changes: %w", db.name, siteURL, err)
	}
	return out, nil
}

// ScanSummaries implements store.Browser. Each summary's Seen map is
// non-nil. An ended scan's totals are those EndScan stored; a scan without
// them (running, ended before they were kept, or recorded again after its
// end) is counted live, reading each of its sightings once. Kept totals
// count each finding at the severity it had when the scan ended, where live
// counts use its current one: a finding whose severity a later scan
// changed (same ID) is not counted again.
func (db *Queries) ScanSummaries(ctx context.Context, limit int) ([]store.ScanSummary, error) {
	scans, err := db.Scans(ctx, limit)
	if err != nil {
		return nil, err
	}
	var ended []any
	for _, sc := range scans {
		if !sc.Ended.IsZero() {
			ended = append(ended, sc.ID)
		}
	}
	stored, err := db.storedCounts(ctx, ended)
	if err != nil {
		return nil, fmt.Errorf("%s: scan summaries: stored counts: %w", db.name, err)
	}
	out := make([]store.ScanSummary, len(scans))
	for i, sc := range scans {
		if c, ok := stored[sc.ID]; ok {
			out[i] = c
			out[i].Scan = sc
			continue
		}
		out[i].Scan = sc
		if sc.Ended.IsZero() {
			ok, err := db.auditCounts(ctx, &out[i])
			if err != nil {
				return nil, fmt.Errorf("%s: summary of scan %s: %w", db.name, sc.ID, err)
			}
			if ok {
				continue
			}
		}
		if err := countScan(ctx, db.r, &out[i]); err != nil {
			return nil, fmt.Errorf("%s: summary of scan %s: %w", db.name, sc.ID, err)
		}
	}
	return out, nil
}

// auditCounts sums what each audit of a running scan saw and changed
// (scan_site_counts, kept by RecordSite), instead of counting every
// sighting of the scan on each view. It reports false, leaving s alone,
// when some audit of the scan has no counts (recorded before migration
// 0013).
func (db *Queries) auditCounts(ctx context.Context, s *store.ScanSummary) (bool, error) {
	var (
		audits, counted                int
		seen                           [finding.Critical + 1]int
		failed, newC, fixed, regressed int
	)
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(failed), 0),
	COALESCE(SUM(seen_info), 0), COALESCE(SUM(seen_low), 0), COALESCE(SUM(seen_medium), 0),
	COALESCE(SUM(seen_high), 0), COALESCE(SUM(seen_critical), 0),
	COALESCE(SUM(changes_new), 0), COALESCE(SUM(changes_fixed), 0), COALESCE(SUM(changes_regressed), 0)
FROM scan_site_counts WHERE scan_id = ?`, s.ID).Scan(&counted, &failed,
		&seen[finding.Info], &seen[finding.Low], &seen[finding.Medium], &seen[finding.High], &seen[finding.Critical],
		&newC, &fixed, &regressed)
	if err != nil {
		return false, err
	}
	if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM scan_sites WHERE scan_id = ?`, s.ID).Scan(&audits); err != nil {
		return false, err
	}
	if audits != counted {
		return false, nil
	}
	s.Sites, s.Failed, s.New, s.Fixed, s.Regressed = audits, failed, newC, fixed, regressed
	s.Seen = openMap(seen)
	return true, nil
}

// storedCounts returns the totals scan_counts holds for the scans ids, by
// scan ID, reading a bounded IN list at a time.
func (db *Queries) storedCounts(ctx context.Context, ids []any) (map[string]store.ScanSummary, error) {
	out := make(map[string]store.ScanSummary, len(ids))
	const chunk = 500
	for i := 0; i < len(ids); i += chunk {
		part := ids[i:min(i+chunk, len(ids))]
		marks := strings.TrimSuffix(strings.Repeat(`?, `, len(part)), `, `)
		err := db.storedChunk(ctx, `SELECT scan_id, sites, failed, seen, changes_new, changes_fixed, changes_regressed
FROM scan_counts WHERE scan_id IN (`+marks+`)`, part, out)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *Queries) storedChunk(ctx context.Context, query string, args []any, out map[string]store.ScanSummary) error {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c    store.ScanSummary
			seen sql.NullString
		)
		if err := rows.Scan(&c.ID, &c.Sites, &c.Failed, &seen, &c.New, &c.Fixed, &c.Regressed); err != nil {
			return err
		}
		if err := column.DecodeJSON(seen, &c.Seen); err != nil {
			return fmt.Errorf("scan %s: %w", c.ID, err)
		}
		if c.Seen == nil {
			c.Seen = map[string]int{}
		}
		out[c.ID] = c
	}
	return rows.Err()
}

// countScan counts the sites, sightings and changes s.ID recorded into s,
// on q: the pool, or EndScan's transaction.
func countScan(ctx context.Context, q querier, s *store.ScanSummary) error {
	s.Seen = map[string]int{}
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN error <> '' THEN 1 ELSE 0 END), 0)
FROM scan_sites WHERE scan_id = ?`, s.ID).Scan(&s.Sites, &s.Failed)
	if err != nil {
		return fmt.Errorf("sites: %w", err)
	}
	err = countRows(ctx, q, `SELECT f.severity, '', COUNT(*) FROM finding_sightings s JOIN findings f ON f.id = s.finding_id
WHERE s.scan_id = ? GROUP BY f.severity`, []any{s.ID}, func(severity, _ string, n int) {
		s.Seen[severity] = n
	})
	if err != nil {
		return fmt.Errorf("sightings: %w", err)
	}
	var bad error
	err = countRows(ctx, q, `SELECT kind, '', COUNT(*) FROM finding_changes WHERE scan_id = ? GROUP BY kind`,
		[]any{s.ID}, func(kind, _ string, n int) {
			bad = errors.Join(bad, addChange(kind, n, &s.New, &s.Fixed, &s.Regressed))
		})
	if err == nil {
		err = bad
	}
	if err != nil {
		return fmt.Errorf("changes: %w", err)
	}
	return nil
}

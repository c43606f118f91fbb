package sqldb

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"vigie/finding"
	"vigie/store"
)

// openShards is how many shards open_totals spreads a (check, severity)
// count over; see migration 0013.
const openShards = 16

// shardOf returns the open_totals shard a site's changes go to.
func shardOf(site string) int {
	h := fnv.New32a()
	h.Write([]byte(site))
	return int(h.Sum32() % openShards)
}

// openKey is a (check, severity) of open findings.
type openKey struct{ check, severity string }

// openCounts counts the site's open findings by check and severity.
func (r *recorder) openCounts() (map[openKey]int, error) {
	rows, err := r.query(r.st.siteOpen, r.site.URL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[openKey]int{}
	for rows.Next() {
		var k openKey
		var n int
		if err := rows.Scan(&k.check, &k.severity, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// rollUp brings the dashboard's running totals up to date with the
// record (migration 0013): open_totals by the difference between the
// site's open findings before (the counts openCounts returned at the
// start) and now, and the site's row of site_latest from its latest audit
// and its open findings now.
func (r *recorder) rollUp(before map[openKey]int) error {
	after, err := r.openCounts()
	if err != nil {
		return err
	}
	delta := map[openKey]int{}
	for k, n := range after {
		delta[k] += n
	}
	for k, n := range before {
		delta[k] -= n
	}
	keys := make([]openKey, 0, len(delta))
	for k, n := range delta {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	// One order for every writer: concurrent records never wait on each
	// other's rows in a cycle.
	slices.SortFunc(keys, func(a, b openKey) int {
		return strings.Compare(a.check+"\x00"+a.severity, b.check+"\x00"+b.severity)
	})
	shard := shardOf(r.site.URL)
	for _, k := range keys {
		if err := r.exec(r.st.addOpenTotal, shard, k.check, k.severity, delta[k]); err != nil {
			return err
		}
	}
	var bySev [finding.Critical + 1]int
	worst := 0
	for k, n := range after {
		sev, err := finding.ParseSeverity(k.severity)
		if err != nil || sev < finding.Info || sev > finding.Critical || n == 0 {
			continue
		}
		bySev[sev] += n
		worst = max(worst, int(sev))
	}
	old, err := r.siteRow()
	if err != nil {
		return err
	}
	var (
		scan, scanStarted, org, tags, started, siteErr string
	)
	err = r.queryRow(r.st.latestAuditOf, r.site.URL).Scan(&scan, &scanStarted, &org, &tags, &started, &siteErr)
	if err != nil {
		return err // the record itself wrote an audit of the site
	}
	now := siteRow{org: org, worst: worst, open: bySev, ok: true}
	if err := r.moveOrg(old, now); err != nil {
		return err
	}
	if !old.ok || old.tags != tags || old.org != org {
		if err := r.saveTags(old, org, tags); err != nil {
			return err
		}
	}
	return r.exec(r.st.upsertSiteLatest, r.site.URL, scan, scanStarted, org, tags, started, siteErr,
		bySev[finding.Info], bySev[finding.Low], bySev[finding.Medium], bySev[finding.High], bySev[finding.Critical], worst)
}

// siteRow is a site's part of the organisation totals.
type siteRow struct {
	ok    bool // the site had a row
	org   string
	tags  string
	worst int
	open  [finding.Critical + 1]int
}

// siteRow reads the site's row of site_latest before the record changes it.
func (r *recorder) siteRow() (siteRow, error) {
	var s siteRow
	err := r.queryRow(r.st.siteLatestRow, r.site.URL).Scan(&s.org, &s.tags, &s.worst,
		&s.open[finding.Info], &s.open[finding.Low], &s.open[finding.Medium], &s.open[finding.High], &s.open[finding.Critical])
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	s.ok = err == nil
	return s, err
}

// moveOrg takes the site's old part out of its old organisation's totals
// and adds its new part to its new organisation's, in name order.
func (r *recorder) moveOrg(old, now siteRow) error {
	type part struct {
		org  string
		sign int
		row  siteRow
	}
	parts := []part{{now.org, 1, now}}
	if old.ok {
		parts = append(parts, part{old.org, -1, old})
	}
	slices.SortStableFunc(parts, func(a, b part) int { return strings.Compare(a.org, b.org) })
	for _, p := range parts {
		var w [6]int
		if p.row.worst > 0 {
			w[p.row.worst] = p.sign
		}
		total := 0
		for _, n := range p.row.open {
			total += n
		}
		o := p.row.open
		err := r.exec(r.st.addOrgTotal, p.org, p.sign, w[1], w[2], w[3], w[4], w[5],
			p.sign*o[finding.Info], p.sign*o[finding.Low], p.sign*o[finding.Medium], p.sign*o[finding.High], p.sign*o[finding.Critical], p.sign*total)
		if err != nil {
			return err
		}
	}
	return nil
}

// saveTags replaces the site's rows of site_tags with the tags of its
// latest audit (a JSON array), and moves its count in org_tags from its
// old organisation and tags to the new ones, in one order for every
// writer.
func (r *recorder) saveTags(old siteRow, org, tags string) error {
	if err := r.exec(r.st.clearSiteTags, r.site.URL); err != nil {
		return err
	}
	list, err := tagList(tags)
	if err != nil {
		return fmt.Errorf("tags of %s: %w", r.site.URL, err)
	}
	for _, t := range list {
		if err := r.exec(r.st.addSiteTag, r.site.URL, t); err != nil {
			return err
		}
	}
	type orgTag struct{ tag, org string }
	delta := map[orgTag]int{}
	for _, t := range list {
		delta[orgTag{t, org}]++
	}
	if old.ok {
		oldList, err := tagList(old.tags)
		if err != nil {
			return fmt.Errorf("tags of %s: %w", r.site.URL, err)
		}
		for _, t := range oldList {
			delta[orgTag{t, old.org}]--
		}
	}
	keys := make([]orgTag, 0, len(delta))
	for k, n := range delta {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b orgTag) int { return strings.Compare(a.tag+"\x00"+a.org, b.tag+"\x00"+b.org) })
	for _, k := range keys {
		if err := r.exec(r.st.addOrgTag, k.tag, k.org, delta[k]); err != nil {
			return err
		}
	}
	return nil
}

// tagList decodes a JSON array of tags, without repeats.
func tagList(tags string) ([]string, error) {
	var list []string
	if err := json.Unmarshal([]byte(tags), &list); err != nil {
		return nil, err
	}
	slices.Sort(list)
	return slices.Compact(list), nil
}

// countAudit keeps what this audit saw and changed (scan_site_counts).
func (r *recorder) countAudit(fs []finding.Finding, changes []store.Change) error {
	var seen [finding.Critical + 1]int
	for _, f := range fs {
		if f.Severity >= finding.Info && f.Severity <= finding.Critical {
			seen[f.Severity]++
		}
	}
	var n, fixed, regressed int
	for _, c := range changes {
		if err := addChange(c.Kind, 1, &n, &fixed, &regressed); err != nil {
			return err
		}
	}
	failed := 0
	if !r.site.OK() {
		failed = 1
	}
	return r.exec(r.st.upsertAuditCounts, r.scan, r.site.URL, failed,
		seen[finding.Info], seen[finding.Low], seen[finding.Medium], seen[finding.High], seen[finding.Critical], n, fixed, regressed)
}

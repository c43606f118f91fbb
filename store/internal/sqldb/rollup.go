package sqldb

import (
	"database/sql"
	"errors"
	"hash/fnv"
	"slices"
	"strings"

	"vigie/finding"
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
	var (
		scan, scanStarted, org, tags, started, siteErr string
	)
	err = r.queryRow(r.st.latestAuditOf, r.site.URL).Scan(&scan, &scanStarted, &org, &tags, &started, &siteErr)
	if errors.Is(err, sql.ErrNoRows) {
		return r.exec(r.st.deleteSiteLatest, r.site.URL)
	}
	if err != nil {
		return err
	}
	return r.exec(r.st.upsertSiteLatest, r.site.URL, scan, scanStarted, org, tags, started, siteErr,
		bySev[finding.Info], bySev[finding.Low], bySev[finding.Medium], bySev[finding.High], bySev[finding.Critical], worst)
}

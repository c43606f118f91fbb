package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"vigie/cases"
)

// saveCaseKind stores the kind and request of a case that is not about
// findings (migration 0008), in the transaction creating it.
func (db *Queries) saveCaseKind(ctx context.Context, tx txn, seq int64, c *cases.Case) error {
	if c.Kind == cases.KindFindings && c.Request == nil {
		return nil
	}
	req := []byte("{}")
	if c.Request != nil {
		var err error
		if req, err = json.Marshal(c.Request); err != nil {
			return fmt.Errorf("%s: creating case: request: %w", db.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET kind = ?, request = ? WHERE seq = ?`, c.Kind, string(req), seq); err != nil {
		return fmt.Errorf("%s: creating case: kind: %w", db.name, err)
	}
	return nil
}

// loadCaseKinds fills in the kind and request of the cases cs that have
// one.
func (db *Queries) loadCaseKinds(ctx context.Context, cs []cases.Case) error {
	if len(cs) == 0 {
		return nil
	}
	byID := make(map[string]*cases.Case, len(cs))
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
	}
	rows, err := db.r.QueryContext(ctx, `SELECT seq, kind, request FROM cases WHERE kind <> ''`)
	if err != nil {
		return fmt.Errorf("%s: reading case kinds: %w", db.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var kind, req string
		if err := rows.Scan(&seq, &kind, &req); err != nil {
			return fmt.Errorf("%s: reading case kinds: %w", db.name, err)
		}
		c := byID["C-"+strconv.FormatInt(seq, 10)]
		if c == nil {
			continue
		}
		c.Kind = kind
		if strings.TrimSpace(req) != "" && req != "{}" {
			c.Request = new(cases.Request)
			if err := json.Unmarshal([]byte(req), c.Request); err != nil {
				return fmt.Errorf("%s: case %s: request: %w", db.name, c.ID, err)
			}
		}
	}
	return rows.Err()
}

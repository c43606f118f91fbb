package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"vigie/finding"
	"vigie/store"
)

// DiffOptions are the settings of `vigie diff`.
type DiffOptions struct {
	DB string
	// Scan is the scan whose changes are listed; "" is the latest one.
	Scan   string
	JSONL  bool
	Stdout io.Writer
}

// Diff prints the findings that a scan saw appear (new), disappear (fixed)
// or come back (regressed) compared with earlier scans of the same sites.
func Diff(ctx context.Context, o DiffOptions) error {
	st, err := OpenStore(ctx, o.DB)
	if err != nil {
		return err
	}
	if st == nil {
		return fmt.Errorf("vigie diff needs a database")
	}
	defer st.Close()
	id := o.Scan
	if id == "" {
		scans, err := st.Scans(ctx, 1)
		if err != nil {
			return err
		}
		if len(scans) == 0 {
			return fmt.Errorf("no scan recorded yet in the database")
		}
		id = scans[0].ID
	}
	d, err := st.Diff(ctx, id)
	if err != nil {
		return fmt.Errorf("diff of scan %s: %w", id, err)
	}
	return writeDiff(o.Stdout, d, o.JSONL)
}

func writeDiff(w io.Writer, d *store.Diff, jsonl bool) error {
	groups := []struct {
		kind string
		fs   []finding.Finding
	}{{"new", d.New}, {"fixed", d.Fixed}, {"regressed", d.Regressed}}
	if jsonl {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, g := range groups {
			for _, f := range g.fs {
				if err := enc.Encode(struct {
					Change string `json:"change"`
					finding.Finding
				}{g.kind, f}); err != nil {
					return err
				}
			}
		}
		return nil
	}
	since := d.Since
	if since == "" {
		since = "no earlier scan of these sites"
	}
	fmt.Fprintf(w, "scan %s (compared with %s): %d new, %d fixed, %d regressed\n", d.Scan, since, len(d.New), len(d.Fixed), len(d.Regressed))
	for _, g := range groups {
		for _, f := range g.fs {
			fmt.Fprintf(w, "%-9s  %-8s  %-24s  %s\n", g.kind, f.Severity, f.Check, f.URL)
		}
	}
	return nil
}

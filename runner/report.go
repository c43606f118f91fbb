package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"vigie/finding"
	"vigie/observatory"
	"vigie/report"
	"vigie/store"
)

// ReportOptions are the settings of `vigie report`.
type ReportOptions struct {
	DB string
	// Scan is the scan to render, "" for the latest.
	Scan string
	// Format is jsonl, csv, sarif, html or table (the default); Output its
	// file ("" = Stdout).
	Format, Output string
	Lang           string
	Stdout         io.Writer
	StdoutIsTTY    bool
}

// Report writes a stored scan again, from SQLite or PostgreSQL, as the
// scan wrote it: the same sites in the same order, each finding as that
// scan saw it (not as later scans left it).
func Report(ctx context.Context, o ReportOptions) error {
	if o.DB == "none" {
		return errors.New("report reads a stored scan; --db none keeps none")
	}
	st, err := OpenStore(ctx, o.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	id := o.Scan
	if id == "" {
		latest, err := st.Scans(ctx, 1)
		if err != nil {
			return err
		}
		if len(latest) == 0 {
			return errors.New("the database holds no scan")
		}
		id = latest[0].ID
	}
	sc, err := st.Scan(ctx, id)
	if err != nil {
		return err
	}
	format := o.Format
	if format == "" {
		format = "table"
	}
	w := o.Stdout
	if o.Output != "" && o.Output != "-" {
		f, err := os.Create(o.Output)
		if err != nil {
			return fmt.Errorf("creating output: %w", err)
		}
		defer f.Close()
		w = f
	}
	rw, err := report.New(format, w, report.Options{Lang: o.Lang, Color: format == "table" && w == o.Stdout && o.StdoutIsTTY, SiteRecords: true})
	if err != nil {
		return err
	}
	if _, err := writeStored(ctx, st, *sc, sc.Settings, []report.Writer{rw}, finding.Critical+1); err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && w != o.Stdout {
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", o.Output, err)
		}
	}
	return nil
}

// storedTotals counts what writeStored wrote.
type storedTotals struct {
	sites, failed, findings, failing int
}

// writeStored writes scan sc, read back from st, to the writers and closes
// them, counting the findings at or above failOn. It reads the record the
// store keeps of each scan (store.Replayer) when it has one, else the
// scan's sites and the current state of their findings.
func writeStored(ctx context.Context, st store.Store, sc store.Scan, settings map[string]string,
	writers []report.Writer, failOn finding.Severity) (storedTotals, error) {
	var t storedTotals
	emit := func(s store.SiteResult, fs []finding.Finding) error {
		t.sites++
		if !s.OK() {
			t.failed++
		}
		for _, f := range fs {
			t.findings++
			if f.Severity >= failOn {
				t.failing++
			}
		}
		rs := &report.Site{
			URL: s.URL, Organisation: s.Organisation, Tags: s.Tags,
			Pages: s.Pages, Forms: s.Forms, PersonalForms: s.PersonalForms,
			Error: s.Error, ErrorKind: s.ErrorKind, Findings: fs,
			Retention: s.Retention, Hosting: s.Hosting,
		}
		if len(s.HTTPObservatory) > 0 {
			var g observatory.Result
			if err := json.Unmarshal(s.HTTPObservatory, &g); err != nil {
				return fmt.Errorf("site %s: stored HTTP Observatory grade: %w", s.URL, err)
			}
			rs.HTTPObservatory = &g
		}
		for _, w := range writers {
			if err := w.WriteSite(rs); err != nil {
				return fmt.Errorf("writing results: %w", err)
			}
		}
		return nil
	}
	if r, ok := st.(store.Replayer); ok {
		if err := r.Replay(ctx, sc.ID, emit); err != nil {
			return t, err
		}
	} else {
		sites, err := st.Sites(ctx, sc.ID)
		if err != nil {
			return t, err
		}
		fs, err := st.Findings(ctx, store.Filter{Scan: sc.ID})
		if err != nil {
			return t, err
		}
		bySite := make(map[string][]finding.Finding)
		for _, f := range fs {
			bySite[f.Site] = append(bySite[f.Site], f)
		}
		for _, s := range sites {
			if err := emit(s, bySite[s.URL]); err != nil {
				return t, err
			}
		}
	}
	version := sc.Version
	if version == "" {
		version = Version
	}
	rscan := report.Scan{ID: sc.ID, Started: sc.Started, Ended: sc.Ended, Version: version,
		Sites: t.sites, Failed: t.failed, Settings: settings}
	for _, w := range writers {
		if err := w.Close(rscan); err != nil {
			return t, fmt.Errorf("writing results: %w", err)
		}
	}
	return t, nil
}

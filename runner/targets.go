package runner

import (
	"fmt"
	"io"
	"os"

	"vigie/target"
)

// TargetSources says where a scan reads its targets from.
type TargetSources struct {
	Args      []string // URLs or host names given as arguments
	ListFiles []string // -l FILE, "-" for stdin
	CSVFiles  []string // --csv FILE, "-" for stdin
	// Stdin is read as a list when no other source is given and it is not
	// a terminal (or when "-" is named).
	Stdin        io.Reader
	StdinIsInput bool
	// Extra are targets already parsed (e.g. the demo farm's sites).
	Extra []target.Target
}

// LoadTargets reads every source, reports each rejected line to warn and
// returns the deduplicated targets. It fails only when a file cannot be
// opened.
func LoadTargets(src TargetSources, warn io.Writer) ([]target.Target, error) {
	all := append([]target.Target(nil), src.Extra...)
	report := func(errs []error) {
		for _, e := range errs {
			fmt.Fprintf(warn, "vigie: skipped %v\n", e)
		}
	}
	for _, a := range src.Args {
		t, err := target.Parse(a)
		if err != nil {
			report([]error{err})
			continue
		}
		t.Source = "argument"
		all = append(all, t)
	}
	read := func(name string, csv bool) error {
		var r io.Reader
		label := name
		if name == "-" {
			if src.Stdin == nil {
				return fmt.Errorf("no standard input to read targets from")
			}
			r, label = src.Stdin, "stdin"
		} else {
			f, err := os.Open(name)
			if err != nil {
				return fmt.Errorf("reading targets: %w", err)
			}
			defer f.Close()
			r = f
		}
		var ts []target.Target
		var errs []error
		if csv {
			ts, errs = target.ParseCSV(r, label)
		} else {
			ts, errs = target.ParseList(r, label)
		}
		report(errs)
		all = append(all, ts...)
		return nil
	}
	for _, f := range src.ListFiles {
		if err := read(f, false); err != nil {
			return nil, err
		}
	}
	for _, f := range src.CSVFiles {
		if err := read(f, true); err != nil {
			return nil, err
		}
	}
	if len(src.Args) == 0 && len(src.ListFiles) == 0 && len(src.CSVFiles) == 0 && len(src.Extra) == 0 && src.StdinIsInput && src.Stdin != nil {
		if err := read("-", false); err != nil {
			return nil, err
		}
	}
	return target.Dedup(all), nil
}

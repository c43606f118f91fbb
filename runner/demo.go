package runner

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"vigie/farm"
	"vigie/store/sqlite"
	"vigie/target"
)

// DemoOptions are the settings of `vigie demo`.
type DemoOptions struct {
	// Hostile adds the farm's hostile sites (endless redirects, a server
	// that never answers, a 1 GB body, bad certificates).
	Hostile bool
	// Sites > 0 generates that many sites instead of the catalogue farm.
	Sites int
	// Scan holds output, language and network settings; its targets and
	// TLS/resolution settings are filled by Demo.
	Scan ScanOptions
}

// Demo serves the simulated-site farm on loopback and audits it with the
// embedded defaults, as a first run on a fresh machine. Its exit status is 0
// when the audit completed (findings are expected).
func Demo(ctx context.Context, o DemoOptions) (int, error) {
	f, err := farm.Start(farm.Options{Sites: o.Sites, Hostile: o.Hostile})
	if err != nil {
		return ExitError, fmt.Errorf("starting the simulated sites: %w", err)
	}
	defer f.Close()
	var csv bytes.Buffer
	if err := f.WriteTargetsCSV(&csv); err != nil {
		return ExitError, err
	}
	targets, errs := target.ParseCSV(&csv, "demo farm")
	if len(errs) > 0 {
		return ExitError, fmt.Errorf("demo farm targets: %v", errs[0])
	}
	so := o.Scan
	if so.Browser.All {
		// Rendering every page of every site takes minutes: the demo
		// renders the sites made to show what only a browser sees.
		so.Browser.All = false
		for i := range targets {
			if slices.Contains(targets[i].Tags, "browser") {
				targets[i].Mode = target.ModeBrowser
			}
		}
	}
	so.Targets = TargetSources{Extra: targets}
	so.Fetch.ConnectTo = append(f.ConnectTo(), so.Fetch.ConnectTo...)
	so.Fetch.CACertPEM = append(so.Fetch.CACertPEM, f.CACertPEM())
	so.Fetch.NoDNS = true
	// The farm's trackers are fictitious: tell browser mode about them.
	so.Browser.trackerCSV = farm.TrackerListCSV()
	if so.Fetch.Timeout == 0 || so.Fetch.Timeout > 5*time.Second {
		so.Fetch.Timeout = 5 * time.Second
	}
	if so.DB == "" {
		p, err := sqlite.DefaultPath()
		if err != nil {
			return ExitError, err
		}
		so.DB = filepath.Join(filepath.Dir(p), "demo.db")
	}
	fmt.Fprintf(so.Stderr, "vigie demo: %d simulated sites on loopback (history in %s)\n", len(targets), so.DB)
	code, err := Scan(ctx, so)
	if code == ExitFindings {
		code = ExitOK
	}
	return code, err
}

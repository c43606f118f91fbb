package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"vigie/farm"
)

// FarmOptions are the settings of `vigie farm`.
type FarmOptions struct {
	Sites   int
	Hostile bool
	// Dir receives targets.csv, connect-to.txt (one --connect-to entry a
	// line) and ca.pem, so that a separate `vigie scan` can audit the farm.
	Dir    string
	Stderr io.Writer
}

// ServeFarm serves the simulated-site farm on loopback until ctx ends.
func ServeFarm(ctx context.Context, o FarmOptions) error {
	if o.Dir == "" {
		return fmt.Errorf("vigie farm needs --dir")
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return err
	}
	f, err := farm.Start(farm.Options{Sites: o.Sites, Hostile: o.Hostile})
	if err != nil {
		return fmt.Errorf("starting the simulated sites: %w", err)
	}
	defer f.Close()
	csv, err := os.Create(filepath.Join(o.Dir, "targets.csv"))
	if err != nil {
		return err
	}
	if err := f.WriteTargetsCSV(csv); err != nil {
		csv.Close()
		return err
	}
	if err := csv.Close(); err != nil {
		return err
	}
	files := map[string][]byte{
		"connect-to.txt": []byte(strings.Join(f.ConnectTo(), "\n") + "\n"),
		"ca.pem":         f.CACertPEM(),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(o.Dir, name), b, 0o644); err != nil {
			return err
		}
	}
	if o.Stderr != nil {
		fmt.Fprintf(o.Stderr, "vigie farm: %d sites on http://%s and https://%s; files in %s\n", len(f.Sites()), f.HTTPAddr(), f.HTTPSAddr(), o.Dir)
	}
	<-ctx.Done()
	return nil
}

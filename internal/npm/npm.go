// Package npm locates the npm packages installed outside the repository
// that the farm serves and tests drive as real peers (consent managers,
// the MDN HTTP Observatory). .ci/run installs them; nothing of theirs is
// committed.
package npm

import (
	"os"
	"path/filepath"
)

// Prefix is the folder npm installed the packages into (npm install
// --prefix): $VIGIE_NPM_PREFIX, or $HOME/.cache/vigie-npm.
func Prefix() string {
	if p := os.Getenv("VIGIE_NPM_PREFIX"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = os.TempDir()
	}
	return filepath.Join(home, ".cache", "vigie-npm")
}

// Module returns the folder of the installed package name (for example
// "klaro" or "@mdn/mdn-http-observatory") and whether it is installed.
func Module(name string) (string, bool) {
	dir := filepath.Join(Prefix(), "node_modules", filepath.FromSlash(name))
	_, err := os.Stat(filepath.Join(dir, "package.json"))
	return dir, err == nil
}

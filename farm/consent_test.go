package farm

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigie/internal/testtool"
)

// TestConsentManagers checks that the farm serves the real consent
// managers installed from npm, byte for byte, on the sites made for the
// consent pass. Without the packages the test is skipped (CI=true: fails).
func TestConsentManagers(t *testing.T) {
	tac := testtool.NodeModule(t, "tarteaucitronjs")
	klaro := testtool.NodeModule(t, "klaro")
	cc := testtool.NodeModule(t, "vanilla-cookieconsent")
	f := startFarm(t, Options{})
	c := newClient(t, f, 5*time.Second)
	archetypes := map[string]bool{}
	for _, s := range f.Sites() {
		archetypes[s.Archetype] = true
	}
	for _, tc := range []struct{ archetype, url, file string }{
		{"consent-tac-ok", "https://www.mairie-riom-limagne.test/vendor/tarteaucitron/tarteaucitron.js", filepath.Join(tac, "tarteaucitron.js")},
		{"consent-tac-second", "https://www.mairie-courpiere.test/vendor/tarteaucitron/lang/tarteaucitron.fr.js", filepath.Join(tac, "lang", "tarteaucitron.fr.js")},
		{"consent-klaro-tracker", "https://www.mairie-issoire-val.test/vendor/klaro/dist/klaro.js", filepath.Join(klaro, "dist", "klaro.js")},
		{"consent-cc-tracker", "https://www.mairie-thiers-montagne.test/vendor/cookieconsent/dist/cookieconsent.umd.js", filepath.Join(cc, "dist", "cookieconsent.umd.js")},
		{"consent-klaro-nodecline", "https://www.mairie-ambert-livradois.test/vendor/klaro/dist/klaro.js", filepath.Join(klaro, "dist", "klaro.js")},
	} {
		if !archetypes[tc.archetype] {
			t.Errorf("archetype %s is not in the farm", tc.archetype)
			continue
		}
		want, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		if got := get(t, c, tc.url); !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes served, want the %d of %s", tc.url, len(got), len(want), tc.file)
		}
	}
}

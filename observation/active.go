package observation

// Kinds of active probe (ActiveProbe.Kind).
const (
	// ProbeNeighbourRecord is a GET of a record page's neighbouring
	// identifier (id-1 or id+1) when the record showed personal data.
	ProbeNeighbourRecord = "neighbour-record"
	// ProbeDataFile is a GET of a well-known export, backup or
	// configuration path at the site's origin.
	ProbeDataFile = "data-file"
)

// ActiveProbe is one request an active scan sent beyond what the site
// links to, and what came back. Bodies are not kept: only their length,
// hash, the personal data detected (masked) and the content evidence.
type ActiveProbe struct {
	Kind string `json:"kind"`
	// Of is the URL the probe derives from: the record page for a
	// neighbour-record probe, the site's origin for a data-file probe.
	Of string `json:"of"`
	Probe
	ContentType string `json:"content_type,omitempty"`
	// Length is the body length read; BodyHash its hex SHA-256.
	Length   int    `json:"length"`
	BodyHash string `json:"body_hash,omitempty"`
	// HTML is true when the body looks like an HTML document.
	HTML     bool          `json:"html,omitempty"`
	Personal *PersonalData `json:"personal,omitempty"`
	// Evidence lists what the body holds that only real data would:
	// "git-core" (a [core] section), "env-lines" (several KEY=VALUE
	// lines). Names of .env keys are in EnvKeys, never their values.
	Evidence []string `json:"evidence,omitempty"`
	EnvKeys  []string `json:"env_keys,omitempty"`
	// Baseline is the answer to a random path of the same origin, for
	// data-file probes: a body like it is the site's "not found" page.
	Baseline *ProbeBaseline `json:"baseline,omitempty"`
}

// ProbeBaseline is the answer to a path that cannot exist.
type ProbeBaseline struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Length   int    `json:"length"`
	BodyHash string `json:"body_hash,omitempty"`
}

// SameAs reports whether a response of this status, length and body hash
// is the baseline page again: same status and the same body, or a body
// within 10% (at least 64 bytes) of its length, as "not found" pages that
// echo the requested path are.
func (b *ProbeBaseline) SameAs(status, length int, hash string) bool {
	if b == nil || b.Status != status {
		return false
	}
	if hash != "" && hash == b.BodyHash {
		return true
	}
	d := length - b.Length
	if d < 0 {
		d = -d
	}
	return d <= max(64, b.Length/10)
}

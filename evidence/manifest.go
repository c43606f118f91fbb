package evidence

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// File names in an evidence directory and in bundles.
const (
	ManifestFile  = "manifest.json"
	SignatureFile = "manifest.json.sig"
)

// ManifestFormat identifies the manifest's layout; it changes only when a
// field changes meaning (fields are added, never renamed).
const ManifestFormat = "vigie-evidence-manifest/1"

// Manifest is the signed index of one scan's evidence.
type Manifest struct {
	Format   string            `json:"format"`
	Scan     string            `json:"scan"`
	Tool     Tool              `json:"tool"`
	Settings map[string]string `json:"settings,omitempty"`
	Targets  []string          `json:"targets"`
	// Host is the machine that ran the scan.
	Host    Host      `json:"host"`
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended"`
	// Archive is "findings" (the exchanges findings rely on) or "all".
	Archive   string     `json:"archive"`
	Redaction Redaction  `json:"redaction"`
	Key       KeyInfo    `json:"key"`
	WARCFiles []WARCFile `json:"warc_files"`
	// Screenshots is reserved for the browser mode.
	Screenshots []Screenshot `json:"screenshots"`
	// Findings lists every finding of the scan with its evidence.
	Findings []FindingEvidence `json:"findings,omitempty"`
	// Records lists every record written, warcinfo records aside.
	Records []Ref `json:"records,omitempty"`
}

// Tool names the software that captured the evidence.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Host describes the scanning machine: its name, its interface addresses
// and the source addresses its connections used.
type Host struct {
	Name            string   `json:"name"`
	Addresses       []string `json:"addresses,omitempty"`
	SourceAddresses []string `json:"source_addresses,omitempty"`
}

// Redaction says how captured data was treated.
type Redaction struct {
	// Masked is false when personal data was kept verbatim.
	Masked   bool   `json:"masked"`
	Redactor string `json:"redactor,omitempty"`
}

// KeyInfo identifies the signing key.
type KeyInfo struct {
	Algorithm   string `json:"algorithm"`
	Fingerprint string `json:"fingerprint"`
	// File is the public key's file name beside the manifest.
	File string `json:"file"`
}

// Screenshot is a page image taken by the browser mode (reserved).
type Screenshot struct {
	Finding string    `json:"finding,omitempty"`
	URL     string    `json:"url"`
	File    string    `json:"file"`
	SHA256  string    `json:"sha256"`
	Taken   time.Time `json:"taken"`
}

// FindingEvidence is a finding and the records that support it.
type FindingEvidence struct {
	ID       string        `json:"id"`
	Check    string        `json:"check"`
	Severity string        `json:"severity,omitempty"`
	Title    string        `json:"title,omitempty"`
	Site     string        `json:"site"`
	URL      string        `json:"url"`
	Evidence []EvidenceRef `json:"evidence"`
}

// EvidenceRef points to one record: "warc:FILE#urn:uuid:…", with the
// digest of its payload as stored and, when masked, of the original.
type EvidenceRef struct {
	Ref                   string `json:"ref"`
	PayloadSHA256         string `json:"payload_sha256"`
	OriginalPayloadSHA256 string `json:"original_payload_sha256,omitempty"`
}

// EvidenceRefOf returns the evidence reference to a written record.
func EvidenceRefOf(r Ref) EvidenceRef {
	return EvidenceRef{Ref: r.String(), PayloadSHA256: r.PayloadSHA256, OriginalPayloadSHA256: r.OriginalPayloadSHA256}
}

// ParseRef splits "warc:FILE#urn:uuid:…" into the file name and the
// record ID ("<urn:uuid:…>").
func ParseRef(ref string) (file, id string, err error) {
	rest, ok := strings.CutPrefix(ref, "warc:")
	if !ok {
		return "", "", fmt.Errorf("evidence reference %q lacks the warc prefix", ref)
	}
	file, frag, ok := strings.Cut(rest, "#")
	if !ok || file == "" || frag == "" {
		return "", "", fmt.Errorf("evidence reference %q: want warc:FILE#RECORD-ID", ref)
	}
	return file, "<" + strings.Trim(frag, "<>") + ">", nil
}

// encodeManifest serialises m: the scalar fields indented, then findings
// and records one JSON object a line, so that large scans stay readable
// with grep. findings and records are already-encoded JSON objects.
func encodeManifest(m *Manifest, findings, records [][]byte) ([]byte, error) {
	head := *m
	head.Findings, head.Records = nil, nil
	if head.Screenshots == nil {
		head.Screenshots = []Screenshot{}
	}
	if head.WARCFiles == nil {
		head.WARCFiles = []WARCFile{}
	}
	if head.Targets == nil {
		head.Targets = []string{}
	}
	b, err := marshalJSON(head, "  ")
	if err != nil {
		return nil, err
	}
	b = bytes.TrimRight(b, "}\n ")
	var out bytes.Buffer
	out.Write(b)
	list := func(name string, items [][]byte) {
		out.WriteString(",\n  \"" + name + "\": [")
		for i, it := range items {
			if i > 0 {
				out.WriteByte(',')
			}
			out.WriteString("\n    ")
			out.Write(it)
		}
		if len(items) > 0 {
			out.WriteString("\n  ")
		}
		out.WriteString("]")
	}
	list("findings", findings)
	list("records", records)
	out.WriteString("\n}\n")
	return out.Bytes(), nil
}

// Sign returns the detached signature of a manifest: the base64 ed25519
// signature of its exact bytes, and a newline.
func Sign(key ed25519.PrivateKey, manifest []byte) []byte {
	sig := ed25519.Sign(key, manifest)
	return []byte(base64.StdEncoding.EncodeToString(sig) + "\n")
}

// VerifySignature checks a detached signature made by Sign.
func VerifySignature(pub ed25519.PublicKey, manifest, sig []byte) bool {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sig)))
	if err != nil || len(raw) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(pub, manifest, raw)
}

// marshalJSON encodes v without escaping <, > and & (record IDs are
// "<urn:uuid:…>"), indented when indent is not empty, with no final
// newline.
func marshalJSON(v any, indent string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

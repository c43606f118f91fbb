package evidence

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
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
	// Screenshots lists the full-page images of pages with findings taken
	// by the browser mode.
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

// Screenshot is a page image taken by the browser mode: File is
// "WARC-FILE#<urn:uuid:…>", the resource record holding the PNG.
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

// manifestList is a list of the manifest written one already-encoded
// JSON object a line: each calls emit with every item in turn.
type manifestList struct {
	name string
	each func(emit func([]byte) error) error
}

// writeManifest serialises m to w: the scalar fields indented, then the
// lists (findings and records), one JSON object a line, so that large
// scans stay readable with grep. The lists are streamed, not held.
func writeManifest(w io.Writer, m *Manifest, lists ...manifestList) error {
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
		return err
	}
	bw := bufio.NewWriter(w)
	bw.Write(bytes.TrimRight(b, "}\n "))
	for _, l := range lists {
		bw.WriteString(",\n  \"" + l.name + "\": [")
		n := 0
		err := l.each(func(it []byte) error {
			if n > 0 {
				bw.WriteByte(',')
			}
			n++
			bw.WriteString("\n    ")
			_, err := bw.Write(it)
			return err
		})
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString("\n  ")
		}
		bw.WriteString("]")
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// Sign returns the detached signature of a manifest: the base64 ed25519
// signature of its exact bytes, and a newline.
func Sign(key ed25519.PrivateKey, manifest []byte) []byte {
	return encodeSignature(ed25519.Sign(key, manifest))
}

// encodeSignature is the detached signature file's content: base64 and a
// newline.
func encodeSignature(sig []byte) []byte {
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

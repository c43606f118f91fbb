package runner

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"vigie/evidence"
	"vigie/scan"
	"vigie/store"
	"vigie/store/sqlite"
)

// Archive modes of `vigie scan --archive`.
const (
	ArchiveFindings = "findings"
	ArchiveAll      = "all"
	ArchiveNone     = "none"
)

// EvidenceSettings are the evidence flags of `vigie scan`.
type EvidenceSettings struct {
	// Archive is ArchiveFindings (the exchanges findings rely on),
	// ArchiveAll, or ArchiveNone or "" for no evidence.
	Archive string
	// Dir receives the scan's evidence; "" for the scan's own directory
	// under DATA/evidence.
	Dir              string
	KeepPersonalData bool
	// DataDir is Vigie's data directory (signing key, evidence); "" for
	// the XDG default.
	DataDir string
}

// DataDir returns Vigie's data directory, $XDG_DATA_HOME/vigie by
// default, where the database, the signing key and evidence live.
func DataDir() (string, error) {
	db, err := sqlite.DefaultPath()
	if err != nil {
		return "", err
	}
	return filepath.Dir(db), nil
}

func dataDir(d string) (string, error) {
	if d != "" {
		return d, nil
	}
	return DataDir()
}

// scanEvidence returns the scan's evidence options, nil for none.
func (e EvidenceSettings) scanEvidence() (*scan.Evidence, error) {
	switch e.Archive {
	case "", ArchiveNone:
		return nil, nil
	case ArchiveFindings, ArchiveAll:
	default:
		return nil, fmt.Errorf("--archive %q: want findings, all or none", e.Archive)
	}
	data, err := dataDir(e.DataDir)
	if err != nil {
		return nil, err
	}
	key, err := evidence.LoadOrCreateKey(evidence.KeyDir(data))
	if err != nil {
		return nil, err
	}
	return &scan.Evidence{
		Dir: e.Dir, Root: filepath.Join(data, "evidence"),
		All: e.Archive == ArchiveAll, KeepPersonalData: e.KeepPersonalData, Key: key,
	}, nil
}

func printEvidence(w io.Writer, res *evidence.Result) {
	if res == nil {
		return
	}
	fmt.Fprintf(w, "evidence: %s (%d WARC files, %d records, %d findings), manifest signed with key %s; check it with: vigie evidence verify %s\n",
		res.Dir, len(res.Files), res.Records, res.Findings, res.Fingerprint, res.Dir)
}

// VerifyOptions are the settings of `vigie evidence verify`.
type VerifyOptions struct {
	// Path is a scan's evidence directory or an exported bundle.
	Path string
	// KeyFile, when set, is the public key (PEM) the signature must be
	// made with.
	KeyFile string
	DataDir string
	Stdout  io.Writer
}

// VerifyEvidence checks a scan's evidence or a bundle, prints the outcome
// and returns an error listing the problems when anything fails.
func VerifyEvidence(o VerifyOptions) error {
	var vo evidence.VerifyOptions
	if o.KeyFile != "" {
		b, err := os.ReadFile(o.KeyFile)
		if err != nil {
			return fmt.Errorf("--key: %w", err)
		}
		if vo.TrustedKey, err = evidence.ParsePublicKey(b); err != nil {
			return fmt.Errorf("--key %s: %w", o.KeyFile, err)
		}
	}
	rep, err := evidence.Verify(o.Path, vo)
	if err != nil {
		return err
	}
	if !rep.OK() {
		n := fmt.Sprintf("%d problems", len(rep.Problems))
		if len(rep.Problems) == 1 {
			n = "1 problem"
		}
		return fmt.Errorf("%s does not verify (%s):\n  %s", o.Path, n, strings.Join(rep.Problems, "\n  "))
	}
	what := "evidence directory"
	if rep.Bundle {
		what = "bundle"
	}
	fmt.Fprintf(o.Stdout, "OK: %s %s of scan %s: %d WARC files, %d records, %d findings; signature by key %s",
		what, o.Path, rep.Scan, rep.Files, rep.Records, rep.Findings, rep.Key)
	if o.KeyFile != "" {
		fmt.Fprintf(o.Stdout, " (the key of %s)\n", o.KeyFile)
		return nil
	}
	// Say whether it is this machine's key: the shipped key proves
	// integrity, not authorship.
	if local := localPublicKey(o.DataDir); local == nil {
		fmt.Fprintln(o.Stdout, " (no signing key on this machine to compare with)")
	} else if evidence.Fingerprint(local) == rep.Key {
		fmt.Fprintln(o.Stdout, " (this machine's key)")
	} else {
		fmt.Fprintf(o.Stdout, " (not this machine's key %s: compare it with the key of whoever made the evidence)\n", evidence.Fingerprint(local))
	}
	return nil
}

// localPublicKey returns this machine's signing key, nil when none.
func localPublicKey(data string) ed25519.PublicKey {
	d, err := dataDir(data)
	if err != nil {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(evidence.KeyDir(d), evidence.PublicKeyFile))
	if err != nil {
		return nil
	}
	pub, _ := evidence.ParsePublicKey(b)
	return pub
}

// ExportOptions are the settings of `vigie evidence export`.
type ExportOptions struct {
	// ID is the finding, or the case ("C-3"), to export.
	ID  string
	Out string
	// Dir is the scan's evidence directory; when empty, the database
	// names the last scan that saw the finding and its directory, and
	// failing that every scan under DATA/evidence is searched.
	Dir     string
	DB      string
	DataDir string
	Stdout  io.Writer
}

// ExportEvidence writes the bundle of one finding, or of every finding of
// a case when ID names a case ("C-3"). A case whose findings' evidence
// lies in several scans gives one bundle per scan, named after Out with
// the scan ID added.
func ExportEvidence(ctx context.Context, o ExportOptions) error {
	if o.Out == "" {
		return errors.New("export needs -o FILE")
	}
	ids := []string{o.ID}
	if isCaseID(o.ID) {
		st, cs, err := openCases(ctx, o.DB)
		if err != nil {
			return err
		}
		c, err := cs.Case(ctx, o.ID)
		st.Close()
		if err != nil {
			return err
		}
		if len(c.Findings) == 0 {
			return fmt.Errorf("case %s has no findings to export", c.ID)
		}
		ids = c.Findings
	}
	byDir := map[string][]string{}
	var dirs []string
	for _, id := range ids {
		dir := o.Dir
		if dir == "" {
			fo := o
			fo.ID = id
			var err error
			if dir, err = locateFinding(ctx, fo); err != nil {
				return err
			}
		}
		if _, ok := byDir[dir]; !ok {
			dirs = append(dirs, dir)
		}
		byDir[dir] = append(byDir[dir], id)
	}
	for _, dir := range dirs {
		out := o.Out
		if len(dirs) > 1 {
			ext := filepath.Ext(out)
			out = strings.TrimSuffix(out, ext) + "-" + filepath.Base(dir) + ext
		}
		res, err := evidence.Export(evidence.ExportOptions{Dir: dir, Findings: byDir[dir], Out: out})
		if err != nil {
			return err
		}
		what := "finding " + o.ID
		if len(ids) > 1 || isCaseID(o.ID) {
			what = fmt.Sprintf("case %s, %d findings", o.ID, len(byDir[dir]))
		}
		fmt.Fprintf(o.Stdout, "%s: %s of scan %s, %d records\n", res.Out, what, res.Scan, res.Records)
	}
	return nil
}

// isCaseID reports whether id names a case ("C-12") rather than a finding
// (24 hexadecimal digits).
func isCaseID(id string) bool {
	n, ok := strings.CutPrefix(id, "C-")
	if !ok || n == "" {
		return false
	}
	for _, c := range n {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// locateFinding finds the evidence directory of a finding: the one the
// database records for the last scan that saw it, else a search.
func locateFinding(ctx context.Context, o ExportOptions) (string, error) {
	if o.DB != "none" {
		st, err := OpenStore(ctx, o.DB)
		if err != nil {
			return "", err
		}
		defer st.Close()
		fs, err := st.Findings(ctx, store.Filter{})
		if err != nil {
			return "", err
		}
		for _, f := range fs {
			if f.ID != o.ID {
				continue
			}
			sc, err := st.Scan(ctx, f.Scan)
			if err != nil {
				return "", err
			}
			if d := sc.Settings["evidence_dir"]; d != "" {
				if _, err := os.Stat(filepath.Join(d, evidence.ManifestFile)); err == nil {
					return d, nil
				}
			}
			break
		}
	}
	data, err := dataDir(o.DataDir)
	if err != nil {
		return "", err
	}
	dir, err := evidence.Locate(filepath.Join(data, "evidence"), o.ID)
	if err != nil {
		return "", fmt.Errorf("no evidence of finding %s (give the scan's evidence directory with --dir): %w", o.ID, err)
	}
	return dir, nil
}

// ShowOptions are the settings of `vigie evidence show`.
type ShowOptions struct {
	RecordID string
	// Path is an evidence directory or bundle; when empty, every scan
	// under DATA/evidence is searched, newest first.
	Path    string
	DataDir string
	Stdout  io.Writer
}

// ShowRecord prints one WARC record.
func ShowRecord(o ShowOptions) error {
	if o.Path != "" {
		return evidence.Show(o.Stdout, o.Path, o.RecordID)
	}
	data, err := dataDir(o.DataDir)
	if err != nil {
		return err
	}
	root := filepath.Join(data, "evidence")
	entries, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("no evidence under %s: %w", root, err)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		if !entries[i].IsDir() {
			continue
		}
		err := evidence.Show(o.Stdout, filepath.Join(root, entries[i].Name()), o.RecordID)
		if !errors.Is(err, evidence.ErrNotFound) {
			return err
		}
	}
	return fmt.Errorf("record %s: not found in the evidence under %s (give a directory or bundle with --dir)", o.RecordID, root)
}

// ShowKey prints the public key that signs evidence manifests, creating
// the key pair on first use.
func ShowKey(w io.Writer, data string) error {
	d, err := dataDir(data)
	if err != nil {
		return err
	}
	dir := evidence.KeyDir(d)
	key, err := evidence.LoadOrCreateKey(dir)
	if err != nil {
		return err
	}
	pub := key.Public().(ed25519.PublicKey)
	fmt.Fprintf(w, "ed25519 public key %s\nfile: %s\n%s", evidence.Fingerprint(pub), filepath.Join(dir, evidence.PublicKeyFile), evidence.EncodePublicKey(pub))
	return nil
}

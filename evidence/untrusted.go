package evidence

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Bounds of Verify and Show, which read evidence made elsewhere: a bundle
// received from someone else may be crafted to exhaust memory or time.
// Each can be lowered or raised in VerifyOptions.
const (
	// DefaultMaxManifest bounds the manifest, read whole to check its
	// signature: a scan of a hundred thousand pages archived whole lists
	// some 300 000 records in about 150 MB.
	DefaultMaxManifest = 256 << 20
	// DefaultMaxRecord bounds one WARC record once decompressed, held
	// whole while its digests are checked.
	DefaultMaxRecord = 256 << 20
	// DefaultMaxTotal bounds all the WARC records read, decompressed.
	DefaultMaxTotal = 64 << 30
	// maxSmallFile bounds the key, the signature and similar files.
	maxSmallFile = 64 << 10
	// maxBundleEntries bounds the entries of a bundle (it has six).
	maxBundleEntries = 1024
)

// withDefaults fills the zero bounds of o.
func (o VerifyOptions) withDefaults() VerifyOptions {
	if o.MaxManifest <= 0 {
		o.MaxManifest = DefaultMaxManifest
	}
	if o.MaxRecord <= 0 {
		o.MaxRecord = DefaultMaxRecord
	}
	if o.MaxTotal <= 0 {
		o.MaxTotal = DefaultMaxTotal
	}
	return o
}

// openEvidence opens a scan's evidence directory or a bundle (.zip) as a
// file system. A bundle is refused when an entry's name leaves the bundle
// (absolute, "..", backslashes), when two entries share a name (readers
// would disagree on which is meant), when an entry is encrypted, or when
// the sizes its entries declare exceed the bounds of o; archive/zip then
// refuses to inflate an entry past its declared size.
func openEvidence(p string, o VerifyOptions) (fs.FS, io.Closer, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, nil, fmt.Errorf("evidence: %w", err)
	}
	if st.IsDir() {
		return os.DirFS(p), io.NopCloser(nil), nil
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, nil, fmt.Errorf("evidence: %s is neither a directory nor a bundle: %w", p, err)
	}
	if err := checkBundle(&zr.Reader, o); err != nil {
		zr.Close()
		return nil, nil, fmt.Errorf("evidence: bundle %s: %w", p, err)
	}
	return zr, zr, nil
}

// checkBundle checks the entries of a bundle before any is read.
func checkBundle(zr *zip.Reader, o VerifyOptions) error {
	if len(zr.File) > maxBundleEntries {
		return fmt.Errorf("%d entries (at most %d): %w", len(zr.File), maxBundleEntries, ErrTooLarge)
	}
	seen := map[string]bool{}
	var total uint64
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, "/")
		if !fs.ValidPath(name) || strings.Contains(f.Name, `\`) || path.Clean(name) != name {
			return fmt.Errorf("entry %q: a path outside the bundle", f.Name)
		}
		if seen[name] {
			return fmt.Errorf("entry %q: twice", f.Name)
		}
		seen[name] = true
		if f.Flags&0x1 != 0 {
			return fmt.Errorf("entry %q: encrypted", f.Name)
		}
		limit := uint64(o.MaxTotal)
		if name == ManifestFile {
			limit = uint64(o.MaxManifest)
		}
		total += f.UncompressedSize64
		if f.UncompressedSize64 > limit || total > uint64(o.MaxTotal)+uint64(o.MaxManifest) {
			return fmt.Errorf("entry %q: declares %d bytes: %w", f.Name, f.UncompressedSize64, ErrTooLarge)
		}
	}
	return nil
}

// openRegular opens name in fsys if it is a regular file: a FIFO or a
// device in an evidence directory would block or never end.
func openRegular(fsys fs.FS, name string) (fs.File, fs.FileInfo, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("not a regular file (%s)", st.Mode().Type())}
	}
	f, err := fsys.Open(name)
	return f, st, err
}

// readCapped reads the regular file name of fsys, refusing one larger
// than limit bytes before reading it.
func readCapped(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, st, err := openRegular(fsys, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooLarge := &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("larger than %d bytes: %w", limit, ErrTooLarge)}
	if st.Size() > limit {
		return nil, tooLarge
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: explainZip(err)}
	}
	if int64(len(b)) > limit {
		return nil, tooLarge
	}
	return b, nil
}

// explainZip says what archive/zip's terse errors mean in a bundle.
func explainZip(err error) error {
	switch {
	case errors.Is(err, zip.ErrFormat):
		return fmt.Errorf("holds more data than its zip entry declares (%w)", err)
	case errors.Is(err, zip.ErrChecksum):
		return fmt.Errorf("does not match the checksum of its zip entry (%w)", err)
	}
	return err
}

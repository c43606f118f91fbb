package evidence

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testBundle exports finding f1 of a test scan and returns the bundle's
// entries.
func testBundle(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	testScan(t, dir, testKey(t), false)
	out := filepath.Join(t.TempDir(), "bundle.zip")
	if _, err := Export(ExportOptions{Dir: dir, Findings: []string{"f1"}, Out: out}); err != nil {
		t.Fatal(err)
	}
	return unzip(t, out)
}

// gzipMember compresses b as one gzip member.
func gzipMember(b []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// rawEntry is a zip entry written as given: its sizes and CRC may lie.
type rawEntry struct {
	name               string
	data               []byte
	declared           uint64
	compressedDeclared uint64
}

// rawZip writes entries stored (not compressed) with the sizes they
// declare, whatever their data.
func rawZip(t *testing.T, p string, entries ...rawEntry) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(e.data),
			CompressedSize64: e.compressedDeclared, UncompressedSize64: e.declared})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyHostileBundles reads bundles crafted against the verifier:
// each must be reported (as a problem or an error naming the cause)
// within the bounds, never read whole.
func TestVerifyHostileBundles(t *testing.T) {
	good := testBundle(t)
	bomb := gzipMember(append([]byte("WARC/1.1\r\nContent-Length: 3000000\r\n\r\n"), make([]byte, 3_000_000)...))
	small := VerifyOptions{MaxRecord: 1 << 20}
	manifest := []byte(good[ManifestFile])

	for _, tc := range []struct {
		name    string
		make    func(p string)
		o       VerifyOptions
		problem string // in the report's problems, or
		err     string // in the error
	}{
		{"untouched", func(p string) { rezip(t, p, good) }, VerifyOptions{}, "", ""},
		{"gzip bomb record", func(p string) {
			rezip(t, p, with(good, BundleWARCFile, good[BundleWARCFile]+string(bomb)))
		}, small, "record of more than 1048576 bytes once decompressed", ""},
		{"total over the limit", func(p string) {
			rezip(t, p, good)
		}, VerifyOptions{MaxTotal: 2000}, "", `bytes: over the limit`},
		{"record longer than recorded", func(p string) {
			rezip(t, p, with(good, BundleWARCFile, string(rewriteWARC(t, []byte(good[BundleWARCFile]), func(b []byte) []byte {
				// As long, but incompressible: the member grows.
				r := make([]byte, len(b))
				rand.Read(r)
				return r
			}))))
		}, VerifyOptions{}, "bytes compressed, the manifest records", ""},
		{"manifest over the limit", func(p string) { rezip(t, p, good) }, VerifyOptions{MaxManifest: 100}, "", `entry "manifest.json": declares`},
		{"parent directory", func(p string) { rezip(t, p, with(good, "../../etc/cron.d/x", "boom")) }, VerifyOptions{}, "", `"../../etc/cron.d/x": a path outside the bundle`},
		{"absolute path", func(p string) { rezip(t, p, with(good, "/tmp/x", "boom")) }, VerifyOptions{}, "", "a path outside the bundle"},
		{"backslash", func(p string) { rezip(t, p, with(good, `..\x`, "boom")) }, VerifyOptions{}, "", "a path outside the bundle"},
		{"entry twice", func(p string) {
			rawZip(t, p, rawEntry{ManifestFile, manifest, uint64(len(manifest)), uint64(len(manifest))}, rawEntry{ManifestFile, []byte("{}"), 2, 2})
		}, VerifyOptions{}, "", `"manifest.json": twice`},
		{"declared size too large", func(p string) {
			rawZip(t, p, rawEntry{ManifestFile, manifest, 1 << 40, uint64(len(manifest))})
		}, VerifyOptions{}, "", "declares 1099511627776 bytes"},
		{"more data than declared", func(p string) {
			rawZip(t, p, rawEntry{ManifestFile, manifest, 10, uint64(len(manifest))})
		}, VerifyOptions{}, "manifest.json: holds more data than its zip entry declares", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bundle.zip")
			tc.make(p)
			rep, err := Verify(p, tc.o)
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Verify = %v, want an error with %q", err, tc.err)
				}
			case err != nil:
				t.Fatal(err)
			case tc.problem == "":
				if !rep.OK() {
					t.Errorf("problems: %v", rep.Problems)
				}
			default:
				wantProblem(t, rep, tc.problem)
			}
		})
	}
}

// with returns a copy of files with name set to data.
func with(files map[string]string, name, data string) map[string]string {
	out := map[string]string{}
	for k, v := range files {
		out[k] = v
	}
	out[name] = data
	return out
}

// TestReadWARCWithin checks the bounds of the reader itself.
func TestReadWARCWithin(t *testing.T) {
	rec := gzipMember([]byte("WARC/1.1\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"))
	two := append(append([]byte{}, rec...), rec...)
	for _, tc := range []struct {
		name  string
		lim   WARCLimits
		reads int
		large bool
	}{
		{"within", WARCLimits{MaxRecord: 1000, Left: 1000}, 2, false},
		{"record over", WARCLimits{MaxRecord: 10, Left: 1000}, 0, true},
		{"total over on the second", WARCLimits{MaxRecord: 1000, Left: 100}, 1, true},
	} {
		n := 0
		err := ReadWARCWithin(bytes.NewReader(two), &tc.lim, func(*WARCRecord) error { n++; return nil })
		if n != tc.reads || errors.Is(err, ErrTooLarge) != tc.large {
			t.Errorf("%s: %d records, error %v; want %d records, too large %v", tc.name, n, err, tc.reads, tc.large)
		}
	}
}

// TestVerifyDirectoryBounds: an evidence directory (no zip sizes to
// check first) is read within the same bounds.
func TestVerifyDirectoryBounds(t *testing.T) {
	dir := t.TempDir()
	testScan(t, dir, testKey(t), false)
	wantProblem(t, mustVerify(t, dir, VerifyOptions{MaxManifest: 100}), "manifest.json: larger than 100 bytes")
	wantProblem(t, mustVerify(t, dir, VerifyOptions{MaxTotal: 3000}), "record of more than")
	wantProblem(t, mustVerify(t, dir, VerifyOptions{MaxRecord: 200}), "record of more than 200 bytes once decompressed")
}

// FuzzVerifyBundle verifies arbitrary bytes as a bundle: an error or a
// report, within the bounds, never a crash.
func FuzzVerifyBundle(f *testing.F) {
	dir := f.TempDir()
	testScan(f, dir, testKey(f), false)
	out := filepath.Join(f.TempDir(), "bundle.zip")
	if _, err := Export(ExportOptions{Dir: dir, Findings: []string{"f1"}, Out: out}); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, bundle []byte) {
		p := filepath.Join(t.TempDir(), "b.zip")
		if err := os.WriteFile(p, bundle, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(p, VerifyOptions{MaxManifest: 1 << 20, MaxRecord: 1 << 20, MaxTotal: 8 << 20})
		if err == nil && rep == nil {
			t.Fatal("no report and no error")
		}
	})
}

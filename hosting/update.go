package hosting

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/oschwald/maxminddb-golang/v2"
)

//go:embed data/sources.json
var sourcesJSON []byte

// Sources says where a dataset's files are fetched from.
type Sources struct {
	Name     string         `json:"name"`
	Homepage string         `json:"homepage"`
	Files    []ManifestFile `json:"files"`
}

// DefaultSources returns the upstream release of sapics' ip-location-db
// (data/sources.json).
func DefaultSources() Sources {
	var s Sources
	if err := json.Unmarshal(sourcesJSON, &s); err != nil {
		panic("hosting: data/sources.json: " + err.Error())
	}
	return s
}

// MaxFileSize bounds one downloaded file.
const MaxFileSize = 512 << 20

// Update downloads every file of src into dir with client, checks that
// each is an MMDB file, and writes the manifest with their SHA-256; the
// previous files stay in place until all new ones are in. A nil client
// uses one with a ten-minute timeout.
func Update(ctx context.Context, client *http.Client, src Sources, dir string) (*Manifest, error) {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Minute}
	}
	if len(src.Files) == 0 {
		return nil, fmt.Errorf("data update: no file to fetch")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data update: %w", err)
	}
	m := &Manifest{Name: src.Name, Homepage: src.Homepage, Date: time.Now().UTC().Format(time.RFC3339)}
	var tmps []string
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	for _, f := range src.Files {
		name := filepath.Base(f.Name)
		if name == "." || name == ManifestName || !strings.HasSuffix(name, ".mmdb") {
			return nil, fmt.Errorf("data update: bad file name %q", f.Name)
		}
		tmp, err := download(ctx, client, f.URL, dir)
		if err != nil {
			return nil, err
		}
		tmps = append(tmps, tmp)
		r, err := maxminddb.Open(tmp)
		if err != nil {
			return nil, fmt.Errorf("data update: %s is not an MMDB file: %w", f.URL, err)
		}
		built := r.Metadata.BuildTime().UTC().Format("2006-01-02")
		r.Close()
		sum, size, err := fileSHA256(tmp)
		if err != nil {
			return nil, err
		}
		f.Name, f.Built, f.SHA256, f.Size = name, built, sum, size
		m.Files = append(m.Files, f)
	}
	for i, f := range m.Files {
		if err := os.Rename(tmps[i], filepath.Join(dir, f.Name)); err != nil {
			return nil, fmt.Errorf("data update: %w", err)
		}
	}
	tmps = nil
	raw, _ := json.MarshalIndent(m, "", "  ")
	tmp := filepath.Join(dir, ManifestName+".tmp")
	if err := os.WriteFile(tmp, append(raw, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("data update: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, ManifestName)); err != nil {
		return nil, fmt.Errorf("data update: %w", err)
	}
	return m, nil
}

// download fetches u into a temporary file of dir.
func download(ctx context.Context, client *http.Client, u, dir string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("data update: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("data update: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("data update: %s: %s", u, resp.Status)
	}
	f, err := os.CreateTemp(dir, ".download-*")
	if err != nil {
		return "", fmt.Errorf("data update: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(resp.Body, MaxFileSize+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > MaxFileSize {
		err = fmt.Errorf("larger than %d bytes", MaxFileSize)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("data update: %s: %w", u, err)
	}
	return f.Name(), nil
}

func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

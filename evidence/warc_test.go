package evidence

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gowarc "github.com/internetarchive/gowarc"

	"vigie/observation"
)

// TestWARCIndependentReader writes records from many goroutines, then
// reads the files back with the Internet Archive's gowarc reader and
// checks what the WARC 1.1 specification requires of each record: the
// version line, the mandatory fields, the digests, the HTTP messages of
// request and response blocks, the links between concurrent records, and
// one gzip member per record at the offsets the writer reported.
func TestWARCIndependentReader(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, "scan-test", 64<<10, []Field{{Name: "software", Value: "Vigie test"}})
	if err != nil {
		t.Fatal(err)
	}
	a := &Archive{o: ArchiveOptions{Redactor: MaskPersonalData, RedactorName: RedactorName}, w: w, sources: map[string]bool{}}
	a.records.f, _ = os.CreateTemp(dir, ".records-*")
	a.records.w = bufio.NewWriter(a.records.f)
	a.findings.f, _ = os.CreateTemp(dir, ".findings-*")
	a.findings.w = bufio.NewWriter(a.findings.f)

	refs := map[string]Ref{}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				ex := exchange(fmt.Sprintf("https://www.site%d.test/page%d?q=1", g, i), 200, strings.Repeat(contactPage, i+1))
				if i%5 == 0 {
					ex.Proto, ex.ResponseProto = "HTTP/2.0", "HTTP/2.0"
					ex.RequestHeader = []observation.HeaderField{{Name: ":authority", Value: "www.exemple.test"}, {Name: ":method", Value: "GET"}, {Name: ":path", Value: "/page"}, {Name: ":scheme", Value: "https"}, {Name: "user-agent", Value: "Vigie/test"}}
				}
				if _, err := a.WriteExchange(&ex, "https://www.exemple.test/", []string{"f"}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	files, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	recs, err := a.records.lines()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range recs {
		var r Ref
		if err := jsonUnmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		refs[r.ID] = r
	}
	if len(files) < 2 {
		t.Fatalf("%d WARC files, want the 64 KiB limit to roll over", len(files))
	}
	if len(refs) != 8*20*3 {
		t.Fatalf("%d records listed, want %d", len(refs), 8*20*3)
	}

	seen := 0
	for _, wf := range files {
		f, err := os.Open(filepath.Join(dir, wf.Name))
		if err != nil {
			t.Fatal(err)
		}
		r, err := gowarc.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; ; n++ {
			rec, err := r.ReadRecord()
			if err == io.EOF {
				if n != wf.Records {
					t.Errorf("%s: %d records, writer says %d", wf.Name, n, wf.Records)
				}
				break
			}
			if err != nil {
				t.Fatalf("%s: gowarc: %v", wf.Name, err)
			}
			block, err := io.ReadAll(rec.Content)
			rec.Content.Close()
			if err != nil {
				t.Fatal(err)
			}
			h := rec.Header
			id, typ := h.Get("WARC-Record-ID"), h.Get("WARC-Type")
			if rec.Version != "WARC/1.1" || !strings.HasPrefix(id, "<urn:uuid:") || !strings.HasSuffix(id, ">") {
				t.Errorf("%s: version %q, record ID %q", wf.Name, rec.Version, id)
			}
			if _, err := time.Parse(time.RFC3339Nano, h.Get("WARC-Date")); err != nil {
				t.Errorf("record %s: WARC-Date %q: %v", id, h.Get("WARC-Date"), err)
			}
			if h.Get("Content-Length") != fmt.Sprint(len(block)) {
				t.Errorf("record %s: Content-Length %s, block %d bytes", id, h.Get("Content-Length"), len(block))
			}
			if got, _ := gowarc.GetDigest(bytes.NewReader(block), gowarc.SHA256Base32); got != h.Get("WARC-Block-Digest") {
				t.Errorf("record %s: block digest %s, header %s", id, got, h.Get("WARC-Block-Digest"))
			}
			if n == 0 {
				if typ != "warcinfo" || h.Get("WARC-Filename") != wf.Name || h.Get("Content-Type") != "application/warc-fields" {
					t.Errorf("%s: first record %s %v", wf.Name, typ, h)
				}
				continue
			}
			ref, ok := refs[id]
			if !ok {
				t.Errorf("record %s (%s) not reported by the writer", id, typ)
				continue
			}
			seen++
			if ref.File != wf.Name || ref.Offset != rec.Offset || ref.Length != rec.Size {
				t.Errorf("record %s: writer says %s@%d+%d, gowarc reads %s@%d+%d", id, ref.File, ref.Offset, ref.Length, wf.Name, rec.Offset, rec.Size)
			}
			if h.Get("WARC-Target-URI") == "" {
				t.Errorf("record %s: no WARC-Target-URI", id)
			}
			switch typ {
			case "request":
				req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(block)))
				if err != nil || req.Method != "GET" || req.Host == "" {
					t.Errorf("record %s: request block does not parse: %v", id, err)
				}
				if c := h.Get("WARC-Concurrent-To"); refs[c].Type != "response" {
					t.Errorf("request %s: WARC-Concurrent-To %q is not a response", id, c)
				}
			case "response":
				resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(block)), nil)
				if err != nil {
					t.Errorf("record %s: response block does not parse: %v", id, err)
					continue
				}
				payload, _ := io.ReadAll(resp.Body)
				if got, _ := gowarc.GetDigest(bytes.NewReader(payload), gowarc.SHA256Base32); got != h.Get("WARC-Payload-Digest") {
					t.Errorf("record %s: payload digest %s, header %s", id, got, h.Get("WARC-Payload-Digest"))
				}
				if h.Get("WARC-IP-Address") != "127.0.0.1" || h.Get("Content-Type") != "application/http;msgtype=response" {
					t.Errorf("record %s: %v", id, h)
				}
				if !strings.Contains(string(payload), "[masked:email]") || h.Get("Vigie-Original-Payload-Digest") == "" {
					t.Errorf("record %s: payload not masked, or original digest missing", id)
				}
			case "metadata":
				if c := h.Get("WARC-Concurrent-To"); refs[c].Type != "response" {
					t.Errorf("metadata %s: WARC-Concurrent-To %q is not a response", id, c)
				}
				if !strings.Contains(string(block), `"certificates"`) || !strings.Contains(string(block), "BEGIN CERTIFICATE") {
					t.Errorf("metadata %s lacks the TLS chain: %s", id, block)
				}
			default:
				t.Errorf("record %s: type %q", id, typ)
			}
		}
		f.Close()
	}
	if seen != len(refs) {
		t.Errorf("gowarc read %d records, writer reported %d", seen, len(refs))
	}
}

// TestReadWARCAgrees checks Vigie's own reader against what the writer
// reported, on the same kind of output.
func TestReadWARCAgrees(t *testing.T) {
	dir := t.TempDir()
	testScan(t, dir, testKey(t), false)
	names, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if len(names) != 1 {
		t.Fatalf("WARC files %v", names)
	}
	f, err := os.Open(names[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var types []string
	err = ReadWARC(f, func(r *WARCRecord) error {
		types = append(types, r.Type())
		if p := r.Check(); len(p) > 0 {
			t.Errorf("record %s: %v", r.ID(), p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// warcinfo; request, response, metadata twice; metadata of the failed
	// exchange (no request was written); the TLS document.
	want := "warcinfo request response metadata request response metadata metadata metadata"
	if got := strings.Join(types, " "); got != want {
		t.Errorf("records %s\nwant    %s", got, want)
	}
}

func TestParseRef(t *testing.T) {
	r := Ref{File: "scan-x-00000.warc.gz", ID: "<urn:uuid:0b6e1c1e-0000-4000-8000-000000000000>"}
	file, id, err := ParseRef(r.String())
	if err != nil || file != r.File || id != r.ID {
		t.Errorf("ParseRef(%q) = %q, %q, %v", r.String(), file, id, err)
	}
	for _, bad := range []string{"sha256:abc", "warc:file", "warc:#id"} {
		if _, _, err := ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q) succeeded", bad)
		}
	}
}

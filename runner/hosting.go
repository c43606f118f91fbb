package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"vigie/dnsq"
	"vigie/fetch"
	"vigie/hosting"
)

// HostingSettings select how a scan looks up where sites are hosted.
type HostingSettings struct {
	// Off skips the hosting lookups (and their DNS questions).
	Off bool
	// HDSList is a list of certified health-data hosts replacing the
	// shipped one (--hds-list FILE; see hosting.ReadHDSList).
	HDSList string
	// DataDir is the IP dataset's directory (--ip-data DIR); "" for the
	// one vigie data update fills (hosting.DataDir).
	DataDir string
}

// hostingData is what a scan judges hosting with besides DNS: the IP
// dataset (nil when there is none) and the HDS list (nil for the shipped
// one).
type hostingData struct {
	db  *hosting.DB
	hds *hosting.HDSList
}

// load opens the dataset and reads the HDS list. A missing dataset is no
// error unless --ip-data named it: hosting is then recorded without AS or
// country (and without verdicts), and a note goes to stderr.
func (s HostingSettings) load(stderr io.Writer) (hostingData, error) {
	var d hostingData
	if s.Off {
		return d, nil
	}
	if s.HDSList != "" {
		l, err := hosting.ReadHDSList(s.HDSList)
		if err != nil {
			return d, err
		}
		d.hds = l
	}
	dir := s.DataDir
	if dir == "" {
		if dd, err := hosting.DataDir(); err == nil {
			dir = dd
		}
	}
	if dir == "" {
		return d, nil
	}
	db, err := hosting.Open(dir)
	switch {
	case err == nil:
		d.db = db
	case s.DataDir == "" && errors.Is(err, fs.ErrNotExist):
		if stderr != nil {
			fmt.Fprintf(stderr, "note: no IP dataset in %s (run vigie data update): hosting recorded without AS, country or verdicts\n", dir)
		}
	default:
		return d, err
	}
	return d, nil
}

// judge returns the hosting judge of a scan fetching with fo: DNS goes to
// fo.DNS (--dns), or to the system's resolvers unless --no-dns forbids
// them, and then nothing is looked up (nil). It records in settings, when
// not nil, which DNS server, HDS list and datasets it uses.
func (d hostingData) judge(off bool, fo fetch.Options, settings map[string]string) *hosting.Judge {
	if off || (fo.NoDNS && fo.DNS == "") {
		return nil
	}
	timeout := dnsq.DefaultTimeout
	if fo.Timeout > 0 {
		timeout = min(timeout, fo.Timeout)
	}
	j := &hosting.Judge{DNS: &dnsq.Client{Server: fo.DNS, Timeout: timeout}, DB: d.db, HDS: d.hds}
	if settings != nil {
		settings["dns_server"] = fo.DNS
		settings["hds_list"] = "vigie"
		if d.hds != nil {
			settings["hds_list"] = d.hds.Source
		}
		var ds []string
		for _, x := range d.db.Datasets() {
			ds = append(ds, x.Name+"@"+x.Date+" sha256:"+x.SHA256)
		}
		settings["ip_datasets"] = strings.Join(ds, "; ")
	}
	return j
}

// DataUpdateOptions are the settings of `vigie data update`.
type DataUpdateOptions struct {
	// Dir receives the files ("" for hosting.DataDir()).
	Dir string
	// BaseURL, when set, replaces the directory part of every source URL
	// (a mirror, or a test server).
	BaseURL string
	Stdout  io.Writer
}

// DataUpdate fetches the current release of the open IP datasets into
// o.Dir and prints what it wrote.
func DataUpdate(ctx context.Context, o DataUpdateOptions) error {
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	dir := o.Dir
	if dir == "" {
		d, err := hosting.DataDir()
		if err != nil {
			return err
		}
		dir = d
	}
	src := hosting.DefaultSources()
	if o.BaseURL != "" {
		for i := range src.Files {
			u := src.Files[i].URL
			src.Files[i].URL = strings.TrimSuffix(o.BaseURL, "/") + "/" + u[strings.LastIndexByte(u, '/')+1:]
		}
	}
	m, err := hosting.Update(ctx, nil, src, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Stdout, "%s (%s) in %s, fetched %s:\n", m.Name, m.Homepage, dir, m.Date)
	for _, f := range m.Files {
		fmt.Fprintf(o.Stdout, "  %-34s %-7s built %s  %9d bytes  sha256:%s  %s\n", f.Name, f.Kind, f.Built, f.Size, f.SHA256, f.Licence)
	}
	fmt.Fprintln(o.Stdout, "Country data: CC0 1.0. ASN data: CC BY 4.0, by RouteViews, DB-IP (https://db-ip.com/) and the NRO.")
	return nil
}

package scan

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"vigie/evidence"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii/detect"
	"vigie/store"
	"vigie/target"
)

// Evidence configures the capture of evidence: the exchanges findings
// rely on, written as WARC records with a signed manifest (see package
// evidence). The fetcher then records every exchange, and each site's
// exchanges are written, or dropped, once its findings are known.
type Evidence struct {
	// Dir receives the scan's WARC files, manifest and signature. When it
	// is empty, a directory named after the scan ID is made in Root.
	Dir, Root string
	// All archives every exchange of the scan, not only those findings
	// rely on.
	All bool
	// KeepPersonalData stores bodies verbatim; otherwise Redactor masks
	// them (evidence.MaskPersonalData when nil).
	KeepPersonalData bool
	Redactor         evidence.Redactor
	RedactorName     string
	// Key signs the manifest.
	Key ed25519.PrivateKey
	// MaxFileSize rolls WARC files over (evidence.DefaultMaxFileSize when
	// 0).
	MaxFileSize int64
}

// archiver writes the evidence of one scan.
type archiver struct {
	a   *evidence.Archive
	all bool
}

// openEvidence starts the evidence of scan sc when o asks for it, and
// records its directory in the scan's settings ("evidence_dir").
func openEvidence(o Options, sc *store.Scan, targets []target.Target) (*archiver, error) {
	ev := o.Evidence
	if ev == nil {
		return nil, nil
	}
	dir := ev.Dir
	if dir == "" {
		if ev.Root == "" {
			return nil, errors.New("scan: evidence needs a directory (Evidence.Dir or Evidence.Root)")
		}
		dir = filepath.Join(ev.Root, sc.ID)
		if o.Resume != nil {
			// The interrupted run signed its own manifest there.
			dir += "-resumed-" + time.Now().UTC().Format("20060102T150405Z")
		}
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	settings := maps.Clone(sc.Settings)
	if settings == nil {
		settings = map[string]string{}
	}
	settings["evidence_dir"] = dir
	sc.Settings = settings
	urls := make([]string, len(targets))
	for i, t := range targets {
		urls[i] = t.URL
	}
	a, err := evidence.Create(dir, evidence.ArchiveOptions{
		Scan: sc.ID, Version: sc.Version, Settings: settings, Targets: urls, Started: sc.Started,
		All: ev.All, KeepPersonalData: ev.KeepPersonalData, Redactor: ev.Redactor, RedactorName: ev.RedactorName,
		Key: ev.Key, MaxFileSize: ev.MaxFileSize,
	})
	if err != nil {
		return nil, err
	}
	return &archiver{a: a, all: ev.All}, nil
}

// source is a probe whose exchanges are archived, and the findings that
// rely on it.
type source struct {
	probe    *observation.Probe
	findings []string
}

// site writes the exchanges the findings of site rely on (all of them
// with All), each once, sets each finding's Evidence to the references
// and adds the findings to the manifest. It then releases the exchanges.
//
// A finding relies on the pages, active probes and root probes whose
// requested or final URL is its URL; transport findings on both root probes, TLS findings on
// the HTTPS root probe and the TLS audit report. A finding matching
// nothing falls back on the root probes.
func (ar *archiver) site(site *observation.Site, fs []finding.Finding) error {
	probes := []*observation.Probe{site.HTTPS, site.HTTP}
	for i := range site.Pages {
		probes = append(probes, &site.Pages[i].Probe)
	}
	for i := range site.ActiveProbes {
		probes = append(probes, &site.ActiveProbes[i].Probe)
	}
	// The requests sent after the crawl (security.txt, foreign Origin)
	// are the evidence of the wellknown.* and CORS findings.
	if st := site.SecurityTxt; st != nil {
		probes = append(probes, &observation.Probe{URL: st.URL, FinalURL: st.URL, Exchanges: st.Exchanges})
		st.Exchanges = nil
	}
	for i := range site.OriginProbes {
		op := &site.OriginProbes[i]
		probes = append(probes, &observation.Probe{URL: op.URL, FinalURL: op.URL, Exchanges: op.Exchanges})
		op.Exchanges = nil
	}
	defer func() {
		for _, p := range probes {
			if p != nil {
				p.Exchanges = nil
			}
		}
	}()

	// Probes that share their exchanges (the root probe and the entry page
	// it became) share the backing array: its first element is the key.
	sources := map[*observation.Exchange]*source{}
	var order []*observation.Exchange
	use := func(p *observation.Probe, findingID string) *observation.Exchange {
		if p == nil || len(p.Exchanges) == 0 {
			return nil
		}
		k := &p.Exchanges[0]
		s := sources[k]
		if s == nil {
			s = &source{probe: p}
			sources[k] = s
			order = append(order, k)
		}
		if findingID != "" && !slices.Contains(s.findings, findingID) {
			s.findings = append(s.findings, findingID)
		}
		return k
	}
	if ar.all {
		for _, p := range probes {
			use(p, "")
		}
	}
	relies := make([][]*observation.Exchange, len(fs))
	var tlsFindings, mailFindings []string
	for i := range fs {
		f := &fs[i]
		var keys []*observation.Exchange
		add := func(k *observation.Exchange) {
			if k != nil && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		family, _, _ := strings.Cut(f.Check, ".")
		switch family {
		case "transport":
			add(use(site.HTTPS, f.ID))
			add(use(site.HTTP, f.ID))
		case "tls":
			add(use(site.HTTPS, f.ID))
			tlsFindings = append(tlsFindings, f.ID)
		case "mail":
			// The mail audit (DNS answers, MTA-STS policy, STARTTLS)
			// is their evidence, not the site's pages.
			mailFindings = append(mailFindings, f.ID)
			continue
		}
		for _, u := range evidencePages(f) {
			for _, p := range probes {
				if p != nil && probeAt(p, u) {
					add(use(p, f.ID))
				}
			}
		}
		if len(keys) == 0 {
			add(use(site.HTTPS, f.ID))
			add(use(site.HTTP, f.ID))
		}
		relies[i] = keys
	}

	written := map[*observation.Exchange][]evidence.Ref{}
	for _, k := range order {
		s := sources[k]
		for j := range s.probe.Exchanges {
			ref, err := ar.a.WriteExchange(&s.probe.Exchanges[j], site.URL, s.findings)
			if err != nil {
				return err
			}
			written[k] = append(written[k], ref)
		}
	}
	var tlsRef *evidence.Ref
	if rep := site.TLSProbe; rep != nil && (len(tlsFindings) > 0 || ar.all) {
		ref, err := ar.a.WriteDocument(tlsTarget(rep), "tls-probe", rep, site.URL, tlsFindings)
		if err != nil {
			return err
		}
		tlsRef = &ref
	}

	var mailRef *evidence.Ref
	if md := site.Mail; md != nil && (len(mailFindings) > 0 || ar.all) {
		ref, err := ar.a.WriteDocument("dns:"+md.Domain, "mail-audit", md, site.URL, mailFindings)
		if err != nil {
			return err
		}
		mailRef = &ref
	}

	browserRefs, err := ar.rendered(site, fs)
	if err != nil {
		return err
	}
	if err := ar.consent(site, fs, browserRefs); err != nil {
		return err
	}
	hostingRefs, err := ar.hosting(site, fs)
	if err != nil {
		return err
	}

	for i := range fs {
		f := &fs[i]
		var refs []evidence.EvidenceRef
		for _, k := range relies[i] {
			for _, r := range written[k] {
				refs = append(refs, evidence.EvidenceRefOf(r))
			}
		}
		if tlsRef != nil && slices.Contains(tlsFindings, f.ID) {
			refs = append(refs, evidence.EvidenceRefOf(*tlsRef))
		}
		if mailRef != nil && slices.Contains(mailFindings, f.ID) {
			refs = append(refs, evidence.EvidenceRefOf(*mailRef))
		}
		for _, r := range browserRefs[f.ID] {
			refs = append(refs, evidence.EvidenceRefOf(r))
		}
		for _, r := range hostingRefs[f.ID] {
			refs = append(refs, evidence.EvidenceRefOf(r))
		}
		f.Evidence = f.Evidence[:0]
		for _, r := range refs {
			f.Evidence = append(f.Evidence, r.Ref)
		}
		err := ar.a.AddFinding(evidence.FindingEvidence{
			ID: f.ID, Check: f.Check, Severity: f.Severity.String(), Title: f.Title, Site: f.Site, URL: f.URL, Evidence: refs,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// rendered archives, for each page rendered in the browser that carries
// findings, what the browser saw (requests, cookies, storage, leaks) as a
// metadata document and the page's screenshot, and returns the references
// by finding ID. A screenshot of a page that shows other people's data
// is kept only with that data blacked out (see screenshotKept).
func (ar *archiver) rendered(site *observation.Site, fs []finding.Finding) (map[string][]evidence.Ref, error) {
	out := map[string][]evidence.Ref{}
	for i := range site.Pages {
		p := &site.Pages[i]
		r := p.Rendering
		if r == nil {
			continue
		}
		var ids []string
		for _, f := range fs {
			u := finding.NormaliseURL(f.URL)
			if probeAt(&p.Probe, u) || sameURL(r.URL, u) {
				ids = append(ids, f.ID)
			}
		}
		if len(ids) == 0 && !ar.all {
			continue
		}
		doc, err := ar.a.WriteDocument(r.URL, "browser-rendering", r, site.URL, ids)
		if err != nil {
			return nil, err
		}
		refs := []evidence.Ref{doc}
		if len(r.Screenshot) > 0 && screenshotKept(ar.a.KeepsPersonalData(), p.Personal.Has(), r) {
			shot, err := ar.a.WriteScreenshot(r.URL, r.Screenshot, site.Ended, site.URL, ids)
			if err != nil {
				return nil, err
			}
			refs = append(refs, shot)
		}
		r.Screenshot = nil
		for _, id := range ids {
			out[id] = append(out[id], refs...)
		}
	}
	return out, nil
}

// hosting archives what the site's hosting was judged on, for every site
// looked up: each DNS answer as received (server, time, wire message) and
// the hosting facts with the datasets' names, dates and SHA-256, for the
// site's host and for the third parties receiving its data. It returns the
// references by ID of the findings relying on them (hosting.* on the
// site's host, thirdparty.outside-eea on the parties'), and releases the
// answers.
func (ar *archiver) hosting(site *observation.Site, fs []finding.Finding) (map[string][]evidence.Ref, error) {
	out := map[string][]evidence.Ref{}
	write := func(h *observation.Hosting, relies func(string) bool) error {
		if h == nil {
			return nil
		}
		var ids []string
		for _, f := range fs {
			if relies(f.Check) {
				ids = append(ids, f.ID)
			}
		}
		var refs []evidence.Ref
		for _, a := range h.DNS {
			if len(a.Wire) == 0 {
				continue
			}
			ref, err := ar.a.WriteDNS(a.Server, a.Name, a.Type, a.Time, a.Wire, site.URL, ids)
			if err != nil {
				return err
			}
			refs = append(refs, ref)
		}
		h.DNS = nil
		doc, err := ar.a.WriteDocument("dns:"+h.Host, "hosting", h, site.URL, ids)
		if err != nil {
			return err
		}
		refs = append(refs, doc)
		for _, id := range ids {
			out[id] = append(out[id], refs...)
		}
		return nil
	}
	if err := write(site.Hosting, func(c string) bool { return strings.HasPrefix(c, "hosting.") }); err != nil {
		return nil, err
	}
	for _, h := range site.PartyHosting {
		if err := write(h, func(c string) bool { return c == "thirdparty.outside-eea" }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// consent archives, for the consent findings of site (every site with
// All), the consent pass as a metadata document (banners, controls, and
// the requests, cookies and storage after each choice) and the screenshot
// of the banner as first shown, adding the references to refs.
func (ar *archiver) consent(site *observation.Site, fs []finding.Finding, refs map[string][]evidence.Ref) error {
	c := site.Consent
	if c == nil {
		return nil
	}
	var ids []string
	for _, f := range fs {
		if strings.HasPrefix(f.Check, "consent.") {
			ids = append(ids, f.ID)
		}
	}
	if len(ids) == 0 && !ar.all {
		return nil
	}
	doc, err := ar.a.WriteDocument(c.URL, "browser-consent", c, site.URL, ids)
	if err != nil {
		return err
	}
	out := []evidence.Ref{doc}
	personal := len(site.Pages) > 0 && site.Pages[0].Personal.Has()
	shot := &observation.Rendering{ScreenshotMasked: c.ScreenshotMasked, ScreenshotUnmasked: c.ScreenshotUnmasked}
	if len(c.Screenshot) > 0 && screenshotKept(ar.a.KeepsPersonalData(), personal, shot) {
		ref, err := ar.a.WriteScreenshot(c.URL, c.Screenshot, site.Ended, site.URL, ids)
		if err != nil {
			return err
		}
		out = append(out, ref)
	}
	c.Screenshot = nil
	for _, id := range ids {
		refs[id] = append(refs[id], out...)
	}
	return nil
}

// screenshotKept says whether the screenshot of rendering r may go to
// the evidence: always when personal data is kept; for a page where no
// personal data was found, as the browser left it (it drops screenshots
// showing personal data it found but could not hide); for a page known to
// show personal data, only when the browser read the whole page and
// blacked that data out.
func screenshotKept(keepPersonal, personal bool, r *observation.Rendering) bool {
	switch {
	case keepPersonal:
		return true
	case !personal:
		return true
	default:
		return r.ScreenshotMasked > 0 && r.ScreenshotUnmasked == ""
	}
}

// evidencePagesPerFinding bounds the pages whose exchanges a grouped
// finding keeps: a few show the defect as well as forty would.
const evidencePagesPerFinding = 3

// evidencePages returns the normalised URLs of the pages a finding's
// evidence comes from: its URL and, for a finding grouped over several
// pages, the next pages it lists, up to evidencePagesPerFinding.
func evidencePages(f *finding.Finding) []string {
	out := []string{finding.NormaliseURL(f.URL)}
	for _, p := range finding.Pages(f.Detail) {
		if len(out) == evidencePagesPerFinding {
			break
		}
		if u := finding.NormaliseURL(p); !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// probeAt reports whether the probe requested, or ended at, the
// normalised URL u.
func probeAt(p *observation.Probe, u string) bool {
	return sameURL(p.URL, u) || (p.FinalURL != "" && sameURL(p.FinalURL, u))
}

// sameURL reports whether raw is the normalised URL u of a finding, which
// names it with its personal query values masked (see check.Reporter).
func sameURL(raw, u string) bool {
	if finding.NormaliseURL(raw) == u {
		return true
	}
	masked := detect.MaskText(raw)
	return masked != raw && finding.NormaliseURL(masked) == u
}

// tlsTarget is the URI a TLS audit report is about.
func tlsTarget(rep *observation.TLSReport) string {
	host := rep.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	u := url.URL{Scheme: "https", Host: host, Path: "/"}
	if rep.Port != 0 && rep.Port != 443 {
		u.Host += ":" + strconv.Itoa(rep.Port)
	}
	return u.String()
}

// close writes and signs the manifest.
func (ar *archiver) close(sum *Summary) error {
	res, err := ar.a.Close(sum.Scan.Ended)
	if err != nil {
		return fmt.Errorf("writing evidence: %w", err)
	}
	sum.Evidence = res
	return nil
}

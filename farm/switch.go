package farm

import "fmt"

// ServeAs serves the listed site whose ID (Site.ID) is siteID as archetype
// arch from now on, under its own domain: a site's posture changes while
// the farm runs (a form moves to HTTP, a fix is undone), as real sites
// change between two scheduled scans. The site keeps its listed URL,
// organisation and tags; Expectations are not revised.
func (f *Farm) ServeAs(siteID, arch string) error {
	archs, err := compiled()
	if err != nil {
		return err
	}
	dst := findArch(archs, arch)
	if dst == nil {
		return fmt.Errorf("farm: no archetype %q", arch)
	}
	f.hostsMu.Lock()
	defer f.hostsMu.Unlock()
	for _, s := range f.sites {
		if s.id == siteID {
			f.reassign(s, dst)
			return nil
		}
	}
	return fmt.Errorf("farm: no listed site %q", siteID)
}

// reassign serves s as dst; f.hostsMu must be held.
func (f *Farm) reassign(s *siteInst, dst *compiledArch) {
	for _, h := range s.arch.hosts {
		delete(f.hosts, hostName(h.spec.Label, s.domain))
	}
	s.arch = dst
	for _, h := range dst.hosts {
		name := hostName(h.spec.Label, s.domain)
		f.hosts[name] = &vhost{name: name, site: s, host: h}
	}
}

package farm

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestServeAs(t *testing.T) {
	f := startFarm(t, Options{})
	c := newClient(t, f, 10*time.Second)
	contact := func() string {
		resp, err := c.Get("https://www.pref-allier.test/contact.html")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if p := contact(); strings.Contains(p, `action="http://`) {
		t.Fatalf("pref-ok posts over HTTP before the switch")
	}
	if err := f.ServeAs(SiteID("https://www.pref-allier.test/"), "action-http"); err != nil {
		t.Fatal(err)
	}
	if p := contact(); !strings.Contains(p, `action="http://www.pref-allier.test/`) {
		t.Errorf("after ServeAs(action-http), the contact form does not post over HTTP:\n%s", p)
	}
	for _, c := range []struct{ site, arch string }{
		{"https://nowhere.test/", "action-http"},
		{SiteID("https://www.pref-allier.test/"), "no-such-archetype"},
	} {
		if err := f.ServeAs(c.site, c.arch); err == nil {
			t.Errorf("ServeAs(%s, %s): no error", c.site, c.arch)
		}
	}
}

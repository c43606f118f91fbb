package runner

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vigie/internal/chromiumtest"
)

// waitPath waits until the page's path ends with suffix: a click that
// navigates leaves the old page's elements visible for a moment.
func waitPath(suffix string) chromedp.Action[chromedp.Void] {
	location := chromedp.Location()
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for {
			// Errors while the page navigates are expected: try again.
			if loc, err := location(ctx, t); err == nil && strings.HasSuffix(loc, suffix) {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// artefacts returns the directory screenshots go to: $VIGIE_ARTEFACTS, or
// a new temporary directory kept after the test.
func artefacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("VIGIE_ARTEFACTS")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "vigie-artefacts-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// TestDashboardInChromium drives the dashboard as a user would: sign in,
// launch a scan of farm sites and watch it finish, open a finding and its
// evidence, open a case, record an event with a document, and publish the
// chronology, with a full-page screenshot of each main page.
func TestDashboardInChromium(t *testing.T) {
	browser := chromiumtest.Tab(t)
	f := startFarm(t)
	d := startDashboard(t, ServeOptions{AllowPrivate: true, Fetch: farmFetch(f), Concurrency: 8})
	shots := artefacts(t)
	doc := filepath.Join(t.TempDir(), "accuse-reception.txt")
	if err := os.WriteFile(doc, []byte("Accusé de réception du DPO"), 0o600); err != nil {
		t.Fatal(err)
	}

	step := func(name string, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, timeout)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			// Say where the browser is and what it shows.
			dctx, dcancel := context.WithTimeout(browser, 5*time.Second)
			defer dcancel()
			loc, _ := chromedp.Run(dctx, chromedp.Location())
			body, _ := chromedp.Run(dctx, chromedp.Text(chromedp.CSS("body")))
			if png, err := chromedp.Run(dctx, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(shots, "failed-"+strings.ReplaceAll(name, " ", "-")+".png"), png, 0o644)
			}
			t.Fatalf("%s: %v (at %s)\n%s", name, err, loc, body)
		}
	}
	text := func(sel string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 10*time.Second)
		defer cancel()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	screenshot := func(name string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 20*time.Second)
		defer cancel()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	step("login", 20*time.Second,
		chromedp.Navigate(d.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=password]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=user]`), "ed"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), servePassword),
		chromedp.Click(chromedp.CSS(`.login button`)),
		chromedp.WaitVisible(chromedp.CSS(`section.cards`)),
	)

	// Six of the farm's sites, pasted as CSV so that they keep their
	// organisations and tags.
	var all strings.Builder
	if err := f.WriteTargetsCSV(&all); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(all.String()), "\n")
	targets := []string{lines[0]}
	for _, l := range lines[1:] {
		if strings.Contains(l, "pref-ain.test") || len(targets) < 6 && !strings.Contains(l, "pref-ain") {
			targets = append(targets, l)
		}
	}
	sites := strconv.Itoa(len(targets) - 1)
	step("launch", 20*time.Second,
		chromedp.Navigate(d.URL+"/scans"),
		chromedp.WaitVisible(chromedp.CSS(`#launch textarea`)),
		chromedp.SetValue(chromedp.CSS(`#launch textarea`), strings.Join(targets, "\n")),
		chromedp.Click(chromedp.CSS(`#launch button`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[id^="scan-"]`)),
	)
	// The page's script follows the scan until it finishes, then shows
	// the final counts.
	step("scan finishes", 120*time.Second, chromedp.WaitVisible(chromedp.CSS(`tr.finished`)))
	step("scans", 20*time.Second, chromedp.Navigate(d.URL+"/scans"), chromedp.WaitVisible(chromedp.CSS(`tr.finished`)))
	if got := text(`tr.finished .count`); got != sites+"/"+sites {
		t.Errorf("finished scan shows %q sites, want %s/%s", got, sites, sites)
	}
	screenshot("scans")

	step("overview", 20*time.Second, chromedp.Navigate(d.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`svg.chart`)))
	screenshot("overview")
	step("organisations", 20*time.Second, chromedp.Navigate(d.URL+"/organisations"), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	screenshot("organisations")
	step("site", 20*time.Second,
		chromedp.Navigate(d.URL+"/sites?failing=1"),
		chromedp.Click(chromedp.CSS(`table.list tbody a[href^="/site?url="]`)),
		chromedp.WaitVisible(chromedp.CSS(`dl.facts`)),
	)
	screenshot("site")

	step("finding", 20*time.Second,
		chromedp.Navigate(d.URL+"/findings?check=form.http-page"),
		chromedp.Click(chromedp.CSS(`table.findings tbody a[href^="/findings/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#evidence`)),
		chromedp.WaitVisible(chromedp.CSS(`article.exchange pre.head`)),
	)
	if ev := text(`main`); !strings.Contains(ev, "HTTP/1.1 200 OK") || !strings.Contains(ev, "Signature") {
		t.Errorf("finding page lacks its evidence:\n%s", ev)
	}
	screenshot("finding")

	step("open cases", 20*time.Second,
		chromedp.Navigate(d.URL+"/cases"),
		chromedp.WaitVisible(chromedp.CSS(`#open-cases button`)),
		chromedp.Click(chromedp.CSS(`#open-cases button`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list tbody a[href^="/cases/C-"], ol.timeline`)),
	)
	step("cases", 20*time.Second, chromedp.Navigate(d.URL+"/cases"), chromedp.WaitVisible(chromedp.CSS(`table.list tbody a[href^="/cases/C-"]`)))
	screenshot("cases")
	step("record an event", 30*time.Second,
		chromedp.Click(chromedp.CSS(`table.list tbody a[href^="/cases/C-"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#event`)),
		chromedp.SetValue(chromedp.CSS(`#event select[name=kind]`), "dpo-alerted"),
		chromedp.SetValue(chromedp.CSS(`#event textarea[name=text]`), "Alerte envoyée au DPO"),
		chromedp.SetUploadFiles(chromedp.CSS(`#event input[name=document]`), []string{doc}),
		chromedp.Click(chromedp.CSS(`#event button`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.timeline a[href*="/documents/"]`)),
	)
	if tl := text(`ol.timeline`); !strings.Contains(tl, "DPO alert") || !strings.Contains(tl, "accuse-reception.txt") {
		t.Errorf("timeline after the event:\n%s", tl)
	}
	screenshot("case")
	step("publish", 20*time.Second,
		chromedp.Click(chromedp.CSS(`#publish button`)),
		waitPath("/chronology"),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	loc, err := chromedp.Run(browser, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/chronology") {
		t.Fatalf("after publishing: %q %v", loc, err)
	}
	if page := text(`body`); !strings.Contains(page, "Alerte envoyée au DPO") && !strings.Contains(strings.ToLower(page), "dpo") {
		t.Errorf("chronology:\n%s", page)
	}
	screenshot("chronology")
	step("catalogue", 20*time.Second, chromedp.Navigate(d.URL+"/checks"), chromedp.WaitVisible(chromedp.CSS(`article.check`)))
	screenshot("catalogue")

	for _, name := range []string{"overview", "organisations", "site", "finding", "scans", "cases", "case", "catalogue"} {
		if st, err := os.Stat(filepath.Join(shots, name+".png")); err != nil || st.Size() < 1000 {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
}

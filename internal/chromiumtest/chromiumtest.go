// Package chromiumtest finds and starts headless Chromium for tests only:
// a missing browser fails the test when CI=true and skips it otherwise.
package chromiumtest

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"vigie/browser"
)

// Path returns the Chromium executable browser.Find finds. When there is
// none, it fails the test under CI=true, where the browser must be
// installed, and skips it otherwise.
func Path(t testing.TB) string {
	t.Helper()
	p, err := browser.Find("")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is not installed; CI must install it: %v", err)
		}
		t.Skipf("Chromium is not installed: %v", err)
	}
	return p
}

// Tab starts a headless Chromium with a fresh profile and a 1280x900
// window, plus extraFlags, and returns a chromedp context for its first
// tab. The browser is killed when the test ends. Tab skips the test under
// -short, and when Chromium is missing as Path does.
func Tab(t testing.TB, extraFlags ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Path(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}, extraFlags...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

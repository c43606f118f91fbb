package scan

import (
	"context"
	"sync/atomic"
	"testing"
)

// BenchmarkBrowserConsent measures what the consent pass costs in browser
// mode: the farm's browser sites audited one at a time, with and without
// it, in seconds per rendered page and per site.
//
//	go test ./scan/ -run '^$' -bench BrowserConsent -benchtime 1x
func BenchmarkBrowserConsent(b *testing.B) {
	for _, tc := range []struct {
		name      string
		noConsent bool
	}{{"without", true}, {"with", false}} {
		b.Run(tc.name, func(b *testing.B) {
			_, targets, o := browserFarm(b)
			o.Concurrency = 1
			o.Browser.Tabs = 1
			o.Browser.NoConsent = tc.noConsent
			var pages, banners atomic.Int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, err := Run(context.Background(), targets, o, func(r *Result) error {
					for _, p := range r.Site.Pages {
						if p.Rendering != nil {
							pages.Add(1)
						}
					}
					if c := r.Site.Consent; c != nil && len(c.Banners) > 0 {
						banners.Add(1)
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(s/float64(max(pages.Load(), 1)), "s/page")
			b.ReportMetric(s/float64(len(targets)*b.N), "s/site")
			b.ReportMetric(float64(banners.Load())/float64(b.N), "banners")
		})
	}
}

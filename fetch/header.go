package fetch

import (
	"context"
	"net/http"
)

type headerKey struct{}

// WithHeader returns a context whose GET requests carry the fields of h
// besides the client's own (User-Agent, Accept...), which h may not
// replace. A request with an Origin header is what a browser sends when a
// script of another site reads a URL: still a GET, passive.
func WithHeader(ctx context.Context, h http.Header) context.Context {
	return context.WithValue(ctx, headerKey{}, h.Clone())
}

func extraHeader(ctx context.Context) http.Header {
	h, _ := ctx.Value(headerKey{}).(http.Header)
	for _, k := range []string{"User-Agent", "Accept", "Accept-Language", "Cookie", "Host"} {
		if _, ok := h[k]; ok {
			h = h.Clone()
			delete(h, k)
		}
	}
	return h
}

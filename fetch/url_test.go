package fetch

import (
	"context"
	"net/http"
	"testing"

	"vigie/internal/testpki"
)

// TestIDNAHost: a host name with letters beyond ASCII is requested under
// its IDNA form, in the TLS server name, the Host header and the URLs
// recorded; path and query go percent-encoded.
func TestIDNAHost(t *testing.T) {
	t.Parallel()
	const ascii = "www.xn--mairie-cole-hbb.test" // www.mairie-école.test
	ca := testpki.NewCA(t, "Vigie Test CA")
	var gotHost, gotURI, gotSNI string
	srv := tlsServer(t, ca.Issue(t, testpki.LeafOptions{Names: []string{ascii}}), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHost, gotURI, gotSNI = r.Host, r.RequestURI, r.TLS.ServerName
	}))
	c := newClient(t, Options{ConnectTo: []string{ascii + ":443:127.0.0.1:" + port(t, srv.URL)}, CACertPEM: [][]byte{ca.PEM()}, NoDNS: true})
	r := c.Get(context.Background(), "https://www.Mairie-École.test/démarches?objet=état civil")
	if r.Error != "" {
		t.Fatal(r.Error)
	}
	const wantURI = "/d%C3%A9marches?objet=%C3%A9tat%20civil"
	if gotHost != ascii || gotSNI != ascii || gotURI != wantURI {
		t.Errorf("Host %q SNI %q URI %q, want %q, %q, %q", gotHost, gotSNI, gotURI, ascii, ascii, wantURI)
	}
	if want := "https://" + ascii + wantURI; r.URL != want || r.FinalURL != want {
		t.Errorf("URL %q final %q, want %q", r.URL, r.FinalURL, want)
	}
}

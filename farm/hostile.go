package farm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// hugeSize is the length of the body of a Huge page.
const hugeSize = 1 << 30

// hugeChunk is written over and over: a 1 GiB body is never held in
// memory.
var hugeChunk = func() []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 64<<10; i++ {
		fmt.Fprintf(&b, "<tr><td>3 E %05d</td><td>Registre paroissial, baptêmes, mariages, sépultures</td><td>%d-%d</td></tr>\n", i, 1600+i%200, 1610+i%200)
	}
	return b.Bytes()[:64<<10]
}()

const hugeHead = `<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Inventaire intégral des fonds</title></head>
<body><h1>Inventaire intégral des fonds (version imprimable)</h1>
<table>
`

// serveHuge streams about 1 GiB of HTML without Content-Length; it stops as
// soon as the client goes away or the farm closes.
func serveHuge(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = []string{"text/html; charset=utf-8"}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if _, err := w.Write([]byte(hugeHead)); err != nil {
		return
	}
	ctx := r.Context()
	for n := len(hugeHead); n < hugeSize; n += len(hugeChunk) {
		if ctx.Err() != nil {
			return
		}
		if _, err := w.Write(hugeChunk); err != nil {
			return
		}
	}
}

// hungServer accepts TCP connections and never answers; connections stay
// open until the farm closes.
type hungServer struct {
	ln   net.Listener
	done chan struct{}
	wg   sync.WaitGroup
}

func startHung() (*hungServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("farm: listener that never answers: %w", err)
	}
	s := &hungServer{ln: ln, done: make(chan struct{})}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

func (s *hungServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *hungServer) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			select { // a transient error such as too many open files
			case <-s.done:
				return
			case <-time.After(10 * time.Millisecond):
				continue
			}
		}
		s.wg.Add(2)
		go func() { // read what the client sends, so that closing sends no reset
			defer s.wg.Done()
			io.Copy(io.Discard, c)
		}()
		go func() {
			defer s.wg.Done()
			<-s.done
			c.Close()
		}()
	}
}

func (s *hungServer) close() {
	close(s.done)
	s.ln.Close()
	s.wg.Wait()
}

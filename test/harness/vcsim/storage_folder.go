package main

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/vim25/soap"
)

// The /folder service (datastore file transfers), where real hosts differ from vcsim 0.24.2: a
// request needs a live session cookie (or HTTP Basic credentials), else 401, so a session that
// expired during a long transfer shows on the next request; PUT answers 201 for a new file and 200
// for a replaced one. For tests, a transfer can be cut after a number of body bytes (optionally
// expiring every session at that moment) and throttled. A fault waits for the first body that reaches
// its byte count, so small requests (probes, descriptors) pass.

// transferFault is one armed failure of a future /folder request.
type transferFault struct {
	after  int64 // body bytes moved before the connection is cut
	expire bool  // also terminate every session when cutting
}

type folderState struct {
	mu     sync.Mutex
	faults []transferFault
	rate   int64 // bytes per second, 0 = unlimited
	gets   atomic.Int64
	puts   atomic.Int64
	ranges atomic.Int64
	denied atomic.Int64
	cuts   atomic.Int64
}

var folder folderState

// cutAt reports whether a body that reached `n` bytes is cut now: the first armed fault whose byte count it
// reached is used up (requests with shorter bodies, such as one-byte probes, leave it armed).
func (s *folderState) cutAt(n int64) (transferFault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 || n < s.faults[0].after {
		return transferFault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

func (s *folderState) bytesPerSecond() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rate
}

func (s *folderState) reset() {
	s.mu.Lock()
	s.faults = nil
	s.rate = 0
	s.mu.Unlock()
}

const folderPrefix = "/folder/"

// authorised accepts a live session's cookie, or Basic credentials (which real hosts accept on
// /folder; vcsim accepts any user name and password at Login, so any non-empty user name does).
func authorised(r *http.Request) bool {
	if user, _, ok := r.BasicAuth(); ok && user != "" {
		return true
	}
	c, err := r.Cookie(soap.SessionCookieName)
	if err != nil {
		return false
	}
	key := strings.Trim(c.Value, `"`)
	for _, s := range listSessions() {
		if s.Key == key {
			return true
		}
	}
	return false
}

func serveFolder(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if !authorised(r) {
		folder.denied.Add(1)
		w.Header().Set("WWW-Authenticate", `Basic realm="VMware HTTP server"`)
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	switch r.Method {
	case http.MethodPut:
		folder.puts.Add(1)
		servePut(w, r)
	case http.MethodGet, http.MethodHead:
		folder.gets.Add(1)
		if r.Header.Get("Range") != "" {
			folder.ranges.Add(1)
		}
		cw := &cuttingWriter{ResponseWriter: w, rate: folder.bytesPerSecond()}
		next.ServeHTTP(cw, r)
	default:
		next.ServeHTTP(w, r)
	}
}

// cut ends a transfer as a broken connection would, expiring the sessions first when the fault says so.
func cut(w http.ResponseWriter, f transferFault) {
	folder.cuts.Add(1)
	if f.expire {
		expireSessions()
	}
	abortConnection(w, false)
}

// servePut writes the body to the datastore file, creating parent directories as vcsim does.
func servePut(w http.ResponseWriter, r *http.Request) {
	ds := datastoreByName(r.URL.Query().Get("dsName"))
	if ds == nil {
		http.Error(w, "no such datastore", http.StatusNotFound)
		return
	}
	rel := path.Clean("/" + strings.TrimPrefix(r.URL.Path, folderPrefix))
	file := path.Join(ds.Info.GetDatastoreInfo().Url, rel)
	if rel == "/" {
		http.Error(w, "not a file", http.StatusBadRequest)
		return
	}
	_ = os.MkdirAll(path.Dir(file), 0o700)
	existed := fileExists(file)
	f, err := os.Create(file)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer f.Close()
	src := throttle(r.Body, folder.bytesPerSecond())
	buf := make([]byte, 256*1024)
	var n int64
	for {
		k, err := src.Read(buf)
		if k > 0 {
			if fault, ok := folder.cutAt(n + int64(k)); ok {
				if m := fault.after - n; m > 0 {
					_, _ = f.Write(buf[:m])
				}
				cut(w, fault)
				return
			}
			if _, werr := f.Write(buf[:k]); werr != nil {
				http.Error(w, werr.Error(), http.StatusInternalServerError)
				return
			}
			n += int64(k)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			// The client went away: a real host keeps what arrived; so do we.
			return
		}
	}
	if existed {
		w.WriteHeader(http.StatusOK)
	} else {
		w.WriteHeader(http.StatusCreated)
	}
}

// cuttingWriter passes a response through, throttled, and cuts the connection once an armed
// transfer fault's byte count went out.
type cuttingWriter struct {
	http.ResponseWriter
	rate    int64
	written int64
	done    bool
}

func (c *cuttingWriter) Write(p []byte) (int, error) {
	if c.done {
		return 0, errors.New("connection cut")
	}
	if fault, ok := folder.cutAt(c.written + int64(len(p))); ok {
		k := fault.after - c.written
		if k > 0 {
			_, _ = c.ResponseWriter.Write(p[:k])
		}
		c.written += k
		c.done = true
		folder.cuts.Add(1)
		if fault.expire {
			expireSessions()
		}
		c.abort()
		return int(k), errors.New("connection cut")
	}
	if c.rate > 0 {
		time.Sleep(time.Duration(int64(len(p)) * int64(time.Second) / c.rate))
	}
	n, err := c.ResponseWriter.Write(p)
	c.written += int64(n)
	return n, err
}

func (c *cuttingWriter) abort() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	hj, ok := c.ResponseWriter.(http.Hijacker)
	if !ok {
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	flushAndClose(conn, buf)
}

func flushAndClose(conn net.Conn, buf *bufio.ReadWriter) {
	if buf != nil {
		_ = buf.Flush()
	}
	if tc, ok := conn.(*tls.Conn); ok {
		// Close the TCP connection under TLS without close_notify: a cut, not an orderly end.
		_ = tc.NetConn().Close()
		return
	}
	_ = conn.Close()
}

// throttle limits a reader to rate bytes per second (0: no limit).
func throttle(r io.Reader, rate int64) io.Reader {
	if rate <= 0 {
		return r
	}
	return &slowReader{r: r, rate: rate}
}

type slowReader struct {
	r    io.Reader
	rate int64
}

func (s *slowReader) Read(p []byte) (int, error) {
	if int64(len(p)) > s.rate/10+1 {
		p = p[:s.rate/10+1]
	}
	n, err := s.r.Read(p)
	time.Sleep(time.Duration(int64(n) * int64(time.Second) / s.rate))
	return n, err
}

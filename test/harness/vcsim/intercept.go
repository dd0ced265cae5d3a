package main

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// interceptor sits in front of vcsim's mux: it serves the control endpoints, injects the faults the
// control endpoints arm (dropped connections, error statuses, delays) and routes the methods vcsim
// 0.24.2 lacks to our helper objects by rewriting the type of _this (see route).
type interceptor struct {
	next http.Handler
}

func newInterceptor(next http.Handler) http.Handler {
	return &interceptor{next: next}
}

const controlPrefix = "/esxvirt-test/"

func (h *interceptor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		serveControl(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, folderPrefix) {
		serveFolder(w, r, h.next)
		return
	}
	if r.Method != http.MethodPost || !isSDKPath(r.URL.Path) {
		h.next.ServeHTTP(w, r)
		return
	}

	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	control.requests.Add(1)

	call, sniffed := sniffCall(body)
	if f, drop := control.takeFault(call.method); drop {
		control.dropped.Add(1)
		switch {
		case f.expire:
			expireSessions()
			h.serve(w, r, body, call, sniffed)
			return
		case f.after:
			// executed, but the answer never arrives
			h.serve(httptest.NewRecorder(), r, body, call, sniffed)
			abortConnection(w, f.reset)
			return
		case f.status == 0:
			abortConnection(w, f.reset)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Connection", "close")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, "esxvirt-test: injected HTTP "+strconv.Itoa(f.status)+"\n")
		return
	}
	if d := control.takeDelay(); d > 0 {
		time.Sleep(d)
	}
	h.serve(w, r, body, call, sniffed)
}

// serve hands the request to vcsim, routed to our helper types where we implement the method.
func (h *interceptor) serve(w http.ResponseWriter, r *http.Request, body []byte, call soapCall, sniffed bool) {
	lose := false
	if sniffed {
		lose = answers.lose(call.method)
		if helperType, ok := route(call); ok {
			body = retarget(body, call, helperType)
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	if lose {
		// The call runs, then the connection breaks before the answer: the client cannot tell whether it ran.
		h.next.ServeHTTP(httptest.NewRecorder(), r)
		control.dropped.Add(1)
		abortConnection(w, false)
		return
	}
	h.next.ServeHTTP(w, r)
}

func isSDKPath(p string) bool {
	return p == "/sdk" || p == "/sdk/vimService"
}

// abortConnection closes the client's connection without writing a response, as a crashed or
// restarted server would; the request has been read but is never executed.
// With reset the TCP connection is reset (RST) instead of closed in order (FIN).
func abortConnection(w http.ResponseWriter, reset bool) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if reset {
				raw := conn
				if tc, ok := conn.(*tls.Conn); ok {
					raw = tc.NetConn()
				}
				if tcp, ok := raw.(*net.TCPConn); ok {
					_ = tcp.SetLinger(0)
					_ = tcp.Close()
					return
				}
			}
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

package main

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
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
	f, drop := control.takeFault(call.method)
	if drop && !f.after {
		control.dropped.Add(1)
		if f.status == 0 {
			abortConnection(w, f.reset)
			return
		}
		writeStatus(w, f.status)
		return
	}
	if d := control.takeDelay(); d > 0 {
		time.Sleep(d)
	}

	if sniffed {
		if helperType, ok := route(call); ok {
			body = retarget(body, call, helperType)
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	if drop {
		// executed, but the client never hears the answer
		h.next.ServeHTTP(&discardWriter{header: http.Header{}}, r)
		control.dropped.Add(1)
		afterCall(call, sniffed)
		if f.status == 0 {
			abortConnection(w, f.reset)
		} else {
			writeStatus(w, f.status)
		}
		return
	}
	h.next.ServeHTTP(w, r)
	afterCall(call, sniffed)
}

func writeStatus(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Connection", "close")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, "esxvirt-test: injected HTTP "+strconv.Itoa(status)+"\n")
}

// afterCall runs what ESX does besides a call vcsim handled: devices connect at power-on.
func afterCall(c soapCall, ok bool) {
	if !ok || c.thisType != "VirtualMachine" {
		return
	}
	switch c.method {
	case "PowerOnVM_Task", "PowerOffVM_Task", "ResetVM_Task", "SuspendVM_Task", "AnswerVM":
		afterPowerChange(c.thisValue)
	}
}

// discardWriter takes a response nobody will read.
type discardWriter struct {
	header http.Header
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

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

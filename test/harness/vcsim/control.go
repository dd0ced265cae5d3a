package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// injectedFault is one armed failure for a future SOAP request: status 0 drops the connection. With
// method set it waits for a request of that method; after executes the request first (the answer is
// lost, as when a connection breaks on the way back); expire terminates every session instead, so the
// request is refused with NotAuthenticated like one arriving after its session expired.
type injectedFault struct {
	status int
	reset  bool
	method string
	after  bool
	expire bool
}

// controlState holds what the control endpoints arm; every field is safe for concurrent use.
type controlState struct {
	mu        sync.Mutex
	faults    []injectedFault
	delay     time.Duration
	delayLeft int // requests still to delay; -1 delays every request
	pageSize  atomic.Int64
	requests  atomic.Int64
	dropped   atomic.Int64
}

var control controlState

// takeFault takes the first armed fault for a request of `method` (faults without a method match any).
func (c *controlState) takeFault(method string) (injectedFault, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, f := range c.faults {
		if f.method == "" || f.method == method {
			c.faults = append(c.faults[:i:i], c.faults[i+1:]...)
			return f, true
		}
	}
	return injectedFault{}, false
}

func (c *controlState) takeDelay() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.delayLeft == 0 || c.delay <= 0 {
		return 0
	}
	if c.delayLeft > 0 {
		c.delayLeft--
	}
	return c.delay
}

type controlHandler func(r *http.Request) (interface{}, error)

var controlRoutes map[string]controlHandler

func init() {
	controlRoutes = map[string]controlHandler{
		"":                controlIndex,
		"drop":            controlDrop,
		"delay":           controlDelay,
		"page-size":       controlPageSize,
		"sessions":        controlSessions,
		"expire-sessions": controlExpireSessions,
		"question":        controlArmQuestion,
		"questions":       controlQuestions,
		"stats":           controlStats,
		"reset":           controlReset,
		// migration (migrate_lab.go)
		"create-vm":          controlCreateVM,
		"drs":                controlDRS,
		"host-state":         controlHostState,
		"migration-speed":    controlMigrationSpeed,
		"migration-question": controlMigrationQuestion,
		"migrations":         controlMigrations,
		"host-facts":         controlHostFacts,
	}
}

// serveControl answers /esxvirt-test/<name>?... with JSON; parameters come from the query string.
func serveControl(w http.ResponseWriter, r *http.Request) {
	name := strings.Trim(strings.TrimPrefix(r.URL.Path, controlPrefix), "/")
	w.Header().Set("Content-Type", "application/json")
	h, ok := controlRoutes[name]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "unknown control endpoint: " + name})
		return
	}
	res, err := h(r)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	_ = json.NewEncoder(w).Encode(res)
}

func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("parameter %s: %q is not an integer", name, v)
	}
	return n, nil
}

func boolParam(r *http.Request, name string) bool {
	switch strings.ToLower(r.URL.Query().Get(name)) {
	case "1", "true", "yes":
		return true
	}
	return false
}

func controlIndex(*http.Request) (interface{}, error) {
	names := make([]string, 0, len(controlRoutes))
	for n := range controlRoutes {
		if n != "" {
			names = append(names, n)
		}
	}
	return map[string]interface{}{"endpoints": names}, nil
}

// controlDrop arms the next n SOAP requests to fail: connection closed (default), reset (reset=1),
// or answered with an HTTP status and no SOAP body (status=503); method=X waits for requests of
// method X, after=1 executes the request before dropping its answer, expire=1 expires the sessions.
func controlDrop(r *http.Request) (interface{}, error) {
	n, err := intParam(r, "n", 1)
	if err != nil {
		return nil, err
	}
	status, err := intParam(r, "status", 0)
	if err != nil {
		return nil, err
	}
	if n < 0 || (status != 0 && (status < 100 || status > 599)) {
		return nil, fmt.Errorf("want n >= 0 and status 100..599")
	}
	f := injectedFault{status: status, reset: boolParam(r, "reset"), method: r.URL.Query().Get("method"),
		after: boolParam(r, "after"), expire: boolParam(r, "expire")}
	control.mu.Lock()
	for i := 0; i < n; i++ {
		control.faults = append(control.faults, f)
	}
	pending := len(control.faults)
	control.mu.Unlock()
	return map[string]interface{}{"ok": true, "pending": pending}, nil
}

// controlDelay delays the next n SOAP requests by ms (n=0: every request until ms=0 is set).
func controlDelay(r *http.Request) (interface{}, error) {
	ms, err := intParam(r, "ms", 0)
	if err != nil {
		return nil, err
	}
	n, err := intParam(r, "n", 1)
	if err != nil {
		return nil, err
	}
	if ms < 0 || n < 0 {
		return nil, fmt.Errorf("want ms >= 0 and n >= 0")
	}
	control.mu.Lock()
	control.delay = time.Duration(ms) * time.Millisecond
	control.delayLeft = n
	if n == 0 {
		control.delayLeft = -1
	}
	control.mu.Unlock()
	return map[string]interface{}{"ok": true}, nil
}

func controlPageSize(r *http.Request) (interface{}, error) {
	n, err := intParam(r, "n", 0)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("want n >= 0")
	}
	control.pageSize.Store(int64(n))
	return map[string]interface{}{"ok": true, "pageSize": n}, nil
}

func controlStats(*http.Request) (interface{}, error) {
	return map[string]interface{}{
		"requests": control.requests.Load(),
		"dropped":  control.dropped.Load(),
		"pageSize": control.pageSize.Load(),
	}, nil
}

// controlReset disarms every injected fault, delay and armed question.
func controlReset(*http.Request) (interface{}, error) {
	control.mu.Lock()
	control.faults = nil
	control.delay = 0
	control.delayLeft = 0
	control.mu.Unlock()
	questions.disarmAll()
	migrations.mu.Lock()
	migrations.armed = map[string]armSpec{}
	migrations.mu.Unlock()
	resetStorage()
	return map[string]interface{}{"ok": true}, nil
}

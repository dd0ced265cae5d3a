package main

import (
	"context"
	"net/http"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// controlSessionKey names the pseudo session the control endpoints act as; it is never stored.
const controlSessionKey = "esxvirt-test-control"

func controlContext() *simulator.Context {
	return &simulator.Context{
		Context: context.Background(),
		Map:     simulator.Map,
		Session: &simulator.Session{
			UserSession: types.UserSession{Key: controlSessionKey, UserName: "esxvirt-test"},
			Registry:    simulator.NewRegistry(),
		},
	}
}

// listSessions reads the live sessions through a session view of the SessionManager: vcsim fills
// SessionList there, and its session map is otherwise private.
func listSessions() []types.UserSession {
	sm := simulator.Map.SessionManager()
	view := controlContext().Session.Get(sm.Reference())
	if m, ok := view.(*simulator.SessionManager); ok {
		return m.SessionList
	}
	return nil
}

// expireSessions terminates every live session, as a vCenter restart or an administrator would.
func expireSessions() int {
	ctx := controlContext()
	sm := simulator.Map.SessionManager()
	n := 0
	for _, s := range listSessions() {
		res := sm.TerminateSession(ctx, &types.TerminateSession{This: sm.Self, SessionId: []string{s.Key}})
		if res.Fault() == nil {
			n++
		}
	}
	return n
}

type sessionJSON struct {
	Key            string    `json:"key"`
	UserName       string    `json:"userName"`
	LoginTime      time.Time `json:"loginTime"`
	LastActiveTime time.Time `json:"lastActiveTime"`
}

func controlSessions(*http.Request) (interface{}, error) {
	out := []sessionJSON{}
	for _, s := range listSessions() {
		out = append(out, sessionJSON{s.Key, s.UserName, s.LoginTime, s.LastActiveTime})
	}
	return map[string]interface{}{"sessions": out}, nil
}

func controlExpireSessions(*http.Request) (interface{}, error) {
	return map[string]interface{}{"ok": true, "expired": expireSessions()}, nil
}

const notAuthenticatedMsg = "The session is not authenticated."

// notAuthenticated is the fault a real server returns for calls outside a valid session.
func notAuthenticated(obj types.ManagedObjectReference) *types.NotAuthenticated {
	return &types.NotAuthenticated{NoPermission: types.NoPermission{Object: obj, PrivilegeId: "System.View"}}
}

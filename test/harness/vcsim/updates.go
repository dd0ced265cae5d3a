package main

import (
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// vcsim registers a collector for object updates under the collector's moid, but every session's
// view of the root collector has the same moid: only the session that last started
// WaitForUpdatesEx would hear of changes, and another session waiting on a task would hang. We
// re-register each session's collector under its own key through an updateForwarder.

// forwarderIdle is how long a forwarder keeps feeding a collector nobody waits on (a session that
// logged out or expired); after that it unregisters, so stale sessions do not pile up updates.
const forwarderIdle = 10 * time.Minute

type updateForwarder struct {
	ref      types.ManagedObjectReference
	pc       *simulator.PropertyCollector
	lastWait atomic.Int64 // unix nanoseconds of the last WaitForUpdates(Ex) start or end
	waiting  atomic.Int32
}

func (f *updateForwarder) Reference() types.ManagedObjectReference { return f.ref }

func (f *updateForwarder) touch() { f.lastWait.Store(time.Now().UnixNano()) }

func (f *updateForwarder) live() bool {
	if f.waiting.Load() > 0 || time.Since(time.Unix(0, f.lastWait.Load())) < forwarderIdle {
		return true
	}
	simulator.Map.RemoveHandler(f)
	return false
}

func (f *updateForwarder) PutObject(o mo.Reference) {
	if f.live() {
		f.pc.PutObject(o)
	}
}

func (f *updateForwarder) UpdateObject(o mo.Reference, changes []types.PropertyChange) {
	if f.live() {
		f.pc.UpdateObject(o, changes)
	}
}

func (f *updateForwarder) RemoveObject(ref types.ManagedObjectReference) {
	if f.live() {
		f.pc.RemoveObject(ref)
	}
}

// forwarder returns this collector's forwarder; each session has its own collector instance.
func (pc *pagingCollector) forwarder(ctx *simulator.Context) *updateForwarder {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.fwd == nil {
		key := ""
		if ctx.Session != nil {
			key = ctx.Session.Key
		}
		pc.fwd = &updateForwarder{
			ref: types.ManagedObjectReference{Type: "EsxvirtUpdateForwarder", Value: pc.Self.Value + "|" + key},
			pc:  &pc.PropertyCollector,
		}
	}
	return pc.fwd
}

// waitWith runs vcsim's wait, then moves its shared-key registration to our forwarder. A wait
// that continues a sequence re-registers first, in case the forwarder unregistered while idle.
func (pc *pagingCollector) waitWith(ctx *simulator.Context, initial bool, wait func() soap.HasFault) soap.HasFault {
	f := pc.forwarder(ctx)
	f.touch()
	f.waiting.Add(1)
	defer func() {
		f.waiting.Add(-1)
		f.touch()
	}()
	if !initial {
		simulator.Map.AddHandler(f)
	}
	res := wait()
	if initial {
		simulator.Map.RemoveHandler(&pc.PropertyCollector)
		simulator.Map.AddHandler(f)
	}
	return res
}

func (pc *pagingCollector) WaitForUpdatesEx(ctx *simulator.Context, r *types.WaitForUpdatesEx) soap.HasFault {
	return pc.waitWith(ctx, r.Version == "", func() soap.HasFault { return pc.PropertyCollector.WaitForUpdatesEx(ctx, r) })
}

func (pc *pagingCollector) WaitForUpdates(ctx *simulator.Context, r *types.WaitForUpdates) soap.HasFault {
	return pc.waitWith(ctx, r.Version == "", func() soap.HasFault { return pc.PropertyCollector.WaitForUpdates(ctx, r) })
}

func (pc *pagingCollector) DestroyPropertyCollector(ctx *simulator.Context, c *types.DestroyPropertyCollector) soap.HasFault {
	res := pc.PropertyCollector.DestroyPropertyCollector(ctx, c)
	pc.mu.Lock()
	if pc.fwd != nil {
		simulator.Map.RemoveHandler(pc.fwd)
	}
	pc.mu.Unlock()
	return res
}

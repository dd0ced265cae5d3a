package main

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// snapshotHelper implements VirtualMachineSnapshot methods where vcsim goes wrong (snapshot_ext.go).
type snapshotHelper struct{ objHelper }

const snapshotHelperType = "EsxvirtVirtualMachineSnapshot"

// currentRootSnapshot tells whether the snapshot is its VM's current snapshot and a root of its tree: removing such
// a snapshot makes vcsim 0.24.2 panic (it assigns a nil parent to snapshot.currentSnapshot).
func currentRootSnapshot(moid string) bool {
	ref := types.ManagedObjectReference{Type: "VirtualMachineSnapshot", Value: moid}
	snap, ok := simulator.Map.Get(ref).(*simulator.VirtualMachineSnapshot)
	if !ok {
		return false
	}
	vm, ok := simulator.Map.Get(snap.Vm).(*simulator.VirtualMachine)
	if !ok || vm.Snapshot == nil || vm.Snapshot.CurrentSnapshot == nil || *vm.Snapshot.CurrentSnapshot != ref {
		return false
	}
	for _, root := range vm.Snapshot.RootSnapshotList {
		if root.Snapshot == ref {
			return true
		}
	}
	return false
}

// withoutSnapshot removes ref from a snapshot tree; its children take its place unless removeChildren.
func withoutSnapshot(tree []types.VirtualMachineSnapshotTree, ref types.ManagedObjectReference, removeChildren bool) []types.VirtualMachineSnapshotTree {
	var out []types.VirtualMachineSnapshotTree
	for _, t := range tree {
		if t.Snapshot == ref {
			if !removeChildren {
				out = append(out, t.ChildSnapshotList...)
			}
			continue
		}
		t.ChildSnapshotList = withoutSnapshot(t.ChildSnapshotList, ref, removeChildren)
		out = append(out, t)
	}
	return out
}

// RemoveSnapshotTask removes the current root snapshot as the vSphere API reference describes RemoveSnapshot_Task:
// its children (unless removeChildren) become roots, and the VM is left with no current snapshot (the removed one
// had no parent to become current); with no snapshot left, `snapshot` is unset.
func (h *snapshotHelper) RemoveSnapshotTask(ctx *simulator.Context, req *types.RemoveSnapshot_Task) soap.HasFault {
	ref := realRef(h.Self, "VirtualMachineSnapshot")
	snap, ok := simulator.Map.Get(ref).(*simulator.VirtualMachineSnapshot)
	if !ok {
		return &methods.RemoveSnapshot_TaskBody{Fault_: faultBody("", &types.ManagedObjectNotFound{Obj: ref})}
	}
	vm := simulator.Map.Get(snap.Vm).(*simulator.VirtualMachine)
	task := simulator.CreateTask(vm, "removeSnapshot", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		ctx.WithLock(vm, func() {
			roots := withoutSnapshot(vm.Snapshot.RootSnapshotList, ref, req.RemoveChildren)
			if len(roots) == 0 {
				simulator.Map.Update(vm, []types.PropertyChange{{Name: "snapshot", Val: nil}})
				return
			}
			simulator.Map.Update(vm, []types.PropertyChange{
				{Name: "snapshot.currentSnapshot", Val: nil},
				{Name: "snapshot.rootSnapshotList", Val: roots},
			})
		})
		simulator.Map.Remove(ref)
		return nil, nil
	})
	return &methods.RemoveSnapshot_TaskBody{Res: &types.RemoveSnapshot_TaskResponse{Returnval: task.Run()}}
}

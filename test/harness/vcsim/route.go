package main

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// vcsim dispatches a call to the registry object named by _this, and vcsim's own code type-asserts
// VirtualMachine and Task objects, so we cannot replace those. Instead the interceptor rewrites
// _this of the calls we implement to one of these helper types; vcsim then dispatches to our
// helper (same moid, its own session checks, locking and SOAP encoding), which works on the real
// object.
const (
	vmHelperType   = "EsxvirtVirtualMachine"
	taskHelperType = "EsxvirtTask"
)

// objHelper is a method-only registry object standing for the real object with the same moid. It
// embeds a managed object type first because vcsim digs one out of every registry object it walks
// (FindByDatastorePath, the property collector) and panics on objects without one.
type objHelper struct {
	mo.ExtensibleManagedObject
}

func newObjHelper(ref types.ManagedObjectReference) objHelper {
	return objHelper{mo.ExtensibleManagedObject{Self: ref}}
}

func (h *objHelper) Reference() types.ManagedObjectReference { return h.Self }

// vmHelper implements VirtualMachine methods vcsim lacks (vm_ext.go).
type vmHelper struct{ objHelper }

// taskHelper implements Task methods vcsim lacks (task_ext.go).
type taskHelper struct{ objHelper }

// route decides whether a call goes to a helper, creating the helper on first use.
func route(c soapCall) (string, bool) {
	switch c.thisType {
	case "VirtualMachine":
		switch c.method {
		case "AnswerVM", "RebootGuest", "ReconfigVM_Task", "CreateScreenshot_Task":
		case "PowerOnVM_Task":
			vm := lookupVM(c.thisValue)
			if vm == nil || !questions.wouldAsk(vm) {
				return "", false
			}
		default:
			return "", false
		}
		if lookupVM(c.thisValue) == nil {
			return "", false // let vcsim answer ManagedObjectNotFound for the real type
		}
		ensureHelper(&vmHelper{newObjHelper(types.ManagedObjectReference{Type: vmHelperType, Value: c.thisValue})})
		return vmHelperType, true
	case "PerformanceManager":
		if c.method != "QueryPerf" {
			return "", false
		}
		ensureHelper(&perfHelper{newObjHelper(types.ManagedObjectReference{Type: perfHelperType, Value: c.thisValue})})
		return perfHelperType, true
	case "Task":
		if c.method != "CancelTask" || lookupTask(c.thisValue) == nil {
			return "", false
		}
		ensureHelper(&taskHelper{newObjHelper(types.ManagedObjectReference{Type: taskHelperType, Value: c.thisValue})})
		return taskHelperType, true
	}
	return "", false
}

func ensureHelper(h interface {
	Reference() types.ManagedObjectReference
}) {
	if simulator.Map.Get(h.Reference()) == nil {
		simulator.Map.Put(h)
	}
}

func lookupVM(moid string) *simulator.VirtualMachine {
	vm, _ := simulator.Map.Get(types.ManagedObjectReference{Type: "VirtualMachine", Value: moid}).(*simulator.VirtualMachine)
	return vm
}

func lookupTask(moid string) *simulator.Task {
	t, _ := simulator.Map.Get(types.ManagedObjectReference{Type: "Task", Value: moid}).(*simulator.Task)
	return t
}

// realRef maps a helper's reference back to the object it stands for.
func realRef(helper types.ManagedObjectReference, kind string) types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: kind, Value: helper.Value}
}

// installExtensions wires every extension into the registry once the model exists.
func installExtensions() {
	installPagingCollector()
	installAutoStart()
	installReconfig()
	installScreenshots()
	installStats()
}

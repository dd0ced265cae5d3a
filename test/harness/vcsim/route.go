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
// embeds an mo type because vcsim digs one out of every registry object (FindByDatastorePath walks
// them all and panics on an object without one).
type objHelper struct {
	mo.ExtensibleManagedObject
}

// helperRef makes the objHelper of a helper type standing for the object with moid `value`.
func helperRef(helperType, value string) objHelper {
	return objHelper{mo.ExtensibleManagedObject{Self: types.ManagedObjectReference{Type: helperType, Value: value}}}
}

// vmHelper implements VirtualMachine methods vcsim lacks (vm_ext.go).
type vmHelper struct{ objHelper }

// taskHelper implements Task methods vcsim lacks (task_ext.go).
type taskHelper struct{ objHelper }

// route decides whether a call goes to a helper, creating the helper on first use.
func route(c soapCall) (string, bool) {
	switch c.thisType {
	case "VirtualMachine":
		switch c.method {
		case "AnswerVM", "RebootGuest":
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
		ensureHelper(&vmHelper{helperRef(vmHelperType, c.thisValue)})
		return vmHelperType, true
	case "FileManager":
		return routeFileManager(c)
	case "HostStorageSystem":
		return routeStorageSystem(c)
	case "Datastore":
		return routeDatastore(c)
	case "Task":
		if c.method != "CancelTask" || lookupTask(c.thisValue) == nil {
			return "", false
		}
		ensureHelper(&taskHelper{helperRef(taskHelperType, c.thisValue)})
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
func installExtensions(o options) error {
	installPagingCollector()
	installAutoStart()
	if o.iscsi {
		installIscsi()
	}
	return installStorage(o.datastoreKinds)
}

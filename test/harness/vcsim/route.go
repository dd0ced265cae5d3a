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
	vmHelperType      = "EsxvirtVirtualMachine"
	taskHelperType    = "EsxvirtTask"
	clusterHelperType = "EsxvirtClusterComputeResource"
)

// objHelper is a method-only registry object standing for the real object with the same moid. Its first
// field is an mo type: vcsim's searches (FindByUuid, FindByDatastorePath …) reflect over every registered
// object and panic on one without (getManagedObject), which dropped the connection of unrelated calls.
type objHelper struct {
	mo.ExtensibleManagedObject
}

func helperOf(kind, value string) objHelper {
	return objHelper{mo.ExtensibleManagedObject{Self: types.ManagedObjectReference{Type: kind, Value: value}}}
}

// vmHelper implements VirtualMachine methods vcsim lacks (vm_ext.go).
type vmHelper struct{ objHelper }

// taskHelper implements Task methods vcsim lacks (task_ext.go).
type taskHelper struct{ objHelper }

// clusterHelper implements ClusterComputeResource methods vcsim lacks (migrate_checks.go).
type clusterHelper struct{ objHelper }

// route decides whether a call goes to a helper, creating the helper on first use.
func route(c soapCall) (string, bool) {
	switch c.thisType {
	case "VirtualMachine":
		switch c.method {
		case "AnswerVM", "RebootGuest", "ShutdownGuest", "RelocateVM_Task", "MigrateVM_Task":
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
		ensureHelper(&vmHelper{helperOf(vmHelperType, c.thisValue)})
		return vmHelperType, true
	case "VirtualMachineSnapshot":
		if c.method != "RemoveSnapshot_Task" || !currentRootSnapshot(c.thisValue) {
			return "", false
		}
		ensureHelper(&snapshotHelper{helperOf(snapshotHelperType, c.thisValue)})
		return snapshotHelperType, true
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
		ensureHelper(&taskHelper{helperOf(taskHelperType, c.thisValue)})
		return taskHelperType, true
	case "ServiceInstance":
		// Only vCenter answers it: a standalone host cannot vMotion on its own.
		if c.method != "QueryVMotionCompatibility" || !simulator.Map.IsVPX() {
			return "", false
		}
		ensureHelper(&serviceHelper{helperOf(serviceHelperType, c.thisValue)})
		return serviceHelperType, true
	case "ClusterComputeResource":
		if c.method != "RecommendHostsForVm" {
			return "", false
		}
		if _, ok := simulator.Map.Get(types.ManagedObjectReference{Type: c.thisType, Value: c.thisValue}).(*simulator.ClusterComputeResource); !ok {
			return "", false
		}
		ensureHelper(&clusterHelper{helperOf(clusterHelperType, c.thisValue)})
		return clusterHelperType, true
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
	installNetworkSystems()
	installHostCapabilities()
	installProvisioningChecker()
	installDatastoreMounts()
	installInstanceUUID()
	if o.iscsi {
		installIscsi()
	}
	return installStorage(o.datastoreKinds)
}

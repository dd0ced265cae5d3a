package main

import (
	"strings"

	"github.com/google/uuid"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const serviceHelperType = "EsxvirtServiceInstance"

// serviceHelper implements ServiceInstance methods vcsim lacks (QueryVMotionCompatibility).
type serviceHelper struct{ objHelper }

// provisioningChecker is the VirtualMachineProvisioningChecker vcsim 0.24.2 names in the vCenter
// service content (ProvChecker) but never registers.
type provisioningChecker struct {
	mo.ExtensibleManagedObject // first: see objHelper
}

// installHostCapabilities gives every host the capability property vcsim leaves unset: vMotion,
// storage vMotion and suspended relocation supported, as on any licensed ESXi host.
func installHostCapabilities() {
	yes := true
	for _, e := range simulator.Map.All("HostSystem") {
		h := e.(*simulator.HostSystem)
		h.Capability = &types.HostCapability{
			RecursiveResourcePoolsSupported:    true,
			RebootSupported:                    true,
			ShutdownSupported:                  true,
			VmotionSupported:                   true,
			SuspendedRelocateSupported:         true,
			MaintenanceModeSupported:           true,
			StorageVMotionSupported:            &yes,
			VmotionWithStorageVMotionSupported: &yes,
		}
	}
}

// installDatastoreMounts rebuilds each datastore's host list from the hosts' datastore lists: vcsim
// mounts a shared datastore host by host and keeps only the last host in Datastore.host, while the API
// reference lists every host that mounts it there.
func installDatastoreMounts() {
	for _, e := range simulator.Map.All("Datastore") {
		ds := e.(*simulator.Datastore)
		var mounts []types.DatastoreHostMount
		for _, he := range simulator.Map.All("HostSystem") {
			h := he.(*simulator.HostSystem)
			if simulator.FindReference(h.Datastore, ds.Self) == nil {
				continue
			}
			mounts = append(mounts, types.DatastoreHostMount{
				Key: h.Self,
				MountInfo: types.HostMountInfo{
					Path:       ds.Info.GetDatastoreInfo().Url,
					AccessMode: string(types.HostMountModeReadWrite),
					Mounted:    types.NewBool(true),
					Accessible: types.NewBool(true),
				},
			})
		}
		ds.Host = mounts
	}
}

// installInstanceUUID gives this vCenter an about.instanceUuid of its own: vcsim's NewServiceInstance
// draws one but stores it in a copy, so every simulated vCenter reports the model's constant, while the
// API reference names it the globally unique identifier of the instance (clients tell vCenters apart by it).
func installInstanceUUID() {
	si, ok := simulator.Map.Get(types.ManagedObjectReference{Type: "ServiceInstance", Value: "ServiceInstance"}).(*simulator.ServiceInstance)
	if ok && si.Content.About.ApiType == "VirtualCenter" {
		si.Content.About.InstanceUuid = uuid.New().String()
	}
}

// installProvisioningChecker replaces the method-less placeholder vcsim registers for the checker
// the service content names (vCenter only).
func installProvisioningChecker() {
	si, ok := simulator.Map.Get(types.ManagedObjectReference{Type: "ServiceInstance", Value: "ServiceInstance"}).(*simulator.ServiceInstance)
	if !ok || si.Content.VmProvisioningChecker == nil {
		return
	}
	simulator.Map.Put(&provisioningChecker{mo.ExtensibleManagedObject{Self: *si.Content.VmProvisioningChecker}})
}

// checkResult runs the move rules for a plan and reports them as a CheckResult.
func checkResult(vm *simulator.VirtualMachine, p *movePlan) types.CheckResult {
	host := p.host
	r := types.CheckResult{Vm: &vm.Self, Host: &host}
	for _, f := range checkPlan(p) {
		lf := types.LocalizedMethodFault{Fault: f.fault, LocalizedMessage: f.message}
		if f.warning {
			r.Warning = append(r.Warning, lf)
		} else {
			r.Error = append(r.Error, lf)
		}
	}
	return r
}

// runCheck is a provisioning-checker task: it ends inside the call, like vcsim's own tasks, with an
// ArrayOfCheckResult, or with the fault that makes the request itself invalid.
func runCheck(ctx *simulator.Context, vmRef types.ManagedObjectReference, method string, spec *types.VirtualMachineRelocateSpec, state types.VirtualMachinePowerState) types.ManagedObjectReference {
	vm := lookupVM(vmRef.Value)
	var t *simulator.Task
	if vm == nil {
		t = simulator.CreateTask(vmRef, "check", nil)
		finishTask(t, nil, &types.ManagedObjectNotFound{Obj: vmRef}, "The virtual machine does not exist.")
		return t.Self
	}
	t = simulator.CreateTask(vm, "check", nil)
	nameTask(t, "Check"+strings.TrimSuffix(method, "VM_Task")+"_Task")
	startTask(t, vm, false)
	var res []types.CheckResult
	var fault types.BaseMethodFault
	var msg string
	ctx.WithLock(vm, func() {
		plan, f, why := planMove(vm, method, spec)
		if f != nil {
			fault, msg = f, why
			return
		}
		r := checkResult(vm, plan)
		if state != "" && vm.Runtime.PowerState != state {
			r.Error = append(r.Error, types.LocalizedMethodFault{
				Fault:            &types.InvalidPowerState{RequestedState: state, ExistingState: vm.Runtime.PowerState},
				LocalizedMessage: "The virtual machine is not in the requested power state (" + string(state) + ").",
			})
		}
		res = append(res, r)
	})
	if fault != nil {
		finishTask(t, nil, fault, msg)
	} else {
		finishTask(t, res, nil, "")
	}
	return t.Self
}

// CheckRelocateTask checks a planned RelocateVM_Task (vSphere API:
// VirtualMachineProvisioningChecker.CheckRelocate_Task); testType is ignored, every rule runs.
func (c *provisioningChecker) CheckRelocateTask(ctx *simulator.Context, req *types.CheckRelocate_Task) soap.HasFault {
	return &methods.CheckRelocate_TaskBody{Res: &types.CheckRelocate_TaskResponse{
		Returnval: runCheck(ctx, req.Vm, "RelocateVM_Task", &req.Spec, ""),
	}}
}

// CheckMigrateTask checks a planned MigrateVM_Task, its power-state condition included.
func (c *provisioningChecker) CheckMigrateTask(ctx *simulator.Context, req *types.CheckMigrate_Task) soap.HasFault {
	spec := types.VirtualMachineRelocateSpec{Host: req.Host, Pool: req.Pool}
	return &methods.CheckMigrate_TaskBody{Res: &types.CheckMigrate_TaskResponse{
		Returnval: runCheck(ctx, req.Vm, "MigrateVM_Task", &spec, req.State),
	}}
}

// QueryVMotionCompatibility lists, per host, the aspects in which it could take the VM by vMotion
// (vSphere API: ServiceInstance.QueryVMotionCompatibility): "cpu" for a connected host (the
// simulator's hosts share one CPU model), "software" when vMotion is supported there and the host
// sees every datastore and connected network the VM uses.
func (h *serviceHelper) QueryVMotionCompatibility(ctx *simulator.Context, req *types.QueryVMotionCompatibility) soap.HasFault {
	body := &methods.QueryVMotionCompatibilityBody{}
	vm := lookupVM(req.Vm.Value)
	if vm == nil {
		body.Fault_ = faultBody("", &types.ManagedObjectNotFound{Obj: req.Vm})
		return body
	}
	res := []types.HostVMotionCompatibility{}
	ctx.WithLock(vm, func() {
		for _, ref := range req.Host {
			host := lookupHost(ref)
			if host == nil {
				body.Fault_ = faultBody("", &types.ManagedObjectNotFound{Obj: ref})
				return
			}
			var compat []string
			if host.Runtime.ConnectionState == types.HostSystemConnectionStateConnected {
				compat = append(compat, "cpu")
			}
			plan, f, _ := planMove(vm, "RelocateVM_Task", &types.VirtualMachineRelocateSpec{Host: &ref, Pool: rootPoolOf(host)})
			if f == nil {
				plan.live = true // the question is about vMotion, whatever the VM's power state
				if len(errorsOf(checkPlan(plan))) == 0 {
					compat = append(compat, "software")
				}
			}
			res = append(res, types.HostVMotionCompatibility{Host: ref, Compatibility: filterCompat(compat, req.Compatibility)})
		}
	})
	if body.Fault_ == nil {
		body.Res = &types.QueryVMotionCompatibilityResponse{Returnval: res}
	}
	return body
}

func filterCompat(have, want []string) []string {
	if len(want) == 0 {
		return have
	}
	var out []string
	for _, h := range have {
		for _, w := range want {
			if h == w {
				out = append(out, h)
			}
		}
	}
	return out
}

// rootPoolOf is the root resource pool of a host's compute resource.
func rootPoolOf(h *simulator.HostSystem) *types.ManagedObjectReference {
	switch cr := simulator.Map.Get(*h.Parent).(type) {
	case *simulator.ClusterComputeResource:
		return cr.ResourcePool
	case *mo.ComputeResource:
		return cr.ResourcePool
	}
	return nil
}

// RecommendHostsForVm ranks the cluster's hosts for the VM (vSphere API:
// ClusterComputeResource.RecommendHostsForVm): the harness's DRS order, hosts that fail a move
// check left out; none when DRS is disabled.
func (h *clusterHelper) RecommendHostsForVm(ctx *simulator.Context, req *types.RecommendHostsForVm) soap.HasFault {
	body := &methods.RecommendHostsForVmBody{}
	cluster, ok := simulator.Map.Get(realRef(h.Self, "ClusterComputeResource")).(*simulator.ClusterComputeResource)
	vm := lookupVM(req.Vm.Value)
	if !ok || vm == nil {
		body.Fault_ = faultBody("", &types.ManagedObjectNotFound{Obj: req.Vm})
		return body
	}
	res := []types.ClusterHostRecommendation{}
	if len(cluster.Host) == 0 {
		body.Res = &types.RecommendHostsForVmResponse{Returnval: res}
		return body
	}
	ctx.WithLock(vm, func() {
		if !drsEnabled(cluster) {
			return
		}
		plan, f, _ := planMove(vm, "RelocateVM_Task", &types.VirtualMachineRelocateSpec{Pool: cluster.ResourcePool, Host: &cluster.Host[0]})
		if f != nil {
			return
		}
		res = drsRank(vm, cluster, plan)
	})
	body.Res = &types.RecommendHostsForVmResponse{Returnval: res}
	return body
}

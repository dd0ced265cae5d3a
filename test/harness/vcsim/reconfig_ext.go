package main

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// ReconfigVM_Task as ESX documents it (README.md, "Reconfiguration"): the whole spec is checked
// before anything changes (vcsim applies the settings first and may then fail on a device,
// leaving the VM half-changed), a powered-on VM takes only what ESX hot-plugs, a suspended one no
// device or hardware change, config.changeVersion guards against concurrent changes, a new disk
// without a unit number gets the first free one, and a resource allocation is merged into the
// VM's (vcsim replaces it wholesale).
func (h *vmHelper) ReconfigVMTask(ctx *simulator.Context, req *types.ReconfigVM_Task) soap.HasFault {
	vm := lookupVM(h.Self.Value)
	if vm == nil {
		return &methods.ReconfigVM_TaskBody{Fault_: faultBody("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "VirtualMachine")})}
	}
	req.This = vm.Self
	var res soap.HasFault
	ctx.WithLock(vm, func() {
		if f := checkReconfig(vm, &req.Spec); f != nil {
			res = &methods.ReconfigVM_TaskBody{Res: &types.ReconfigVM_TaskResponse{Returnval: failedTask(vm, "reconfigVm", f)}}
			return
		}
		mergeAllocation(&req.Spec.CpuAllocation, vm.Config.CpuAllocation)
		mergeAllocation(&req.Spec.MemoryAllocation, vm.Config.MemoryAllocation)
		mergeExtraConfig(vm, &req.Spec)
		res = vm.ReconfigVMTask(ctx, req)
		body, ok := res.(*methods.ReconfigVM_TaskBody)
		if ok && body.Res != nil {
			if t := lookupTask(body.Res.Returnval.Value); t != nil && t.Info.Error == nil {
				bumpChangeVersion(vm)
				syncConnected(vm, false)
			}
		}
	})
	return res
}

// failedTask is a task that ended in `fault`, with the message ESX gives for it.
func failedTask(vm *simulator.VirtualMachine, name string, fault types.BaseMethodFault) types.ManagedObjectReference {
	t := simulator.CreateTask(vm, name, nil)
	startTask(t, vm, false)
	finishTask(t, nil, fault, faultMessage(fault))
	return t.Self
}

// faultMessage is ESX's localized message for the faults the extensions raise.
func faultMessage(f types.BaseMethodFault) string {
	switch x := f.(type) {
	case *types.InvalidPowerState:
		return "The attempted operation cannot be performed in the current state (" + string(x.ExistingState) + ")."
	case *types.DeviceHotPlugNotSupported:
		return "The device or operation specified at index '" + strconv.Itoa(int(x.DeviceIndex)) + "' is not supported for the current virtual machine power state."
	case *types.InvalidDeviceSpec:
		return "Invalid configuration for device '" + strconv.Itoa(int(x.DeviceIndex)) + "'."
	case *types.ConcurrentAccess:
		return "Cannot complete operation due to concurrent modification by another operation."
	case *types.CpuHotPlugNotSupported:
		return "CPU hot plug is not supported for this virtual machine."
	case *types.MemoryHotPlugNotSupported:
		return "Memory hot plug is not supported for this virtual machine."
	case *types.FileAlreadyExists:
		return "Cannot complete the operation because the file or folder " + x.File + " already exists"
	case *types.FileNotFound:
		return "File " + x.File + " was not found"
	case *types.InvalidArgument:
		return "A specified parameter was not correct: " + x.InvalidProperty
	case *types.InvalidDatastore:
		return "Invalid datastore: " + x.Name
	}
	return ""
}

var changeCounts sync.Map // moid → *atomic.Int64

// bumpChangeVersion gives the VM a new config.changeVersion: ESX uses a timestamp; the harness adds
// '-<n>', n counting the VM's configurations (0 at start), so tests can count reconfigurations.
func bumpChangeVersion(vm *simulator.VirtualMachine) {
	c, _ := changeCounts.LoadOrStore(vm.Self.Value, new(atomic.Int64))
	n := c.(*atomic.Int64).Add(1) - 1
	v := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z") + "-" + strconv.FormatInt(n, 10)
	simulator.Map.Update(vm, []types.PropertyChange{{Name: "config.changeVersion", Val: v}})
}

// mergeAllocation fills the fields the spec leaves out from the VM's current allocation.
func mergeAllocation(spec **types.ResourceAllocationInfo, cur *types.ResourceAllocationInfo) {
	if *spec == nil || cur == nil {
		return
	}
	m := *cur
	s := *spec
	if s.Reservation != nil {
		m.Reservation = s.Reservation
	}
	if s.ExpandableReservation != nil {
		m.ExpandableReservation = s.ExpandableReservation
	}
	if s.Limit != nil {
		m.Limit = s.Limit
	}
	if s.Shares != nil {
		m.Shares = s.Shares
	}
	*spec = &m
}

// mergeExtraConfig makes vcsim's append a replacement, as on ESX: a key set again replaces the
// VM's (any case), and a key set to an empty value is removed. vcsim's own 'SET.' keys pass through.
func mergeExtraConfig(vm *simulator.VirtualMachine, spec *types.VirtualMachineConfigSpec) {
	if len(spec.ExtraConfig) == 0 {
		return
	}
	set := map[string]bool{}
	var keep []types.BaseOptionValue
	for _, o := range spec.ExtraConfig {
		v := o.GetOptionValue()
		set[strings.ToLower(v.Key)] = true
		if s, ok := v.Value.(string); ok && s == "" && !strings.HasPrefix(v.Key, "SET.") {
			continue
		}
		keep = append(keep, o)
	}
	var cur []types.BaseOptionValue
	for _, o := range vm.Config.ExtraConfig {
		if !set[strings.ToLower(o.GetOptionValue().Key)] {
			cur = append(cur, o)
		}
	}
	vm.Config.ExtraConfig = cur
	spec.ExtraConfig = keep
}

func powerOff(vm *simulator.VirtualMachine) types.BaseMethodFault {
	return &types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOff, ExistingState: vm.Runtime.PowerState}
}

// checkReconfig returns the fault ESX gives for the spec, or nil when it can be applied whole.
func checkReconfig(vm *simulator.VirtualMachine, spec *types.VirtualMachineConfigSpec) types.BaseMethodFault {
	if spec.ChangeVersion != "" && spec.ChangeVersion != vm.Config.ChangeVersion {
		return &types.ConcurrentAccess{}
	}
	if spec.GuestId != "" && !knownGuest(spec.GuestId) {
		return &types.InvalidArgument{InvalidProperty: "configSpec.guestId"}
	}
	state := vm.Runtime.PowerState
	if state != types.VirtualMachinePowerStatePoweredOff {
		if spec.GuestId != "" || spec.Firmware != "" || spec.NumCoresPerSocket != 0 || spec.Version != "" || spec.Uuid != "" {
			return powerOff(vm)
		}
		hw := vm.Config.Hardware
		if spec.NumCPUs != 0 && spec.NumCPUs != hw.NumCPU {
			if state == types.VirtualMachinePowerStateSuspended {
				return powerOff(vm)
			}
			grow := spec.NumCPUs > hw.NumCPU
			if (grow && !isTrue(vm.Config.CpuHotAddEnabled)) || (!grow && !isTrue(vm.Config.CpuHotRemoveEnabled)) {
				return &types.CpuHotPlugNotSupported{}
			}
		}
		if spec.MemoryMB != 0 && int32(spec.MemoryMB) != hw.MemoryMB {
			if state == types.VirtualMachinePowerStateSuspended {
				return powerOff(vm)
			}
			if int32(spec.MemoryMB) < hw.MemoryMB || !isTrue(vm.Config.MemoryHotAddEnabled) {
				return &types.MemoryHotPlugNotSupported{}
			}
		}
		if len(spec.DeviceChange) > 0 && state == types.VirtualMachinePowerStateSuspended {
			return powerOff(vm)
		}
	}
	return checkDevices(vm, spec, state == types.VirtualMachinePowerStatePoweredOn)
}

func knownGuest(id string) bool {
	for _, g := range simulator.GuestID {
		if string(g) == id {
			return true
		}
	}
	return false
}

// syncConnected sets connectable.connected as ESX reports it: a powered-off VM's devices are not
// connected; at power-on those that start connected are (vcsim leaves them as created).
func syncConnected(vm *simulator.VirtualMachine, powerChange bool) {
	on := vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn
	changed := false
	for _, d := range vm.Config.Hardware.Device {
		c := d.GetVirtualDevice().Connectable
		if c == nil {
			continue
		}
		want := c.Connected
		if !on {
			want = false
		} else if powerChange {
			want = c.StartConnected
		}
		if c.Connected != want {
			c.Connected = want
			changed = true
		}
	}
	if changed {
		simulator.Map.Update(vm, []types.PropertyChange{{Name: "config.hardware.device", Val: vm.Config.Hardware.Device}})
	}
}

// installReconfig gives every VM a changeVersion and ESX's connection state of its devices.
func installReconfig() {
	for _, obj := range simulator.Map.All("VirtualMachine") {
		if vm, ok := obj.(*simulator.VirtualMachine); ok {
			simulator.Map.WithLock(vm, func() {
				bumpChangeVersion(vm)
				syncConnected(vm, true)
			})
		}
	}
}

// afterPowerChange runs once vcsim has changed a VM's power state.
func afterPowerChange(moid string) {
	if vm := lookupVM(moid); vm != nil {
		simulator.Map.WithLock(vm, func() {
			syncConnected(vm, true)
			refreshVMQuickStats(vm)
		})
	}
}

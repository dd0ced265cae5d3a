package main

import (
	"os"
	"path"
	"reflect"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// The device rules of ReconfigVM_Task (reconfig_ext.go): keys, controllers, units and files, and
// ESX's hot-plug rules for a powered-on VM.

func invalidDevice(i int) types.BaseMethodFault {
	return &types.InvalidDeviceSpec{DeviceIndex: int32(i)}
}

// checkDevices walks the device changes over a copy of the VM's device list: keys, controllers
// and units must exist or be free, files must exist (or not, for a disk to create), and a
// powered-on VM takes only the hot-pluggable changes.
func checkDevices(vm *simulator.VirtualMachine, spec *types.VirtualMachineConfigSpec, on bool) types.BaseMethodFault {
	devices := object.VirtualDeviceList(append([]types.BaseVirtualDevice{}, vm.Config.Hardware.Device...))
	for i, change := range spec.DeviceChange {
		c := change.GetVirtualDeviceConfigSpec()
		d := c.Device.GetVirtualDevice()
		old := devices.FindByKey(d.Key)
		switch c.Operation {
		case types.VirtualDeviceConfigSpecOperationEdit, types.VirtualDeviceConfigSpecOperationRemove:
			if old == nil {
				return invalidDevice(i)
			}
		case types.VirtualDeviceConfigSpecOperationAdd:
			if f := checkAdd(vm, devices, c, i); f != nil {
				return f
			}
		}
		if on {
			if f := hotPlug(devices, c, old, i); f != nil {
				return f
			}
		}
		switch c.Operation {
		case types.VirtualDeviceConfigSpecOperationRemove:
			devices = removeKey(devices, d.Key)
		case types.VirtualDeviceConfigSpecOperationEdit:
			devices = append(removeKey(devices, d.Key), c.Device)
		default:
			devices = append(devices, c.Device)
		}
	}
	return nil
}

func removeKey(devices object.VirtualDeviceList, key int32) object.VirtualDeviceList {
	out := object.VirtualDeviceList{}
	for _, d := range devices {
		if d.GetVirtualDevice().Key != key {
			out = append(out, d)
		}
	}
	return out
}

// checkAdd checks an added device's controller, unit and file, and gives a new disk without a
// unit number the first free unit of its controller (ESX places it; vcsim wants one).
func checkAdd(vm *simulator.VirtualMachine, devices object.VirtualDeviceList, c *types.VirtualDeviceConfigSpec, i int) types.BaseMethodFault {
	d := c.Device.GetVirtualDevice()
	if d.ControllerKey != 0 {
		ctl := devices.FindByKey(d.ControllerKey)
		if ctl == nil {
			return invalidDevice(i)
		}
		own := int32(-1)
		if scsi, ok := ctl.(types.BaseVirtualSCSIController); ok {
			own = scsi.GetVirtualSCSIController().ScsiCtlrUnitNumber
			if own == 0 {
				own = 7
			}
		}
		if d.UnitNumber == nil {
			if _, isDisk := c.Device.(*types.VirtualDisk); isDisk {
				for u := int32(0); u < 16; u++ {
					if u != own && occupant(devices, d.ControllerKey, u) == nil {
						unit := u
						d.UnitNumber = &unit
						break
					}
				}
			}
		}
		if d.UnitNumber != nil && (*d.UnitNumber == own || occupant(devices, d.ControllerKey, *d.UnitNumber) != nil) {
			return invalidDevice(i)
		}
	}
	disk, ok := c.Device.(*types.VirtualDisk)
	if !ok {
		return nil
	}
	b, ok := disk.Backing.(types.BaseVirtualDeviceFileBackingInfo)
	if !ok {
		return nil
	}
	name := b.GetVirtualDeviceFileBackingInfo().FileName
	local, f := localPath(name)
	if f != nil {
		return f
	}
	_, err := os.Stat(local)
	switch {
	case c.FileOperation == types.VirtualDeviceConfigSpecFileOperationCreate && err == nil && path.Ext(local) == ".vmdk":
		return &types.FileAlreadyExists{FileFault: types.FileFault{File: name}}
	case c.FileOperation == "" && err != nil:
		return &types.FileNotFound{FileFault: types.FileFault{File: name}}
	}
	return nil
}

func occupant(devices object.VirtualDeviceList, controller, unit int32) types.BaseVirtualDevice {
	for _, x := range devices {
		v := x.GetVirtualDevice()
		if v.ControllerKey == controller && v.UnitNumber != nil && *v.UnitNumber == unit {
			return x
		}
	}
	return nil
}

// localPath maps '[ds] path' to the simulator's file; a datastore path naming only the datastore
// (the server names the file) maps to an empty string.
func localPath(name string) (string, types.BaseMethodFault) {
	var p object.DatastorePath
	if !p.FromString(name) {
		return "", &types.InvalidDatastorePath{DatastorePath: name}
	}
	for _, obj := range simulator.Map.All("Datastore") {
		ds, ok := obj.(*simulator.Datastore)
		if ok && ds.Name == p.Datastore {
			if p.Path == "" {
				return "", nil
			}
			return path.Join(ds.Info.GetDatastoreInfo().Url, p.Path), nil
		}
	}
	return "", &types.InvalidDatastore{Name: p.Datastore}
}

// hotPlug applies ESX's hot-plug rules to one change of a powered-on VM.
func hotPlug(devices object.VirtualDeviceList, c *types.VirtualDeviceConfigSpec, old types.BaseVirtualDevice, i int) types.BaseMethodFault {
	no := &types.DeviceHotPlugNotSupported{InvalidDeviceSpec: types.InvalidDeviceSpec{DeviceIndex: int32(i)}}
	edit := c.Operation == types.VirtualDeviceConfigSpecOperationEdit
	switch dev := c.Device.(type) {
	case types.BaseVirtualEthernetCard:
		return nil
	case *types.VirtualCdrom:
		if edit {
			return nil // a medium change
		}
		if onIDE(devices, dev.ControllerKey) {
			return no
		}
		return nil
	case *types.VirtualDisk:
		if edit {
			if o, ok := old.(*types.VirtualDisk); ok && sameDiskBacking(o, dev) {
				return nil
			}
			return no
		}
		if onIDE(devices, dev.ControllerKey) {
			return no
		}
		return nil
	case *types.VirtualFloppy:
		if edit {
			return nil
		}
		return no
	default:
		return no
	}
}

func onIDE(devices object.VirtualDeviceList, key int32) bool {
	_, ok := devices.FindByKey(key).(*types.VirtualIDEController)
	return ok
}

func sameDiskBacking(a, b *types.VirtualDisk) bool {
	x, ok1 := a.Backing.(*types.VirtualDiskFlatVer2BackingInfo)
	y, ok2 := b.Backing.(*types.VirtualDiskFlatVer2BackingInfo)
	if !ok1 || !ok2 {
		return reflect.DeepEqual(a.Backing, b.Backing)
	}
	return x.FileName == y.FileName && x.DiskMode == y.DiskMode && isTrue(x.WriteThrough) == isTrue(y.WriteThrough)
}

package main

import (
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// diskManager is the VirtualDiskManager with what vcsim 0.24.2 lacks (vSphere API reference,
// VirtualDiskManager): CreateVirtualDisk_Task honours capacityKb, diskType and adapterType;
// CopyVirtualDisk_Task converts to destSpec's type; ExtendVirtualDisk_Task and
// ZeroFillVirtualDisk_Task exist; QueryVirtualDiskUuid answers ddb.uuid; disks of powered-on VMs
// are locked. It embeds vcsim's manager (MoveVirtualDisk_Task, SetVirtualDiskUuid stay vcsim's)
// and so still satisfies vcsim's own VirtualDiskManagerInterface.
type diskManager struct {
	simulator.VirtualDiskManager
}

const restrictedMsg = "Current license or ESXi version prohibits execution of the requested operation."

// userCall tells a client's call from vcsim's internal ones (device removal on reconfigure and
// destroy), which have no user name; only clients meet locks.
func userCall(ctx *simulator.Context) bool {
	return ctx != nil && ctx.Session != nil && ctx.Session.UserName != ""
}

func (m *diskManager) run(name string, fn func() (types.AnyType, types.BaseMethodFault)) types.ManagedObjectReference {
	return simulator.CreateTask(m, name, func(*simulator.Task) (types.AnyType, types.BaseMethodFault) { return fn() }).Run()
}

// CreateVirtualDiskTask writes a VMFS descriptor and a flat extent of capacityKb: sparse for thin,
// allocated for preallocated (thick) and eagerZeroedThick.
func (m *diskManager) CreateVirtualDiskTask(ctx *simulator.Context, req *types.CreateVirtualDisk_Task) soap.HasFault {
	if storage.isRestricted() {
		return &methods.CreateVirtualDisk_TaskBody{Fault_: simulator.Fault(restrictedMsg, restrictedVersion())}
	}
	ref := m.run("createVirtualDisk", func() (types.AnyType, types.BaseMethodFault) {
		return req.Name, createDisk(req.Datacenter, req.Name, req.Spec)
	})
	return &methods.CreateVirtualDisk_TaskBody{Res: &types.CreateVirtualDisk_TaskResponse{Returnval: ref}}
}

func diskSpec(spec types.BaseVirtualDiskSpec) (diskKind, string, types.BaseMethodFault) {
	s := spec.GetVirtualDiskSpec()
	adapter, ok := adapterDdb[s.AdapterType]
	if !ok {
		return "", "", &types.InvalidArgument{InvalidProperty: "spec.adapterType"}
	}
	switch s.DiskType {
	case "thin":
		return kindThin, adapter, nil
	case "preallocated", "thick":
		return kindLazy, adapter, nil
	case "eagerZeroedThick":
		return kindEager, adapter, nil
	}
	return "", "", &types.NotSupported{}
}

func createDisk(dc *types.ManagedObjectReference, name string, spec types.BaseVirtualDiskSpec) types.BaseMethodFault {
	file, _, fault := resolveFile(dc, name)
	if fault != nil {
		return fault
	}
	fb, ok := spec.(*types.FileBackedVirtualDiskSpec)
	if !ok {
		return &types.NotSupported{}
	}
	if !strings.HasSuffix(file, ".vmdk") {
		return &types.InvalidArgument{InvalidProperty: "name"}
	}
	if fb.CapacityKb <= 0 {
		return &types.InvalidArgument{InvalidProperty: "spec.capacityKb"}
	}
	kind, adapter, fault := diskSpec(spec)
	if fault != nil {
		return fault
	}
	if !fileExists(path.Dir(file)) {
		return &types.FileNotFound{FileFault: types.FileFault{File: path.Dir(name)}}
	}
	extent := path.Join(path.Dir(file), flatName(file))
	if fileExists(file) || fileExists(extent) {
		return &types.FileAlreadyExists{FileFault: types.FileFault{File: name}}
	}
	size := fb.CapacityKb * 1024
	if kind != kindThin && size > freeBytes(path.Dir(file)) {
		return &types.NoDiskSpace{FileFault: types.FileFault{File: name}, Datastore: datastoreOfName(name)}
	}
	if err := writeExtent(extent, size, kind); err != nil {
		_ = os.Remove(extent)
		return &types.CannotCreateFile{FileFault: types.FileFault{File: name}}
	}
	if err := os.WriteFile(file, []byte(vmfsDescriptor(size/512, path.Base(extent), adapter, kind == kindThin, nil)), 0o600); err != nil {
		_ = os.Remove(extent)
		return &types.CannotCreateFile{FileFault: types.FileFault{File: name}}
	}
	storage.setKind(file, kind)
	return nil
}

// writeExtent creates a flat extent of size bytes: a sparse file for thin disks, allocated blocks
// (fallocate) for thick ones.
func writeExtent(file string, size int64, kind diskKind) error {
	f, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return err
	}
	if kind != kindThin && size > 0 {
		return syscall.Fallocate(int(f.Fd()), 0, 0, size)
	}
	return nil
}

func freeBytes(dir string) int64 {
	var st syscall.Statfs_t
	if syscall.Statfs(dir, &st) != nil {
		return 1 << 62
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

func datastoreOfName(dsPath string) string {
	if i := strings.Index(dsPath, "]"); strings.HasPrefix(dsPath, "[") && i > 0 {
		return dsPath[1:i]
	}
	return ""
}

// DeleteVirtualDiskTask removes the descriptor and the extents it names; a disk a powered-on VM
// uses is locked (FileLocked).
func (m *diskManager) DeleteVirtualDiskTask(ctx *simulator.Context, req *types.DeleteVirtualDisk_Task) soap.HasFault {
	if storage.isRestricted() {
		return &methods.DeleteVirtualDisk_TaskBody{Fault_: simulator.Fault(restrictedMsg, restrictedVersion())}
	}
	user := userCall(ctx)
	ref := m.run("deleteVirtualDisk", func() (types.AnyType, types.BaseMethodFault) {
		file, _, fault := resolveFile(req.Datacenter, req.Name)
		if fault != nil {
			return nil, fault
		}
		if !fileExists(file) {
			return nil, &types.FileNotFound{FileFault: types.FileFault{File: req.Name}}
		}
		if user && lockingVM(file) != "" {
			return nil, fileLocked(req.Name)
		}
		info, ok := readVmdk(file)
		if ok {
			for _, e := range info.extentPaths(file) {
				_ = os.Remove(e)
			}
		}
		if err := os.Remove(file); err != nil {
			return nil, &types.CannotDeleteFile{FileFault: types.FileFault{File: req.Name}}
		}
		storage.forget(file)
		return nil, nil
	})
	return &methods.DeleteVirtualDisk_TaskBody{Res: &types.DeleteVirtualDisk_TaskResponse{Returnval: ref}}
}

// CopyVirtualDiskTask copies a disk, also to another datastore or datacenter. With destSpec the copy
// gets that type and adapter (on ESX; vCenter answers NotImplemented, as vcsim does); without it ESX
// makes a preallocated busLogic disk (the API reference's default), vCenter keeps the source's.
// An existing destination is FileAlreadyExists: force is ignored (API reference).
func (m *diskManager) CopyVirtualDiskTask(ctx *simulator.Context, req *types.CopyVirtualDisk_Task) soap.HasFault {
	if storage.isRestricted() {
		return &methods.CopyVirtualDisk_TaskBody{Fault_: simulator.Fault(restrictedMsg, restrictedVersion())}
	}
	ref := m.run("copyVirtualDisk", func() (types.AnyType, types.BaseMethodFault) {
		return nil, copyDisk(req)
	})
	return &methods.CopyVirtualDisk_TaskBody{Res: &types.CopyVirtualDisk_TaskResponse{Returnval: ref}}
}

func copyDisk(req *types.CopyVirtualDisk_Task) types.BaseMethodFault {
	if req.DestSpec != nil && !simulator.Map.IsESX() {
		return new(types.NotImplemented)
	}
	src, _, fault := resolveFile(req.SourceDatacenter, req.SourceName)
	if fault != nil {
		return fault
	}
	dstDc := req.DestDatacenter
	if dstDc == nil {
		dstDc = req.SourceDatacenter
	}
	dst, _, fault := resolveFile(dstDc, req.DestName)
	if fault != nil {
		return fault
	}
	info, ok := readVmdk(src)
	if !fileExists(src) || !ok {
		return &types.FileNotFound{FileFault: types.FileFault{File: req.SourceName}}
	}
	if !fileExists(path.Dir(dst)) {
		return &types.FileNotFound{FileFault: types.FileFault{File: path.Dir(req.DestName)}}
	}
	dstExtent := path.Join(path.Dir(dst), flatName(dst))
	if fileExists(dst) || fileExists(dstExtent) {
		return &types.FileAlreadyExists{FileFault: types.FileFault{File: req.DestName}}
	}
	if info.sparse {
		// A hosted sparse disk is copied as it is: this simulator converts flat VMFS disks only.
		if err := copyFile(src, dst, kindThin); err != nil {
			_ = os.Remove(dst)
			return &types.CannotCreateFile{FileFault: types.FileFault{File: req.DestName}}
		}
		return nil
	}
	kind, adapter := kindOf(src, info), info.ddb["adapterType"]
	if req.DestSpec != nil {
		var f types.BaseMethodFault
		if kind, adapter, f = diskSpec(req.DestSpec); f != nil {
			return f
		}
	} else if simulator.Map.IsESX() {
		kind, adapter = kindLazy, "buslogic"
	}
	extents := info.extentPaths(src)
	if len(extents) != 1 {
		return &types.NotSupported{}
	}
	if kind != kindThin && info.sectors*512 > freeBytes(path.Dir(dst)) {
		return &types.NoDiskSpace{FileFault: types.FileFault{File: req.DestName}, Datastore: datastoreOfName(req.DestName)}
	}
	if err := copyFile(extents[0], dstExtent, kind); err != nil {
		_ = os.Remove(dstExtent)
		return &types.CannotCreateFile{FileFault: types.FileFault{File: req.DestName}}
	}
	ddb := map[string]string{}
	for k, v := range info.ddb {
		if k != "uuid" && k != "longContentID" {
			ddb[k] = v
		}
	}
	text := vmfsDescriptor(info.sectors, path.Base(dstExtent), adapter, kind == kindThin, ddb)
	if err := os.WriteFile(dst, []byte(text), 0o600); err != nil {
		_ = os.Remove(dstExtent)
		return &types.CannotCreateFile{FileFault: types.FileFault{File: req.DestName}}
	}
	storage.setKind(dst, kind)
	return nil
}

// kindOf is a disk's recorded type, else what its descriptor says (thin or not).
func kindOf(file string, info vmdkInfo) diskKind {
	if k, ok := storage.kind(file); ok {
		return k
	}
	if info.ddb["thinProvisioned"] == "1" || info.sparse {
		return kindThin
	}
	return kindLazy
}

// ExtendVirtualDiskTask grows a flat disk to newCapacityKb (growing only: a smaller size is
// InvalidArgument); thick disks get the new space allocated, eagerZero zeroes it explicitly.
func (m *diskManager) ExtendVirtualDiskTask(ctx *simulator.Context, req *types.ExtendVirtualDisk_Task) soap.HasFault {
	if storage.isRestricted() {
		return &methods.ExtendVirtualDisk_TaskBody{Fault_: simulator.Fault(restrictedMsg, restrictedVersion())}
	}
	user := userCall(ctx)
	ref := m.run("extendVirtualDisk", func() (types.AnyType, types.BaseMethodFault) {
		file, info, extent, fault := flatDisk(req.Datacenter, req.Name)
		if fault != nil {
			return nil, fault
		}
		if user && lockingVM(file) != "" {
			return nil, fileLocked(req.Name)
		}
		sectors := req.NewCapacityKb * 2
		if sectors < info.sectors {
			return nil, &types.InvalidArgument{InvalidProperty: "newCapacityKb"}
		}
		kind := kindOf(file, info)
		if kind != kindThin && (sectors-info.sectors)*512 > freeBytes(path.Dir(file)) {
			return nil, &types.NoDiskSpace{FileFault: types.FileFault{File: req.Name}, Datastore: datastoreOfName(req.Name)}
		}
		f, err := os.OpenFile(extent, os.O_WRONLY, 0)
		if err != nil {
			return nil, &types.CannotAccessFile{FileFault: types.FileFault{File: req.Name}}
		}
		defer f.Close()
		if err := f.Truncate(sectors * 512); err != nil {
			return nil, &types.CannotAccessFile{FileFault: types.FileFault{File: req.Name}}
		}
		if kind != kindThin && sectors > info.sectors {
			_ = syscall.Fallocate(int(f.Fd()), 0, info.sectors*512, (sectors-info.sectors)*512)
		}
		text := vmfsDescriptor(sectors, path.Base(extent), info.ddb["adapterType"], kind == kindThin, info.ddb)
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			return nil, &types.CannotAccessFile{FileFault: types.FileFault{File: req.Name}}
		}
		// eagerZero zeroes the new part now (fallocate above already did); the type stays.
		storage.setKind(file, kind)
		return nil, nil
	})
	return &methods.ExtendVirtualDisk_TaskBody{Res: &types.ExtendVirtualDisk_TaskResponse{Returnval: ref}}
}

// flatDisk resolves a flat VMFS disk: its descriptor, what it says, and its one extent.
func flatDisk(dc *types.ManagedObjectReference, name string) (string, vmdkInfo, string, types.BaseMethodFault) {
	file, _, fault := resolveFile(dc, name)
	if fault != nil {
		return "", vmdkInfo{}, "", fault
	}
	info, ok := readVmdk(file)
	if !ok {
		return "", vmdkInfo{}, "", &types.FileNotFound{FileFault: types.FileFault{File: name}}
	}
	extents := info.extentPaths(file)
	if info.sparse || len(extents) != 1 || !fileExists(extents[0]) {
		return "", vmdkInfo{}, "", &types.NotSupported{}
	}
	return file, info, extents[0], nil
}

// ZeroFillVirtualDiskTask overwrites a disk with zeros: a thin disk stays thin (its blocks are
// released), a thick one stays allocated.
func (m *diskManager) ZeroFillVirtualDiskTask(ctx *simulator.Context, req *types.ZeroFillVirtualDisk_Task) soap.HasFault {
	if storage.isRestricted() {
		return &methods.ZeroFillVirtualDisk_TaskBody{Fault_: simulator.Fault(restrictedMsg, restrictedVersion())}
	}
	user := userCall(ctx)
	ref := m.run("zeroFillVirtualDisk", func() (types.AnyType, types.BaseMethodFault) {
		file, info, extent, fault := flatDisk(req.Datacenter, req.Name)
		if fault != nil {
			return nil, fault
		}
		if user && lockingVM(file) != "" {
			return nil, fileLocked(req.Name)
		}
		f, err := os.OpenFile(extent, os.O_WRONLY, 0)
		if err != nil {
			return nil, &types.CannotAccessFile{FileFault: types.FileFault{File: req.Name}}
		}
		defer f.Close()
		size := info.sectors * 512
		if err := f.Truncate(0); err != nil {
			return nil, &types.CannotAccessFile{FileFault: types.FileFault{File: req.Name}}
		}
		_ = f.Truncate(size)
		if kindOf(file, info) != kindThin && size > 0 {
			_ = syscall.Fallocate(int(f.Fd()), 0, 0, size)
		}
		return nil, nil
	})
	return &methods.ZeroFillVirtualDisk_TaskBody{Res: &types.ZeroFillVirtualDisk_TaskResponse{Returnval: ref}}
}

package main

import (
	"crypto/md5"
	"fmt"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// Storage extensions (README: "Storage"): datastores carry the host mount path real hosts report
// and may be VMFS or NFS datastores; the datastore browser searches without patterns and reports
// virtual disk details; the VirtualDiskManager creates disks of the requested size and type, extends
// and zero-fills them; disks of powered-on VMs are locked; the licence can be made read-only. The
// FileManager stays vcsim's (vcsim type-asserts it); route() sends some of its calls to
// fileManagerHelper (storage_control.go).

// diskKind is how a disk's blocks are allocated (vSphere's VirtualDiskType names).
type diskKind string

const (
	kindThin  diskKind = "thin"
	kindLazy  diskKind = "preallocated"
	kindEager diskKind = "eagerZeroedThick"
)

// storageState records what the file system cannot: whether a thick disk was zeroed eagerly.
type storageState struct {
	mu         sync.Mutex
	kinds      map[string]diskKind // absolute descriptor path -> kind
	restricted bool                // the licence forbids writes (ESXi free edition)
}

var storage = storageState{kinds: map[string]diskKind{}}

func (s *storageState) setKind(file string, k diskKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kinds[file] = k
}

func (s *storageState) kind(file string) (diskKind, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.kinds[file]
	return k, ok
}

func (s *storageState) forget(file string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.kinds, file)
}

func (s *storageState) isRestricted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restricted
}

// installStorage applies the storage extensions once the model exists; kinds gives datastore i
// the kind kinds[i] ("local", "vmfs" or "nfs"; missing entries stay local).
func installStorage(kinds []string) error {
	for i, e := range sortedDatastores() {
		ds := e
		kind := "local"
		if i < len(kinds) && kinds[i] != "" {
			kind = kinds[i]
		}
		if err := setDatastoreKind(ds, kind); err != nil {
			return err
		}
		simulator.Map.WithLock(ds, func() {
			// Real hosts report where they mount a datastore (HostMountInfo.path, /vmfs/volumes/<uuid>);
			// vcsim leaves it empty. Here the mount path is the local directory the datastore lives in.
			url := strings.TrimSuffix(ds.Info.GetDatastoreInfo().Url, "/")
			for j := range ds.Host {
				if ds.Host[j].MountInfo.Path == "" {
					ds.Host[j].MountInfo.Path = url
				}
			}
		})
		browser := &datastoreBrowser{}
		browser.Self = ds.Browser
		if old, ok := simulator.Map.Get(ds.Browser).(*simulator.HostDatastoreBrowser); ok {
			browser.Datastore = old.Datastore
		}
		simulator.Map.Put(browser)
	}
	sc := serviceContent()
	if sc.VirtualDiskManager != nil {
		m := &diskManager{}
		m.Self = *sc.VirtualDiskManager
		simulator.Map.Put(m)
	}
	return nil
}

// sortedDatastores lists the datastores in name order (LocalDS_0, LocalDS_1, …).
func sortedDatastores() []*simulator.Datastore {
	var out []*simulator.Datastore
	seen := map[string]bool{}
	for _, e := range simulator.Map.All("Datastore") {
		if ds, ok := e.(*simulator.Datastore); ok && !seen[ds.Self.Value] {
			seen[ds.Self.Value] = true
			out = append(out, ds)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Name < out[j-1].Name; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// setDatastoreKind turns a local datastore into a VMFS or NFS one, with the info subtype and
// summary.type real hosts report for them.
func setDatastoreKind(ds *simulator.Datastore, kind string) error {
	base := *ds.Info.GetDatastoreInfo()
	id := fmt.Sprintf("%x", md5.Sum([]byte(ds.Name)))
	switch kind {
	case "local":
		return nil
	case "vmfs":
		// A VMFS volume UUID looks like 5e7a3b9c-1b2c3d4e-5f60-000c29d0beb3.
		uuid := fmt.Sprintf("%s-%s-%s-%s", id[0:8], id[8:16], id[16:20], id[20:32])
		simulator.Map.WithLock(ds, func() {
			ds.Info = &types.VmfsDatastoreInfo{
				DatastoreInfo: base,
				Vmfs: &types.HostVmfsVolume{
					HostFileSystemVolume: types.HostFileSystemVolume{Type: "VMFS", Name: ds.Name, Capacity: ds.Summary.Capacity},
					BlockSizeMb:          1,
					MaxBlocks:            64 * 1024 * 1024,
					MajorVersion:         6,
					Version:              "6.82",
					Uuid:                 uuid,
					Extent:               []types.HostScsiDiskPartition{{DiskName: "mpx.vmhba0:C0:T0:L0", Partition: 3}},
				},
			}
			ds.Summary.Type = "VMFS"
		})
	case "nfs":
		simulator.Map.WithLock(ds, func() {
			ds.Info = &types.NasDatastoreInfo{
				DatastoreInfo: base,
				Nas: &types.HostNasVolume{
					HostFileSystemVolume: types.HostFileSystemVolume{Type: "NFS", Name: ds.Name, Capacity: ds.Summary.Capacity},
					RemoteHost:           "nfs.example.com",
					RemotePath:           "/export/" + ds.Name,
				},
			}
			ds.Summary.Type = "NFS"
		})
	default:
		return fmt.Errorf("unknown datastore kind %q (want local, vmfs or nfs)", kind)
	}
	return nil
}

// resolveFile maps "[datastore] path" in a datacenter to its local file, as vcsim's FileManager
// does (which is unexported): the datastore is looked up in the datacenter's datastore folder.
func resolveFile(dc *types.ManagedObjectReference, name string) (string, *simulator.Datastore, types.BaseMethodFault) {
	var p object.DatastorePath
	if !p.FromString(name) {
		return "", nil, &types.InvalidDatastorePath{DatastorePath: name}
	}
	if dc == nil {
		if !simulator.Map.IsESX() {
			return "", nil, &types.InvalidArgument{InvalidProperty: "datacenter"}
		}
		ref := simulator.Map.Any("Datacenter").Reference()
		dc = &ref
	}
	d, ok := simulator.Map.Get(*dc).(*simulator.Datacenter)
	if !ok {
		return "", nil, &types.ManagedObjectNotFound{Obj: *dc}
	}
	ds := findDatastore(d.DatastoreFolder, p.Datastore)
	if ds == nil {
		return "", nil, &types.InvalidDatastore{Name: p.Datastore}
	}
	root := ds.Info.GetDatastoreInfo().Url
	// Clean against the root so that '..' cannot leave the datastore, whatever the client sends.
	return path.Join(root, path.Clean("/"+p.Path)), ds, nil
}

func findDatastore(folder types.ManagedObjectReference, name string) *simulator.Datastore {
	var children []types.ManagedObjectReference
	switch f := simulator.Map.Get(folder).(type) {
	case *simulator.Folder:
		children = f.ChildEntity
	case *simulator.StoragePod:
		children = f.ChildEntity
	}
	for _, c := range children {
		switch o := simulator.Map.Get(c).(type) {
		case *simulator.Datastore:
			if o.Name == name {
				return o
			}
		case *simulator.Folder, *simulator.StoragePod:
			if ds := findDatastore(c, name); ds != nil {
				return ds
			}
		}
	}
	return nil
}

// datastoreByName finds a datastore for the /folder service (dsName query parameter).
func datastoreByName(name string) *simulator.Datastore {
	for _, ds := range sortedDatastores() {
		if ds.Name == name {
			return ds
		}
	}
	return nil
}

// datastorePathOf turns a local file back into "[datastore] path".
func datastorePathOf(ds *simulator.Datastore, file string) string {
	root := strings.TrimSuffix(ds.Info.GetDatastoreInfo().Url, "/")
	rel := strings.TrimPrefix(strings.TrimPrefix(file, root), "/")
	return fmt.Sprintf("[%s] %s", ds.Name, rel)
}

// lockingVM names a powered-on VM with a disk whose descriptor is `file`, or "".
func lockingVM(file string) string {
	for _, e := range simulator.Map.All("VirtualMachine") {
		vm, ok := e.(*simulator.VirtualMachine)
		if !ok || vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn || vm.Config == nil {
			continue
		}
		for _, d := range vm.Config.Hardware.Device {
			disk, ok := d.(*types.VirtualDisk)
			if !ok {
				continue
			}
			b, ok := disk.Backing.(types.BaseVirtualDeviceFileBackingInfo)
			if !ok {
				continue
			}
			dc := vmDatacenter(vm)
			if local, _, f := resolveFile(dc, b.GetVirtualDeviceFileBackingInfo().FileName); f == nil && local == file {
				return vm.Name
			}
		}
	}
	return ""
}

func vmDatacenter(vm *simulator.VirtualMachine) *types.ManagedObjectReference {
	var ref mo.Reference = vm
	for i := 0; i < 16 && ref != nil; i++ {
		e, ok := ref.(mo.Entity)
		if !ok || e.Entity().Parent == nil {
			return nil
		}
		p := *e.Entity().Parent
		if p.Type == "Datacenter" {
			return &p
		}
		ref = simulator.Map.Get(p)
	}
	return nil
}

// fileLocked is the fault ESX answers when a running VM holds a disk open.
func fileLocked(dsPath string) types.BaseMethodFault {
	return &types.FileLocked{FileFault: types.FileFault{File: dsPath}}
}

// restrictedVersion is the fault of write calls on a host whose licence (ESXi free) forbids them.
func restrictedVersion() types.BaseMethodFault {
	return &types.RestrictedVersion{}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

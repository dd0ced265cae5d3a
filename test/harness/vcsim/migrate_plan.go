package main

import (
	"fmt"
	"sort"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// movePlan is one validated move of a VM: where it goes, resolved as the vSphere API reference
// describes RelocateVM_Task and MigrateVM_Task (unset host/pool/datastore mean "unchanged", a pool
// of a DRS cluster without a host lets DRS pick one).
type movePlan struct {
	vm        *simulator.VirtualMachine
	method    string // RelocateVM_Task or MigrateVM_Task
	srcHost   types.ManagedObjectReference
	host      types.ManagedObjectReference
	srcPool   types.ManagedObjectReference
	pool      types.ManagedObjectReference
	homeDS    types.ManagedObjectReference // where the VM's home (vmx, nvram, logs) ends up
	srcHomeDS types.ManagedObjectReference
	disks     []diskMove
	live      bool // the VM is powered on: a vMotion / storage vMotion
	drsChose  bool
}

// diskMove is one virtual disk: where it is and where it goes.
type diskMove struct {
	key  int32
	from types.ManagedObjectReference
	to   types.ManagedObjectReference
	file string // backing fileName, "[ds] dir/name.vmdk"
}

func (p *movePlan) hostChanges() bool { return p.host != p.srcHost }

func (p *movePlan) storageChanges() bool {
	if p.homeDS != p.srcHomeDS {
		return true
	}
	for _, d := range p.disks {
		if d.from != d.to {
			return true
		}
	}
	return false
}

// datastores lists every datastore the VM uses once moved (home first).
func (p *movePlan) datastores() []types.ManagedObjectReference {
	out := []types.ManagedObjectReference{p.homeDS}
	for _, d := range p.disks {
		if simulator.FindReference(out, d.to) == nil {
			out = append(out, d.to)
		}
	}
	return out
}

// finding is one result of checking a plan: errors forbid the move, warnings do not.
type finding struct {
	fault   types.BaseMethodFault
	message string
	warning bool
}

func lookupHost(ref types.ManagedObjectReference) *simulator.HostSystem {
	h, _ := simulator.Map.Get(ref).(*simulator.HostSystem)
	return h
}

func lookupDatastore(ref types.ManagedObjectReference) *simulator.Datastore {
	ds, _ := simulator.Map.Get(ref).(*simulator.Datastore)
	return ds
}

func lookupPool(ref types.ManagedObjectReference) *simulator.ResourcePool {
	p, _ := simulator.Map.Get(ref).(*simulator.ResourcePool)
	return p
}

func entityName(ref types.ManagedObjectReference) string {
	if e, ok := simulator.Map.Get(ref).(mo.Entity); ok {
		return e.Entity().Name
	}
	return ref.Value
}

// ownerHosts returns the hosts of a pool's compute resource and, for a cluster, the cluster.
func ownerHosts(pool *simulator.ResourcePool) ([]types.ManagedObjectReference, *simulator.ClusterComputeResource) {
	switch cr := simulator.Map.Get(pool.Owner).(type) {
	case *simulator.ClusterComputeResource:
		return cr.Host, cr
	case *mo.ComputeResource:
		return cr.Host, nil
	}
	return nil, nil
}

// drsConfig returns a cluster's DRS settings (vcsim enables DRS on every cluster it creates).
func drsConfig(c *simulator.ClusterComputeResource) *types.ClusterDrsConfigInfo {
	if cfg, ok := c.ConfigurationEx.(*types.ClusterConfigInfoEx); ok {
		return &cfg.DrsConfig
	}
	return &types.ClusterDrsConfigInfo{}
}

func drsEnabled(c *simulator.ClusterComputeResource) bool {
	e := drsConfig(c).Enabled
	return e != nil && *e
}

// vmDisks lists the VM's virtual disks with their backing file and datastore.
func vmDisks(vm *simulator.VirtualMachine) []diskMove {
	var out []diskMove
	for _, d := range object.VirtualDeviceList(vm.Config.Hardware.Device).SelectByType((*types.VirtualDisk)(nil)) {
		disk := d.(*types.VirtualDisk)
		b, ok := disk.Backing.(types.BaseVirtualDeviceFileBackingInfo)
		if !ok {
			continue
		}
		fb := b.GetVirtualDeviceFileBackingInfo()
		var ds types.ManagedObjectReference
		if fb.Datastore != nil {
			ds = *fb.Datastore
		} else if p, ok := parseDSPath(fb.FileName); ok {
			if e := findDatastoreByName(p.Datastore); e != nil {
				ds = e.Self
			}
		}
		out = append(out, diskMove{key: disk.Key, from: ds, to: ds, file: fb.FileName})
	}
	return out
}

func parseDSPath(s string) (object.DatastorePath, bool) {
	var p object.DatastorePath
	ok := p.FromString(s)
	return p, ok
}

func findDatastoreByName(name string) *simulator.Datastore {
	for _, e := range simulator.Map.All("Datastore") {
		if ds, ok := e.(*simulator.Datastore); ok && ds.Name == name {
			return ds
		}
	}
	return nil
}

// planMove resolves a RelocateVM_Task spec (or MigrateVM_Task's pool and host) against the
// inventory; a fault means the request itself is invalid.
func planMove(vm *simulator.VirtualMachine, method string, spec *types.VirtualMachineRelocateSpec) (*movePlan, types.BaseMethodFault, string) {
	p := &movePlan{vm: vm, method: method, live: vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn}
	if vm.Runtime.Host == nil || vm.ResourcePool == nil {
		return nil, &types.InvalidState{}, "The virtual machine is not placed on a host."
	}
	p.srcHost, p.host = *vm.Runtime.Host, *vm.Runtime.Host
	p.srcPool, p.pool = *vm.ResourcePool, *vm.ResourcePool
	home, ok := parseDSPath(vm.Config.Files.VmPathName)
	if !ok {
		return nil, &types.InvalidState{}, "The virtual machine has no configuration file path."
	}
	homeDS := findDatastoreByName(home.Datastore)
	if homeDS == nil {
		return nil, &types.InvalidState{}, "The datastore of the virtual machine's configuration file is unknown."
	}
	p.srcHomeDS, p.homeDS = homeDS.Self, homeDS.Self
	p.disks = vmDisks(vm)

	if spec.Pool != nil {
		pool := lookupPool(*spec.Pool)
		if pool == nil {
			return nil, &types.ManagedObjectNotFound{Obj: *spec.Pool}, "The resource pool does not exist."
		}
		p.pool = pool.Self
		hosts, cluster := ownerHosts(pool)
		switch {
		case spec.Host != nil:
		case cluster == nil && len(hosts) > 0:
			p.host = hosts[0]
		case cluster != nil && simulator.FindReference(hosts, p.srcHost) != nil:
			// the VM already runs in this cluster: it stays on its host
		case cluster != nil && drsEnabled(cluster):
			chosen := drsPick(vm, cluster, p)
			if chosen == nil {
				return nil, &types.InvalidArgument{InvalidProperty: "pool"}, fmt.Sprintf("DRS found no host in cluster '%s' that can run the virtual machine.", cluster.Name)
			}
			p.host = *chosen
			p.drsChose = true
		default:
			return nil, &types.InvalidArgument{InvalidProperty: "host"}, fmt.Sprintf("Cluster '%s' does not have DRS enabled: a target host is required.", entityName(pool.Owner))
		}
	}
	if spec.Host != nil {
		if lookupHost(*spec.Host) == nil {
			return nil, &types.ManagedObjectNotFound{Obj: *spec.Host}, "The host does not exist."
		}
		p.host = *spec.Host
	}
	// A host in another compute resource needs a pool there: the VM cannot stay in its old one.
	if pool := lookupPool(p.pool); pool != nil {
		if hosts, _ := ownerHosts(pool); simulator.FindReference(hosts, p.host) == nil {
			return nil, &types.InvalidArgument{InvalidProperty: "pool"},
				fmt.Sprintf("Host '%s' is not part of the compute resource of resource pool '%s'.", entityName(p.host), entityName(p.pool))
		}
	}
	if spec.Datastore != nil {
		if lookupDatastore(*spec.Datastore) == nil {
			return nil, &types.ManagedObjectNotFound{Obj: *spec.Datastore}, "The datastore does not exist."
		}
		p.homeDS = *spec.Datastore
		// Disks follow the VM's home unless a locator says otherwise.
		for i := range p.disks {
			p.disks[i].to = *spec.Datastore
		}
	}
	for _, loc := range spec.Disk {
		if lookupDatastore(loc.Datastore) == nil {
			return nil, &types.ManagedObjectNotFound{Obj: loc.Datastore}, "The datastore does not exist."
		}
		found := false
		for i := range p.disks {
			if p.disks[i].key == loc.DiskId {
				p.disks[i].to = loc.Datastore
				found = true
			}
		}
		if !found {
			return nil, &types.InvalidArgument{InvalidProperty: "spec.disk.diskId"}, fmt.Sprintf("The virtual machine has no disk with key %d.", loc.DiskId)
		}
	}
	return p, nil, ""
}

// checkPlan applies the rules the vSphere API reference documents for a move to the plan: the
// destination host must be connected and out of maintenance mode, support vMotion for a powered-on
// VM changing hosts, see every datastore the VM will use and every network its NICs use (a
// disconnected NIC only warns); a powered-on storage move needs storage vMotion.
func checkPlan(p *movePlan) []finding {
	var out []finding
	host := lookupHost(p.host)
	src := lookupHost(p.srcHost)
	if host == nil || src == nil {
		return []finding{{fault: &types.ManagedObjectNotFound{Obj: p.host}, message: "The host does not exist."}}
	}
	if host.Runtime.ConnectionState != types.HostSystemConnectionStateConnected {
		out = append(out, finding{fault: &types.HostNotConnected{}, message: fmt.Sprintf("Host '%s' is not connected.", host.Name)})
	}
	if host.Runtime.InMaintenanceMode {
		out = append(out, finding{fault: &types.InvalidHostState{InvalidState: types.InvalidState{}, Host: &host.Self},
			message: fmt.Sprintf("Host '%s' is in maintenance mode.", host.Name)})
	}
	if p.live && p.hostChanges() {
		for _, h := range []*simulator.HostSystem{src, host} {
			if h.Capability == nil || !h.Capability.VmotionSupported {
				out = append(out, finding{
					fault: &types.VMotionNotSupported{VMotionInterfaceIssue: types.VMotionInterfaceIssue{
						AtSourceHost: h == src, FailedHost: h.Name, FailedHostEntity: &h.Self,
					}},
					message: fmt.Sprintf("vMotion is not supported by host '%s'.", h.Name),
				})
			}
		}
	}
	if p.live && p.storageChanges() {
		if src.Capability == nil || src.Capability.StorageVMotionSupported == nil || !*src.Capability.StorageVMotionSupported {
			out = append(out, finding{fault: &types.NotSupported{}, message: fmt.Sprintf("Storage vMotion is not supported by host '%s'.", src.Name)})
		}
	}
	for _, ds := range p.datastores() {
		if simulator.FindReference(host.Datastore, ds) == nil {
			name := entityName(ds)
			dsRef := ds
			out = append(out, finding{
				fault:   &types.DatastoreNotWritableOnHost{InvalidDatastore: types.InvalidDatastore{Datastore: &dsRef, Name: name}, Host: host.Self},
				message: fmt.Sprintf("Datastore '%s' is not accessible from host '%s'.", name, host.Name),
			})
		}
	}
	for _, nic := range vmNics(p.vm) {
		if nic.network.Value == "" || simulator.FindReference(host.Network, nic.network) != nil {
			continue
		}
		netRef := nic.network
		out = append(out, finding{
			fault: &types.CannotAccessNetwork{CannotAccessVmDevice: types.CannotAccessVmDevice{
				Device: nic.label, Backing: nic.networkName, Connected: nic.connected,
			}, Network: &netRef},
			message: fmt.Sprintf("Network '%s' of '%s' is not accessible on host '%s'.", nic.networkName, nic.label, host.Name),
			warning: !nic.connected,
		})
	}
	return out
}

// errorsOf keeps the findings that forbid the move.
func errorsOf(fs []finding) []finding {
	var out []finding
	for _, f := range fs {
		if !f.warning {
			out = append(out, f)
		}
	}
	return out
}

type vmNic struct {
	label       string
	network     types.ManagedObjectReference
	networkName string
	connected   bool
}

// vmNics lists the VM's NICs and the network each is backed by.
func vmNics(vm *simulator.VirtualMachine) []vmNic {
	var out []vmNic
	for _, d := range object.VirtualDeviceList(vm.Config.Hardware.Device).SelectByType((*types.VirtualEthernetCard)(nil)) {
		dev := d.GetVirtualDevice()
		nic := vmNic{label: fmt.Sprintf("ethernet%d", len(out)), connected: dev.Connectable == nil || dev.Connectable.Connected}
		if dev.DeviceInfo != nil && dev.DeviceInfo.GetDescription() != nil {
			nic.label = dev.DeviceInfo.GetDescription().Label
		}
		switch b := dev.Backing.(type) {
		case *types.VirtualEthernetCardNetworkBackingInfo:
			if b.Network != nil {
				nic.network = *b.Network
			} else if n := findNetworkByName(b.DeviceName); n != nil {
				nic.network = n.Reference()
			}
			nic.networkName = b.DeviceName
		case *types.VirtualEthernetCardDistributedVirtualPortBackingInfo:
			nic.network = types.ManagedObjectReference{Type: "DistributedVirtualPortgroup", Value: b.Port.PortgroupKey}
			nic.networkName = entityName(nic.network)
		}
		out = append(out, nic)
	}
	return out
}

func findNetworkByName(name string) mo.Entity {
	for _, kind := range []string{"Network", "DistributedVirtualPortgroup"} {
		for _, e := range simulator.Map.All(kind) {
			if e.Entity().Name == name {
				return e
			}
		}
	}
	return nil
}

// drsPick is the harness's DRS: among the cluster's connected hosts outside maintenance mode that
// pass every check for this VM, the one with the fewest VMs (ties by name).
func drsPick(vm *simulator.VirtualMachine, cluster *simulator.ClusterComputeResource, p *movePlan) *types.ManagedObjectReference {
	ranked := drsRank(vm, cluster, p)
	if len(ranked) == 0 {
		return nil
	}
	return &ranked[0].Host
}

// drsRank rates the cluster's hosts for a VM, best first (rating 1..5, as ClusterHostRecommendation).
func drsRank(vm *simulator.VirtualMachine, cluster *simulator.ClusterComputeResource, p *movePlan) []types.ClusterHostRecommendation {
	type cand struct {
		host *simulator.HostSystem
		vms  int
	}
	var cands []cand
	for _, ref := range cluster.Host {
		h := lookupHost(ref)
		if h == nil {
			continue
		}
		trial := *p
		trial.host = ref
		trial.drsChose = true
		if len(errorsOf(checkPlan(&trial))) > 0 {
			continue
		}
		cands = append(cands, cand{h, len(h.Vm)})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].vms != cands[j].vms {
			return cands[i].vms < cands[j].vms
		}
		return cands[i].host.Name < cands[j].host.Name
	})
	out := make([]types.ClusterHostRecommendation, 0, len(cands))
	for i, c := range cands {
		rating := int32(5 - i)
		if rating < 1 {
			rating = 1
		}
		out = append(out, types.ClusterHostRecommendation{Host: c.host.Self, Rating: rating})
	}
	return out
}

package main

import (
	"context"
	"fmt"
	"net/http"
	"path"

	"github.com/google/uuid"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/simulator/esx"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// labNetwork is the standard port group the migration lab gives only to DC0_C0_H0 and DC0_C0_H1.
const labNetwork = "Lab Isolated"

// internalCtx is a session of the launcher's own, for inventory changes made outside SOAP calls.
func internalCtx() *simulator.Context {
	return &simulator.Context{
		Context: context.Background(),
		Session: &simulator.Session{
			UserSession: types.UserSession{Key: uuid.New().String(), UserName: "esxvirt-test"},
			Registry:    simulator.NewRegistry(),
		},
		Map: simulator.Map,
	}
}

func hostByName(name string) *simulator.HostSystem {
	for _, e := range simulator.Map.All("HostSystem") {
		if h := e.(*simulator.HostSystem); h.Name == name {
			return h
		}
	}
	return nil
}

func clusterByName(name string) *simulator.ClusterComputeResource {
	for _, e := range simulator.Map.All("ClusterComputeResource") {
		if c := e.(*simulator.ClusterComputeResource); c.Name == name {
			return c
		}
	}
	return nil
}

// setupMigrationLab shapes a vCenter model (2 clusters of 3 hosts, 2 shared datastores) into the
// migration lab test/harness/README.md describes: DC0_C1_H2 does not mount LocalDS_1, DC0_C1_H1
// has vMotion disabled, the port group "Lab Isolated" exists only on DC0_C0_H0 and DC0_C0_H1,
// cluster DC0_C0's DRS is fully automated and DC0_C1's manual.
func setupMigrationLab() error {
	if !simulator.Map.IsVPX() {
		return fmt.Errorf("-migration-lab needs -model vpx")
	}
	for _, n := range []string{"DC0_C0", "DC0_C1"} {
		if clusterByName(n) == nil {
			return fmt.Errorf("-migration-lab needs clusters DC0_C0 and DC0_C1 (-clusters 2 or more)")
		}
	}
	if h := hostByName("DC0_C1_H2"); h != nil {
		if ds := findDatastoreByName("LocalDS_1"); ds != nil {
			unmount(h, ds)
		}
	}
	if h := hostByName("DC0_C1_H1"); h != nil && h.Capability != nil {
		h.Capability.VmotionSupported = false
	}
	net, err := addLabNetwork()
	if err != nil {
		return err
	}
	for _, n := range []string{"DC0_C0_H0", "DC0_C0_H1"} {
		if h := hostByName(n); h != nil {
			h.Network = append(append([]types.ManagedObjectReference{}, h.Network...), net)
		}
	}
	setDRS(clusterByName("DC0_C0"), true, types.DrsBehaviorFullyAutomated)
	setDRS(clusterByName("DC0_C1"), true, types.DrsBehaviorManual)
	return nil
}

// unmount takes a datastore away from one host, on both sides of the relation.
func unmount(h *simulator.HostSystem, ds *simulator.Datastore) {
	keep := []types.ManagedObjectReference{}
	for _, r := range h.Datastore {
		if r != ds.Self {
			keep = append(keep, r)
		}
	}
	h.Datastore = keep
	mounts := []types.DatastoreHostMount{}
	for _, m := range ds.Host {
		if m.Key != h.Self {
			mounts = append(mounts, m)
		}
	}
	ds.Host = mounts
}

// addLabNetwork creates a standard network in DC0's network folder.
func addLabNetwork() (types.ManagedObjectReference, error) {
	dc, ok := simulator.Map.Any("Datacenter").(*simulator.Datacenter)
	if !ok {
		return types.ManagedObjectReference{}, fmt.Errorf("no datacenter")
	}
	folder, ok := simulator.Map.Get(dc.NetworkFolder).(*simulator.Folder)
	if !ok {
		return types.ManagedObjectReference{}, fmt.Errorf("no network folder")
	}
	net := &mo.Network{}
	net.Name = labNetwork // mo.Network has a name of its own besides ManagedEntity's
	net.ManagedEntity.Name = labNetwork
	net.Self = types.ManagedObjectReference{Type: "Network", Value: "network-lab"}
	net.Parent = &folder.Self
	simulator.Map.Put(net)
	folder.ChildEntity = append(folder.ChildEntity, net.Self)
	dc.Network = append(dc.Network, net.Self)
	return net.Self, nil
}

func setDRS(c *simulator.ClusterComputeResource, enabled bool, behavior types.DrsBehavior) {
	if c == nil {
		return
	}
	cfg, ok := c.ConfigurationEx.(*types.ClusterConfigInfoEx)
	if !ok {
		cfg = &types.ClusterConfigInfoEx{}
		c.ConfigurationEx = cfg
	}
	simulator.Map.WithLock(c, func() {
		cfg.DrsConfig.Enabled = &enabled
		cfg.DrsConfig.DefaultVmBehavior = behavior
		simulator.Map.Update(c, []types.PropertyChange{{Name: "configurationEx", Val: cfg}})
	})
}

// controlCreateVM creates a VM with one 1 MiB disk and one NIC on a given host:
// ?name=&host=<name>&datastore=LocalDS_0&network=<port group or network name>&connected=1&power=on|off|suspended
func controlCreateVM(r *http.Request) (interface{}, error) {
	q := r.URL.Query()
	name := q.Get("name")
	host := hostByName(q.Get("host"))
	if name == "" || host == nil {
		return nil, fmt.Errorf("want name and the name of an existing host")
	}
	dsName := q.Get("datastore")
	if dsName == "" {
		dsName = "LocalDS_0"
	}
	if findDatastoreByName(dsName) == nil {
		return nil, fmt.Errorf("no datastore %q", dsName)
	}
	backing, err := nicBacking(q.Get("network"))
	if err != nil {
		return nil, err
	}
	ref, err := createVMAt(name, fmt.Sprintf("[%s] %s/%s.vmx", dsName, name, name), host, backing, q.Get("connected") != "0")
	if err != nil {
		return nil, err
	}
	vm := lookupVM(ref.Value)
	ctx := internalCtx()
	switch q.Get("power") {
	case "", "on":
		vm.PowerOnVMTask(ctx, &types.PowerOnVM_Task{This: vm.Self})
	case "suspended":
		vm.PowerOnVMTask(ctx, &types.PowerOnVM_Task{This: vm.Self})
		vm.SuspendVMTask(ctx, &types.SuspendVM_Task{This: vm.Self})
	case "off":
	default:
		return nil, fmt.Errorf("power: want on, off or suspended")
	}
	return map[string]interface{}{"vm": ref.Value, "name": vm.Name, "uuid": vm.Config.Uuid, "vmPathName": vm.Config.Files.VmPathName}, nil
}

// nicBacking is the backing of a NIC on the network or port group named `name` (default: the
// datacenter's first DVS port group, as vcsim's own VMs).
func nicBacking(name string) (types.BaseVirtualDeviceBackingInfo, error) {
	if name == "" {
		name = "DC0_DVPG0"
	}
	e := findNetworkByName(name)
	if e == nil {
		return nil, fmt.Errorf("no network %q", name)
	}
	if pg, ok := e.(*simulator.DistributedVirtualPortgroup); ok {
		dvs, _ := simulator.Map.Get(*pg.Config.DistributedVirtualSwitch).(*simulator.DistributedVirtualSwitch)
		port := types.DistributedVirtualSwitchPortConnection{PortgroupKey: pg.Key}
		if dvs != nil {
			port.SwitchUuid = dvs.Uuid
		}
		return &types.VirtualEthernetCardDistributedVirtualPortBackingInfo{Port: port}, nil
	}
	ref := e.Reference()
	return &types.VirtualEthernetCardNetworkBackingInfo{
		VirtualDeviceDeviceBackingInfo: types.VirtualDeviceDeviceBackingInfo{DeviceName: name},
		Network:                        &ref,
	}, nil
}

// createVMAt runs vcsim's own CreateVM_Task for a VM whose configuration is at vmPathName
// ("[ds] dir/name.vmx"), with a 1 MiB disk beside it.
func createVMAt(name, vmPathName string, host *simulator.HostSystem, backing types.BaseVirtualDeviceBackingInfo, connected bool) (types.ManagedObjectReference, error) {
	home, ok := parseDSPath(vmPathName)
	if !ok {
		return types.ManagedObjectReference{}, fmt.Errorf("bad configuration path %q", vmPathName)
	}
	dc, ok := simulator.Map.Any("Datacenter").(*simulator.Datacenter)
	if !ok {
		return types.ManagedObjectReference{}, fmt.Errorf("no datacenter")
	}
	folder := simulator.Map.Get(dc.VmFolder).(*simulator.Folder)
	pool := rootPoolOf(host)
	if pool == nil {
		return types.ManagedObjectReference{}, fmt.Errorf("host %s has no resource pool", host.Name)
	}
	var devices object.VirtualDeviceList
	scsi, _ := devices.CreateSCSIController("pvscsi")
	disk := devices.CreateDisk(scsi.(types.BaseVirtualController), types.ManagedObjectReference{}, fmt.Sprintf("[%s] %s/disk1.vmdk", home.Datastore, path.Dir(home.Path)))
	disk.CapacityInKB = 1024
	nic := esx.EthernetCard
	nic.Backing = backing
	nic.Connectable = &types.VirtualDeviceConnectInfo{StartConnected: connected, Connected: connected, AllowGuestControl: true}
	devices = append(devices, scsi, disk, &nic)
	spec := types.VirtualMachineConfigSpec{
		Name:    name,
		GuestId: string(types.VirtualMachineGuestOsIdentifierOtherGuest),
		Files:   &types.VirtualMachineFileInfo{VmPathName: vmPathName},
	}
	spec.DeviceChange, _ = devices.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)
	ctx := internalCtx()
	var task *simulator.Task
	if b, ok := folder.CreateVMTask(ctx, &types.CreateVM_Task{This: folder.Self, Config: spec, Pool: *pool, Host: &host.Self}).(*methods.CreateVM_TaskBody); ok && b.Res != nil {
		task = lookupTask(b.Res.Returnval.Value)
	}
	if task == nil {
		return types.ManagedObjectReference{}, fmt.Errorf("CreateVM_Task returned no task")
	}
	if task.Info.Error != nil {
		return types.ManagedObjectReference{}, fmt.Errorf("CreateVM_Task failed: %s", task.Info.Error.LocalizedMessage)
	}
	ref, ok := task.Info.Result.(types.ManagedObjectReference)
	if !ok {
		return types.ManagedObjectReference{}, fmt.Errorf("CreateVM_Task returned no VM")
	}
	return ref, nil
}

// controlDRS sets a cluster's DRS: ?cluster=<name>&enabled=1&behavior=fullyAutomated|partiallyAutomated|manual
func controlDRS(r *http.Request) (interface{}, error) {
	q := r.URL.Query()
	c := clusterByName(q.Get("cluster"))
	if c == nil {
		return nil, fmt.Errorf("no cluster %q", q.Get("cluster"))
	}
	behavior := types.DrsBehavior(q.Get("behavior"))
	switch behavior {
	case "":
		behavior = types.DrsBehaviorFullyAutomated
	case types.DrsBehaviorFullyAutomated, types.DrsBehaviorPartiallyAutomated, types.DrsBehaviorManual:
	default:
		return nil, fmt.Errorf("behavior: want fullyAutomated, partiallyAutomated or manual")
	}
	enabled := q.Get("enabled") != "0"
	setDRS(c, enabled, behavior)
	return map[string]interface{}{"ok": true, "cluster": c.Name, "enabled": enabled, "behavior": behavior}, nil
}

// controlHostState changes what a host offers: ?host=<name>&vmotion=0|1&maintenance=0|1
func controlHostState(r *http.Request) (interface{}, error) {
	q := r.URL.Query()
	h := hostByName(q.Get("host"))
	if h == nil {
		return nil, fmt.Errorf("no host %q", q.Get("host"))
	}
	simulator.Map.WithLock(h, func() {
		var changes []types.PropertyChange
		if v := q.Get("vmotion"); v != "" && h.Capability != nil {
			c := *h.Capability
			c.VmotionSupported = v != "0"
			changes = append(changes, types.PropertyChange{Name: "capability", Val: &c})
		}
		if v := q.Get("maintenance"); v != "" {
			changes = append(changes, types.PropertyChange{Name: "runtime.inMaintenanceMode", Val: v != "0"})
		}
		simulator.Map.Update(h, changes)
	})
	return map[string]interface{}{"ok": true, "host": h.Name, "vmotionSupported": h.Capability != nil && h.Capability.VmotionSupported,
		"inMaintenanceMode": h.Runtime.InMaintenanceMode}, nil
}

// controlMigrationSpeed sets how long a move takes: ?ms=600
func controlMigrationSpeed(r *http.Request) (interface{}, error) {
	ms, err := intParam(r, "ms", 600)
	if err != nil {
		return nil, err
	}
	if ms < 0 {
		return nil, fmt.Errorf("want ms >= 0")
	}
	migrations.duration.Store(int64(ms))
	return map[string]interface{}{"ok": true, "ms": ms}, nil
}

// controlMigrationQuestion arms a question half-way through the next moves of a VM:
// ?vm=<moid|name>&kind=space|uuid|serial|none&times=1
func controlMigrationQuestion(r *http.Request) (interface{}, error) {
	q := r.URL.Query()
	vm := findVM(q.Get("vm"))
	if vm == nil {
		return nil, fmt.Errorf("no VM with moid or name %q", q.Get("vm"))
	}
	kind := q.Get("kind")
	if kind == "" {
		kind = "space"
	}
	times, err := intParam(r, "times", 1)
	if err != nil {
		return nil, err
	}
	migrations.mu.Lock()
	defer migrations.mu.Unlock()
	if kind == "none" {
		delete(migrations.armed, vm.Self.Value)
		return map[string]interface{}{"ok": true}, nil
	}
	if _, ok := questionKinds[kind]; !ok {
		return nil, fmt.Errorf("unknown question kind %q", kind)
	}
	migrations.armed[vm.Self.Value] = armSpec{kind: kind, times: times}
	return map[string]interface{}{"ok": true, "vm": vm.Self.Value, "kind": kind}, nil
}

// controlMigrations lists every move started, with its outcome.
func controlMigrations(*http.Request) (interface{}, error) {
	migrations.mu.Lock()
	defer migrations.mu.Unlock()
	out := make([]migrationRecord, 0, len(migrations.records))
	for _, r := range migrations.records {
		out = append(out, *r)
	}
	return map[string]interface{}{"migrations": out}, nil
}

// hostFacts is what an ESX endpoint of a vCenter host needs to look like it (see as_host.go).
type hostFacts struct {
	Name               string   `json:"name"`
	UUID               string   `json:"uuid"`
	ManagementServerIP string   `json:"managementServerIp"`
	Datastores         []string `json:"datastores"`
	VMs                []vmFact `json:"vms"`
}

type vmFact struct {
	Name       string `json:"name"`
	VMPathName string `json:"vmPathName"`
	PowerState string `json:"powerState"`
}

// controlHostFacts describes a host for an ESX endpoint: ?host=<name>&managementServerIp=127.0.0.1
func controlHostFacts(r *http.Request) (interface{}, error) {
	q := r.URL.Query()
	h := hostByName(q.Get("host"))
	if h == nil {
		return nil, fmt.Errorf("no host %q", q.Get("host"))
	}
	f := hostFacts{Name: h.Name, UUID: h.Summary.Hardware.Uuid, ManagementServerIP: q.Get("managementServerIp")}
	for _, ref := range h.Datastore {
		f.Datastores = append(f.Datastores, entityName(ref))
	}
	for _, ref := range h.Vm {
		if vm := lookupVM(ref.Value); vm != nil {
			f.VMs = append(f.VMs, vmFact{vm.Name, vm.Config.Files.VmPathName, string(vm.Runtime.PowerState)})
		}
	}
	return f, nil
}

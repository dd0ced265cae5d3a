package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// applyHostFacts makes an ESX-model simulator stand for one host of a vCenter model (the facts
// come from that simulator's /esxvirt-test/host-facts): the host's name, hardware UUID and
// summary.managementServerIp, its datastores' names, and its VMs with the same names and
// configuration paths, so their BIOS UUIDs (vcsim derives them from the path) are the same as in
// the vCenter. The endpoint is a snapshot: it does not follow later changes in the vCenter.
func applyHostFacts(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("-as-host: %w", err)
	}
	var f hostFacts
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("-as-host %s: %w", file, err)
	}
	if !simulator.Map.IsESX() {
		return fmt.Errorf("-as-host needs -model esx")
	}
	host, ok := simulator.Map.Any("HostSystem").(*simulator.HostSystem)
	if !ok {
		return fmt.Errorf("-as-host: the ESX model has no host")
	}
	if f.Name != "" {
		host.Name = f.Name
		host.Summary.Config.Name = f.Name
	}
	if f.UUID != "" {
		host.Summary.Hardware.Uuid = f.UUID
		host.Hardware.SystemInfo.Uuid = f.UUID
	}
	host.Summary.ManagementServerIp = f.ManagementServerIP
	var stores []*simulator.Datastore
	for _, e := range simulator.Map.All("Datastore") {
		stores = append(stores, e.(*simulator.Datastore))
	}
	if len(stores) < len(f.Datastores) {
		return fmt.Errorf("-as-host: %d datastores needed, start with -datastores %d", len(f.Datastores), len(f.Datastores))
	}
	for i, name := range f.Datastores {
		ds := stores[i]
		ds.Name = name
		ds.Summary.Name = name
		ds.Info.GetDatastoreInfo().Name = name
	}
	for _, vm := range f.VMs {
		backing, err := nicBacking("VM Network")
		if err != nil {
			return err
		}
		ref, err := createVMAt(vm.Name, vm.VMPathName, host, backing, true)
		if err != nil {
			return fmt.Errorf("-as-host: VM %s: %w", vm.Name, err)
		}
		if vm.PowerState == string(types.VirtualMachinePowerStatePoweredOn) {
			v := lookupVM(ref.Value)
			v.PowerOnVMTask(internalCtx(), &types.PowerOnVM_Task{This: v.Self})
		}
	}
	return nil
}

package main

import (
	"fmt"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// installIscsi gives every host what an enabled software iSCSI adapter with one configured static
// target shows in config.storageDevice (vSphere API reference: HostInternetScsiHba,
// HostScsiTopology): the adapter vmhba65, the target iqn.2024-01.com.example:storage (port 3260)
// and two LUNs behind it, 1 GiB and 2 GiB disks.
func installIscsi() {
	for _, e := range simulator.Map.All("HostSystem") {
		host, ok := e.(*simulator.HostSystem)
		if !ok || host.Config == nil || host.Config.StorageDevice == nil {
			continue
		}
		simulator.Map.WithLock(host, func() {
			sd := *host.Config.StorageDevice
			const target = "iqn.2024-01.com.example:storage"
			hba := &types.HostInternetScsiHba{
				HostHostBusAdapter: types.HostHostBusAdapter{
					Key:    "key-vim.host.InternetScsiHba-vmhba65",
					Device: "vmhba65",
					Status: "online",
					Model:  "iSCSI Software Adapter",
					Driver: "iscsi_vmk",
				},
				IsSoftwareBased:        true,
				IScsiName:              "iqn.1998-01.com.vmware:" + host.Name,
				ConfiguredStaticTarget: []types.HostInternetScsiHbaStaticTarget{{Address: "192.0.2.10", Port: 3260, IScsiName: target, DiscoveryMethod: "staticMethod"}},
			}
			sd.HostBusAdapter = append(append([]types.BaseHostHostBusAdapter{}, sd.HostBusAdapter...), hba)
			var luns []types.HostScsiTopologyLun
			sd.ScsiLun = append([]types.BaseScsiLun{}, sd.ScsiLun...)
			for i, gib := range []int64{1, 2} {
				naa := fmt.Sprintf("naa.6001405%025x", i+1)
				key := "key-vim.host.ScsiDisk-" + naa
				sd.ScsiLun = append(sd.ScsiLun, &types.HostScsiDisk{
					ScsiLun: types.ScsiLun{
						HostDevice:       types.HostDevice{DeviceName: "/vmfs/devices/disks/" + naa, DeviceType: "disk"},
						Key:              key,
						Uuid:             fmt.Sprintf("02000%d000060014050000000000000000000000%d4c494f2d4f52", i, i),
						CanonicalName:    naa,
						DisplayName:      "LIO-ORG iSCSI Disk (" + naa + ")",
						LunType:          "disk",
						Vendor:           "LIO-ORG ",
						Model:            "disk" + fmt.Sprint(i+1),
						OperationalState: []string{"ok"},
					},
					Capacity:   types.HostDiskDimensionsLba{BlockSize: 512, Block: gib * 1024 * 1024 * 2},
					DevicePath: "/vmfs/devices/disks/" + naa,
				})
				luns = append(luns, types.HostScsiTopologyLun{Key: fmt.Sprintf("key-vim.host.ScsiTopology.Lun-%s-%d", naa, i), Lun: int32(i), ScsiLun: key})
			}
			topo := types.HostScsiTopology{}
			if sd.ScsiTopology != nil {
				topo.Adapter = append(topo.Adapter, sd.ScsiTopology.Adapter...)
			}
			topo.Adapter = append(topo.Adapter, types.HostScsiTopologyInterface{
				Key:     "key-vim.host.ScsiTopology.Interface-vmhba65",
				Adapter: hba.Key,
				Target: []types.HostScsiTopologyTarget{{
					Key:       "key-vim.host.ScsiTopology.Target-vmhba65:0:0",
					Target:    0,
					Lun:       luns,
					Transport: &types.HostInternetScsiTargetTransport{IScsiName: target, Address: []string{"192.0.2.10:3260"}},
				}},
			})
			sd.ScsiTopology = &topo
			host.Config.StorageDevice = &sd
		})
	}
}

// storageSystemHelper answers RescanHba, which vcsim 0.24.2 lacks: an adapter the host has is
// rescanned (nothing changes here); another faults with NotFound.
type storageSystemHelper struct{ objHelper }

const storageSystemHelperType = "EsxvirtHostStorageSystem"

func routeStorageSystem(c soapCall) (string, bool) {
	if c.method != "RescanHba" {
		return "", false
	}
	ensureHelper(&storageSystemHelper{helperOf(storageSystemHelperType, c.thisValue)})
	return storageSystemHelperType, true
}

func (h *storageSystemHelper) RescanHba(ctx *simulator.Context, req *types.RescanHba) soap.HasFault {
	for _, e := range simulator.Map.All("HostSystem") {
		host, ok := e.(*simulator.HostSystem)
		if !ok || host.ConfigManager.StorageSystem == nil || host.ConfigManager.StorageSystem.Value != h.Self.Value || host.Config == nil {
			continue
		}
		for _, a := range host.Config.StorageDevice.HostBusAdapter {
			if a.GetHostHostBusAdapter().Device == req.HbaDevice {
				return &methods.RescanHbaBody{Res: &types.RescanHbaResponse{}}
			}
		}
	}
	return &methods.RescanHbaBody{Fault_: simulator.Fault("", &types.NotFound{})}
}

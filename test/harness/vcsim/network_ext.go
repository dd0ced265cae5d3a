package main

import (
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// hostNetworkSystem wraps vcsim 0.24.2's HostNetworkSystem, which changes only its own networkInfo
// (the host's config.network stays as it was), gives a new switch no key or spec, lists a switch's
// port groups by name, reports no physical NICs and lacks UpdatePortGroup. Property reads go to
// the wrapped object (Get), calls to the methods below; see README.md for the behaviour each follows.
type hostNetworkSystem struct {
	// first, so that vcsim's registry scans (getManagedObject) find an mo type; only Self is set
	mo.HostNetworkSystem
	orig *simulator.HostNetworkSystem
}

// Get serves property reads from the wrapped object (vcsim's getObject honours this interface).
func (h *hostNetworkSystem) Get() mo.Reference { return h.orig }

// UpdateNetworkConfig is vcsim's.
func (h *hostNetworkSystem) UpdateNetworkConfig(req *types.UpdateNetworkConfig) soap.HasFault {
	return h.orig.UpdateNetworkConfig(req)
}

// QueryNetworkHint is vcsim's.
func (h *hostNetworkSystem) QueryNetworkHint(req *types.QueryNetworkHint) soap.HasFault {
	return h.orig.QueryNetworkHint(req)
}

const (
	switchKeyPrefix    = "key-vim.host.VirtualSwitch-"
	portgroupKeyPrefix = "key-vim.host.PortGroup-"
	pnicKeyPrefix      = "key-vim.host.PhysicalNic-"
)

// installNetworkSystems replaces every host's network system with the wrapper, its networkInfo
// first made equal to the host's config.network (switch keys, specs, uplinks and NICs included).
func installNetworkSystems() {
	for _, e := range simulator.Map.All("HostSystem") {
		host, ok := e.(*simulator.HostSystem)
		if !ok || host.ConfigManager.NetworkSystem == nil || host.Config == nil || host.Config.Network == nil {
			continue
		}
		orig, ok := simulator.Map.Get(*host.ConfigManager.NetworkSystem).(*simulator.HostNetworkSystem)
		if !ok {
			continue
		}
		cfg := host.Config.Network
		orig.NetworkInfo = &types.HostNetworkInfo{
			Vswitch:   append([]types.HostVirtualSwitch{}, cfg.Vswitch...),
			Portgroup: append([]types.HostPortGroup{}, cfg.Portgroup...),
			Pnic:      append([]types.PhysicalNic{}, cfg.Pnic...),
			Vnic:      cfg.Vnic,
		}
		for i := range orig.NetworkInfo.Portgroup {
			pg := &orig.NetworkInfo.Portgroup[i]
			if pg.Vswitch == "" {
				pg.Vswitch = switchKeyPrefix + pg.Spec.VswitchName
			}
		}
		w := &hostNetworkSystem{orig: orig}
		w.Self = orig.Self
		simulator.Map.Put(w)
	}
}

// host is the HostSystem registry object behind the wrapped system.
func (h *hostNetworkSystem) host() *simulator.HostSystem {
	hs, _ := simulator.Map.Get(h.orig.Host.Self).(*simulator.HostSystem)
	return hs
}

// sync keeps the host's config.network in step with networkInfo, as ESX does.
func (h *hostNetworkSystem) sync() {
	hs := h.host()
	if hs == nil {
		return
	}
	info := h.orig.NetworkInfo
	simulator.Map.WithLock(hs, func() {
		n := hs.Config.Network
		n.Vswitch = append([]types.HostVirtualSwitch{}, info.Vswitch...)
		n.Portgroup = append([]types.HostPortGroup{}, info.Portgroup...)
		n.Pnic = append([]types.PhysicalNic{}, info.Pnic...)
	})
}

func (h *hostNetworkSystem) findSwitch(name string) *types.HostVirtualSwitch {
	for i := range h.orig.NetworkInfo.Vswitch {
		if h.orig.NetworkInfo.Vswitch[i].Name == name {
			return &h.orig.NetworkInfo.Vswitch[i]
		}
	}
	return nil
}

func (h *hostNetworkSystem) findPortgroup(name string) *types.HostPortGroup {
	for i := range h.orig.NetworkInfo.Portgroup {
		if h.orig.NetworkInfo.Portgroup[i].Spec.Name == name {
			return &h.orig.NetworkInfo.Portgroup[i]
		}
	}
	return nil
}

// networkNamed is the Network entity of a standard port group, if any.
func networkNamed(name string) *mo.Network {
	for _, o := range simulator.Map.All("Network") {
		if n, ok := o.(*mo.Network); ok && n.Name == name {
			return n
		}
	}
	return nil
}

// vmsOn lists the VMs of this host whose NICs use the port group's network.
func (h *hostNetworkSystem) vmsOn(pgName string) []types.ManagedObjectReference {
	n := networkNamed(pgName)
	hs := h.host()
	if n == nil || hs == nil {
		return nil
	}
	var out []types.ManagedObjectReference
	for _, vm := range n.Vm {
		for _, mine := range hs.Vm {
			if vm == mine {
				out = append(out, vm)
			}
		}
	}
	return out
}

func fault(f types.BaseMethodFault) *soap.Fault { return simulator.Fault("", f) }

// AddVirtualSwitch: AlreadyExists for a taken name, InvalidArgument for a bad name or an unknown
// uplink, ResourceInUse for an uplink another switch has; the new switch gets ESX's key, its spec,
// its uplinks as NIC keys and an MTU of 1500 unless the spec sets one.
func (h *hostNetworkSystem) AddVirtualSwitch(req *types.AddVirtualSwitch) soap.HasFault {
	body := &methods.AddVirtualSwitchBody{}
	name := req.VswitchName
	if name == "" || len(name) > 32 || strings.ContainsAny(name, "/\\") {
		body.Fault_ = fault(&types.InvalidArgument{InvalidProperty: "vswitchName"})
		return body
	}
	if h.findSwitch(name) != nil {
		body.Fault_ = fault(&types.AlreadyExists{Name: name})
		return body
	}
	spec := types.HostVirtualSwitchSpec{NumPorts: 128}
	if req.Spec != nil {
		spec = *req.Spec
	}
	var pnics []string
	if b, ok := spec.Bridge.(*types.HostVirtualSwitchBondBridge); ok {
		for _, dev := range b.NicDevice {
			found := false
			for _, p := range h.orig.NetworkInfo.Pnic {
				if p.Device == dev {
					found = true
				}
			}
			if !found {
				body.Fault_ = fault(&types.InvalidArgument{InvalidProperty: "spec.bridge.nicDevice"})
				return body
			}
			for _, s := range h.orig.NetworkInfo.Vswitch {
				for _, k := range s.Pnic {
					if k == pnicKeyPrefix+dev {
						body.Fault_ = fault(&types.ResourceInUse{Type: "PhysicalNic", Name: dev})
						return body
					}
				}
			}
			pnics = append(pnics, pnicKeyPrefix+dev)
		}
	}
	mtu := spec.Mtu
	if mtu == 0 {
		mtu = 1500
	}
	h.orig.NetworkInfo.Vswitch = append(h.orig.NetworkInfo.Vswitch, types.HostVirtualSwitch{
		Name:              name,
		Key:               switchKeyPrefix + name,
		NumPorts:          spec.NumPorts,
		NumPortsAvailable: spec.NumPorts,
		Mtu:               mtu,
		Pnic:              pnics,
		Spec:              spec,
	})
	h.sync()
	body.Res = &types.AddVirtualSwitchResponse{}
	return body
}

// RemoveVirtualSwitch: NotFound for an unknown switch, ResourceInUse while a VM of the host uses
// one of its port groups; otherwise its port groups go with it, as on ESX.
func (h *hostNetworkSystem) RemoveVirtualSwitch(ctx *simulator.Context, req *types.RemoveVirtualSwitch) soap.HasFault {
	body := &methods.RemoveVirtualSwitchBody{}
	sw := h.findSwitch(req.VswitchName)
	if sw == nil {
		body.Fault_ = fault(&types.NotFound{})
		return body
	}
	var pgs []string
	for _, pg := range h.orig.NetworkInfo.Portgroup {
		if pg.Spec.VswitchName == req.VswitchName {
			if len(h.vmsOn(pg.Spec.Name)) > 0 {
				body.Fault_ = fault(&types.ResourceInUse{Type: "Network", Name: pg.Spec.Name})
				return body
			}
			pgs = append(pgs, pg.Spec.Name)
		}
	}
	for _, name := range pgs {
		h.removePortgroup(ctx, name)
	}
	vs := h.orig.NetworkInfo.Vswitch
	for i := range vs {
		if vs[i].Name == req.VswitchName {
			h.orig.NetworkInfo.Vswitch = append(vs[:i:i], vs[i+1:]...)
			break
		}
	}
	h.sync()
	body.Res = &types.RemoveVirtualSwitchResponse{}
	return body
}

// AddPortGroup: AlreadyExists for a taken port group name, then vcsim's own (NotFound for an
// unknown switch, the Network entity); the switch lists the port group by key, the port group
// names its switch's key and its computed policy, and the host lists the new network.
func (h *hostNetworkSystem) AddPortGroup(ctx *simulator.Context, req *types.AddPortGroup) soap.HasFault {
	if h.findPortgroup(req.Portgrp.Name) != nil {
		return &methods.AddPortGroupBody{Fault_: fault(&types.AlreadyExists{Name: req.Portgrp.Name})}
	}
	if req.Portgrp.VlanId < 0 || req.Portgrp.VlanId > 4095 {
		return &methods.AddPortGroupBody{Fault_: fault(&types.InvalidArgument{InvalidProperty: "portgrp.vlanId"})}
	}
	res := h.orig.AddPortGroup(ctx, req)
	if res.Fault() != nil {
		return res
	}
	key := portgroupKeyPrefix + req.Portgrp.Name
	if sw := h.findSwitch(req.Portgrp.VswitchName); sw != nil {
		for i, p := range sw.Portgroup {
			if p == req.Portgrp.Name {
				sw.Portgroup[i] = key
			}
		}
		if pg := h.findPortgroup(req.Portgrp.Name); pg != nil {
			pg.Vswitch = sw.Key
			pg.ComputedPolicy = computedPolicy(sw.Spec.Policy, req.Portgrp.Policy)
		}
	}
	if n := networkNamed(req.Portgrp.Name); n != nil {
		if hs := h.host(); hs != nil {
			simulator.Map.AppendReference(hs, &hs.Network, n.Self)
		}
	}
	h.sync()
	return res
}

// computedPolicy is the port group's policy with unset parts inherited from its switch.
func computedPolicy(sw *types.HostNetworkPolicy, pg types.HostNetworkPolicy) types.HostNetworkPolicy {
	out := pg
	if sw == nil {
		return out
	}
	if out.Security == nil || (out.Security.AllowPromiscuous == nil && out.Security.MacChanges == nil && out.Security.ForgedTransmits == nil) {
		out.Security = sw.Security
	}
	if out.NicTeaming == nil {
		out.NicTeaming = sw.NicTeaming
	}
	if out.OffloadPolicy == nil {
		out.OffloadPolicy = sw.OffloadPolicy
	}
	if out.ShapingPolicy == nil {
		out.ShapingPolicy = sw.ShapingPolicy
	}
	return out
}

// removePortgroup drops a port group, its switch's reference and its Network entity.
func (h *hostNetworkSystem) removePortgroup(ctx *simulator.Context, name string) {
	key := portgroupKeyPrefix + name
	if n := networkNamed(name); n != nil {
		// vcsim's RemovePortGroup finds the switch by the port group's name and removes the network
		for i := range h.orig.NetworkInfo.Vswitch {
			for j, p := range h.orig.NetworkInfo.Vswitch[i].Portgroup {
				if p == key {
					h.orig.NetworkInfo.Vswitch[i].Portgroup[j] = name
				}
			}
		}
		if hs := h.host(); hs != nil {
			simulator.Map.RemoveReference(hs, &hs.Network, n.Self)
		}
		h.orig.RemovePortGroup(ctx, &types.RemovePortGroup{PgName: name})
	}
	for i := range h.orig.NetworkInfo.Vswitch {
		sw := &h.orig.NetworkInfo.Vswitch[i]
		for j, p := range sw.Portgroup {
			if p == key || p == name {
				sw.Portgroup = append(sw.Portgroup[:j:j], sw.Portgroup[j+1:]...)
				break
			}
		}
	}
	pgs := h.orig.NetworkInfo.Portgroup
	for i := range pgs {
		if pgs[i].Spec.Name == name {
			h.orig.NetworkInfo.Portgroup = append(pgs[:i:i], pgs[i+1:]...)
			break
		}
	}
}

// RemovePortGroup: NotFound for an unknown port group, ResourceInUse while a VM of the host uses it.
func (h *hostNetworkSystem) RemovePortGroup(ctx *simulator.Context, req *types.RemovePortGroup) soap.HasFault {
	body := &methods.RemovePortGroupBody{}
	if h.findPortgroup(req.PgName) == nil {
		body.Fault_ = fault(&types.NotFound{})
		return body
	}
	if len(h.vmsOn(req.PgName)) > 0 {
		body.Fault_ = fault(&types.ResourceInUse{Type: "Network", Name: req.PgName})
		return body
	}
	h.removePortgroup(ctx, req.PgName)
	h.sync()
	body.Res = &types.RemovePortGroupResponse{}
	return body
}

// UpdatePortGroup (missing in vcsim): NotFound for an unknown port group or switch, InvalidArgument
// for a bad VLAN id; sets the VLAN id and policy. A rename or a move to another switch answers
// NotSupported (ESX allows them; esxvirt never asks).
func (h *hostNetworkSystem) UpdatePortGroup(req *types.UpdatePortGroup) soap.HasFault {
	body := &methods.UpdatePortGroupBody{}
	pg := h.findPortgroup(req.PgName)
	if pg == nil {
		body.Fault_ = fault(&types.NotFound{})
		return body
	}
	if req.Portgrp.Name != req.PgName || req.Portgrp.VswitchName != pg.Spec.VswitchName {
		body.Fault_ = fault(&types.NotSupported{})
		return body
	}
	if req.Portgrp.VlanId < 0 || req.Portgrp.VlanId > 4095 {
		body.Fault_ = fault(&types.InvalidArgument{InvalidProperty: "portgrp.vlanId"})
		return body
	}
	pg.Spec = req.Portgrp
	if sw := h.findSwitch(pg.Spec.VswitchName); sw != nil {
		pg.ComputedPolicy = computedPolicy(sw.Spec.Policy, req.Portgrp.Policy)
	}
	h.sync()
	body.Res = &types.UpdatePortGroupResponse{}
	return body
}

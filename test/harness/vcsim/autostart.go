package main

import (
	"sort"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// autoStartManager is the HostAutoStartManager vcsim 0.24.2 only names in
// host.configManager.autoStartManager but never registers.
type autoStartManager struct {
	mo.HostAutoStartManager
}

// installAutoStart registers one manager per host: ESX keeps the moid a real host uses, hosts
// under vCenter get their own.
func installAutoStart() {
	esx := simulator.Map.IsESX()
	for _, e := range simulator.Map.All("HostSystem") {
		host, ok := e.(*simulator.HostSystem)
		if !ok {
			continue
		}
		ref := types.ManagedObjectReference{Type: "HostAutoStartManager", Value: "ha-autostart-mgr"}
		if !esx {
			ref.Value = "autostart-" + host.Self.Value
		}
		m := &autoStartManager{}
		m.Self = ref
		// ESX's defaults for a host that never had autostart configured.
		m.Config.Defaults = &types.AutoStartDefaults{
			Enabled:          types.NewBool(false),
			StartDelay:       120,
			StopDelay:        120,
			WaitForHeartbeat: types.NewBool(false),
			StopAction:       "PowerOff",
		}
		simulator.Map.Put(m)
		simulator.Map.WithLock(host, func() {
			host.ConfigManager.AutoStartManager = &ref
		})
	}
}

// ReconfigureAutostart merges the spec like ESX: set default fields replace the old ones, and
// each powerInfo entry replaces the entry for the same VM or is added; entries stay ordered by
// startOrder, those without one (-1 or 0) last.
func (m *autoStartManager) ReconfigureAutostart(ctx *simulator.Context, req *types.ReconfigureAutostart) soap.HasFault {
	body := &methods.ReconfigureAutostartBody{}
	cfg := types.HostAutoStartManagerConfig{PowerInfo: append([]types.AutoStartPowerInfo{}, m.Config.PowerInfo...)}
	if m.Config.Defaults != nil {
		d := *m.Config.Defaults
		cfg.Defaults = &d
	} else {
		cfg.Defaults = &types.AutoStartDefaults{}
	}
	if d := req.Spec.Defaults; d != nil {
		if d.Enabled != nil {
			cfg.Defaults.Enabled = d.Enabled
		}
		if d.StartDelay != 0 {
			cfg.Defaults.StartDelay = d.StartDelay
		}
		if d.StopDelay != 0 {
			cfg.Defaults.StopDelay = d.StopDelay
		}
		if d.WaitForHeartbeat != nil {
			cfg.Defaults.WaitForHeartbeat = d.WaitForHeartbeat
		}
		if d.StopAction != "" {
			cfg.Defaults.StopAction = d.StopAction
		}
	}
	for _, p := range req.Spec.PowerInfo {
		if _, ok := ctx.Map.Get(p.Key).(*simulator.VirtualMachine); !ok {
			body.Fault_ = simulator.Fault("", &types.InvalidArgument{InvalidProperty: "spec.powerInfo.key"})
			return body
		}
		replaced := false
		for i := range cfg.PowerInfo {
			if cfg.PowerInfo[i].Key == p.Key {
				cfg.PowerInfo[i] = p
				replaced = true
			}
		}
		if !replaced {
			cfg.PowerInfo = append(cfg.PowerInfo, p)
		}
	}
	sort.SliceStable(cfg.PowerInfo, func(i, j int) bool {
		a, b := cfg.PowerInfo[i].StartOrder, cfg.PowerInfo[j].StartOrder
		return a > 0 && (b <= 0 || a < b)
	})
	ctx.Map.Update(m, []types.PropertyChange{{Name: "config", Val: cfg}})
	body.Res = &types.ReconfigureAutostartResponse{}
	return body
}

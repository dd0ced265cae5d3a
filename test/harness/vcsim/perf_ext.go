package main

import (
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// Real-time statistics of VMs as ESX keeps them (README.md, "Statistics"): one sample per 20 s
// interval, the last hour kept, oldest first; none for a powered-off VM (nor before it booted);
// instances per vCPU ('0', '1' …), per NIC (its device key) and per virtual disk ('scsi0:0'),
// '*' for all of them and '' for the VM as a whole (the sum of its instances). Values change from
// one interval to the next (deterministically: a hash of the VM, counter, instance and interval)
// so that consecutive samples differ. summary.quickStats of powered-on VMs moves the same way.
// Other entities (hosts) keep vcsim's invented samples.

const perfHelperType = "EsxvirtPerformanceManager"

// perfHelper implements PerformanceManager methods for VMs (the real object is vcsim's).
type perfHelper struct{ objHelper }

const realtime = 20
const realtimeSamples = 180

func (h *perfHelper) QueryPerf(ctx *simulator.Context, req *types.QueryPerf) soap.HasFault {
	pm, _ := simulator.Map.Get(types.ManagedObjectReference{Type: "PerformanceManager", Value: h.Self.Value}).(*simulator.PerformanceManager)
	body := &methods.QueryPerfBody{Res: &types.QueryPerfResponse{}}
	if pm == nil {
		body.Fault_ = faultBody("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "PerformanceManager")})
		return body
	}
	names := counterNames(pm)
	for _, qs := range req.QuerySpec {
		if qs.Entity.Type != "VirtualMachine" {
			r, ok := pm.QueryPerf(ctx, &types.QueryPerf{This: pm.Self, QuerySpec: []types.PerfQuerySpec{qs}}).(*methods.QueryPerfBody)
			if !ok || r.Fault_ != nil {
				return r
			}
			body.Res.Returnval = append(body.Res.Returnval, r.Res.Returnval...)
			continue
		}
		vm := lookupVM(qs.Entity.Value)
		if vm == nil {
			body.Fault_ = faultBody("", &types.InvalidArgument{InvalidProperty: "querySpec.entity"})
			return body
		}
		var m *types.PerfEntityMetric
		ctx.WithLock(vm, func() { m = vmMetrics(vm, qs, names) })
		body.Res.Returnval = append(body.Res.Returnval, m)
	}
	return body
}

// counterNames maps counter keys to 'group.name'.
func counterNames(pm *simulator.PerformanceManager) map[int32]string {
	out := make(map[int32]string, len(pm.PerfCounter))
	for _, c := range pm.PerfCounter {
		out[c.Key] = c.GroupInfo.GetElementDescription().Key + "." + c.NameInfo.GetElementDescription().Key
	}
	return out
}

// vmInstances lists the instances a counter has on a VM, besides ”.
func vmInstances(vm *simulator.VirtualMachine, name string) []string {
	var out []string
	switch {
	case strings.HasPrefix(name, "cpu."):
		for i := int32(0); i < vm.Config.Hardware.NumCPU; i++ {
			out = append(out, strconv.Itoa(int(i)))
		}
	case strings.HasPrefix(name, "net."):
		for _, d := range vm.Config.Hardware.Device {
			if _, ok := d.(types.BaseVirtualEthernetCard); ok {
				out = append(out, strconv.Itoa(int(d.GetVirtualDevice().Key)))
			}
		}
	case strings.HasPrefix(name, "virtualDisk."):
		for _, d := range vm.Config.Hardware.Device {
			if disk, ok := d.(*types.VirtualDisk); ok && disk.UnitNumber != nil {
				for _, c := range vm.Config.Hardware.Device {
					if c.GetVirtualDevice().Key != disk.ControllerKey {
						continue
					}
					prefix := ""
					switch c.(type) {
					case types.BaseVirtualSCSIController:
						prefix = "scsi"
					case *types.VirtualIDEController:
						prefix = "ide"
					case types.BaseVirtualSATAController:
						prefix = "sata"
					}
					if prefix != "" {
						bus := c.(types.BaseVirtualController).GetVirtualController().BusNumber
						out = append(out, prefix+strconv.Itoa(int(bus))+":"+strconv.Itoa(int(*disk.UnitNumber)))
					}
				}
			}
		}
	}
	return out
}

// unit is a value in [0, 1) that depends only on its inputs.
func unit(parts ...string) float64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return float64(h.Sum64()%1000003) / 1000003
}

// summed counters: the VM's value is the sum of its instances.
var summed = map[string]bool{
	"cpu.used": true, "cpu.ready": true, "cpu.wait": true, "net.received": true, "net.transmitted": true,
	"net.packetsRx": true, "net.packetsTx": true, "net.droppedRx": true, "net.droppedTx": true,
	"net.bytesRx": true, "net.bytesTx": true, "net.usage": true, "virtualDisk.read": true, "virtualDisk.write": true,
}

// perfValue is a counter's value for one instance and interval; never 0, because govmomi's
// PerfMetricIntSeries marshals its values with omitempty and would drop a 0 from the list (ESX
// sends it), shifting the values that follow onto the wrong samples.
func perfValue(vm *simulator.VirtualMachine, name, instance string, tick int64) int64 {
	v := rawPerfValue(vm, name, instance, tick)
	if v < 1 {
		return 1
	}
	return v
}

func rawPerfValue(vm *simulator.VirtualMachine, name, instance string, tick int64) int64 {
	if instance == "" && summed[name] {
		var sum int64
		for _, i := range vmInstances(vm, name) {
			sum += perfValue(vm, name, i, tick)
		}
		return sum
	}
	r := unit(vm.Self.Value, name, instance, strconv.FormatInt(tick, 10))
	memKB := float64(vm.Config.Hardware.MemoryMB) * 1024
	switch name {
	case "cpu.used", "cpu.run":
		return int64(1000 + r*8000)
	case "cpu.ready", "cpu.wait":
		return int64(20 + r*400)
	case "cpu.system":
		return int64(float64(perfValue(vm, "cpu.used", "", tick)) * (0.05 + 0.1*r))
	case "cpu.usagemhz":
		return int64(100 + r*2000)
	case "cpu.usage":
		return int64(r * 10000)
	case "mem.swapin", "mem.swapout", "mem.swapped":
		return int64(r * 512)
	case "mem.vmmemctl":
		return int64(r * memKB * 0.05)
	case "net.received", "net.transmitted", "net.bytesRx", "net.bytesTx", "net.usage":
		return int64(10 + r*990)
	case "net.packetsRx", "net.packetsTx":
		return int64(100 + r*5000)
	case "net.droppedRx", "net.droppedTx":
		return int64(r * 3)
	case "virtualDisk.read", "virtualDisk.write":
		return int64(r * 2000)
	case "virtualDisk.numberReadAveraged", "virtualDisk.numberWriteAveraged":
		return int64(r * 200)
	case "virtualDisk.totalReadLatency", "virtualDisk.totalWriteLatency":
		return int64(1 + r*9)
	}
	if strings.HasPrefix(name, "mem.") {
		return int64(r * memKB)
	}
	return int64(r * 100)
}

// vmMetrics answers one PerfQuerySpec of a VM.
func vmMetrics(vm *simulator.VirtualMachine, qs types.PerfQuerySpec, names map[int32]string) *types.PerfEntityMetric {
	m := &types.PerfEntityMetric{PerfEntityMetricBase: types.PerfEntityMetricBase{Entity: qs.Entity}}
	if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
		return m
	}
	interval := int64(qs.IntervalId)
	if interval <= 0 {
		interval = realtime
	}
	end := time.Now()
	if qs.EndTime != nil && qs.EndTime.Before(end) {
		end = *qs.EndTime
	}
	oldest := end.Add(-time.Duration(realtimeSamples*interval) * time.Second)
	if qs.StartTime != nil && qs.StartTime.After(oldest) {
		oldest = *qs.StartTime
	}
	if vm.Runtime.BootTime != nil && vm.Runtime.BootTime.After(oldest) {
		oldest = *vm.Runtime.BootTime
	}
	var ticks []int64
	for t := end.Unix() / interval; t*interval > oldest.Unix() && len(ticks) < realtimeSamples; t-- {
		ticks = append(ticks, t)
		if qs.MaxSample > 0 && len(ticks) >= int(qs.MaxSample) {
			break
		}
	}
	if len(ticks) == 0 {
		// a VM that booted within the interval has its first sample at the next boundary
		ticks = append(ticks, end.Unix()/interval)
	}
	for i, j := 0, len(ticks)-1; i < j; i, j = i+1, j-1 {
		ticks[i], ticks[j] = ticks[j], ticks[i]
	}
	for _, t := range ticks {
		m.SampleInfo = append(m.SampleInfo, types.PerfSampleInfo{Timestamp: time.Unix(t*interval, 0).UTC(), Interval: int32(interval)})
	}
	ids := qs.MetricId
	if len(ids) == 0 {
		for key, name := range names {
			if strings.HasPrefix(name, "cpu.") || strings.HasPrefix(name, "mem.") || strings.HasPrefix(name, "net.") || strings.HasPrefix(name, "virtualDisk.") {
				ids = append(ids, types.PerfMetricId{CounterId: key, Instance: "*"})
			}
		}
	}
	for _, id := range ids {
		name, ok := names[id.CounterId]
		if !ok {
			continue
		}
		instances := []string{id.Instance}
		if id.Instance == "*" {
			instances = append([]string{""}, vmInstances(vm, name)...)
		}
		for _, inst := range instances {
			s := &types.PerfMetricIntSeries{PerfMetricSeries: types.PerfMetricSeries{Id: types.PerfMetricId{CounterId: id.CounterId, Instance: inst}}}
			for _, t := range ticks {
				s.Value = append(s.Value, perfValue(vm, name, inst, t))
			}
			m.Value = append(m.Value, s)
		}
	}
	return m
}

// quickStats is summary.quickStats of a VM now: derived from the current interval's counters.
func quickStats(vm *simulator.VirtualMachine, hostMhz int32) types.VirtualMachineQuickStats {
	if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
		return types.VirtualMachineQuickStats{GuestHeartbeatStatus: types.ManagedEntityStatusGray}
	}
	tick := time.Now().Unix() / realtime
	used := float64(perfValue(vm, "cpu.used", "", tick))
	mem := float64(vm.Config.Hardware.MemoryMB)
	r := unit(vm.Self.Value, "quickStats", strconv.FormatInt(tick, 10))
	q := types.VirtualMachineQuickStats{
		OverallCpuUsage:      int32(math.Round(used / (realtime * 1000) * float64(hostMhz))),
		OverallCpuDemand:     int32(math.Round(used / (realtime * 1000) * float64(hostMhz) * 1.1)),
		GuestMemoryUsage:     int32(mem * (0.1 + 0.4*r)),
		HostMemoryUsage:      int32(mem * (0.5 + 0.4*r)),
		GuestHeartbeatStatus: types.ManagedEntityStatusGreen,
		BalloonedMemory:      int32(float64(perfValue(vm, "mem.vmmemctl", "", tick)) / 1024),
		SwappedMemory:        0,
		StaticCpuEntitlement: hostMhz,
		UptimeSeconds:        0,
	}
	if vm.Runtime.BootTime != nil {
		q.UptimeSeconds = int32(time.Since(*vm.Runtime.BootTime).Seconds())
	}
	return q
}

// refreshVMQuickStats updates one VM's summary.quickStats (the caller holds its lock).
func refreshVMQuickStats(vm *simulator.VirtualMachine) {
	host := int32(2000)
	if vm.Runtime.Host != nil {
		if h, ok := simulator.Map.Get(*vm.Runtime.Host).(*simulator.HostSystem); ok && h.Summary.Hardware != nil && h.Summary.Hardware.CpuMhz > 0 {
			host = h.Summary.Hardware.CpuMhz
		}
	}
	q := quickStats(vm, host)
	if q != vm.Summary.QuickStats {
		simulator.Map.Update(vm, []types.PropertyChange{{Name: "summary.quickStats", Val: q}})
	}
}

// refreshQuickStats updates summary.quickStats of every VM whose values changed.
func refreshQuickStats() {
	for _, obj := range simulator.Map.All("VirtualMachine") {
		if vm, ok := obj.(*simulator.VirtualMachine); ok {
			simulator.Map.WithLock(vm, func() { refreshVMQuickStats(vm) })
		}
	}
}

// installStats keeps quick stats moving (every 5 s) for the simulator's lifetime.
func installStats() {
	refreshQuickStats()
	go func() {
		for range time.Tick(5 * time.Second) {
			refreshQuickStats()
		}
	}()
}

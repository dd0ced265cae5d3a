"""The pyvmomi side of bench/domstats.ts: what `esxvirt domstats` reads, as a whole process.

Usage: domstats_pyvmomi.py HOST PORT USER PASSWORD

Logs in, reads the PerformanceManager's counter catalogue (the perfCounter property, as esxvirt does), lists the
host's VMs with the same properties esxvirt reads (name, power state, vCPUs, memory, allocation, quick stats,
host, devices) in one RetrieveContents, asks QueryPerf for the same counters and instances of every powered-on VM
(the latest 20 s sample; 500 VMs per call), prints one "name cpu.used rx" line per VM, logs out.
Exit status 3 when pyVmomi cannot be imported. Certificate checks are off: the simulator's certificate is
self-signed.
"""
import ssl
import sys

try:
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim, vmodl
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.stderr.write("pyVmomi not importable: %s\n" % e)
    sys.exit(3)

COUNTERS = [
    "cpu.used.summation", "cpu.system.summation", "cpu.ready.summation", "mem.swapin.average", "mem.swapout.average",
    "net.received.average", "net.transmitted.average", "net.packetsRx.summation", "net.packetsTx.summation",
    "net.droppedRx.summation", "net.droppedTx.summation", "virtualDisk.read.average", "virtualDisk.write.average",
    "virtualDisk.numberReadAveraged.average", "virtualDisk.numberWriteAveraged.average",
    "virtualDisk.totalReadLatency.average", "virtualDisk.totalWriteLatency.average",
]
PATHS = ["name", "runtime.powerState", "config.hardware.numCPU", "config.hardware.memoryMB", "config.memoryAllocation",
         "summary.quickStats", "runtime.host", "config.hardware.device"]


def instances(counter, ncpu, devices):
    if counter.startswith("net."):
        return [""] + [str(d.key) for d in devices if isinstance(d, vim.vm.device.VirtualEthernetCard)]
    if counter.startswith("virtualDisk."):
        by_key = {d.key: d for d in devices}
        out = []
        for d in devices:
            if isinstance(d, vim.vm.device.VirtualDisk) and d.unitNumber is not None:
                c = by_key.get(d.controllerKey)
                prefix = "scsi" if isinstance(c, vim.vm.device.VirtualSCSIController) else "ide" if isinstance(c, vim.vm.device.VirtualIDEController) else "sata" if isinstance(c, vim.vm.device.VirtualSATAController) else None
                if prefix:
                    out.append("%s%d:%d" % (prefix, c.busNumber, d.unitNumber))
        return out
    out = [] if counter == "cpu.ready.summation" else [""]
    if counter in ("cpu.used.summation", "cpu.ready.summation"):
        out += [str(i) for i in range(ncpu)]
    return out


def main():
    host, port, user, pwd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    si = SmartConnect(host=host, port=port, user=user, pwd=pwd, sslContext=ssl._create_unverified_context())
    try:
        content = si.RetrieveContent()
        pm = content.perfManager
        keys = {}
        for c in pm.perfCounter:
            keys.setdefault("%s.%s.%s" % (c.groupInfo.key, c.nameInfo.key, c.rollupType), c.key)
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
        pc = vmodl.query.PropertyCollector
        traverse = pc.TraversalSpec(name="view", path="view", skip=False, type=vim.view.ContainerView)
        spec = pc.FilterSpec(
            objectSet=[pc.ObjectSpec(obj=view, skip=True, selectSet=[traverse])],
            propSet=[pc.PropertySpec(type=vim.VirtualMachine, pathSet=PATHS, all=False)],
        )
        vms = []
        for obj in content.propertyCollector.RetrieveContents([spec]):
            props = {p.name: p.val for p in obj.propSet}
            vms.append((obj.obj, props))
        view.Destroy()
        specs = []
        for ref, props in vms:
            if props.get("runtime.powerState") != "poweredOn":
                continue
            devices = props.get("config.hardware.device") or []
            ncpu = props.get("config.hardware.numCPU") or 0
            mids = [vim.PerformanceManager.MetricId(counterId=keys[c], instance=i)
                    for c in COUNTERS if c in keys for i in instances(c, ncpu, devices)]
            specs.append(vim.PerformanceManager.QuerySpec(entity=ref, maxSample=1, intervalId=20, metricId=mids))
        used = {}
        for i in range(0, len(specs), 500):
            for m in pm.QueryPerf(querySpec=specs[i:i + 500]):
                for s in m.value:
                    if s.id.counterId == keys.get("cpu.used.summation") and s.id.instance == "" and s.value:
                        used[m.entity._moId] = s.value[-1]
        rows = ["%s %s" % (props.get("name"), used.get(ref._moId, "-")) for ref, props in vms]
        sys.stdout.write("\n".join(sorted(rows)) + "\n")
    finally:
        Disconnect(si)


if __name__ == "__main__":
    main()

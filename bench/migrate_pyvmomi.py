"""Relocate VMs one after another with pyvmomi (RelocateVM_Task + pyVim.task.WaitForTask), for bench/migrate.ts
to compare against: the reference for a bare migration loop.

Usage: migrate_pyvmomi.py HOST PORT USER PASSWORD HOST_MOID VM_MOID...
Prints one JSON line: {"count", "per_vm_ms": [...], "task_ms": [...]}. Exit status 3 when pyVmomi cannot be
imported. Certificate checks are off: the simulator's certificate is self-signed.
"""
import json
import ssl
import sys
import time

try:
    from pyVim.connect import Disconnect, SmartConnect
    from pyVim.task import WaitForTask
    from pyVmomi import vim
except ImportError as e:  # pragma: no cover - depends on the machine
    print(json.dumps({"error": "pyVmomi not importable: %s" % e}))
    sys.exit(3)


def main():
    host, port, user, pwd, host_moid = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    si = SmartConnect(host=host, port=port, user=user, pwd=pwd, sslContext=ssl._create_unverified_context())
    stub = si._stub
    target = vim.HostSystem(host_moid, stub)
    per_vm, task_ms = [], []
    for moid in sys.argv[6:]:
        vm = vim.VirtualMachine(moid, stub)
        t0 = time.perf_counter()
        task = vm.RelocateVM_Task(spec=vim.vm.RelocateSpec(host=target))
        WaitForTask(task)
        per_vm.append(round((time.perf_counter() - t0) * 1000, 1))
        info = task.info
        task_ms.append(round((info.completeTime - info.startTime).total_seconds() * 1000, 1))
    Disconnect(si)
    print(json.dumps({"count": len(per_vm), "per_vm_ms": per_vm, "task_ms": task_ms}))


if __name__ == "__main__":
    main()

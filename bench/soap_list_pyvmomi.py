"""List name and power state of every VM with pyvmomi, for bench/soap-list.ts to compare against.

Usage: soap_list_pyvmomi.py HOST PORT USER PASSWORD
Prints one JSON line: {"count", "connect_ms", "list_ms", "max_rss_kib"}. Exit status 3 when pyVmomi
cannot be imported. Certificate checks are off: the simulator's certificate is self-signed.
"""
import json
import resource
import ssl
import sys
import time

try:
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vmodl, vim
except ImportError as e:  # pragma: no cover - depends on the machine
    print(json.dumps({"error": "pyVmomi not importable: %s" % e}))
    sys.exit(3)


def main():
    host, port, user, pwd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    t0 = time.perf_counter()
    si = SmartConnect(host=host, port=port, user=user, pwd=pwd, sslContext=ssl._create_unverified_context())
    t1 = time.perf_counter()
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    traverse = vmodl.query.PropertyCollector.TraversalSpec(name="view", path="view", skip=False, type=vim.view.ContainerView)
    obj = vmodl.query.PropertyCollector.ObjectSpec(obj=view, skip=True, selectSet=[traverse])
    props = vmodl.query.PropertyCollector.PropertySpec(type=vim.VirtualMachine, pathSet=["name", "runtime.powerState"], all=False)
    spec = vmodl.query.PropertyCollector.FilterSpec(objectSet=[obj], propSet=[props])
    result = content.propertyCollector.RetrieveContents([spec])
    rows = [(o.obj._moId, [p.val for p in o.propSet]) for o in result]
    view.Destroy()
    t2 = time.perf_counter()
    Disconnect(si)
    print(json.dumps({
        "count": len(rows),
        "connect_ms": round((t1 - t0) * 1000, 1),
        "list_ms": round((t2 - t1) * 1000, 1),
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()

"""The pyvmomi side of bench/cli-list.ts: what `esxvirt list --all` does, as a whole process.

Usage: cli_list_pyvmomi.py HOST PORT USER PASSWORD [HOST_INVENTORY_PATH]

Logs in, lists name and power state of the VMs of one host (a container view on the host found by its
inventory path, e.g. DC0/host/DC0_H0/DC0_H0, as esxvirt does on vpx://; without a path: every VM, as on an
ESX host) with one RetrieveContents, prints one "name state" line per VM, logs out.
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


def main():
    host, port, user, pwd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    path = sys.argv[5] if len(sys.argv) > 5 else None
    si = SmartConnect(host=host, port=port, user=user, pwd=pwd, sslContext=ssl._create_unverified_context())
    try:
        content = si.RetrieveContent()
        container = content.rootFolder
        if path:
            container = content.searchIndex.FindByInventoryPath(path)
            if container is None:
                sys.stderr.write("no host at inventory path %s\n" % path)
                sys.exit(1)
        view = content.viewManager.CreateContainerView(container, [vim.VirtualMachine], True)
        pc = vmodl.query.PropertyCollector
        traverse = pc.TraversalSpec(name="view", path="view", skip=False, type=vim.view.ContainerView)
        spec = pc.FilterSpec(
            objectSet=[pc.ObjectSpec(obj=view, skip=True, selectSet=[traverse])],
            propSet=[pc.PropertySpec(type=vim.VirtualMachine, pathSet=["name", "runtime.powerState"], all=False)],
        )
        rows = []
        for obj in content.propertyCollector.RetrieveContents([spec]):
            props = {p.name: p.val for p in obj.propSet}
            rows.append("%s %s" % (props.get("name"), props.get("runtime.powerState")))
        view.Destroy()
        sys.stdout.write("\n".join(sorted(rows)) + "\n")
    finally:
        Disconnect(si)


if __name__ == "__main__":
    main()

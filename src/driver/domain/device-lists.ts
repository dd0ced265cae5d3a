/**
 * A domain's devices as virsh lists them: domblklist and domiflist from the domain XML (dumpxml's: the VMX file, else
 * the VM's configuration, as libvirt reads it), domblkinfo from the VM's configuration (capacity) and file layout
 * (config.layoutEx: the sizes of each disk's files).
 */
import { NotFoundError } from '../../errors.js';
import type { DiskDef } from '../../conf/domain/domain-def.js';
import { prop, VirtualMachineProps as V } from '../../vim25/index.js';
import { configToDomain, isA } from '../../vmconfig/index.js';
import type { Connection } from '../connect/connection.js';
import type { DomainRef } from './ref.js';
import { resolveDomain, type DomainArg } from './resolve.js';
import { vmConfigOf, VM_CONFIG_VIEW_PATHS } from './vm-config.js';
import { readDomainXml } from './xml.js';

/** One row of domblklist. */
export interface BlockListEntry {
  type: string;
  device: string;
  target: string;
  /** '-' for none, as virsh prints it. */
  source: string;
}

/** One row of domiflist. */
export interface InterfaceListEntry {
  /** `<target dev>` or '-'. */
  interface: string;
  type: string;
  source: string;
  model: string;
  mac: string;
}

/** virsh domblklist: the domain's disks. */
export async function listBlockDevices(conn: Connection, domain: string): Promise<{ dom: DomainRef; disks: BlockListEntry[] }> {
  const { dom, def } = await readDomainXml(conn, domain);
  return {
    dom,
    disks: def.disks.map((d) => ({ type: d.type, device: d.device, target: d.targetDev, source: d.src ?? '-' })),
  };
}

/** virsh domiflist: the domain's NICs. */
export async function listDomainInterfaces(
  conn: Connection,
  domain: string,
): Promise<{ dom: DomainRef; interfaces: InterfaceListEntry[] }> {
  const { dom, def } = await readDomainXml(conn, domain);
  return {
    dom,
    interfaces: def.interfaces.map((n) => ({
      interface: n.targetDev ?? '-',
      type: n.type,
      source: n.bridge ?? n.vds?.portgroupId ?? '-',
      model: n.model ?? '-',
      mac: n.mac ?? '-',
    })),
  };
}

/** domblkinfo of one disk, in bytes. */
export interface BlockInfo {
  target: string;
  source: string | undefined;
  capacity: number;
  /** Bytes the disk's files take on the datastore. */
  allocation: number;
  /** The size of the disk's files. */
  physical: number;
}

/** virsh domblkinfo: every disk, or the one with target (or source) `which`. */
export async function getBlockInfo(conn: Connection, domain: DomainArg, which?: string): Promise<{ dom: DomainRef; disks: BlockInfo[] }> {
  const { dom, rec } = await resolveDomain(conn, domain, [...VM_CONFIG_VIEW_PATHS, V.layoutEx]);
  const cfg = vmConfigOf(dom, rec);
  const layout = prop(rec, V.layoutEx);
  const def = configToDomain(cfg.view);
  const devices = cfg.view.hardware?.device ?? [];
  const sizes = new Map<number, { size: number; unique: number }>();
  for (const f of layout?.file ?? []) sizes.set(f.key, { size: f.size ?? 0, unique: f.uniqueSize ?? f.size ?? 0 });
  const disks = def.disks.filter((d) => d.device === 'disk' && (which === undefined || d.targetDev === which || d.src === which));
  if (which !== undefined && disks.length === 0) throw new NotFoundError(`invalid argument: invalid path ${which} not assigned to domain`);
  return {
    dom,
    disks: disks.map((d: DiskDef) => {
      const dev = devices.find((x) => isA(x, 'VirtualDisk') && (x.backing as { fileName?: string } | undefined)?.fileName === d.src);
      const capacityKiB = (dev as { capacityInKB?: number } | undefined)?.capacityInKB ?? 0;
      const capacityBytes = (dev as { capacityInBytes?: number } | undefined)?.capacityInBytes;
      const chain = layout?.disk?.find((x) => x.key === dev?.key)?.chain ?? [];
      let physical = 0;
      let allocation = 0;
      for (const unit of chain)
        for (const k of unit.fileKey) {
          physical += sizes.get(k)?.size ?? 0;
          allocation += sizes.get(k)?.unique ?? 0;
        }
      return { target: d.targetDev, source: d.src, capacity: capacityBytes ?? capacityKiB * 1024, allocation, physical };
    }),
  };
}

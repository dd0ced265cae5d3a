/**
 * Distributed switches (vCenter) as networks: each switch the connection's host is a member of is a network, its
 * port groups (uplink port groups left out) its `<portgroup>` elements, with their VLAN (an id or trunk ranges)
 * and security policy. Port groups are added, changed and removed through tasks on the switch and port group.
 */
import {
  DistributedPortgroupHandle,
  DistributedSwitchHandle,
  DistributedVirtualPortgroupProps,
  DistributedVirtualSwitchProps,
  NetworkProps,
  prop,
  retrieveMany,
  type AnyVmwareDistributedVirtualSwitchVlanSpec,
  type DVPortgroupConfigInfo,
  type DVSSecurityPolicy,
  type MoRef,
  type VMwareDVSPortSetting,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { datacenterNetworks, networkUsers } from './host-view.js';

/** A distributed port group as the driver sees it. */
export interface DistributedPortgroupView {
  name: string;
  key: string;
  ref: MoRef<'DistributedVirtualPortgroup'>;
  config: DVPortgroupConfigInfo;
  uplink: boolean;
  /** VMs on the connection's host using it. */
  vms: MoRef<'VirtualMachine'>[];
}

/** A distributed switch as the driver sees it. */
export interface DistributedSwitchView {
  name: string;
  /** The switch's UUID as vSphere reports it ("50 2a …-…" on vCenter). */
  switchUuid: string;
  /** As a libvirt UUID. */
  uuid: string;
  ref: MoRef<'DistributedVirtualSwitch'>;
  portgroups: DistributedPortgroupView[];
}

/** vSphere's switch UUID ("50 2a 8c 11 … -…" or a plain UUID) as a libvirt UUID; other forms hashed by the caller. */
export function libvirtUuidOfSwitch(switchUuid: string): string | undefined {
  const hex = switchUuid.replace(/[\s-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The distributed switches the connection's host belongs to, with their port groups (none on ESX). */
export async function readDistributedSwitches(conn: Connection, hostVms: ReadonlySet<string>): Promise<DistributedSwitchView[]> {
  if (!conn.isVCenter) return [];
  const users = await networkUsers(conn, [...hostVms]);
  const ctx = await conn.ready();
  // the switches behind the datacenter's distributed port groups (uplink port groups included, so a switch with no
  // other port group shows too); no container view, which a session renewal would lose
  const nets = await datacenterNetworks(conn, [DistributedVirtualPortgroupProps.config]);
  const dvsRefs = new Map<string, MoRef<'DistributedVirtualSwitch'>>();
  for (const n of nets) {
    const sw =
      n.ref.type === 'DistributedVirtualPortgroup' ? prop(n, DistributedVirtualPortgroupProps.config)?.distributedVirtualSwitch : undefined;
    if (sw !== undefined) dvsRefs.set(sw.value, sw);
  }
  const paths = [
    DistributedVirtualSwitchProps.name,
    DistributedVirtualSwitchProps.uuid,
    DistributedVirtualSwitchProps.hostMember,
    DistributedVirtualSwitchProps.portgroup,
    DistributedVirtualSwitchProps.uplinkPortgroup,
  ];
  const recs = await retrieveMany(conn.client, [...dvsRefs.values()], paths);
  const mine = recs.filter((r) => {
    const members = prop(r, DistributedVirtualSwitchProps.hostMember);
    return members === undefined || members.length === 0 || members.some((h) => h.value === ctx.hostSystem.value);
  });
  const pgRefs = mine.flatMap((r) => prop(r, DistributedVirtualSwitchProps.portgroup) ?? []);
  const pgRecs = await retrieveMany(conn.client, pgRefs, [
    DistributedVirtualPortgroupProps.name,
    DistributedVirtualPortgroupProps.key,
    DistributedVirtualPortgroupProps.config,
    NetworkProps.vm,
  ]);
  return mine.map((r): DistributedSwitchView => {
    const switchUuid = prop(r, DistributedVirtualSwitchProps.uuid) ?? '';
    const uplinks = new Set((prop(r, DistributedVirtualSwitchProps.uplinkPortgroup) ?? []).map((u) => u.value));
    const portgroups = (prop(r, DistributedVirtualSwitchProps.portgroup) ?? []).flatMap((ref) => {
      const pr = pgRecs.find((p) => p.ref.value === ref.value);
      const config = pr && prop(pr, DistributedVirtualPortgroupProps.config);
      if (pr === undefined || config === undefined) return [];
      return [
        {
          name: prop(pr, DistributedVirtualPortgroupProps.name) ?? config.name,
          key: prop(pr, DistributedVirtualPortgroupProps.key) ?? config.key,
          ref: ref,
          config,
          uplink: uplinks.has(ref.value) || config.uplink === true,
          vms: [
            ...(prop(pr, NetworkProps.vm) ?? []).filter((v) => hostVms.has(v.value)),
            ...(users.get(ref.value) ?? []).filter((v) => !(prop(pr, NetworkProps.vm) ?? []).some((x) => x.value === v.value)),
          ],
        },
      ];
    });
    return {
      name: prop(r, DistributedVirtualSwitchProps.name) ?? '',
      switchUuid,
      uuid: libvirtUuidOfSwitch(switchUuid) ?? switchUuid,
      ref: r.ref as MoRef<'DistributedVirtualSwitch'>,
      portgroups,
    };
  });
}

/** The VLAN setting of a port group's default port configuration, if it has one. */
export function vlanOfPortgroup(config: DVPortgroupConfigInfo): AnyVmwareDistributedVirtualSwitchVlanSpec | undefined {
  const s = config.defaultPortConfig as VMwareDVSPortSetting | undefined;
  return s?.vlan;
}

/** The security policy of a port group's default port configuration, if it sets one. */
export function securityOfPortgroup(config: DVPortgroupConfigInfo): DVSSecurityPolicy | undefined {
  return (config.defaultPortConfig as VMwareDVSPortSetting | undefined)?.securityPolicy;
}

/** Adds a port group to a distributed switch and waits for the task. */
export async function addDistributedPortgroup(
  conn: Connection,
  sw: MoRef<'DistributedVirtualSwitch'>,
  name: string,
  setting: VMwareDVSPortSetting,
): Promise<void> {
  const task = await new DistributedSwitchHandle(conn.client, sw).addPortgroups({
    spec: [{ name, type: 'earlyBinding', numPorts: 8, defaultPortConfig: setting }],
  });
  await task.wait();
}

/** Changes a port group's default port configuration (keeping its name, size, type and description). */
export async function reconfigureDistributedPortgroup(
  conn: Connection,
  pg: DistributedPortgroupView,
  setting: VMwareDVSPortSetting,
): Promise<void> {
  const c = pg.config;
  const task = await new DistributedPortgroupHandle(conn.client, pg.ref).reconfigure({
    spec: {
      ...(c.configVersion !== undefined ? { configVersion: c.configVersion } : {}),
      name: c.name,
      numPorts: c.numPorts,
      defaultPortConfig: setting,
      ...(c.description !== undefined ? { description: c.description } : {}),
      type: c.type,
    },
  });
  await task.wait();
}

/** Removes a distributed port group. */
export async function destroyDistributedPortgroup(conn: Connection, ref: MoRef<'DistributedVirtualPortgroup'>): Promise<void> {
  await (await new DistributedPortgroupHandle(conn.client, ref).destroy()).wait();
}

/**
 * Consoles: the VM's VNC server (ESX's RemoteDisplay.vnc.* VMX entries, read and set through config.extraConfig, the
 * VMX converter's `<graphics type='vnc'>`), and screenshots (CreateScreenshot_Task, as libvirt's ESX driver takes
 * them: the host's capability.screenshotSupported first, the PNG then fetched from the VM's folder; esxvirt also
 * deletes it there).
 *
 * vnc-enable picks a port as Nova's VMware driver does: the lowest of 5900–6105 (the range ESXi's firewall opens for
 * VNC) that no other VM on the same host has.
 */
import { createWriteStream } from 'node:fs';
import { ConfigError, InvalidArgumentError, NotFoundError, OperationError, UnsupportedError } from '../../errors.js';
import {
  deleteDatastoreFile,
  downloadDatastoreFile,
  HostSystemProps,
  ManagedEntityProps,
  prop,
  retrieveMany,
  retrieveOne,
  VirtualMachineHandle,
  VirtualMachineProps as V,
  type MoRef,
  type OptionValue,
} from '../../vim25/index.js';
import { extraConfigValue, vncOfExtraConfig } from '../../vmconfig/index.js';
import type { Connection } from '../connect/connection.js';
import { applyConfigSpec } from './reconfigure.js';
import type { DomainRef } from './ref.js';
import { readVmConfig } from './vm-config.js';
import { datastoreFile, readDomainXml } from './xml.js';

/** The VNC port range ESXi's firewall opens (Nova's vnc_port .. vnc_port + vnc_port_total). */
export const VNC_PORT_MIN = 5900;
export const VNC_PORT_MAX = 6105;

/** A VM's VNC server, as the VMX converter reads it into `<graphics>`. */
export interface VncInfo {
  dom: DomainRef;
  port: number;
  /** RemoteDisplay.vnc.ip, if set. */
  listen?: string;
  /** The VM's host's name (where the VNC server listens). */
  hostName: string;
  passwd?: string;
}

async function hostNameOf(conn: Connection, host: MoRef<'HostSystem'> | undefined): Promise<string> {
  if (host === undefined) return conn.host.hostSystemName;
  return prop(await retrieveOne(conn.client, host, [ManagedEntityProps.name]), ManagedEntityProps.name) ?? conn.host.hostSystemName;
}

/** virsh vncdisplay/domdisplay: the VM's VNC server (extraConfig, else the VMX's RemoteDisplay entries). */
export async function getVncInfo(conn: Connection, domain: string): Promise<VncInfo> {
  const cfg = await readVmConfig(conn, domain);
  let g = vncOfExtraConfig(cfg.view.extraConfig);
  if (g === undefined) g = (await readDomainXml(conn, cfg.dom.name)).def.graphics.find((x) => x.type === 'vnc');
  if (g === undefined || g.port <= 0) throw new NotFoundError('Failed to get VNC port. Is this domain using VNC?');
  return {
    dom: cfg.dom,
    port: g.port,
    ...(g.listen !== undefined ? { listen: g.listen } : {}),
    hostName: await hostNameOf(conn, cfg.host),
    ...(g.passwd !== undefined ? { passwd: g.passwd } : {}),
  };
}

/** Options of enableVnc. */
export interface VncEnableOptions {
  /** This port (5900–6105 not required, but no other VM of the host may have it). */
  port?: number;
  /** Pick a free port even when the VM has one. */
  auto?: boolean;
  /** The VNC password (ESX uses at most 8 characters). */
  password?: string;
}

/** The VNC ports the VMs of `host` have (but `except`). */
export async function usedVncPorts(
  conn: Connection,
  host: MoRef<'HostSystem'>,
  except?: MoRef<'VirtualMachine'>,
): Promise<Map<number, string>> {
  const vms = prop(await retrieveOne(conn.client, host, [HostSystemProps.vm]), HostSystemProps.vm) ?? [];
  const recs = await retrieveMany(
    conn.client,
    vms.filter((r) => r.value !== except?.value),
    [V.name, V.extraConfig],
  );
  const used = new Map<number, string>();
  for (const r of recs) {
    const g = vncOfExtraConfig(prop(r, V.extraConfig));
    if (g !== undefined && g.port > 0) used.set(g.port, prop(r, V.name) ?? r.ref.value);
  }
  return used;
}

/** esxvirt vnc-enable: turns the VM's VNC server on at a free port of its host; returns it. */
export async function enableVnc(conn: Connection, domain: string, opts: VncEnableOptions = {}): Promise<VncInfo> {
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535))
    throw new InvalidArgumentError(`invalid VNC port ${opts.port}`);
  if (opts.password !== undefined && /[\r\n]/.test(opts.password)) throw new InvalidArgumentError('the VNC password must be one line');
  const cfg = await readVmConfig(conn, domain);
  const host = cfg.host ?? conn.host.hostSystem;
  const used = await usedVncPorts(conn, host, cfg.dom.ref);
  const current = vncOfExtraConfig(cfg.view.extraConfig);
  let port = opts.port;
  if (port !== undefined) {
    const other = used.get(port);
    if (other !== undefined) throw new ConfigError(`VNC port ${port} is taken by domain '${other}' on the same host`);
  } else if (current !== undefined && current.port > 0 && !opts.auto && !used.has(current.port)) {
    port = current.port;
  } else {
    for (let p = VNC_PORT_MIN; p <= VNC_PORT_MAX && port === undefined; p++) if (!used.has(p)) port = p;
    if (port === undefined) throw new OperationError(`no free VNC port in ${VNC_PORT_MIN}-${VNC_PORT_MAX} on the domain's host`);
  }
  const want: OptionValue[] = [
    { _type: 'OptionValue', key: 'RemoteDisplay.vnc.enabled', value: 'TRUE' },
    { _type: 'OptionValue', key: 'RemoteDisplay.vnc.port', value: String(port) },
  ];
  if (opts.password !== undefined) want.push({ _type: 'OptionValue', key: 'RemoteDisplay.vnc.password', value: opts.password });
  const changes = want.filter((o) => extraConfigValue(cfg.view.extraConfig, o.key) !== o.value);
  // extraConfig is the one part of a running VM's configuration ESX takes without a hot-plug check
  await applyConfigSpec(conn, cfg, { _type: 'VirtualMachineConfigSpec', extraConfig: changes }, { what: `enable VNC on port ${port}` });
  const after = vncOfExtraConfig([...(cfg.view.extraConfig ?? []).filter((o) => !want.some((w) => w.key === o.key)), ...want]);
  return {
    dom: cfg.dom,
    port,
    ...(after?.listen !== undefined ? { listen: after.listen } : {}),
    hostName: await hostNameOf(conn, host),
    ...(opts.password !== undefined ? { passwd: opts.password } : {}),
  };
}

/** What screenshot wrote. */
export interface ScreenshotResult {
  dom: DomainRef;
  file: string;
  mime: 'image/png';
  bytes: number;
}

/** virsh's default screenshot file name: DOMAIN-YYYY-MM-DD-HH:MM:SS.png (local time). */
export function defaultScreenshotName(domain: string, at = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${domain}-${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}-${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}.png`;
}

/** virsh screenshot: CreateScreenshot_Task, the PNG downloaded to `file` and deleted from the datastore. */
export async function takeScreenshot(
  conn: Connection,
  domain: string,
  file?: string,
  opts: { warn?(m: string): void } = {},
): Promise<ScreenshotResult> {
  const cfg = await readVmConfig(conn, domain);
  const host = cfg.host ?? conn.host.hostSystem;
  const supported = prop(await retrieveOne(conn.client, host, [HostSystemProps.screenshotSupported]), HostSystemProps.screenshotSupported);
  if (supported !== true)
    throw new UnsupportedError('Screenshot feature is unsupported: the host does not report capability.screenshotSupported');
  const task = await new VirtualMachineHandle(conn.client, cfg.dom.ref).createScreenshot();
  let png: string;
  try {
    const info = await task.wait({ description: `CreateScreenshot_Task of '${cfg.dom.name}'` });
    png = String(info.result ?? '');
  } catch (e) {
    const fault = (e as { message?: string }).message ?? String(e);
    throw new OperationError(`could not take a screenshot of ${cfg.dom.name}: ${fault}`, { cause: e });
  }
  if (!/\.png$/i.test(png)) throw new OperationError(`CreateScreenshot_Task of '${cfg.dom.name}' returned no PNG path ('${png}')`);
  const target = file ?? defaultScreenshotName(cfg.dom.name);
  let bytes = 0;
  try {
    const out = createWriteStream(target);
    try {
      // the pipeline ends and closes the file
      bytes = await downloadDatastoreFile(conn.client, datastoreFile(conn, png), out);
    } catch (e) {
      out.destroy();
      throw e;
    }
  } finally {
    // the screenshot is the client's now; a leftover in the VM's folder is only noted
    await deleteDatastoreFile(conn.client, png, { datacenter: conn.host.datacenter.ref }).catch((e: unknown) =>
      opts.warn?.(`could not delete '${png}' from the datastore: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
  return { dom: cfg.dom, file: target, mime: 'image/png', bytes };
}

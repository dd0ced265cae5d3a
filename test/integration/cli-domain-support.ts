/**
 * Shared bits of the domain state/lifecycle/tuning CLI suites: a simulator per model with the CLI bound to it, and
 * changes to a VM the CLI cannot make. vcsim's ReconfigVM treats extraConfig keys 'SET.<path>' as assignments to the
 * VM's property <path> (a govmomi simulator feature), which lets a test set what VMware Tools would report
 * (guest.toolsRunningStatus, guest.hostName, guest.ipAddress); vcsim guests never run tools themselves.
 */
import { Connection } from '../../src/driver/connect/connection.js';
import { lookupDomain } from '../../src/driver/domain/ref.js';
import { VirtualMachineHandle, type VirtualMachineConfigSpec } from '../../src/vim25/index.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { runCli, simulatorUri, writeAuthConf, type CliResult } from './cli-support.js';

/** A simulator with a CLI runner and a library connection opener. */
export interface CliTarget {
  model: 'esx' | 'vpx';
  sim: Simulator;
  uri: string;
  /** The VMs on the connection's host (ESX: ha-host_VM0, ha-host_VM1; VPX host DC0_C0_H0: DC0_C0_RP0_VM1). */
  vms: string[];
  cli(...args: string[]): Promise<CliResult>;
  open(params?: string): Promise<Connection>;
  stop(): Promise<void>;
}

/** Starts a simulator of `model` and binds the CLI to it. */
export async function startTarget(model: 'esx' | 'vpx'): Promise<CliTarget> {
  const sim = await startSimulator({ model, quiet: true });
  const authFile = writeAuthConf();
  const uri = simulatorUri(sim);
  const env = { ...process.env, LIBVIRT_AUTH_FILE: authFile };
  return {
    model,
    sim,
    uri,
    vms: model === 'esx' ? ['ha-host_VM0', 'ha-host_VM1'] : ['DC0_C0_RP0_VM1'],
    cli: (...args) => runCli(['-c', uri, ...args], { authFile }),
    open: (params) => Connection.open(params ? simulatorUri(sim, { params }) : uri, { env }),
    stop: () => sim.stop(),
  };
}

/** Reconfigures a VM directly (e.g. to enable hot-add), bypassing the CLI. */
export async function reconfigureVm(t: CliTarget, name: string, spec: VirtualMachineConfigSpec): Promise<void> {
  const conn = await t.open();
  try {
    const { dom } = await lookupDomain(conn, name);
    await (await new VirtualMachineHandle(conn.client, dom.ref).reconfigure(spec)).wait();
  } finally {
    await conn.close();
  }
}

/** Sets guest properties as VMware Tools would report them, e.g. { toolsRunningStatus: 'guestToolsRunning' } (vcsim only). */
export function setGuestInfo(t: CliTarget, name: string, guest: Record<string, string>): Promise<void> {
  return reconfigureVm(t, name, { extraConfig: Object.entries(guest).map(([k, value]) => ({ key: `SET.guest.${k}`, value })) });
}

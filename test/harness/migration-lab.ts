/**
 * The migration lab of our simulator launcher (test/harness/README.md, "Migration"): a vCenter model with
 * 2 clusters × 3 hosts and 2 shared datastores, shaped for refusals, plus ESX endpoints standing for its hosts
 * (same port, another loopback address, so `esx://…?vcenter=*` finds the vCenter as libvirt does), and typed
 * wrappers of the migration control endpoints.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from './vcsim.js';

/** A VM made by /esxvirt-test/create-vm. */
export interface LabVm {
  vm: string;
  name: string;
  uuid: string;
  vmPathName: string;
}

/** One move as /esxvirt-test/migrations records it. */
export interface LabMigration {
  task: string;
  method: string;
  vm: string;
  vmName: string;
  fromHost: string;
  toHost: string;
  fromDatastore: string;
  toDatastore: string;
  drsChoseHost: boolean;
  outcome: 'running' | 'success' | 'error' | 'cancelled';
  error?: string;
}

/** The lab simulator and what the tests do with it. */
export interface MigrationLab {
  sim: Simulator;
  /** An auth.conf for 127.0.0.1 (vCenter) and the ESX endpoints' addresses (user / pass). */
  authFile: string;
  /** vpx://127.0.0.1:PORT/DC0/<path>?thumbprint=… (path like 'DC0_C0/DC0_C0_H0'). */
  vpx(path: string, params?: string): string;
  createVm(o: {
    name: string;
    host: string;
    datastore?: string;
    network?: string;
    connected?: boolean;
    power?: 'on' | 'off' | 'suspended';
  }): Promise<LabVm>;
  setDrs(cluster: string, o: { enabled?: boolean; behavior?: 'fullyAutomated' | 'partiallyAutomated' | 'manual' }): Promise<void>;
  hostState(host: string, o: { vmotion?: boolean; maintenance?: boolean }): Promise<void>;
  migrationSpeed(ms: number): Promise<void>;
  migrationQuestion(vm: string, kind?: string, times?: number): Promise<void>;
  migrations(): Promise<LabMigration[]>;
  /** Files of a VM's directory on a datastore (the simulator keeps them on this machine). */
  datastoreDir(datastore: string): string;
  /** Starts an ESX endpoint standing for `host` on 127.0.0.N at the vCenter's port. */
  esxEndpoint(host: string, address: string): Promise<Simulator>;
  stop(): Promise<void>;
}

const flag = (b: boolean | undefined): string => (b === undefined ? '' : b ? '1' : '0');

/** Starts the lab (and its auth.conf). */
export async function startMigrationLab(opts: Partial<SimulatorOptions> = {}): Promise<MigrationLab> {
  const sim = await startSimulator({ model: 'vpx', migrationLab: true, quiet: true, vms: 0, ...opts });
  const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-lab-'));
  const authFile = join(tmp, 'auth.conf');
  const hosts = ['127.0.0.1', ...[2, 3, 4, 5, 6, 7].map((n) => `127.0.0.${n}`)];
  writeFileSync(
    authFile,
    `[credentials-lab]\nusername=user\npassword=pass\n${hosts.map((h) => `[auth-esx-${h}]\ncredentials=lab\n`).join('')}`,
  );
  const endpoints: Simulator[] = [];
  const ctl = async <T>(name: string, params: Record<string, string | number | boolean> = {}): Promise<T> => {
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== ''));
    const r = (await sim.control(name, clean)) as T & { error?: string };
    if (r.error !== undefined) throw new Error(`/esxvirt-test/${name}: ${r.error}`);
    return r;
  };
  const stores = new Map<string, string>();
  return {
    sim,
    authFile,
    vpx: (path, params) => `vpx://127.0.0.1:${sim.port}/DC0/${path}?${[`thumbprint=${sim.thumbprint}`, params].filter(Boolean).join('&')}`,
    createVm: (o) =>
      ctl<LabVm>('create-vm', {
        name: o.name,
        host: o.host,
        datastore: o.datastore ?? '',
        network: o.network ?? '',
        connected: flag(o.connected),
        power: o.power ?? 'on',
      }),
    setDrs: async (cluster, o) => {
      await ctl('drs', { cluster, enabled: flag(o.enabled ?? true), behavior: o.behavior ?? '' });
    },
    hostState: async (host, o) => {
      await ctl('host-state', { host, vmotion: flag(o.vmotion), maintenance: flag(o.maintenance) });
    },
    migrationSpeed: async (ms) => {
      await ctl('migration-speed', { ms });
    },
    migrationQuestion: async (vm, kind = 'space', times = 1) => {
      await ctl('migration-question', { vm, kind, times });
    },
    migrations: async () => (await ctl<{ migrations: LabMigration[] }>('migrations')).migrations,
    datastoreDir(datastore) {
      let dir = stores.get(datastore);
      if (dir === undefined) {
        // vcsim names each datastore's directory govcsim-DC0-<name>-<random> under the launcher's TMPDIR
        const entry = readdirSync(sim.tmpDir).find((n) => n.startsWith(`govcsim-DC0-${datastore}-`));
        if (entry === undefined) throw new Error(`no directory for datastore ${datastore} under ${sim.tmpDir}`);
        dir = join(sim.tmpDir, entry);
        stores.set(datastore, dir);
      }
      return dir;
    },
    async esxEndpoint(host, address) {
      const facts = await ctl<Record<string, unknown>>('host-facts', { host, managementServerIp: '127.0.0.1' });
      const file = join(tmp, `${host}.json`);
      writeFileSync(file, JSON.stringify(facts));
      const count = (facts.datastores as string[]).length;
      const ep = await startSimulator({
        model: 'esx',
        asHost: file,
        vms: 0,
        datastores: count,
        quiet: true,
        listen: `${address}:${sim.port}`,
      });
      endpoints.push(ep);
      return ep;
    },
    async stop() {
      for (const ep of endpoints) await ep.stop();
      await sim.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

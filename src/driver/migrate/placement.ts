/**
 * Where a migration goes, decided before anything moves (and answered alone by placement()): both ends resolved
 * into one vCenter, the VM found there, the target host (named, or chosen by DRS: by its own placement in a fully
 * automated cluster, by RecommendHostsForVm otherwise), pool and datastore, and the vSphere call that expresses
 * the move: RelocateVM_Task, or MigrateVM_Task when a power-state condition (--live, --offline) must hold and no
 * storage moves — Relocate cannot say "only if still running".
 */
import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../../errors.js';
import {
  ClusterComputeResourceProps,
  DatastoreProps,
  isVimFault,
  methods,
  prop,
  retrieveOne,
  type ClusterDrsConfigInfo,
  type MoRef,
  type VirtualMachineMovePriority,
  type VirtualMachinePowerState,
  type VirtualMachineRelocateSpec,
} from '../../vim25/index.js';
import { Connection } from '../connect/connection.js';
import { parseUri } from '../connect/uri.js';
import { resolveDomain, type DomainArg } from '../domain/resolve.js';
import { locationOf, readVmFacts, type MigrationLocation, type VmFacts } from './facts.js';
import { cacheOf, datastoreByName, hostPlace, pathPlace, poolByPath, type PathPlace } from './places.js';
import {
  connectVCenter,
  mapHost,
  mapVm,
  openHostVCenter,
  requireMigratable,
  sameVCenter,
  vcenterOf,
  type MigrationOpenOptions,
  type VCenter,
} from './vcenter.js';

/** What the caller asks of a move (the CLI's flags). */
export interface PlacementOptions {
  /** Only a running VM, moved by vMotion (virsh --live). */
  live?: boolean;
  /** Only a VM that is not running (virsh --offline). */
  offline?: boolean;
  /** Move the VM's files and disks to this datastore (storage vMotion). */
  datastore?: string;
  /** A resource pool below the destination's root pool, e.g. 'Prod/Web'. */
  resourcePool?: string;
  /** The task's priority (default 'default'). */
  priority?: 'default' | 'high' | 'low';
  /** How connections opened on the way authenticate and log. */
  open?: MigrationOpenOptions;
  /** A vCenter session to use for an esx:// source instead of logging in again. */
  vcenter?: VCenter;
}

/** How DRS takes part: it picks the host itself (fully automated) or recommended one. */
export interface DrsDecision {
  cluster: string;
  behavior: string;
  how: 'automatic' | 'recommendation';
  /** The recommended host (for 'automatic', known only after the move). */
  host?: string;
  rating?: number;
}

/** The move as decided: names for people, references and arguments for the server. */
export interface Placement {
  domain: { name: string; uuid: string };
  powerState: VirtualMachinePowerState;
  /** True when the VM moves while running (vMotion / storage vMotion). */
  live: boolean;
  from: MigrationLocation;
  to: { host?: string; computeResource: string; isCluster: boolean; datastore?: string };
  drs?: DrsDecision;
  method: 'RelocateVM_Task' | 'MigrateVM_Task';
  priority: VirtualMachineMovePriority;
  /** Power state MigrateVM_Task requires (its `state`). */
  requiredState?: VirtualMachinePowerState;
  /** @internal references for the move. */
  refs: PlacementRefs;
}

/** The references behind a Placement. */
export interface PlacementRefs {
  vc: VCenter;
  vm: MoRef<'VirtualMachine'>;
  facts: VmFacts;
  host?: MoRef<'HostSystem'>;
  /** Set when the VM changes pool (another compute resource, or --resource-pool). */
  pool?: MoRef<'ResourcePool'>;
  /** Set for a cluster destination: the VM must end on one of its hosts. */
  clusterHosts?: MoRef<'HostSystem'>[];
  datastore?: MoRef<'Datastore'>;
  spec: VirtualMachineRelocateSpec;
  /** Connections and sessions opened on the way, closed by close(). */
  opened: { close(): Promise<void> }[];
}

const PRIORITY: Record<NonNullable<PlacementOptions['priority']>, VirtualMachineMovePriority> = {
  default: 'defaultPriority',
  high: 'highPriority',
  low: 'lowPriority',
};

/** Methods a server may lack (vcsim 0.24.2 lacks all but RelocateVM_Task): not asked again once refused so. */
export function isMissingMethod(e: unknown): boolean {
  return (
    isVimFault(e, 'MethodNotFound', 'NotImplemented') || /does not implement|not implemented/i.test(e instanceof Error ? e.message : '')
  );
}

/** Closes what a placement opened. */
export async function closePlacement(p: { refs: { opened: { close(): Promise<void> }[] } }): Promise<void> {
  for (const o of p.refs.opened.splice(0).reverse()) await o.close().catch(() => undefined);
}

/**
 * Decides where domain `domain` of connection `conn` would go for destination URI `dest` (vpx://vc/dc/[cluster/]host,
 * vpx://vc/dc/cluster, or esx://host?vcenter=…) without moving anything. Close what it opened with closePlacement().
 */
export async function placement(conn: Connection, domain: DomainArg, dest: string, opts: PlacementOptions = {}): Promise<Placement> {
  requireMigratable(conn.uri);
  const opened: { close(): Promise<void> }[] = [];
  try {
    const vc = conn.isVCenter ? vcenterOf(conn) : await ownedVCenter(opts.vcenter ?? (await openHostVCenter(conn, opts.open)), opened);
    const { dom } = await resolveDomain(conn, domain);
    const vm = conn.isVCenter ? dom.ref : await mapVm(vc, dom.uuid, dom.name);
    const target = await destinationPlace(vc, dest, opts);
    const facts = await readVmFacts(vc.client, vm, { disks: opts.datastore !== undefined });
    const { location: from, place: fromPlace } = await locationOf(vc.client, facts);
    const p = await decide(vc, vm, facts, from, fromPlace.computeResource, target, opts);
    return { domain: { name: dom.name, uuid: dom.uuid }, ...p, refs: { ...p.refs, opened } };
  } catch (e) {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
    throw e;
  }
}

async function ownedVCenter(vc: VCenter, opened: { close(): Promise<void> }[]): Promise<VCenter> {
  if (vc.owned) opened.push({ close: () => vc.client.close() });
  return vc;
}

/** Resolves the destination URI into the source's vCenter; refuses one that another vCenter manages. */
async function destinationPlace(vc: VCenter, dest: string, opts: PlacementOptions): Promise<PathPlace> {
  const uri = parseUri(dest);
  requireMigratable(uri);
  if (uri.scheme === 'vpx') {
    const target = `${uri.host.includes(':') ? `[${uri.host}]` : uri.host}:${uri.port}`;
    if (target !== vc.target) {
      // another address: the same vCenter only if its instance UUID says so
      const other = await connectVCenter(uri, { host: uri.host, port: uri.port }, opts.open ?? {});
      await other.client.close().catch(() => undefined);
      if (!sameVCenter(vc, other)) throw notSameVCenter(vc.target, other.target);
    }
    return pathPlace(vc.client, uri.path);
  }
  const destConn = await Connection.open(dest, { ...(opts.open ?? {}), deferHost: false });
  try {
    const destVc = await openHostVCenter(destConn, opts.open);
    if (destVc.owned) await destVc.client.close().catch(() => undefined);
    if (!sameVCenter(vc, destVc)) throw notSameVCenter(vc.target, destVc.target);
    const host = await mapHost(vc, destConn);
    return { kind: 'host', place: await hostPlace(vc.client, host.ref) };
  } finally {
    await destConn.close().catch(() => undefined);
  }
}

function notSameVCenter(a: string, b: string): InvalidArgumentError {
  return new InvalidArgumentError(`the migration's source and destination are not managed by the same vCenter (${a} and ${b})`);
}

/** The host, pool, datastore and call of the move. */
async function decide(
  vc: VCenter,
  vm: MoRef<'VirtualMachine'>,
  facts: VmFacts,
  from: MigrationLocation,
  fromCompute: MoRef<'ComputeResource'>,
  target: PathPlace,
  opts: PlacementOptions,
): Promise<Omit<Placement, 'domain'>> {
  if (opts.live && opts.offline) throw new InvalidArgumentError('--live and --offline cannot be combined');
  const client = vc.client;
  const datacenter = target.place.datacenter;
  const datastore = opts.datastore === undefined ? undefined : await datastoreByName(client, datacenter, opts.datastore);
  const rootPool = target.place.pool;
  const pool = opts.resourcePool === undefined ? undefined : await poolByPath(client, rootPool, opts.resourcePool);
  const refs: Omit<PlacementRefs, 'opened'> = { vc, vm, facts, spec: {} };
  let to: Placement['to'];
  let drs: DrsDecision | undefined;
  if (target.kind === 'host') {
    const t = target.place;
    refs.host = t.host;
    // Another compute resource needs a pool there; within one, the VM keeps its pool unless told otherwise.
    refs.pool = pool ?? (t.computeResource.value !== fromCompute.value ? rootPool : undefined);
    to = { host: t.hostName, computeResource: t.computeResourceName, isCluster: t.isCluster };
  } else {
    const c = target.place;
    refs.clusterHosts = c.hosts;
    refs.pool = pool ?? rootPool;
    to = { computeResource: c.clusterName, isCluster: true };
    if (c.hosts.some((h) => h.value === facts.host.value)) {
      // already in the cluster (a storage or pool move): it stays on its host, DRS is not asked
      refs.host = facts.host;
      to.host = from.host;
    } else {
      // DRS ranks hosts for the VM as it is; with a storage move only hosts that mount the target datastore qualify
      const candidates = datastore === undefined ? c.hosts : await hostsMounting(client, datastore.ref, c.hosts);
      const choice = await drsChoice(client, vm, c.cluster, c.clusterName, refs.pool, candidates);
      drs = choice.decision;
      if (choice.hostRef !== undefined) {
        refs.host = choice.hostRef;
        to.host = choice.decision.host as string;
      }
    }
  }
  if (datastore !== undefined) {
    refs.datastore = datastore.ref;
    to.datastore = datastore.name;
  }
  const sameHost =
    refs.host?.value === facts.host.value || (refs.host === undefined && refs.clusterHosts?.some((h) => h.value === facts.host.value));
  const sameStore = datastore === undefined || (from.datastores.length === 1 && from.datastores[0] === datastore.name);
  const samePool = refs.pool === undefined || refs.pool.value === facts.pool?.value;
  if (sameHost && sameStore && samePool) {
    throw new InvalidArgumentError(
      `the destination is the source: domain is already on host '${from.host}'${sameStore && datastore ? ` and datastore '${datastore.name}'` : ''}`,
    );
  }
  // MigrateVM_Task only where Relocate cannot say it: a power-state condition, and no storage move.
  const cache = cacheOf(client);
  const wantsState = opts.live === true || opts.offline === true;
  const useMigrate = wantsState && datastore === undefined && !cache.missing.has('MigrateVM_Task');
  const requiredState: VirtualMachinePowerState | undefined = opts.live ? 'poweredOn' : opts.offline ? facts.powerState : undefined;
  if (opts.offline && facts.powerState === 'poweredOn') {
    throw new InvalidStateError('domain is running: --offline moves only a shut off or suspended domain (use --live)');
  }
  if (opts.live && facts.powerState !== 'poweredOn' && !useMigrate) {
    // Relocate cannot make the server check it; MigrateVM_Task would (state=poweredOn)
    throw new InvalidStateError('domain is not running: --live moves only a running domain');
  }
  const spec: VirtualMachineRelocateSpec = {};
  if (datastore !== undefined) {
    spec.datastore = datastore.ref;
    // every disk follows the VM's home, said explicitly per disk
    spec.disk = facts.diskKeys.map((diskId) => ({ diskId, datastore: datastore.ref }));
  }
  if (refs.pool !== undefined) spec.pool = refs.pool;
  if (refs.host !== undefined) spec.host = refs.host;
  refs.spec = spec;
  return {
    powerState: facts.powerState,
    live: facts.powerState === 'poweredOn',
    from,
    to,
    ...(drs !== undefined ? { drs } : {}),
    method: useMigrate ? 'MigrateVM_Task' : 'RelocateVM_Task',
    priority: PRIORITY[opts.priority ?? 'default'],
    ...(useMigrate && requiredState !== undefined ? { requiredState } : {}),
    refs: refs as PlacementRefs,
  };
}

/**
 * DRS's part for a cluster destination: a fully automated cluster places the VM itself; otherwise its best
 * recommendation (RecommendHostsForVm) names the host. A cluster without DRS is left to the server to refuse.
 */
async function drsChoice(
  client: VCenter['client'],
  vm: MoRef<'VirtualMachine'>,
  cluster: MoRef<'ClusterComputeResource'>,
  name: string,
  pool: MoRef<'ResourcePool'>,
  hosts: MoRef<'HostSystem'>[],
): Promise<{ decision: DrsDecision; hostRef?: MoRef<'HostSystem'> }> {
  const cfg = prop(
    await retrieveOne(client, cluster, [ClusterComputeResourceProps.configurationEx]),
    ClusterComputeResourceProps.configurationEx,
  );
  const drsCfg: ClusterDrsConfigInfo = cfg !== undefined && 'drsConfig' in cfg ? cfg.drsConfig : {};
  const behavior = drsCfg.enabled ? (drsCfg.defaultVmBehavior ?? 'unset') : 'disabled';
  if (behavior === 'fullyAutomated' || behavior === 'disabled') {
    // the server places the VM (or refuses: a cluster without DRS needs a host)
    return { decision: { cluster: name, behavior, how: 'automatic' } };
  }
  const cache = cacheOf(client);
  if (cache.missing.has('RecommendHostsForVm')) throw noRecommendation(name);
  let recs;
  try {
    recs = await methods.RecommendHostsForVm(client.soap, cluster, { vm, pool });
  } catch (e) {
    if (!isMissingMethod(e)) throw e;
    cache.missing.add('RecommendHostsForVm');
    throw noRecommendation(name);
  }
  const best = [...(recs ?? [])].filter((r) => hosts.some((h) => h.value === r.host.value)).sort((a, b) => b.rating - a.rating)[0];
  if (best === undefined) throw new NotFoundError(`DRS of cluster '${name}' (${behavior}) recommends no host for the domain`);
  const place = await hostPlace(client, best.host);
  return {
    hostRef: best.host,
    decision: { cluster: name, behavior, how: 'recommendation', host: place.hostName, rating: best.rating },
  };
}

/** The hosts among `hosts` that mount datastore `ds`. */
async function hostsMounting(
  client: VCenter['client'],
  ds: MoRef<'Datastore'>,
  hosts: MoRef<'HostSystem'>[],
): Promise<MoRef<'HostSystem'>[]> {
  const mounts = prop(await retrieveOne(client, ds, [DatastoreProps.host]), DatastoreProps.host) ?? [];
  return hosts.filter((h) => mounts.some((m) => m.key.value === h.value && m.mountInfo.mounted !== false));
}

function noRecommendation(cluster: string): NotFoundError {
  return new NotFoundError(
    `cluster '${cluster}' is not fully automated and the server offers no DRS recommendation (RecommendHostsForVm): name one of its hosts`,
  );
}

/**
 * The ESX CPU scheduler as libvirt's ESX driver exposes it (libvirt's ESX driver page, "Scheduler configuration"): scheduler type
 * 'allocation' with reservation (MHz, >= 0), limit (MHz, -1 unlimited, else >= reservation) and shares (>= 0, or
 * -1/-2/-3 for the levels low/normal/high), all from config.cpuAllocation. Changes apply at once in any state
 * (ESX keeps one configuration), so --config, --live and --current differ only in that --live needs an active domain.
 */
import { InvalidArgumentError } from '../../errors.js';
import { prop, VirtualMachineProps, type ResourceAllocationInfo, type SharesInfo, type SharesLevel } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import type { DomainRef } from './ref.js';
import { resolveDomain, type DomainArg } from './resolve.js';
import { allocationWith, modifyTargets, reconfigure, type ModifyFlags } from './tuning.js';

/** libvirt's scheduler type name for ESX. */
export const SCHEDULER_TYPE = 'allocation';

/** The scheduler parameters, in libvirt's order. */
export interface SchedulerParams {
  reservation: number;
  limit: number;
  shares: number;
}

/** Parameter names in the order virsh prints them. */
export const SCHEDULER_FIELDS = ['reservation', 'limit', 'shares'] as const;

const LEVEL_VALUES: Record<string, number> = { low: -1, normal: -2, high: -3 };
const VALUE_LEVELS: Record<number, SharesLevel> = { [-1]: 'low', [-2]: 'normal', [-3]: 'high' };
const INT_MAX = 2 ** 31 - 1;

/** shares as libvirt reports them: a level as -1/-2/-3, custom shares as the number. */
export function sharesValue(s: SharesInfo | undefined): number {
  if (s === undefined) return -2;
  return LEVEL_VALUES[s.level] ?? s.shares;
}

/** The SharesInfo for a libvirt shares value (the count is ignored by ESX for levels other than custom). */
export function sharesInfoOf(value: number): SharesInfo {
  const level = VALUE_LEVELS[value];
  return level !== undefined ? { shares: 0, level } : { shares: value, level: 'custom' };
}

/** Parameters from config.cpuAllocation (unset: reservation 0, unlimited, normal). */
export function schedulerParamsOf(a: ResourceAllocationInfo | undefined): SchedulerParams {
  return { reservation: a?.reservation ?? 0, limit: a?.limit ?? -1, shares: sharesValue(a?.shares) };
}

/** Checks the rules of libvirt's ESX driver page; InvalidArgumentError naming the parameter. */
export function validateSchedulerParams(p: SchedulerParams): void {
  if (!Number.isSafeInteger(p.reservation) || p.reservation < 0)
    throw new InvalidArgumentError(`invalid scheduler parameter reservation=${p.reservation}: must be 0 or greater`);
  if (!Number.isSafeInteger(p.limit) || (p.limit !== -1 && p.limit < p.reservation)) {
    throw new InvalidArgumentError(
      `invalid scheduler parameter limit=${p.limit}: must be -1 (unlimited) or at least the reservation (${p.reservation})`,
    );
  }
  if (!Number.isSafeInteger(p.shares) || p.shares < -3 || p.shares > INT_MAX) {
    throw new InvalidArgumentError(
      `invalid scheduler parameter shares=${p.shares}: must be 0 or greater, or -1, -2, -3 for low, normal, high`,
    );
  }
}

/** Parses virsh's `field=value` assignments; unknown fields and non-integers are InvalidArgumentErrors. */
export function parseSchedulerAssignments(items: readonly string[]): Partial<SchedulerParams> {
  const out: Partial<SchedulerParams> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const field = (eq < 0 ? item : item.slice(0, eq)).trim();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (!(SCHEDULER_FIELDS as readonly string[]).includes(field)) {
      throw new InvalidArgumentError(`invalid scheduler parameter '${field}': expecting one of ${SCHEDULER_FIELDS.join(', ')}`);
    }
    if (!/^[-+]?\d{1,15}$/.test(value))
      throw new InvalidArgumentError(`invalid value '${value}' for scheduler parameter ${field}: expecting an integer`);
    out[field as keyof SchedulerParams] = Number(value);
  }
  return out;
}

/** The domain's scheduler parameters. */
export async function getSchedulerParams(conn: Connection, domain: DomainArg): Promise<{ dom: DomainRef; params: SchedulerParams }> {
  const { dom, rec } = await resolveDomain(conn, domain, [VirtualMachineProps.cpuAllocation]);
  return { dom, params: schedulerParamsOf(prop(rec, VirtualMachineProps.cpuAllocation)) };
}

/** Changes some parameters (validated together with the unchanged ones) and returns the parameters read back. */
export async function setSchedulerParams(
  conn: Connection,
  domain: DomainArg,
  changes: Partial<SchedulerParams>,
  flags: ModifyFlags = {},
): Promise<{ dom: DomainRef; params: SchedulerParams }> {
  const { dom, rec } = await resolveDomain(conn, domain, [VirtualMachineProps.cpuAllocation]);
  modifyTargets(dom.state, flags);
  const current = prop(rec, VirtualMachineProps.cpuAllocation);
  const wanted = { ...schedulerParamsOf(current), ...changes };
  validateSchedulerParams(wanted);
  const change: Partial<ResourceAllocationInfo> = {};
  if (changes.reservation !== undefined) change.reservation = changes.reservation;
  if (changes.limit !== undefined) change.limit = changes.limit;
  if (changes.shares !== undefined) change.shares = sharesInfoOf(changes.shares);
  if (Object.keys(change).length > 0) await reconfigure(conn, dom, { cpuAllocation: allocationWith(current, change) });
  return getSchedulerParams(conn, dom);
}

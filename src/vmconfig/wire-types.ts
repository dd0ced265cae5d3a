/** Wire-type checks on vSphere data objects, by the declared type hierarchy (src/vim25's generated schema). */
import { vim25Schema } from '../vim25/generated/schema.js';

/** True when `value`'s wire type (`_type`) is `type` or a declared subtype of it. */
export function isA(value: unknown, type: string): boolean {
  for (let t = (value as { _type?: string } | undefined)?._type, n = 0; t !== undefined && n < 64; t = vim25Schema.objects[t]?.base, n++) {
    if (t === type) return true;
  }
  return false;
}

/** SCSI controller models (domain `<controller model>`) and their wire types, most specific type first. */
export const SCSI_TYPES: readonly (readonly [model: string, type: string])[] = [
  ['vmpvscsi', 'ParaVirtualSCSIController'],
  ['lsisas1068', 'VirtualLsiLogicSASController'],
  ['lsilogic', 'VirtualLsiLogicController'],
  ['buslogic', 'VirtualBusLogicController'],
];

/**
 * NIC models (domain `<model type>`) and their wire types, most specific first: VirtualVmxnet2 and
 * VirtualVmxnet3 extend VirtualVmxnet, so they must be tried before it.
 */
export const NIC_TYPES: readonly (readonly [model: string, type: string])[] = [
  ['vmxnet3', 'VirtualVmxnet3'],
  ['vmxnet2', 'VirtualVmxnet2'],
  ['vmxnet', 'VirtualVmxnet'],
  ['e1000e', 'VirtualE1000e'],
  ['e1000', 'VirtualE1000'],
  ['vlance', 'VirtualPCNet32'],
];

/** The domain model of a device of one of `table`'s wire types (or a subtype), else undefined. */
export function modelOf(table: typeof SCSI_TYPES, device: unknown): string | undefined {
  return table.find(([, t]) => isA(device, t))?.[0];
}

/** The wire type of a domain model in `table`, else undefined. */
export function typeOf(table: typeof SCSI_TYPES, model: string): string | undefined {
  return table.find(([m]) => m === model)?.[1];
}

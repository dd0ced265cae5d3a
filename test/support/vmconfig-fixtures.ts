/**
 * Fixtures of the vmconfig tests: device sets as the API reports them (test/fixtures/vmconfig/devices), contexts,
 * domain devices from XML snippets, and the check that a spec encodes as a ReconfigVM_Task request.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DomainDef } from '../../src/conf/domain/domain-def.js';
import { parseDeviceXml, parseDomainXml } from '../../src/conf/domain/parse-domain.js';
import { encodeRequest } from '../../src/soap/codec-encode.js';
import { vim25Schema } from '../../src/vim25/generated/schema.js';
import type { AnyVirtualDevice, VirtualMachineConfigSpec } from '../../src/vim25/generated/types.js';
import type { VmConfigView } from '../../src/vmconfig/config-to-domain.js';
import type { VmConfigContext } from '../../src/vmconfig/device-context.js';
import type { DomainDevice } from '../../src/vmconfig/device-match.js';

/** test/fixtures/vmconfig. */
export const FIXTURES = join(process.cwd(), 'test/fixtures/vmconfig');

/** A JSON fixture under test/fixtures/vmconfig. */
export function loadJson<T>(rel: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, rel), 'utf8')) as T;
}

/**
 * Compares `actual` with the golden JSON file `rel`; ESXVIRT_UPDATE_GOLDEN=1 (re)writes the file instead, for
 * review in the diff.
 */
export function assertGolden(rel: string, actual: unknown): void {
  const file = join(FIXTURES, rel);
  const json = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.ESXVIRT_UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, json);
    return;
  }
  assert.ok(existsSync(file), `golden file ${rel} is missing; this run made:\n${json}`);
  assert.deepEqual(JSON.parse(json), JSON.parse(readFileSync(file, 'utf8')), rel);
}

function disk(ctl: number, unit: number, key: number): AnyVirtualDevice {
  return {
    _type: 'VirtualDisk',
    key,
    deviceInfo: { _type: 'Description', label: `Hard disk ${key - 1999}`, summary: '' },
    controllerKey: ctl,
    unitNumber: unit,
    capacityInKB: 1024,
    backing: { _type: 'VirtualDiskFlatVer2BackingInfo', fileName: `[ds] vm/disk${key}.vmdk`, diskMode: 'persistent' },
  };
}

const scsi0: AnyVirtualDevice = {
  _type: 'VirtualLsiLogicController',
  key: 1000,
  deviceInfo: { _type: 'Description', label: 'SCSI controller 0', summary: '' },
  busNumber: 0,
  sharedBus: 'noSharing',
  scsiCtlrUnitNumber: 7,
};

/** Named device sets: the two fixture files and sets made from them. */
export function deviceSets(): Record<string, AnyVirtualDevice[]> {
  const base = loadJson<AnyVirtualDevice[]>('devices/esx-default.json');
  const web = loadJson<AnyVirtualDevice[]>('devices/web.json');
  const units = (list: number[]): AnyVirtualDevice[] => list.map((u, i) => disk(1000, u, 2000 + i));
  const cd = (ctl: number, unit: number, key: number): AnyVirtualDevice => ({
    _type: 'VirtualCdrom',
    key,
    deviceInfo: { _type: 'Description', label: `CD/DVD drive ${key - 2999}`, summary: '' },
    controllerKey: ctl,
    unitNumber: unit,
    backing: { _type: 'VirtualCdromIsoBackingInfo', fileName: '' },
  });
  return {
    'esx-default': base,
    web,
    // SCSI units 0..6 taken: the next free unit is 8, not the controller's 7
    'scsi-0-6': [...base, scsi0, ...units([0, 1, 2, 3, 4, 5, 6])],
    'scsi-full': [...base, scsi0, ...units([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15])],
    'ide-full': [...base, cd(200, 0, 3000), cd(200, 1, 3001), cd(201, 0, 3002), cd(201, 1, 3003)],
    // no controllers at all: what CreateVM_Task starts from when the caller passes no default devices
    empty: [],
  };
}

const DVS_UUID = '50 2a 8c 3b 6b 14 6e 4c-a0 6d 2e 51 0a 75 1b 8e';

/** Named contexts. */
export const CONTEXTS: Record<string, VmConfigContext> = {
  plain: {},
  networks: {
    networks: [
      { kind: 'standard', name: 'VM Network', ref: { type: 'Network', value: 'network-7' } },
      {
        kind: 'distributed',
        name: 'DPG',
        ref: { type: 'DistributedVirtualPortgroup', value: 'dvportgroup-34' },
        switchUuid: DVS_UUID,
        portgroupKey: 'dvportgroup-34',
      },
      { kind: 'standard', name: 'Dup', ref: { type: 'Network', value: 'network-9' } },
      {
        kind: 'distributed',
        name: 'Dup',
        ref: { type: 'DistributedVirtualPortgroup', value: 'dvportgroup-40' },
        switchUuid: DVS_UUID,
        portgroupKey: 'dvportgroup-40',
      },
    ],
  },
  'new-disk': { newDisk: () => ({ capacityKiB: 8 * 1024 * 1024 }) },
  'new-disk-eager': { newDisk: () => ({ capacityKiB: 1024, provisioning: 'eagerzeroedthick' }) },
  'new-disk-thick': { newDisk: () => ({ capacityKiB: 1024, provisioning: 'thick' }) },
  guest: { recommended: { scsiModel: 'vmpvscsi', nicModel: 'vmxnet3' } },
  detect: { autodetectScsiModel: () => 'buslogic' },
};

/** A domain holding `devices` (XML of `<devices>` children). */
export function domainWith(devices: string, head = ''): DomainDef {
  return parseDomainXml(
    `<domain type='vmware'><name>t</name><memory>4096</memory><os><type arch='i686'>hvm</type></os>${head}<devices>${devices}</devices></domain>`,
  );
}

/** The one device an XML snippet holds, tagged with its kind. */
export function deviceOf(xml: string): DomainDevice {
  const def = parseDeviceXml(xml);
  if (def.disks[0]) return { kind: 'disk', def: def.disks[0] };
  if (def.interfaces[0]) return { kind: 'interface', def: def.interfaces[0] };
  if (def.serials[0]) return { kind: 'serial', def: def.serials[0] };
  if (def.parallels[0]) return { kind: 'parallel', def: def.parallels[0] };
  if (def.videos[0]) return { kind: 'video', def: def.videos[0] };
  if (def.controllers[0]) return { kind: 'controller', def: def.controllers[0] };
  throw new Error(`no device in ${xml}`);
}

/** A configuration holding `devices` (for applySpec and configToDomain). */
export function configWith(devices: readonly AnyVirtualDevice[], name = 't'): VmConfigView {
  return { name, hardware: { _type: 'VirtualHardware', numCPU: 1, memoryMB: 4, device: structuredClone([...devices]) } };
}

/** Encodes `spec` as a ReconfigVM_Task request: throws when a type, member or required value is wrong. */
export function assertEncodes(spec: VirtualMachineConfigSpec): void {
  const xml = encodeRequest(vim25Schema, 'ReconfigVM_Task', { type: 'VirtualMachine', value: 'vm-1' }, { spec });
  assert.match(xml, /<ReconfigVM_Task /);
}

/** The VM of devices/web.json with its settings, as ESX 6.5's API reports them. */
export function webConfig(): VmConfigView {
  return {
    name: 'web%2f1',
    uuid: '421c5e16-9bdc-49d7-f171-53c4d7f91710',
    annotation: 'front end',
    guestId: 'rhel7_64Guest',
    firmware: 'efi',
    hardware: { _type: 'VirtualHardware', numCPU: 4, numCoresPerSocket: 2, memoryMB: 2048, device: deviceSets().web as AnyVirtualDevice[] },
    cpuAllocation: {
      _type: 'ResourceAllocationInfo',
      reservation: 0,
      limit: -1,
      shares: { _type: 'SharesInfo', shares: 8000, level: 'high' },
    },
    memoryAllocation: {
      _type: 'ResourceAllocationInfo',
      reservation: 512,
      limit: 1024,
      shares: { _type: 'SharesInfo', shares: 20480, level: 'normal' },
    },
  };
}

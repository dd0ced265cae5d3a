/** Parses `<domainsnapshot>` XML (snapshot-create's input, snapshot-dumpxml's output) into a SnapshotDef. */
import { ConfigError } from '../../errors.js';
import { normalizeUuid, parseUInt } from '../units.js';
import { child, parseXml } from '../xml/xml-reader.js';
import type { SnapshotDef, SnapshotMemory, SnapshotState } from './snapshot-def.js';

const STATES: readonly SnapshotState[] = ['running', 'paused', 'shutoff', 'nostate', 'disk-snapshot'];
const MEMORY: readonly SnapshotMemory[] = ['no', 'internal', 'external'];

/** Parses snapshot XML; every error names the element at fault. */
export function parseSnapshotXml(text: string): SnapshotDef {
  const root = parseXml(text, 'snapshot XML');
  if (root.local !== 'domainsnapshot') throw new ConfigError(`expecting root element <domainsnapshot> but found <${root.name}>`);
  const def: SnapshotDef = {};
  const name = child(root, 'name');
  if (name !== undefined) {
    const v = name.text.trim();
    if (v === '') throw new ConfigError('element <name> of <domainsnapshot> is empty');
    def.name = v;
  }
  const desc = child(root, 'description');
  if (desc !== undefined) def.description = desc.text;
  const state = child(root, 'state');
  if (state !== undefined) {
    const v = state.text.trim() as SnapshotState;
    if (!STATES.includes(v)) throw new ConfigError(`invalid value '${state.text}' of <state>: expecting one of ${STATES.join(', ')}`);
    def.state = v;
  }
  const parent = child(root, 'parent');
  const parentName = parent && child(parent, 'name');
  if (parentName !== undefined) def.parent = parentName.text.trim();
  const created = child(root, 'creationTime');
  if (created !== undefined) def.creationTime = parseUInt(created.text, '<creationTime>');
  const memory = child(root, 'memory');
  if (memory !== undefined) {
    const v = memory.attrs.snapshot as SnapshotMemory | undefined;
    if (v === undefined || !MEMORY.includes(v))
      throw new ConfigError(`invalid attribute 'snapshot' of <memory>: expecting one of ${MEMORY.join(', ')}`);
    def.memory = v;
  }
  const dom = child(root, 'domain');
  const uuid = dom && child(dom, 'uuid');
  if (uuid !== undefined) def.domainUuid = normalizeUuid(uuid.text, '<domain><uuid>');
  return def;
}

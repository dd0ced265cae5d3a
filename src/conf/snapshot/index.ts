/** The `<domainsnapshot>` document: model, parser and formatter. */
export type { SnapshotDef, SnapshotMemory, SnapshotState } from './snapshot-def.js';
export { parseSnapshotXml } from './parse-snapshot.js';
export { formatSnapshotXml } from './format-snapshot.js';

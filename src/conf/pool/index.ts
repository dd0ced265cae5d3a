/** The `<pool>` document: model, parser and formatter. */
export type { PoolDef, PoolPermissions, PoolSource, PoolSourceHost, PoolTarget, PoolType } from './pool-def.js';
export { parsePoolXml } from './parse-pool.js';
export { formatPoolXml } from './format-pool.js';

/**
 * libvirt's XML documents (libvirt's src/conf): for each, a model, a parser and a formatter that writes what
 * libvirt 9.0 writes. Pure: no I/O, no vSphere types.
 */
export * from './domain/index.js';
export * from './snapshot/index.js';
export * from './capabilities/index.js';
export * from './sysinfo/index.js';
export * from './network/index.js';
export * from './interface/index.js';
export * from './pool/index.js';
export * from './volume/index.js';
export { parseUInt, parseInt10, parseMemoryKiB, parseCpuset, normalizeUuid } from './units.js';

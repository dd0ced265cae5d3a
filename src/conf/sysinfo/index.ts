/** The `<sysinfo>` document: model, parser and formatter. */
export type { SysinfoDef, SysinfoEntries } from './sysinfo-def.js';
export { parseSysinfoXml } from './parse-sysinfo.js';
export { formatSysinfo } from './format-sysinfo.js';

/** The `<interface>` document (host interfaces): model, parser and formatter. */
export type { HostInterfaceDef, InterfaceProtocol } from './interface-def.js';
export { parseInterfaceXml } from './parse-interface.js';
export { formatInterfaceXml } from './format-interface.js';

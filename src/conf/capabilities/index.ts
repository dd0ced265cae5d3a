/** The `<capabilities>` document: model, parser and formatter. */
export type { CapabilitiesDef, GuestCapability } from './capabilities-def.js';
export { parseCapabilitiesXml } from './parse-capabilities.js';
export { formatCapabilities } from './format-capabilities.js';

/** The `<volume>` document: model, parser and formatter, and libvirt's scaled sizes. */
export type { VolumeDef, VolumeTarget, VolumeType } from './volume-def.js';
export { parseVolumeXml } from './parse-volume.js';
export { formatVolumeXml } from './format-volume.js';
export { parseScaledBytes, unitFactor } from './scaled-size.js';

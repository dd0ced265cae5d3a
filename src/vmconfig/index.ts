/** vSphere VM configuration ⇄ libvirt domain, both ways, pure (no I/O): the API-side twin of src/vmx. */
export { configToDomain, type ConfigToDomainOptions, type VmConfigView } from './config-to-domain.js';
export { isA } from './wire-types.js';

/** vSphere VM configuration ⇄ libvirt domain, both ways, pure (no I/O): the API-side twin of src/vmx. */
export { configToDomain, type ConfigToDomainOptions, type VmConfigView } from './config-to-domain.js';
export { isA, modelOf, typeOf, NIC_TYPES, SCSI_TYPES } from './wire-types.js';
export type { NetworkInfo, NewDiskOptions, VmConfigContext } from './device-context.js';
export { apiFileName, resolveNetwork } from './device-backings.js';
export { requestedAddress, type DomainDevice } from './device-match.js';
export { DevicePlan, deviceSpecs, type DeviceChange, type PlanOptions } from './device-plan.js';
export { createVmSpec, resolveScsiModels, type CreateVmOptions } from './domain-to-config.js';
export { editVmSpec, isEmptySpec, settingsDiff, type EditVmOptions } from './domain-diff.js';
export { applySpec } from './apply-spec.js';
export { extraConfigDiff, extraConfigOf, extraConfigValue, vncOfExtraConfig } from './extra-config.js';
export { liveChangeProblems, type LiveVmState } from './hot-plug.js';
export { specOutcome, type SpecOutcome } from './spec-outcome.js';

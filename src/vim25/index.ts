/** The typed vSphere client: connection, typed properties, tasks, object handles, inventory lookups and datastore files. */
export { VimClient, splitUrl, type ConnectOptions } from './client.js';
export type { VimContext } from './context.js';
export type { CallOptions, CallStats, VimEvent } from './soap-channel.js';
export { isIdempotentMethod, isRetryableError } from './call-policy.js';
export { faultChain, findFault, isVimFault, mapCallError, mapFault, taskFaultError, vimFaultType } from './faults.js';
export * from './generated/props.js';
export type { AnyPropPath, PropPath } from './prop-path.js';
export {
  listObjects,
  prop,
  propertySpec,
  retrieveAll,
  retrieveMany,
  retrieveOne,
  retrievePages,
  toRecord,
  viewObjectSpec,
  withContainerView,
  type ContainerViewOptions,
  type ListOptions,
  type ObjectRecord,
  type RetrieveOptions,
} from './property.js';
export { PropertyWatcher, applyChange, refKey, type WaitOptions } from './property-watch.js';
export { cancelTask, taskWatchSpec, waitForTask, type WaitForTaskOptions } from './task.js';
export {
  precheckVm,
  runVmTask,
  startVmTask,
  type PendingTask,
  type RunVmTaskOptions,
  type StartedVmTask,
  type VmTaskPrecheck,
} from './vm-task.js';
export * from './objects/index.js';
export { answerWithDefault, defaultChoice, questionChoices, questionError, questionText, type QuestionChoice } from './question.js';
export { Inventory, datastoreUrlMatches, vmIdOf, vmRefCandidates, type DatastoreEntry, type LookupScope } from './inventory.js';
export { splitInventoryPath, type DatacenterInfo, type HostContext } from './inventory-path.js';
export {
  datastoreFileUrl,
  deleteDatastoreFile,
  downloadDatastoreFile,
  makeDirectory,
  openDatastoreFile,
  readDatastoreFile,
  uploadDatastoreFile,
  type DatastoreFile,
  type Download,
  type TransferOptions,
} from './datastore-files.js';
export {
  createDatastoreReadStream,
  putDatastoreFile,
  statDatastoreFile,
  type DatastoreFileStat,
  type DatastoreReadStream,
  type ReadStreamOptions,
  type ResilientOptions,
  type TransferEvent,
  type UploadSource,
} from './datastore-transfer.js';
export * as methods from './generated/methods.js';
export { IDEMPOTENT_METHODS, TASK_METHODS, startTask, type TaskMethodName, type TaskMethods } from './generated/flags.js';
export type * from './generated/types.js';
export { isMoRef } from './generated/types.js';

/** Thin object handles (govmomi-style): a managed object's methods bound to one connection; task methods return TaskHandles. */
export { DistributedPortgroupHandle, DistributedSwitchHandle } from './distributed-switch.js';
export { FolderHandle } from './folder.js';
export { HostAutoStartManagerHandle } from './host-autostart.js';
export { SnapshotHandle } from './snapshot.js';
export { DatastoreBrowserHandle, FileManagerHandle, VirtualDiskManagerHandle, refreshDatastore } from './storage.js';
export { TaskHandle, startTaskHandle, startVmTaskHandle, type TaskProgress, type TaskWaitOptions, type VmTaskOptions } from './task.js';
export { VirtualMachineHandle } from './virtual-machine.js';

/** Snapshot commands (virsh's help group 'snapshot'). */
export { snapshotCommands } from './snapshot.js';

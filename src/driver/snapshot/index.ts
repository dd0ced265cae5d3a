/** Domain snapshots: the VM's snapshot tree as libvirt's snapshots. */
export {
  listSnapshots,
  getSnapshot,
  currentSnapshot,
  createSnapshot,
  revertSnapshot,
  deleteSnapshot,
  snapshotDefOf,
  flattenSnapshotTree,
  snapshotStateOf,
  snapshotKeepsMemory,
  descendantsOf,
  getSnapshotInfo,
  type SnapshotInfo,
  type CreateSnapshotOptions,
  type DomainSnapshot,
  type SnapshotList,
} from './snapshot.js';

/**
 * Storage handles: the VirtualDiskManager (virtual disks), the FileManager's file moves, and a datastore's browser
 * (searches). Task methods return TaskHandles; these tasks are not a VM's, so no VM checks apply.
 */
import { NotFoundError } from '../../errors.js';
import type { VimContext } from '../context.js';
import type { TaskMethods } from '../generated/flags.js';
import { QueryVirtualDiskUuid, RefreshDatastore } from '../generated/methods.js';
import type { MoRef } from '../generated/types.js';
import { startTaskHandle, type TaskHandle } from './task.js';

type Args<K extends keyof TaskMethods> = TaskMethods[K]['args'];

/** The connection's VirtualDiskManager (absent on servers without one, e.g. GSX; NotFoundError then). */
export class VirtualDiskManagerHandle {
  /** The manager's reference (ServiceContent.virtualDiskManager). */
  readonly ref: MoRef<'VirtualDiskManager'>;
  readonly #ctx: VimContext;

  /** The manager of `ctx`; NotFoundError when the server offers none. */
  constructor(ctx: VimContext) {
    const ref = ctx.serviceContent.virtualDiskManager;
    if (ref === undefined) throw new NotFoundError('the server offers no VirtualDiskManager: it cannot create or change virtual disks');
    this.#ctx = ctx;
    this.ref = ref;
  }

  /** CreateVirtualDisk_Task: a new disk `name` (`[ds] dir/x.vmdk`) of the spec's size, type and adapter. */
  create(args: Args<'CreateVirtualDisk_Task'>): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'CreateVirtualDisk_Task', this.ref, args);
  }

  /** DeleteVirtualDisk_Task: removes a disk's descriptor and extents. */
  delete(args: Args<'DeleteVirtualDisk_Task'>): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'DeleteVirtualDisk_Task', this.ref, args);
  }

  /** CopyVirtualDisk_Task: copies a disk, converting it to destSpec's type and adapter (ESX only). */
  copy(args: Args<'CopyVirtualDisk_Task'>): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'CopyVirtualDisk_Task', this.ref, args);
  }

  /** ExtendVirtualDisk_Task: grows a disk to newCapacityKb. */
  extend(args: Args<'ExtendVirtualDisk_Task'>): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'ExtendVirtualDisk_Task', this.ref, args);
  }

  /** ZeroFillVirtualDisk_Task: overwrites a disk with zeros. */
  zeroFill(args: Args<'ZeroFillVirtualDisk_Task'>): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'ZeroFillVirtualDisk_Task', this.ref, args);
  }

  /** QueryVirtualDiskUuid: the disk's ddb.uuid as the server formats it ("60 00 C2 9b …"). */
  queryUuid(name: string, datacenter?: MoRef<'Datacenter'>): Promise<string> {
    return QueryVirtualDiskUuid(this.#ctx.soap, this.ref, datacenter === undefined ? { name } : { name, datacenter });
  }
}

/** The connection's FileManager: moves (renames) of datastore files. */
export class FileManagerHandle {
  /** The manager's reference (ServiceContent.fileManager). */
  readonly ref: MoRef<'FileManager'>;
  readonly #ctx: VimContext;

  /** The manager of `ctx`; NotFoundError when the server offers none. */
  constructor(ctx: VimContext) {
    const ref = ctx.serviceContent.fileManager;
    if (ref === undefined) throw new NotFoundError('the server offers no FileManager');
    this.#ctx = ctx;
    this.ref = ref;
  }

  /** MoveDatastoreFile_Task: renames a file (over an existing one only with force). */
  move(args: Args<'MoveDatastoreFile_Task'>): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'MoveDatastoreFile_Task', this.ref, args);
  }
}

/** A datastore's browser (Datastore.browser): searches of its folders. */
export class DatastoreBrowserHandle {
  /** The browser's reference. */
  readonly ref: MoRef<'HostDatastoreBrowser'>;
  readonly #ctx: VimContext;

  /** A handle on `ref` through connection `ctx` (nothing is asked of the server). */
  constructor(ctx: VimContext, ref: MoRef<'HostDatastoreBrowser'>) {
    this.#ctx = ctx;
    this.ref = ref;
  }

  /** SearchDatastore_Task: one folder; the task's result is a HostDatastoreBrowserSearchResults. */
  search(args: Args<'SearchDatastore_Task'>): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'SearchDatastore_Task', this.ref, args);
  }

  /** SearchDatastoreSubFolders_Task: a folder and all below it; the result is a list of search results. */
  searchSubFolders(args: Args<'SearchDatastoreSubFolders_Task'>): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'SearchDatastoreSubFolders_Task', this.ref, args);
  }
}

/** RefreshDatastore: makes the server reread a datastore's capacity and free space. */
export function refreshDatastore(ctx: VimContext, ds: MoRef<'Datastore'>): Promise<void> {
  return RefreshDatastore(ctx.soap, ds);
}

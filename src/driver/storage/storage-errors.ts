/**
 * The server's refusals of storage operations, in one line each: what was refused and why, in words a user can act
 * on (the vSphere fault stays the error's cause).
 */
import { InvalidStateError, NotFoundError, OperationError, UnsupportedError, type EsxError } from '../../errors.js';
import { findFault, isVimFault } from '../../vim25/index.js';

/** What was being done: the method and a phrase for messages ("create volume 'x' in pool 'p'"). */
export interface StorageAction {
  method: string;
  what: string;
  /** The volume's name, for "already exists" and "locked". */
  volume?: string;
  pool?: string;
  /** Why the server would not implement the call here (e.g. vCenter and CopyVirtualDisk_Task's destSpec). */
  unimplemented?: string;
}

/** Maps a failure of a storage call to a clear one-line error; anything unrecognised is returned as it is. */
export function storageError(e: unknown, a: StorageAction): unknown {
  const fault = findFault(e);
  if (fault === undefined) return e;
  const cause = { cause: e };
  const t = fault.faultType;
  let out: EsxError | undefined;
  if (isVimFault(e, 'RestrictedVersion'))
    out = new UnsupportedError(
      `cannot ${a.what}: the server's licence forbids writes through the API (ESXi free edition); ${a.method} was refused`,
      cause,
    );
  else if (isVimFault(e, 'MethodNotFound') || t === 'NotImplemented' || /does not implement/i.test(fault.faultString))
    out = new UnsupportedError(`cannot ${a.what}: ${a.unimplemented ?? `the server does not implement ${a.method}`}`, cause);
  else if (isVimFault(e, 'FileLocked'))
    out = new InvalidStateError(
      `cannot ${a.what}: ${a.volume !== undefined ? `volume '${a.volume}'` : 'the file'} is locked (in use by a running VM)`,
      cause,
    );
  else if (isVimFault(e, 'FileAlreadyExists'))
    out = new InvalidStateError(
      `storage volume '${a.volume ?? ''}' already exists${a.pool !== undefined ? ` in pool '${a.pool}'` : ''}`,
      cause,
    );
  else if (isVimFault(e, 'NoDiskSpace'))
    out = new OperationError(`cannot ${a.what}: not enough free space${a.pool !== undefined ? ` on pool '${a.pool}'` : ''}`, cause);
  else if (isVimFault(e, 'FileNotFound')) out = new NotFoundError(`cannot ${a.what}: ${fault.faultString || 'file not found'}`, cause);
  else if (isVimFault(e, 'NotSupported'))
    out = new UnsupportedError(`cannot ${a.what}: the server does not support it (${a.method})`, cause);
  return out ?? e;
}

/** Runs `fn`, mapping its failure with storageError. */
export async function storageCall<T>(a: StorageAction, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw storageError(e, a);
  }
}

/**
 * vSphere faults → esxvirt's error classes. The class says what kind of failure it is (not found, wrong state,
 * unsupported …) so callers and the CLI's exit codes need no vSphere knowledge; the FaultError stays the `cause`,
 * so the verbatim vSphere fault type remains readable through vimFaultType().
 */
import {
  AuthError,
  EsxError,
  FaultError,
  InvalidArgumentError,
  InvalidStateError,
  NotFoundError,
  OperationError,
  UnsupportedError,
} from '../errors.js';
import { vim25Schema } from './generated/schema.js';
import type { LocalizedMethodFault } from './generated/types.js';

type ErrorCtor = new (message: string, options?: { cause?: unknown }) => EsxError;

// Checked along the fault's declared base chain, so a subtype (FileNotFound → FileFault …) finds its nearest entry.
const FAULT_CLASSES: ReadonlyMap<string, ErrorCtor> = new Map<string, ErrorCtor>([
  ['NotAuthenticated', AuthError],
  ['InvalidLogin', AuthError],
  ['NoPermission', AuthError],
  ['ManagedObjectNotFound', NotFoundError],
  ['FileNotFound', NotFoundError],
  ['NotFound', NotFoundError],
  ['InvalidState', InvalidStateError],
  ['InvalidPowerState', InvalidStateError],
  ['TaskInProgress', InvalidStateError],
  ['InvalidHostState', InvalidStateError],
  ['InvalidDatastoreState', InvalidStateError],
  ['ToolsUnavailable', InvalidStateError],
  ['ConcurrentAccess', InvalidStateError],
  ['NotSupported', UnsupportedError],
  ['NotImplemented', UnsupportedError],
  ['MethodNotFound', UnsupportedError],
  ['InvalidArgument', InvalidArgumentError],
  ['InvalidName', InvalidArgumentError],
  ['InvalidDatastorePath', InvalidArgumentError],
  ['InvalidProperty', InvalidArgumentError],
  ['InvalidType', InvalidArgumentError],
  ['RequestCanceled', OperationError],
]);

/** The vSphere fault type behind an error (the FaultError itself or one in its `cause` chain), if any. */
export function vimFaultType(err: unknown): string | undefined {
  return findFault(err)?.faultType;
}

/** The FaultError behind an error, looking through `cause` chains. */
export function findFault(err: unknown): FaultError | undefined {
  const seen = new Set<unknown>();
  for (let e = err; typeof e === 'object' && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof FaultError) return e;
  }
  return undefined;
}

/** True when the error is (or wraps) a fault of one of `types` or of a declared subtype of one. */
export function isVimFault(err: unknown, ...types: string[]): boolean {
  const t = vimFaultType(err);
  if (t === undefined) return false;
  const chain = faultChain(t);
  return types.some((x) => chain.includes(x));
}

/** The fault type and its declared base types, nearest first (undeclared types yield just themselves). */
export function faultChain(type: string): string[] {
  const out: string[] = [];
  for (let t: string | undefined = type; t !== undefined && !out.includes(t); t = vim25Schema.objects[t]?.base) out.push(t);
  return out;
}

type Detail = Record<string, unknown> | undefined;

const str = (d: Detail, key: string): string | undefined => (typeof d?.[key] === 'string' ? (d[key] as string) : undefined);

// Words for faults whose server text says nothing (empty, or a type name as vcsim sends: '*types.NotFound'),
// nearest declared type first; `d` is the fault's detail object.
const FAULT_WORDS: ReadonlyMap<string, (d: Detail) => string> = new Map<string, (d: Detail) => string>([
  ['FileNotFound', (d) => `file ${str(d, 'file') ? `'${str(d, 'file')}' ` : ''}not found`],
  ['FileAlreadyExists', (d) => `file ${str(d, 'file') ? `'${str(d, 'file')}' ` : ''}already exists`],
  ['FileLocked', (d) => `file ${str(d, 'file') ? `'${str(d, 'file')}' ` : ''}is locked (in use by a running VM?)`],
  ['CannotAccessFile', (d) => `cannot access file${str(d, 'file') ? ` '${str(d, 'file')}'` : ''}`],
  ['FileFault', (d) => `file operation failed${str(d, 'file') ? ` on '${str(d, 'file')}'` : ''}`],
  ['NotFound', () => 'something the operation needs was not found on the server'],
  [
    'ManagedObjectNotFound',
    (d) => {
      const o = d?.obj as { type?: string; value?: string } | undefined;
      return `the object ${o?.type ?? ''} ${o?.value ?? ''} no longer exists (deleted meanwhile?)`.replace(/ {2,}/g, ' ');
    },
  ],
  [
    'InvalidPowerState',
    (d) =>
      `the VM is ${str(d, 'existingState') ?? 'in another power state'}${str(d, 'requestedState') ? `; the operation needs it ${str(d, 'requestedState')}` : ''}`,
  ],
  ['TaskInProgress', () => 'another task is running on the object; wait for it or cancel it (domjobabort)'],
  ['InvalidState', () => 'the object is not in a state that allows the operation'],
  ['DuplicateName', (d) => `the name ${str(d, 'name') ? `'${str(d, 'name')}' ` : ''}is already taken`],
  ['AlreadyExists', (d) => `${str(d, 'name') ? `'${str(d, 'name')}' ` : 'it '}already exists`],
  ['InvalidName', (d) => `invalid name${str(d, 'name') ? ` '${str(d, 'name')}'` : ''}`],
  ['InvalidDatastorePath', () => 'invalid datastore path'],
  ['InvalidDatastore', () => 'invalid or inaccessible datastore'],
  ['InvalidArgument', (d) => `invalid argument${str(d, 'invalidProperty') ? ` '${str(d, 'invalidProperty')}'` : ''}`],
  ['ToolsUnavailable', () => 'VMware Tools are not running in the guest'],
  ['NotSupported', () => 'the server does not support this'],
  ['NotImplemented', () => 'the server does not implement this'],
  ['RequestCanceled', () => 'the request was cancelled'],
  ['InvalidLogin', () => 'wrong user name or password'],
  ['NoPermission', (d) => `permission denied${str(d, 'privilegeId') ? ` (needs privilege ${str(d, 'privilegeId')})` : ''}`],
]);

/** True when a fault's text carries no words: empty, the type's own name, or a Go type name ('*types.NotFound'). */
function saysNothing(fault: FaultError): boolean {
  const text = fault.faultString.trim();
  return text === '' || text === fault.faultType || /^\*?[a-z]+\.[A-Za-z]+$/.test(text);
}

/**
 * The fault in words: the server's own text when it has some, else words for its type and detail (the file, the
 * name, the power states), then the fault type in parentheses.
 */
export function describeFault(fault: FaultError): string {
  if (!saysNothing(fault)) return `${fault.faultType}: ${fault.faultString}`;
  const detail = fault.detail as Detail;
  for (const t of faultChain(fault.faultType)) {
    const words = FAULT_WORDS.get(t);
    if (words !== undefined) return `${words(detail)} (${fault.faultType})`;
  }
  return `the server refused it without saying why (${fault.faultType})`;
}

/**
 * Maps a FaultError to the esxvirt class its type denotes, with `context` (e.g. the method) leading the message;
 * other faults are returned unchanged. The original FaultError is the `cause`.
 */
export function mapFault(fault: FaultError, context: string): EsxError {
  const ctor = classFor(fault);
  if (ctor !== undefined) return new ctor(`${context}: ${describeFault(fault)}`, { cause: fault });
  // An unlisted fault keeps its own class, unless its text says nothing: then it gets words and its context.
  return saysNothing(fault) ? new OperationError(`${context}: ${describeFault(fault)}`, { cause: fault }) : fault;
}

/** Maps any error from a SOAP call: FaultErrors via mapFault, other errors unchanged. */
export function mapCallError(err: unknown, context: string): unknown {
  return err instanceof FaultError ? mapFault(err, context) : err;
}

/** The error for a task that ended in `error`: a FaultError with the task's fault, mapped like call faults. */
export function taskFaultError(lmf: LocalizedMethodFault | undefined, context: string): EsxError {
  const type = lmf?.fault?._type ?? 'MethodFault';
  const message = lmf?.localizedMessage?.trim() || lmf?.fault?.faultMessage?.[0]?.message || '';
  return mapFault(new FaultError(type, message, { detail: lmf?.fault }), context);
}

function classFor(fault: FaultError): ErrorCtor | undefined {
  for (const t of faultChain(fault.faultType)) {
    const c = FAULT_CLASSES.get(t);
    if (c !== undefined) return c;
  }
  // vcsim answers methods it lacks with a bare ServerFaultCode ("… does not implement: X").
  if (/does not implement/i.test(fault.faultString)) return UnsupportedError;
  return undefined;
}

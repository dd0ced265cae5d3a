/** The one place where errors become exit codes and one-line messages. */
import { EsxError, type ErrorCode } from '../errors.js';

/** Exit codes: 0 ok, 1 the operation failed, 2 usage (bad command line). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const CODES: Record<ErrorCode, number> = {
  InvalidArgument: EXIT_USAGE,
  InvalidConfig: EXIT_FAILED,
  Unsupported: EXIT_FAILED,
  NotFound: EXIT_FAILED,
  InvalidState: EXIT_FAILED,
  AuthFailed: EXIT_FAILED,
  TlsError: EXIT_FAILED,
  ConnectionError: EXIT_FAILED,
  HttpError: EXIT_FAILED,
  Fault: EXIT_FAILED,
  Question: EXIT_FAILED,
  OperationFailed: EXIT_FAILED,
  Internal: EXIT_FAILED,
};

// virsh-style prefixes so messages read like libvirt's.
const PREFIX: Partial<Record<ErrorCode, string>> = {
  Unsupported: 'unsupported configuration: ',
  InvalidState: 'Requested operation is not valid: ',
  AuthFailed: 'authentication failed: ',
  Internal: 'internal error: ',
};

/** Thrown by the CLI's own argument parsing. */
export class UsageError extends Error {}

/** Maps any thrown value to an exit code and the one line to print after `error: `. */
export function describeError(e: unknown): { code: number; message: string } {
  if (e instanceof UsageError) return { code: EXIT_USAGE, message: e.message };
  if (e instanceof EsxError) {
    const prefix = e.bare ? '' : (PREFIX[e.code] ?? '');
    const msg = e.message.startsWith(prefix.trim()) ? e.message : prefix + e.message;
    return { code: CODES[e.code], message: msg };
  }
  return { code: EXIT_FAILED, message: `internal error: ${e instanceof Error ? e.message : String(e)}` };
}

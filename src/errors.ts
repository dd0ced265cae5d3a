/**
 * The one error hierarchy of esxvirt. Every error the library throws is an
 * EsxError with a stable `code`; the CLI maps codes to exit codes in one place
 * (src/cli/exit-codes.ts). Messages are one line and never contain secrets.
 */

/** Stable error codes; scripts and the CLI's exit-code map depend on them. */
export type ErrorCode =
  | 'InvalidArgument'
  | 'InvalidConfig'
  | 'Unsupported'
  | 'NotFound'
  | 'InvalidState'
  | 'AuthFailed'
  | 'TlsError'
  | 'ConnectionError'
  | 'HttpError'
  | 'Fault'
  | 'Question'
  | 'OperationFailed'
  | 'Internal';

/** Options every EsxError takes. */
export interface EsxErrorOptions {
  cause?: unknown;
  /**
   * The message is complete as it is: the CLI prints it without the virsh-style prefix of its code
   * ("Requested operation is not valid: …"), as virsh prints some of its own checks (e.g. "Domain is already active").
   */
  bare?: boolean;
}

/** Base class: one-line message, stable code, optional cause. */
export class EsxError extends Error {
  readonly code: ErrorCode;
  /** See EsxErrorOptions.bare. */
  readonly bare: boolean;
  constructor(code: ErrorCode, message: string, options?: EsxErrorOptions) {
    super(oneLine(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.bare = options?.bare === true;
    this.name = new.target.name;
  }
}

/** Bad input from the caller: malformed URI, unknown option, value out of range. */
export class InvalidArgumentError extends EsxError {
  constructor(message: string, options?: EsxErrorOptions) {
    super('InvalidArgument', message, options);
  }
}

/** A VMX file or domain XML that is malformed or holds values esxvirt cannot accept. */
export class ConfigError extends EsxError {
  constructor(message: string, options?: EsxErrorOptions) {
    super('InvalidConfig', message, options);
  }
}

/** A device, option or operation the target (or esxvirt) does not support. */
export class UnsupportedError extends EsxError {
  constructor(message: string, options?: EsxErrorOptions) {
    super('Unsupported', message, options);
  }
}

/** An object (domain, datastore, file, host …) that does not exist. */
export class NotFoundError extends EsxError {
  constructor(message: string, options?: EsxErrorOptions) {
    super('NotFound', message, options);
  }
}

/** The object exists but is in the wrong state for the request (e.g. domain running). */
export class InvalidStateError extends EsxError {
  constructor(message: string, options?: EsxErrorOptions) {
    super('InvalidState', message, options);
  }
}

/** Login refused or no credentials available. Never carries the password. */
export class AuthError extends EsxError {
  constructor(message: string, options?: EsxErrorOptions) {
    super('AuthFailed', message, options);
  }
}

/** TLS handshake or certificate verification failed. */
export class TlsError extends EsxError {
  constructor(message: string, options?: EsxErrorOptions) {
    super('TlsError', message, options);
  }
}

/** The server could not be reached, or the connection dropped. */
export class ConnectionError extends EsxError {
  constructor(message: string, options?: EsxErrorOptions) {
    super('ConnectionError', message, options);
  }
}

/** The server answered with an unexpected HTTP status and no SOAP fault. */
export class HttpError extends EsxError {
  readonly status: number;
  constructor(status: number, message: string, options?: EsxErrorOptions) {
    super('HttpError', message, options);
    this.status = status;
  }
}

/** A vSphere SOAP fault, with the fault type kept verbatim (e.g. 'InvalidPowerState'). */
export class FaultError extends EsxError {
  readonly faultType: string;
  readonly faultString: string;
  readonly status: number | undefined;
  readonly detail: unknown;
  constructor(faultType: string, faultString: string, options?: { cause?: unknown; status?: number; detail?: unknown }) {
    super('Fault', `${faultType}: ${faultString || 'no message'}`, options);
    this.faultType = faultType;
    this.faultString = faultString;
    this.status = options?.status;
    this.detail = options?.detail;
  }
}

/** A pending question blocks a task and auto_answer is off: the text and the choices. */
export class QuestionError extends EsxError {
  readonly question: string;
  readonly choices: readonly { key: string; label: string; isDefault: boolean }[];
  constructor(question: string, choices: readonly { key: string; label: string; isDefault: boolean }[], context: string) {
    const list = choices.map((c) => `${c.key}:${c.label}${c.isDefault ? ' (default)' : ''}`).join(', ');
    super(
      'Question',
      `${context}: pending question blocks the task: '${question}' (choices: ${list}); connect with auto_answer=1 to answer it with the default choice`,
    );
    this.question = question;
    this.choices = choices;
  }
}

/** An operation that failed on the server side for a reason other than the above. */
export class OperationError extends EsxError {
  constructor(message: string, options?: EsxErrorOptions) {
    super('OperationFailed', message, options);
  }
}

/** A bug in esxvirt: an invariant that does not hold. */
export class InternalError extends EsxError {
  constructor(message: string, options?: EsxErrorOptions) {
    super('Internal', message, options);
  }
}

/** True for any esxvirt error, optionally of the given code. */
export function isEsxError(e: unknown, code?: ErrorCode): e is EsxError {
  return e instanceof EsxError && (code === undefined || e.code === code);
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

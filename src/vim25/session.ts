/**
 * The login session of one connection: Login with the vmware_soap_session cookie (kept by the transport's jar),
 * one transparent re-login when a call fails with NotAuthenticated (expired or terminated session) followed by one
 * repeat of the call, an optional keepalive, and Logout. The password lives only in a private field: it is never
 * logged and never put in an error message.
 */
import { AuthError, FaultError } from '../errors.js';
import type { ManagedObjectReference, ReturnSpec, SoapCaller } from '../soap/codec.js';
import { findFault, isVimFault, mapCallError } from './faults.js';
import { CurrentTime, Login, Logout } from './generated/methods.js';
import type { MoRef, ServiceContent, UserSession } from './generated/types.js';
import type { CallOptions, SoapChannel, VimEvent } from './soap-channel.js';

/** What a session needs to log in. */
export interface SessionOptions {
  username: string;
  password: string;
  /** `host[:port]` as named in messages ("authentication failed for USER@HOST"). */
  target: string;
  /** Seconds between keepalive calls (CurrentTime); 0 or undefined: none. */
  keepaliveSeconds?: number;
  onEvent?: (event: VimEvent) => void;
  /**
   * Forgets the session cookie, so a renewal starts a clean session: a Login sent with the old cookie may be
   * refused (vcsim answers InvalidLogin) when the server still knows that session.
   */
  clearSessionCookie?: () => void;
}

// Renewals one call may need before it is given up: a server that refuses every call right after a fresh login
// is not going to accept this one.
const MAX_RENEWALS_PER_CALL = 3;

// Calls that must not trigger a re-login: they are part of logging in or out.
const NO_RELOGIN: ReadonlySet<string> = new Set(['Login', 'Logout', 'RetrieveServiceContent']);

/** A logged-in (or logging-in) session over a SoapChannel. */
export class Session {
  readonly #channel: SoapChannel;
  readonly #sessionManager: MoRef<'SessionManager'>;
  readonly #serviceInstance: MoRef<'ServiceInstance'>;
  readonly #username: string;
  readonly #password: string;
  readonly #target: string;
  readonly #onEvent: ((e: VimEvent) => void) | undefined;
  readonly #clearCookie: (() => void) | undefined;
  #generation = 0;
  #relogin: Promise<void> | undefined;
  #loggedIn = false;
  #closed = false;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #keepaliveBusy = false;
  #user: UserSession | undefined;

  constructor(channel: SoapChannel, serviceContent: ServiceContent, opts: SessionOptions) {
    if (serviceContent.sessionManager === undefined) throw new AuthError(`${opts.target} offers no SessionManager to log in to`);
    this.#channel = channel;
    this.#sessionManager = serviceContent.sessionManager;
    this.#serviceInstance = { type: 'ServiceInstance', value: 'ServiceInstance' };
    this.#username = opts.username;
    this.#password = opts.password;
    this.#target = opts.target;
    this.#onEvent = opts.onEvent;
    this.#clearCookie = opts.clearSessionCookie;
    const seconds = opts.keepaliveSeconds ?? 0;
    if (seconds > 0) {
      this.#keepalive = setInterval(() => void this.#ping(), Math.max(1, Math.round(seconds * 1000)));
      this.#keepalive.unref();
    }
  }

  /** Increments at every successful login: helpers holding session-scoped objects (views, collectors) compare it. */
  get generation(): number {
    return this.#generation;
  }

  /** The user session of the last login. */
  get userSession(): UserSession | undefined {
    return this.#user;
  }

  /** The user name given at connect time. */
  get username(): string {
    return this.#username;
  }

  /** Logs in; InvalidLogin becomes AuthError "authentication failed for USER@HOST". */
  async login(): Promise<void> {
    try {
      this.#user = await Login(this.#rawCaller(), this.#sessionManager, { userName: this.#username, password: this.#password });
    } catch (e) {
      const fault = findFault(e);
      if (fault !== undefined && isVimFault(fault, 'InvalidLogin', 'NoPermission', 'NotAuthenticated')) {
        throw new AuthError(`authentication failed for ${this.#username}@${this.#target}`, { cause: fault });
      }
      throw mapCallError(e, 'Login');
    }
    this.#loggedIn = true;
    this.#generation++;
  }

  /**
   * Renews the session: a clean Login (no stale cookie). The password was accepted at connect time, so a refusal
   * now is reported as a failed renewal, not as a wrong password; one more clean attempt is made first.
   */
  async #renew(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.#clearCookie?.();
      try {
        await this.login();
        return;
      } catch (e) {
        if (!(e instanceof AuthError)) throw e;
        if (attempt >= 2) {
          throw new AuthError(
            `the session with ${this.#target} expired and logging in again as ${this.#username} was refused; the credentials worked when connecting`,
            { cause: e.cause },
          );
        }
      }
    }
  }

  /**
   * Re-logs in after a call of session generation `failedGeneration` was refused; concurrent callers share one
   * Login, and a caller whose session was already replaced by another caller's re-login does not log in again.
   */
  async ensureSession(failedGeneration: number): Promise<void> {
    if (this.#generation !== failedGeneration) return;
    this.#relogin ??= this.#renew().finally(() => {
      this.#relogin = undefined;
    });
    await this.#relogin;
  }

  /** A SoapCaller for generated method functions: re-login on NotAuthenticated, faults mapped to typed errors. */
  caller(opts: CallOptions = {}): SoapCaller {
    return { invoke: (method, thisRef, params, returns) => this.invoke(method, thisRef, params, returns, opts) };
  }

  /** Performs one call within the session (see caller()). */
  async invoke(
    method: string,
    thisRef: ManagedObjectReference,
    params: Readonly<Record<string, unknown>>,
    returns: ReturnSpec | undefined,
    opts: CallOptions = {},
  ): Promise<unknown> {
    for (let renewals = 0; ; renewals++) {
      const generation = this.#generation;
      try {
        return await this.#channel.invoke(method, thisRef, params, returns, opts);
      } catch (e) {
        const renew =
          this.#loggedIn && !this.#closed && !NO_RELOGIN.has(method) && isNotAuthenticated(e) && renewals < MAX_RENEWALS_PER_CALL;
        if (!renew) throw mapCallError(e, method);
        // A refused call did not run, so repeating it after logging in again is safe even for tasks.
        this.#channel.stats.relogins++;
        this.#onEvent?.({ type: 'relogin', method });
        await this.ensureSession(generation);
      }
    }
  }

  /** Stops the keepalive and logs out (errors ignored: the session may already be gone). */
  async logout(): Promise<void> {
    this.#stopKeepalive();
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#loggedIn) return;
    this.#loggedIn = false;
    try {
      await Logout(this.#rawCaller({ retries: 0, timeoutMs: 10_000 }), this.#sessionManager);
    } catch {
      // Logging out of an expired session fails with NotAuthenticated; either way the session is over.
    }
  }

  #rawCaller(opts: CallOptions = {}): SoapCaller {
    return { invoke: (method, thisRef, params, returns) => this.#channel.invoke(method, thisRef, params, returns, opts) };
  }

  async #ping(): Promise<void> {
    if (this.#keepaliveBusy || this.#closed || !this.#loggedIn) return;
    this.#keepaliveBusy = true;
    try {
      await CurrentTime(this.caller({ retries: 0 }), this.#serviceInstance);
    } catch (error) {
      this.#onEvent?.({ type: 'keepalive-failed', error });
    } finally {
      this.#keepaliveBusy = false;
    }
  }

  #stopKeepalive(): void {
    if (this.#keepalive !== undefined) clearInterval(this.#keepalive);
    this.#keepalive = undefined;
  }
}

function isNotAuthenticated(e: unknown): boolean {
  return e instanceof FaultError && isVimFault(e, 'NotAuthenticated');
}

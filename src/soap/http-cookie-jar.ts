/**
 * A cookie jar for a single host: the transport talks to one endpoint, so Domain and Path are not needed to pick
 * cookies (vSphere sets `vmware_soap_session` with Path=/ and /sdk and /folder both need it).
 */
import { InvalidArgumentError } from '../errors.js';

/** Name of the cookie that carries a vSphere API session. */
export const SESSION_COOKIE = 'vmware_soap_session';

/** Cookies of one host: filled from Set-Cookie, rendered into a Cookie header. */
export class CookieJar {
  readonly #cookies = new Map<string, { value: string; expires: number | undefined }>();
  readonly #now: () => number;

  /** `now` is injectable so expiry can be tested without waiting. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Stores the cookies of a response's Set-Cookie header(s); expired or Max-Age<=0 cookies are removed. */
  storeFrom(setCookie: string | readonly string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const line of typeof setCookie === 'string' ? [setCookie] : setCookie) this.#storeOne(line);
  }

  #storeOne(line: string): void {
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    // The value is kept verbatim, quotes included: vSphere quotes the session id and expects it back unchanged.
    const value = pair.slice(eq + 1).trim();
    if (name === '') return;
    let expires: number | undefined;
    let maxAgeSeen = false;
    for (const attr of attrs) {
      const aeq = attr.indexOf('=');
      const key = (aeq < 0 ? attr : attr.slice(0, aeq)).trim().toLowerCase();
      const val = aeq < 0 ? '' : attr.slice(aeq + 1).trim();
      if (key === 'max-age' && /^-?\d+$/.test(val)) {
        expires = this.#now() + Number(val) * 1000;
        maxAgeSeen = true;
      } else if (key === 'expires' && !maxAgeSeen) {
        const t = Date.parse(val);
        if (!Number.isNaN(t)) expires = t;
      }
      // Secure is ignored: the jar serves the one endpoint the user chose, and with transport=http a server (or a
      // TLS-terminating front end) that marks the cookie Secure would otherwise lose its session on every call.
    }
    if (expires !== undefined && expires <= this.#now()) this.#cookies.delete(name);
    else this.#cookies.set(name, { value, expires });
  }

  /** The raw value of a cookie (quotes kept), or undefined when absent or expired. */
  get(name: string): string | undefined {
    const c = this.#cookies.get(name);
    if (c === undefined) return undefined;
    if (c.expires !== undefined && c.expires <= this.#now()) {
      this.#cookies.delete(name);
      return undefined;
    }
    return c.value;
  }

  /** Sets a cookie by hand (e.g. to resume a saved session); no expiry. */
  set(name: string, value: string): void {
    if (name === '' || /[=;,\s]/.test(name)) throw new InvalidArgumentError(`invalid cookie name '${name}'`);
    if (/[;\r\n]/.test(value)) throw new InvalidArgumentError(`invalid value for cookie '${name}'`);
    this.#cookies.set(name, { value, expires: undefined });
  }

  /** Removes one cookie. */
  delete(name: string): void {
    this.#cookies.delete(name);
  }

  /** Removes every cookie (e.g. after logout). */
  clear(): void {
    this.#cookies.clear();
  }

  /** The Cookie request header value, or undefined when the jar is empty. */
  header(): string | undefined {
    const parts: string[] = [];
    for (const name of [...this.#cookies.keys()]) {
      const value = this.get(name);
      if (value !== undefined) parts.push(`${name}=${value}`);
    }
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
}

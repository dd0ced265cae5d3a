/**
 * Credentials as libvirt finds them: user name from the URI, else libvirt's auth.conf
 * (LIBVIRT_AUTH_FILE, $XDG_CONFIG_HOME/libvirt/auth.conf, /etc/libvirt/auth.conf), else a
 * prompt when stdin is a terminal; otherwise fail at once (never hang waiting for input).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuthError, ConfigError } from '../../errors.js';

/** A user name and password for one host. */
export interface Credentials {
  username: string;
  password: string;
}

/** Asks the user; implemented by the CLI with a terminal, absent in non-interactive use. */
export interface Prompter {
  ask(question: string, opts: { secret: boolean; defaultValue?: string }): Promise<string>;
}

/** Parsed auth.conf: sections of key=value pairs. */
export type AuthConf = Map<string, Map<string, string>>;

/** Parses libvirt's auth.conf (an ini file; '#' and ';' comments). */
export function parseAuthConf(text: string, file: string): AuthConf {
  const conf: AuthConf = new Map();
  let section: Map<string, string> | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = new Map();
      conf.set((sec[1] as string).trim(), section);
      return;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !section) throw new ConfigError(`${file}:${i + 1}: expecting '[section]' or 'key=value'`);
    section.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  });
  return conf;
}

/** The auth.conf libvirt would read, or undefined when there is none. */
export function authConfPath(env: NodeJS.ProcessEnv = process.env, explicit?: string): string | undefined {
  if (explicit) return explicit;
  if (env.LIBVIRT_AUTH_FILE) return env.LIBVIRT_AUTH_FILE;
  const xdg = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const user = join(xdg, 'libvirt', 'auth.conf');
  if (existsSync(user)) return user;
  return existsSync('/etc/libvirt/auth.conf') ? '/etc/libvirt/auth.conf' : undefined;
}

/**
 * Looks up `[auth-esx-HOST]` (or `[auth-esx-default]`) → `credentials=NAME` →
 * `[credentials-NAME]` with username/password. Returns what it found (either may be missing).
 */
export function lookupAuthConf(conf: AuthConf, host: string, service = 'esx'): Partial<Credentials> {
  const auth = conf.get(`auth-${service}-${host}`) ?? conf.get(`auth-${service}-default`);
  const name = auth?.get('credentials');
  if (!name) return {};
  const cred = conf.get(`credentials-${name}`);
  if (!cred) throw new ConfigError(`auth.conf: section [auth-${service}-${host}] names missing [credentials-${name}]`);
  const out: Partial<Credentials> = {};
  const u = cred.get('username');
  const p = cred.get('password');
  if (u !== undefined) out.username = u;
  if (p !== undefined) out.password = p;
  return out;
}

/** Where to look and whom to ask for one host's credentials. */
export interface CredentialRequest {
  host: string;
  uriUsername?: string;
  defaultUsername: string;
  authFile?: string;
  prompter?: Prompter;
  env?: NodeJS.ProcessEnv;
}

/** Finds credentials for a host or fails at once with a message saying how to give them. */
export async function getCredentials(req: CredentialRequest): Promise<Credentials> {
  const file = authConfPath(req.env, req.authFile);
  let fromFile: Partial<Credentials> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read auth file '${file}': ${(e as Error).message}`);
    }
    fromFile = lookupAuthConf(parseAuthConf(text, file), req.host);
  }
  let username = req.uriUsername ?? fromFile.username;
  let password = username === fromFile.username || req.uriUsername === undefined ? fromFile.password : undefined;
  if (username === undefined) {
    if (!req.prompter) throw noCredentials(req.host, file);
    username =
      (await req.prompter.ask(`Enter username for ${req.host} [${req.defaultUsername}]: `, {
        secret: false,
        defaultValue: req.defaultUsername,
      })) || req.defaultUsername;
  }
  if (password === undefined) {
    if (!req.prompter) throw noCredentials(req.host, file);
    password = await req.prompter.ask(`Enter ${username}'s password for ${req.host}: `, { secret: true });
  }
  return { username, password };
}

function noCredentials(host: string, file: string | undefined): AuthError {
  const where = file ? `'${file}' has none for it` : 'no auth.conf was found';
  return new AuthError(
    `no credentials for ${host}: ${where} and standard input is not a terminal; add [credentials-NAME] username=/password= and [auth-esx-${host}] credentials=NAME to $LIBVIRT_AUTH_FILE or ~/.config/libvirt/auth.conf`,
  );
}

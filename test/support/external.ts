/**
 * Tests that need something outside the repository (the shared conformance check, libvirt's converter, virsh,
 * qemu-img, pyvmomi): on a developer's machine they skip, saying what is missing; in CI (the CI environment variable
 * set, as .ci/run does) they fail instead, so no test skips silently there.
 *
 *   const check = external('the shared conformance check', () => existing(path), 'clone the team's shared folder beside the checkout');
 *   test('…', check.options, () => { const path = check.value(); … });
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** True when running in CI: CI is set to anything but '', '0' or 'false'. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI;
  return v !== undefined && !['', '0', 'false'].includes(v.toLowerCase());
}

/** A thing a test needs, looked up once: options for node:test, and the thing (or a failure naming what is missing). */
export interface External<T> {
  /** Pass to test()/it()/describe(): skips with the reason outside CI when the thing is missing. */
  options: { skip?: string };
  /** The thing; throws (failing the test) when it is missing, which only happens in CI. */
  value(): T;
}

/** Looks `what` up with `find` (undefined: missing); `hint` says how to provide it. */
export function external<T>(what: string, find: () => T | undefined, hint: string, env: NodeJS.ProcessEnv = process.env): External<T> {
  let found: T | undefined;
  try {
    found = find();
  } catch {
    found = undefined;
  }
  if (found !== undefined) return { options: {}, value: () => found as T };
  const why = `${what} is missing (${hint})`;
  if (!inCi(env))
    return {
      options: { skip: why },
      value: () => {
        throw new Error(why);
      },
    };
  return {
    options: {},
    value: () => {
      throw new Error(`CI is set, so tests must not skip: ${why}`);
    },
  };
}

/** The path when it exists. */
export function existing(path: string): string | undefined {
  return existsSync(path) ? path : undefined;
}

/** The command when `command args…` runs and exits 0 (e.g. `python3 -c 'import pyVmomi'`). */
export function runnable(command: string, args: string[] = ['--version']): string | undefined {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0 ? command : undefined;
}

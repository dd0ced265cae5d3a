/**
 * edit: virsh's flow (dumpxml → $VISUAL / $EDITOR / vi → nothing to do if unchanged → apply), the difference applied
 * as one ReconfigVM_Task. The editor runs as virsh runs it (`sh -c "$EDITOR 'file'"`, so EDITOR may carry
 * arguments). When the edited XML is refused, the file is kept and its path ends the error line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beginEdit, finishEdit } from '../../../driver/domain/index.js';
import { EsxError, OperationError } from '../../../errors.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { opt } from '../../options.js';

/** The editor virsh would run: $VISUAL, else $EDITOR, else vi. */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISUAL || env.EDITOR || 'vi';
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The same error with the kept file named at its end (its class, so its exit code and prefix, kept). */
export function keepingFile(e: unknown, file: string): unknown {
  const note = `; the edited XML is kept in ${file}`;
  if (e instanceof EsxError) {
    const Ctor = e.constructor as new (message: string, options?: { cause?: unknown }) => EsxError;
    try {
      const copy = new Ctor(`${e.message}${note}`, { cause: e });
      if (copy instanceof EsxError && copy.code === e.code) return copy;
    } catch {
      // a class with another constructor: fall through
    }
    return new OperationError(`${e.message}${note}`, { cause: e });
  }
  return new OperationError(`${e instanceof Error ? e.message : String(e)}${note}`, { cause: e });
}

const edit = defineCommand({
  name: 'edit',
  group: 'domain',
  help: 'edit XML configuration for a domain',
  description:
    'Edit the XML configuration for a domain: the changes are applied to the VM as one reconfiguration (settings and devices together); a refused change leaves the VM as it was and keeps the edited file.',
  options: [opt.domain(), opt.bool('skip-validate', 'accepted for virsh compatibility: the XML is always checked')],
  connection: 'required',
  async run({ args, conn, warn, debugging, debug }) {
    // what dumpxml would only say with --debug stays there
    const session = await beginEdit(conn, args.domain, debugging ? { warn: debug } : {});
    const dir = mkdtempSync(join(tmpdir(), 'esxvirt-edit-'));
    const file = join(dir, `${session.dom.name.replace(/[^A-Za-z0-9._-]/g, '_')}.xml`);
    writeFileSync(file, session.xml);
    const editor = editorCommand();
    // Imported here: the bundled CLI would otherwise load node:child_process (~0.5 ms) at every start.
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync('/bin/sh', ['-c', `${editor} ${shellQuote(file)}`], { stdio: 'inherit' });
    if (r.error !== undefined || r.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new OperationError(
        `the editor '${editor}' failed (${r.error?.message ?? `exit status ${r.status ?? r.signal ?? '?'}`}): nothing changed`,
      );
    }
    const edited = readFileSync(file, 'utf8');
    let changed: boolean;
    try {
      changed = edited !== session.xml && (await finishEdit(conn, session, edited, { warn })).changed;
    } catch (e) {
      throw keepingFile(e, file);
    }
    rmSync(dir, { recursive: true, force: true });
    const name = session.dom.name;
    return {
      name,
      changed,
      message: changed ? `Domain '${name}' XML configuration edited.` : `Domain '${name}' XML configuration not changed.`,
    };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

/** edit. */
export const domainEditCommands: readonly Command[] = [edit];

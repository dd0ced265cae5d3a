/** dumpxml, define, undefine, and the connected domxml-from-native / domxml-to-native. */
import { InvalidArgumentError } from '../../../errors.js';
import { formatDomain } from '../../../conf/domain/format-domain.js';
import { parseDomainXml } from '../../../conf/domain/parse-domain.js';
import { defineDomain, undefineDomain } from '../../../driver/domain/define.js';
import { domainFromNativeVmx, domainToNativeVmx, readDomainXml } from '../../../driver/domain/xml.js';
import { parseArgs } from '../../args.js';
import { resolveUri, withConnection } from '../../connect.js';
import { readInput, type Streams } from '../../io.js';
import { formatJson } from '../../output.js';
import type { Command, GlobalOptions } from '../types.js';

/** True when a connection URI is given (-c) or set as default: the native converters then work connected. */
export function hasConnectionUri(global: GlobalOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    resolveUri(global, env);
    return true;
  } catch {
    return false;
  }
}

function debugSink(global: GlobalOptions, io: Streams): { warn?(m: string): void } {
  return global.debug ? { warn: (m: string) => io.err(`debug: ${m}\n`) } : {};
}

function checkFormat(format: string | undefined): void {
  if (format !== 'vmware-vmx') {
    throw new InvalidArgumentError(`unsupported config type '${format ?? ''}': esxvirt converts 'vmware-vmx'`);
  }
}

/** Connected `domxml-from-native vmware-vmx FILE`: file names mapped through the host's datastores. */
export async function domxmlFromNativeConnected(argv: string[], io: Streams, global: GlobalOptions): Promise<number> {
  const a = parseArgs({ name: 'domxml-from-native', positionals: ['format', 'config'], options: ['vmx-path', 'datacenter-path'] }, argv);
  checkFormat(a.positionals.format);
  const bytes = await readInput(a.positionals.config as string);
  const warn = (m: string): void => io.err(`warning: ${m}\n`);
  const def = await withConnection(global, io, (conn) =>
    domainFromNativeVmx(conn, bytes, {
      warn,
      ...(a.options['vmx-path'] !== undefined ? { vmxPath: a.options['vmx-path'] } : {}),
      ...(a.options['datacenter-path'] !== undefined ? { datacenterPath: a.options['datacenter-path'] } : {}),
    }),
  );
  io.out(formatDomain(def));
  return 0;
}

function parseHwVersion(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,3}$/.test(text) || Number(text) < 4) throw new InvalidArgumentError(`--hw-version must be an integer of at least 4 but found '${text}'`);
  return Number(text);
}

/** Connected `domxml-to-native vmware-vmx FILE`: datastores checked, SCSI model 'auto' detected, hardware version from the server. */
export async function domxmlToNativeConnected(argv: string[], io: Streams, global: GlobalOptions): Promise<number> {
  const a = parseArgs({ name: 'domxml-to-native', positionals: ['format', 'xml'], options: ['hw-version'] }, argv);
  checkFormat(a.positionals.format);
  const hwVersion = parseHwVersion(a.options['hw-version']);
  const def = parseDomainXml((await readInput(a.positionals.xml as string)).toString('utf8'));
  const vmx = await withConnection(global, io, (conn) =>
    domainToNativeVmx(conn, def, { warn: (m) => io.err(`warning: ${m}\n`), ...(hwVersion !== undefined ? { hwVersion } : {}) }),
  );
  io.out(vmx);
  return 0;
}

const dumpxml: Command = {
  help: 'domain information in XML',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'dumpxml', positionals: ['domain'], flags: ['inactive', 'security-info', 'update-cpu', 'migratable'] }, argv);
    const r = await withConnection(global, io, (conn) => readDomainXml(conn, a.positionals.domain as string, debugSink(global, io)));
    if (global.debug) {
      io.err(r.source === 'vmx'
        ? `debug: domain XML built from the VMX file ${r.vmxPath ?? ''}\n`
        : `debug: domain XML built from the VM's configuration (VMX unreadable: ${r.reason ?? 'unknown reason'})\n`);
    }
    io.out(formatDomain(r.def));
    return 0;
  },
};

const define: Command = {
  help: 'define (but don\'t start) a domain from an XML file',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'define', positionals: ['file'], flags: ['validate'], options: ['hw-version'] }, argv);
    const file = a.positionals.file as string;
    const hwVersion = parseHwVersion(a.options['hw-version']);
    const xml = (await readInput(file)).toString('utf8');
    const r = await withConnection(global, io, (conn) => defineDomain(conn, xml, { ...debugSink(global, io), ...(hwVersion !== undefined ? { hwVersion } : {}) }));
    if (global.json) io.out(formatJson({ name: r.dom.name, uuid: r.dom.uuid, vmxPath: r.vmxPath }));
    else if (!global.quiet) io.out(`Domain '${r.dom.name}' defined from ${file}\n`);
    return 0;
  },
};

const undefine: Command = {
  help: 'undefine a domain (its files are kept)',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'undefine', positionals: ['domain'] }, argv);
    const dom = await withConnection(global, io, (conn) => undefineDomain(conn, a.positionals.domain as string));
    if (global.json) io.out(formatJson({ name: dom.name, uuid: dom.uuid }));
    else if (!global.quiet) io.out(`Domain '${dom.name}' has been undefined\n`);
    return 0;
  },
};

/** name → command. */
export const domainDefineCommands: Record<string, Command> = { dumpxml, define, undefine };

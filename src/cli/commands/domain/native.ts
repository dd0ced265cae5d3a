/** domxml-from-native / domxml-to-native for the vmware-vmx format: offline, or connected when a URI is given. */
import { InvalidArgumentError } from '../../../errors.js';
import { formatDomain } from '../../../conf/domain/format-domain.js';
import { parseDomainXml } from '../../../conf/domain/parse-domain.js';
import { offlineContext } from '../../../vmx/context.js';
import { domainToVmx } from '../../../vmx/domain-to-vmx.js';
import { vmxToDomain } from '../../../vmx/vmx-to-domain.js';
import { parseArgs } from '../../args.js';
import { readInput, type Streams } from '../../io.js';
import { domxmlFromNativeConnected, domxmlToNativeConnected, hasConnectionUri } from './define.js';
import type { Command, GlobalOptions } from '../types.js';

function checkFormat(format: string | undefined): void {
  if (format !== 'vmware-vmx') {
    throw new InvalidArgumentError(`unsupported config type '${format ?? ''}': esxvirt converts 'vmware-vmx'`);
  }
}

/** `domxml-from-native vmware-vmx FILE [--vmx-path '[DS] DIR/NAME.vmx'] [--datacenter-path PATH]`. */
export async function domxmlFromNative(argv: string[], io: Streams, global?: GlobalOptions): Promise<number> {
  if (global !== undefined && hasConnectionUri(global)) return domxmlFromNativeConnected(argv, io, global);
  const a = parseArgs({ name: 'domxml-from-native', positionals: ['format', 'config'], options: ['vmx-path', 'datacenter-path'] }, argv);
  checkFormat(a.positionals.format);
  const bytes = await readInput(a.positionals.config as string);
  const ctx = offlineContext({
    vmxPath: a.options['vmx-path'],
    datacenterPath: a.options['datacenter-path'],
    warn: (m) => io.err(`warning: ${m}\n`),
  });
  io.out(formatDomain(vmxToDomain(bytes, ctx)));
  return 0;
}

/** `domxml-to-native vmware-vmx FILE [--hw-version N]`. */
export async function domxmlToNative(argv: string[], io: Streams, global?: GlobalOptions): Promise<number> {
  if (global !== undefined && hasConnectionUri(global)) return domxmlToNativeConnected(argv, io, global);
  const a = parseArgs({ name: 'domxml-to-native', positionals: ['format', 'xml'], options: ['hw-version'] }, argv);
  checkFormat(a.positionals.format);
  const hwText = a.options['hw-version'] ?? '4';
  if (!/^\d{1,3}$/.test(hwText) || Number(hwText) < 4) throw new InvalidArgumentError(`--hw-version must be an integer of at least 4 but found '${hwText}'`);
  const bytes = await readInput(a.positionals.xml as string);
  const def = parseDomainXml(bytes.toString('utf8'));
  const ctx = offlineContext({ defaultScsiModel: 'lsilogic', warn: (m) => io.err(`warning: ${m}\n`) });
  io.out(domainToVmx(def, ctx, { virtualHwVersion: Number(hwText) }));
  return 0;
}

/** name → command. */
export const nativeCommands: Record<string, Command> = {
  'domxml-from-native': { run: domxmlFromNative, help: 'Convert native config (vmware-vmx) to domain XML' },
  'domxml-to-native': { run: domxmlToNative, help: 'Convert domain XML to native config (vmware-vmx)' },
};

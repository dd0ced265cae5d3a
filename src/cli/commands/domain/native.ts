/** domxml-from-native / domxml-to-native for the vmware-vmx format: offline, or connected when a URI is given. */
import { InvalidArgumentError } from '../../../errors.js';
import { formatDomain, parseDomainXml } from '../../../conf/index.js';
import { domainFromNativeVmx, domainToNativeVmx } from '../../../driver/domain/index.js';
import { offlineContext } from '../../../vmx/context.js';
import { domainToVmx } from '../../../vmx/domain-to-vmx.js';
import { vmxToDomain } from '../../../vmx/vmx-to-domain.js';
import { defineCommand, type Command } from '../../command.js';
import { readInput } from '../../io.js';
import { opt } from '../../options.js';

const format = (help: string) =>
  opt.enum('format', ['vmware-vmx'], help, {
    required: true,
    positional: true,
    invalid: (f) => new InvalidArgumentError(`unsupported config type '${f}': esxvirt converts 'vmware-vmx'`),
  });

/** --hw-version N (virtualHW.version, 4 or more); `fallback` says what applies without it. */
export function hwVersionOption(fallback: string) {
  return opt.int('hw-version', `virtualHW.version of the VMX (at least 4; default: ${fallback})`, {
    min: 4,
    max: 999,
    invalid: (t) => new InvalidArgumentError(`--hw-version must be an integer of at least 4 but found '${t}'`),
  });
}

const fromNative = defineCommand({
  name: 'domxml-from-native',
  group: 'domain',
  help: 'Convert native config (vmware-vmx) to domain XML',
  description: "Convert a VMX file to domain XML; with a connection, file names are mapped through the host's datastores.",
  options: [
    format('source config data type format'),
    opt.string('config', "config data file to import from ('-': standard input)", { required: true, positional: true }),
    opt.string('vmx-path', "where the VMX lives ('[DS] DIR/NAME.vmx'): bare file names resolve beside it"),
    opt.string('datacenter-path', 'the datacenter path recorded as <vmware:datacenterpath>'),
  ],
  connection: 'optional',
  prepare: ({ args }) => readInput(args.config),
  async run({ args, conn, input, warn }) {
    const vmxPath = args['vmx-path'];
    const datacenterPath = args['datacenter-path'];
    const def = conn
      ? await domainFromNativeVmx(conn, input, {
          warn,
          ...(vmxPath !== undefined ? { vmxPath } : {}),
          ...(datacenterPath !== undefined ? { datacenterPath } : {}),
        })
      : vmxToDomain(input, offlineContext({ vmxPath, datacenterPath, warn }));
    return { xml: formatDomain(def) };
  },
  text: (d) => d.xml,
});

const toNative = defineCommand({
  name: 'domxml-to-native',
  group: 'domain',
  help: 'Convert domain XML to native config (vmware-vmx)',
  description:
    "Convert domain XML to a VMX file; with a connection, datastores are checked, SCSI model 'auto' is read from the disks and the hardware version is the server's.",
  options: [
    format('target config data type format'),
    opt.string('xml', "xml data file to export from ('-': standard input)", { required: true, positional: true }),
    hwVersionOption("4 offline, else the server's"),
  ],
  connection: 'optional',
  prepare: async ({ args }) => parseDomainXml(await readInput(args.xml)),
  async run({ args, conn, input, warn }) {
    const hw = args['hw-version'];
    const vmx = conn
      ? await domainToNativeVmx(conn, input, { warn, ...(hw !== undefined ? { hwVersion: hw } : {}) })
      : domainToVmx(input, offlineContext({ defaultScsiModel: 'lsilogic', warn }), { virtualHwVersion: hw ?? 4 });
    return { vmx };
  },
  text: (d) => d.vmx,
});

/** The converters. */
export const nativeCommands: readonly Command[] = [fromNative, toNative];

/** dumpxml, define, undefine. */
import { formatDomain } from '../../../conf/index.js';
import { defineDomain, readDomainXml, undefineDomain } from '../../../driver/domain/index.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { readInput } from '../../io.js';
import { opt } from '../../options.js';
import { hwVersionOption } from './native.js';

const dumpxml = defineCommand({
  name: 'dumpxml',
  group: 'domain',
  help: 'domain information in XML',
  description: "Output the domain information as an XML dump to stdout (from the VM's VMX file, else from its configuration).",
  options: [
    opt.domain(),
    opt.bool('inactive', 'accepted for virsh compatibility: ESX keeps one configuration'),
    opt.bool('security-info', 'accepted for virsh compatibility'),
    opt.bool('update-cpu', 'accepted for virsh compatibility'),
    opt.bool('migratable', 'accepted for virsh compatibility'),
  ],
  connection: 'required',
  async run({ args, conn, debugging, debug, warn }) {
    // What the XML leaves out of the VM is always said; the converter's notes only with --debug.
    const r = await readDomainXml(conn, args.domain, {
      ...(debugging ? { warn: debug } : {}),
      leftOut: (m) => warn(`left out of the domain XML: ${m}`),
    });
    debug(
      r.source === 'vmx'
        ? `domain XML built from the VMX file ${r.vmxPath ?? ''}`
        : `domain XML built from the VM's configuration (VMX unreadable: ${r.reason ?? 'unknown reason'})`,
    );
    return { xml: formatDomain(r.def) };
  },
  text: (d) => d.xml,
});

const define = defineCommand({
  name: 'define',
  group: 'domain',
  help: "define (but don't start) a domain from an XML file",
  description: 'Define a domain: the VMX file is written into the datastore directory of its first disk and registered.',
  options: [
    opt.string('file', "file containing an XML domain description ('-': standard input)", { required: true, positional: true }),
    opt.bool('validate', 'accepted for virsh compatibility: the XML is always checked'),
    hwVersionOption("the server's default"),
  ],
  connection: 'required',
  prepare: ({ args }) => readInput(args.file),
  async run({ args, conn, input, debugging, debug, warn }) {
    const hw = args['hw-version'];
    const r = await defineDomain(conn, input, {
      ...(debugging ? { warn: debug } : {}),
      notice: warn,
      ...(hw !== undefined ? { hwVersion: hw } : {}),
    });
    return { name: r.dom.name, uuid: r.dom.uuid, vmxPath: r.vmxPath, message: `Domain '${r.dom.name}' defined from ${args.file}` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const undefine = defineCommand({
  name: 'undefine',
  group: 'domain',
  help: 'undefine a domain (its files are kept)',
  description: 'Unregister a shut-off domain; its files stay on the datastore.',
  options: [opt.domain()],
  connection: 'required',
  async run({ args, conn }) {
    const dom = await undefineDomain(conn, args.domain);
    return { name: dom.name, uuid: dom.uuid, message: `Domain '${dom.name}' has been undefined` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

/** dumpxml, define, undefine. */
export const domainDefineCommands: readonly Command[] = [dumpxml, define, undefine];

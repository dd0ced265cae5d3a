/** vncdisplay, domdisplay, vnc-enable, screenshot. */
import { enableVnc, getVncInfo, takeScreenshot, type VncInfo } from '../../../driver/domain/index.js';
import { InvalidArgumentError } from '../../../errors.js';
import { defineCommand, type Command } from '../../command.js';
import { readInput } from '../../io.js';
import { opt } from '../../options.js';

const ANY = new Set(['0.0.0.0', '::', '']);

/** vncdisplay's line: [listen]:display, the listen address left out when it is any address (as virsh does). */
export function vncDisplayLine(v: Pick<VncInfo, 'listen' | 'port'>): string {
  const listen = v.listen !== undefined && !ANY.has(v.listen) ? v.listen : '';
  return `${listen.includes(':') ? `[${listen}]` : listen}:${v.port - 5900}`;
}

/**
 * domdisplay's URI: vnc://[:password@]host:display. The host is the listen address, else the VM's ESX host (virsh
 * says localhost, which names the client's machine, not the server where the VM's VNC server listens).
 */
export function vncUri(v: Pick<VncInfo, 'listen' | 'port' | 'hostName' | 'passwd'>, withPassword = false): string {
  const host = v.listen !== undefined && !ANY.has(v.listen) ? v.listen : v.hostName;
  const h = host.includes(':') ? `[${host}]` : host;
  const pw = withPassword && v.passwd ? `:${encodeURIComponent(v.passwd)}@` : '';
  return `vnc://${pw}${h}:${v.port - 5900}`;
}

const vncdisplay = defineCommand({
  name: 'vncdisplay',
  group: 'domain',
  help: 'vnc display',
  description: "Output the IP address and port number for the VNC display (the VM's RemoteDisplay.vnc settings).",
  options: [opt.domain()],
  connection: 'required',
  async run({ args, conn }) {
    const v = await getVncInfo(conn, args.domain);
    return { name: v.dom.name, port: v.port, listen: v.listen ?? null, host: v.hostName, display: vncDisplayLine(v) };
  },
  text: (d) => `${d.display}\n`,
});

const domdisplay = defineCommand({
  name: 'domdisplay',
  group: 'domain',
  help: 'domain display connection URI',
  description: "Output the URI which can be used to connect to the graphical display of the domain (on the VM's ESX host).",
  options: [
    opt.domain(),
    opt.bool('include-password', 'includes the password into the connection URI if available'),
    opt.string('type', 'select particular graphical display (only vnc)'),
    opt.bool('all', 'show all possible graphical displays'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    if (args.type !== undefined && args.type !== 'vnc')
      throw new InvalidArgumentError(`No graphical display with type '${args.type}' found`);
    const v = await getVncInfo(conn, args.domain);
    return { name: v.dom.name, uri: vncUri(v, args['include-password']) };
  },
  text: (d) => d.uri,
});

const vncEnable = defineCommand({
  name: 'vnc-enable',
  group: 'domain',
  help: "enable the domain's VNC server",
  description:
    "Turn the VM's VNC server on (RemoteDisplay.vnc.*) at a port no other VM of its host has, from 5900-6105 (ESXi's firewall range, as Nova picks them), or at --port; prints the vnc:// URI.",
  options: [
    opt.domain(),
    opt.int('port', "TCP port (default: the VM's own, else the first free one)", { min: 1, max: 65535 }),
    opt.bool('auto', 'pick a free port even when the VM has one'),
    opt.string('password-file', "file holding the VNC password ('-': standard input; ESX uses 8 characters)"),
  ],
  exclusive: [['port', 'auto']],
  connection: 'required',
  prepare: async ({ args }) => {
    const f = args['password-file'];
    if (f === undefined) return undefined;
    const text = (await readInput(f)).toString('utf8').replace(/\r?\n$/, '');
    if (text === '' || /[\r\n]/.test(text)) throw new InvalidArgumentError(`the password in '${f}' must be one non-empty line`);
    return text;
  },
  async run({ args, conn, input }) {
    const v = await enableVnc(conn, args.domain, {
      ...(args.port !== undefined ? { port: args.port } : {}),
      auto: args.auto,
      ...(input !== undefined ? { password: input } : {}),
    });
    return { name: v.dom.name, port: v.port, display: vncDisplayLine(v), uri: vncUri(v) };
  },
  text: (d) => d.uri,
});

const screenshot = defineCommand({
  name: 'screenshot',
  group: 'domain',
  help: 'take a screenshot of a current domain console and store it into a file',
  description: "Take a screenshot of a running domain (CreateScreenshot_Task) and save it as PNG; the copy in the VM's folder is deleted.",
  options: [
    opt.domain(),
    opt.string('file', 'where to store the screenshot (default: DOMAIN-DATE.png)', { positional: true }),
    opt.int('screen', 'ID of a screen to take screenshot of (only 0)', { min: 0, max: 0 }),
  ],
  connection: 'required',
  async run({ args, conn, warn }) {
    const r = await takeScreenshot(conn, args.domain, args.file, { warn });
    return { name: r.dom.name, file: r.file, mime: r.mime, bytes: r.bytes };
  },
  text: (d) => `Screenshot saved to ${d.file}, with type of ${d.mime}`,
});

/** The console commands. */
export const domainConsoleCommands: readonly Command[] = [vncdisplay, domdisplay, vncEnable, screenshot];

/**
 * A deterministic generator of realistic VMX files, modelled on what ESXi 4–7, vCenter and
 * Workstation write (several KB each: PCI bridges, tools and scheduler settings, guestinfo,
 * disks, NICs, CD-ROMs, and now and then serial ports, VNC and shared folders). Every file it
 * makes converts to domain XML and back, so benchmarks can use it in both directions.
 */
import { Rng } from './rng.js';

/** One generated VMX file, with the `--vmx-path` and hardware version to convert it with. */
export interface RealisticVmx {
  name: string;
  text: string;
  vmxPath: string;
  hw: number;
}

const ROLES = ['web', 'db', 'app', 'cache', 'mail', 'dns', 'build', 'ci-runner', 'jump', 'proxy', 'ldap', 'backup', 'monitor', 'k8s-node'];
const ENVS = ['prod', 'staging', 'dev', 'test', 'dr', 'lab'];
const ODD_NAMES = [
  'DB Server (prod) #%n',
  'web/app %n',
  'Ünïcode-ß-日本-%n',
  'a|b %n',
  'quote "x" %n',
  "o'brien-%n",
  '50% cpu %n',
  'C:\\vm\\%n',
  'Файл %n',
];
const GUESTS = [
  ['rhel7-64', 'Red Hat Enterprise Linux 7 (64-bit)'],
  ['rhel8-64', 'Red Hat Enterprise Linux 8 (64-bit)'],
  ['ubuntu-64', 'Ubuntu Linux (64-bit)'],
  ['debian10-64', 'Debian GNU/Linux 10 (64-bit)'],
  ['windows9-64', 'Microsoft Windows 10 (64-bit)'],
  ['windows9srv-64', 'Microsoft Windows Server 2016 (64-bit)'],
  ['centos-64', 'CentOS 4/5 or later (64-bit)'],
  ['rhel5', 'Red Hat Enterprise Linux 5 (32-Bit)'],
  ['winNetStandard', 'Microsoft Windows Server 2003, Standard Edition (32-bit)'],
  ['other26xlinux', 'Other 2.6.x Linux (32-bit)'],
  ['freebsd-64', 'FreeBSD (64-bit)'],
  ['sles12-64', 'SUSE Linux Enterprise 12 (64-bit)'],
] as const;
const NETWORKS = ['VM Network', 'Production', 'DMZ', 'Backup LAN', 'vlan-204', 'iSCSI-A', 'Management Network', 'Gäste-Netz'];
const ESX_HW = [4, 7, 7, 8, 9, 10, 11, 13, 13, 14, 15, 17, 19];

function q(v: string): string {
  let out = '';
  for (const ch of v) {
    const c = ch.charCodeAt(0);
    out += ch === '|' || ch === '"' || c < 0x20 || c === 0x7f ? `|${c.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

function vmwareUuid(rng: Rng): string {
  const h = rng.hex(32).match(/../g) as string[];
  return `${h.slice(0, 8).join(' ')}-${h.slice(8).join(' ')}`;
}

function displayNameFor(rng: Rng, index: number): string {
  if (rng.chance(0.08)) return rng.pick(ODD_NAMES).replace('%n', String(index));
  return `${rng.pick(ENVS)}-${rng.pick(ROLES)}-${String(index).padStart(4, '0')}`;
}

// displayName is percent-escaped for '%', '/' and '\' (as the vSphere API does) before pipe-escaping.
function percent(name: string): string {
  return name.replace(/[%/\\]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

function base64ish(rng: Rng, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[rng.int(0, 63)];
  return s;
}

/** The VMX file number `index` of the set made with `seed`. */
export function realisticVmx(index: number, seed = 1): RealisticVmx {
  const rng = new Rng(seed, index);
  const hosted = rng.chance(0.15);
  const hw = hosted ? rng.pick([4, 7, 8, 9, 10, 11, 12, 14, 16, 18]) : rng.pick(ESX_HW);
  const display = displayNameFor(rng, index);
  const file = `vm${index}`;
  const lines: [string, string][] = [];
  const add = (k: string, v: string | number): void => void lines.push([k, String(v)]);

  if (hw >= 7 || rng.chance(0.5)) add('.encoding', 'UTF-8');
  add('config.version', '8');
  add('virtualHW.version', hw);
  if (hosted) add('virtualHW.productCompatibility', 'hosted');
  add('nvram', `${file}.nvram`);
  if (hw >= 7) {
    add('pciBridge0.present', 'TRUE');
    for (let i = 4; i <= 7; i++) {
      add(`pciBridge${i}.present`, 'TRUE');
      add(`pciBridge${i}.virtualDev`, 'pcieRootPort');
      add(`pciBridge${i}.functions`, '8');
    }
    add('vmci0.present', 'TRUE');
    add('hpet0.present', 'TRUE');
  }
  add('svga.present', 'TRUE');
  add('svga.vramSize', rng.pick([4, 8, 16, 32, 128]) * 1024 * 1024);
  if (rng.chance(0.1)) add('svga.numDisplays', rng.int(1, 4));
  const memsize = rng.chance(0.8) ? rng.pick([512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]) : 4 * rng.int(8, 30000);
  add(rng.chance(0.5) ? 'memSize' : 'memsize', memsize);
  const vcpus = rng.pick([1, 1, 2, 2, 4, 4, 8, 16, 32]);
  if (vcpus > 1 || rng.chance(0.3)) add('numvcpus', vcpus);
  if (vcpus > 1 && rng.chance(0.5)) add('cpuid.coresPerSocket', rng.pick([1, 2, 4].filter((c) => vcpus % c === 0)));
  add('powerType.powerOff', 'default');
  add('powerType.suspend', 'default');
  add('powerType.reset', 'default');
  add('tools.upgrade.policy', rng.pick(['manual', 'useGlobal', 'upgradeAtPowerCycle']));
  add('sched.cpu.units', 'mhz');
  if (rng.chance(0.9)) add('sched.cpu.affinity', 'all');
  else add('sched.cpu.affinity', Array.from({ length: vcpus + rng.int(0, 4) }, (_, i) => i).join(','));
  add('vm.createDate', 1_400_000_000_000_000 + rng.int(0, 2 ** 30) * 100_000);
  if (rng.chance(0.3)) add('firmware', 'efi');

  addScsi(rng, add, hw, file);
  addNics(rng, add, hosted);
  addCdroms(rng, add, hw);
  if (!hosted || rng.chance(0.5)) add('floppy0.present', 'FALSE');
  else {
    add('floppy0.fileType', 'file');
    add('floppy0.fileName', `${file}.flp`);
    add('floppy0.present', 'TRUE');
  }

  add('displayName', q(percent(display)));
  const [guestOS, guestName] = rng.pick(GUESTS);
  add('guestOS', guestOS);
  add('guestOSAltName', guestName);
  if (rng.chance(0.4))
    add(
      'annotation',
      q(`Owner: team-${rng.int(1, 40)}\nTicket: OPS-${rng.int(1000, 99999)}\nPurpose: ${rng.pick(ROLES)} | "${rng.pick(ENVS)}"`),
    );
  for (const s of ['afterPowerOn', 'afterResume', 'beforeSuspend', 'beforePowerOff']) add(`toolScripts.${s}`, 'TRUE');
  add('uuid.bios', vmwareUuid(rng));
  if (!hosted) add('vc.uuid', vmwareUuid(rng));
  add('uuid.location', vmwareUuid(rng));
  add('migrate.hostLog', `${file}-${rng.hex(8)}.hlog`);
  add('sched.cpu.min', '0');
  add('sched.cpu.shares', rng.pick(['normal', 'normal', 'low', 'high', String(rng.int(1, 100) * 100)]));
  add('sched.mem.min', '0');
  add('sched.mem.minSize', rng.chance(0.8) ? 0 : memsize / 2);
  add('sched.mem.shares', 'normal');
  if (rng.chance(0.2)) add('sched.mem.max', memsize / 2);
  add('migrate.encryptionMode', 'opportunistic');
  add('numa.autosize.cookie', `${vcpus}0001`);
  add('numa.autosize.vcpu.maxPerVirtualNode', vcpus);
  add('sched.swap.derivedName', `/vmfs/volumes/${rng.hex(8)}-${rng.hex(8)}/${file}/${file}-${rng.hex(8)}.vswp`);
  add('vmci0.id', -rng.int(1, 2 ** 31 - 1));
  add('monitor.phys_bits_used', rng.pick([40, 42, 43, 45]));
  add('vmotion.checkpointFBSize', 4194304);
  add('cleanShutdown', rng.pick(['TRUE', 'FALSE']));
  add('softPowerOff', 'FALSE');
  add('tools.remindInstall', 'FALSE');
  add('tools.syncTime', rng.pick(['TRUE', 'FALSE']));
  addExtras(rng, add, hosted, file);

  // Real files are grouped but not sorted; keep the head in place and shuffle whole groups after it.
  const head = lines.slice(0, 3);
  const rest = lines.slice(3);
  const groups = new Map<string, [string, string][]>();
  for (const l of rest) {
    const g = l[0].replace(/[.:].*$/, '');
    groups.set(g, [...(groups.get(g) ?? []), l]);
  }
  const ordered = [...head, ...rng.shuffle([...groups.values()]).flat()];
  const text = `${rng.chance(0.3) ? '#!/usr/bin/vmware\n' : ''}${ordered.map(([k, v]) => `${k} = "${v}"`).join('\n')}\n`;
  return { name: file, text, vmxPath: `[datastore${index % 7}] ${file}/${file}.vmx`, hw };
}

type Add = (k: string, v: string | number) => void;

function addScsi(rng: Rng, add: Add, hw: number, file: string): void {
  const controllers = rng.weighted([
    [7, 1],
    [2, 2],
    [1, 3],
  ]);
  let diskNo = 0;
  for (let c = 0; c < controllers; c++) {
    const dev = hw >= 7 ? rng.pick(['lsilogic', 'lsisas1068', 'pvscsi', 'pvscsi']) : rng.pick(['lsilogic', 'buslogic']);
    add(`scsi${c}.virtualDev`, dev);
    add(`scsi${c}.present`, 'TRUE');
    add(`scsi${c}.sharedBus`, 'none');
    add(`scsi${c}.pciSlotNumber`, 160 + c * 32);
    const units = rng.shuffle([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15]).slice(
      0,
      rng.weighted([
        [5, 1],
        [3, 2],
        [2, 4],
        [1, 8],
      ]),
    );
    for (const u of units.sort((a, b) => a - b)) {
      const p = `scsi${c}:${u}`;
      add(`${p}.deviceType`, 'scsi-hardDisk');
      const name = diskNo === 0 ? `${file}.vmdk` : `${file}_${diskNo}.vmdk`;
      add(`${p}.fileName`, rng.chance(0.15) ? `/vmfs/volumes/${rng.hex(8)}-${rng.hex(8)}/${file}/${name}` : name);
      add(`sched.${p}.shares`, 'normal');
      add(`sched.${p}.throughputCap`, 'off');
      add(`${p}.present`, 'TRUE');
      add(`${p}.redo`, '');
      if (rng.chance(0.1)) add(`${p}.mode`, rng.pick(['independent-persistent', 'independent-nonpersistent']));
      if (rng.chance(0.05)) add(`${p}.writeThrough`, 'TRUE');
      diskNo++;
    }
  }
}

function addNics(rng: Rng, add: Add, hosted: boolean): void {
  const nics = rng.weighted([
    [6, 1],
    [3, 2],
    [1, 4],
  ]);
  for (let n = 0; n < nics; n++) {
    const p = `ethernet${n}`;
    add(`${p}.virtualDev`, rng.pick(['vmxnet3', 'vmxnet3', 'e1000', 'e1000e', 'vlance', 'vmxnet']));
    if (hosted) {
      const ct = rng.pick(['nat', 'hostonly', 'bridged', 'custom']);
      add(`${p}.connectionType`, ct);
      if (ct === 'custom') add(`${p}.vnet`, `/dev/vmnet${rng.int(2, 9)}`);
      if (ct !== 'nat') add(`${p}.networkName`, rng.pick(NETWORKS));
      add(`${p}.addressType`, 'generated');
      add(`${p}.generatedAddress`, `00:0c:29:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}`);
      add(`${p}.generatedAddressOffset`, n * 10);
    } else if (rng.chance(0.2)) {
      add(`${p}.dvs.switchId`, vmwareUuid(rng));
      add(`${p}.dvs.portId`, rng.int(0, 4000));
      add(`${p}.dvs.portgroupId`, `dvportgroup-${rng.int(10, 9999)}`);
      add(`${p}.dvs.connectionId`, rng.int(0, 2 ** 31 - 1));
      add(`${p}.addressType`, 'vpx');
      add(`${p}.generatedAddress`, `00:50:56:${rng.int(0x80, 0xbf).toString(16)}:${rng.hex(2)}:${rng.hex(2)}`);
    } else {
      add(`${p}.networkName`, rng.pick(NETWORKS));
      if (rng.chance(0.2)) {
        add(`${p}.addressType`, 'static');
        add(`${p}.address`, `00:50:56:${rng.int(0, 0x3f).toString(16).padStart(2, '0')}:${rng.hex(2)}:${rng.hex(2)}`);
      } else {
        add(`${p}.addressType`, 'vpx');
        add(`${p}.generatedAddress`, `00:50:56:${rng.int(0x80, 0xbf).toString(16).toUpperCase()}:${rng.hex(2)}:${rng.hex(2)}`);
      }
    }
    add(`${p}.uptCompatibility`, 'TRUE');
    add(`${p}.present`, 'TRUE');
    add(`${p}.pciSlotNumber`, 192 + n * 32);
  }
}

function addCdroms(rng: Rng, add: Add, hw: number): void {
  const kind = rng.weighted([
    [6, 'client'],
    [2, 'iso'],
    [1, 'device'],
    [1, 'none'],
  ]);
  const p = hw >= 10 && rng.chance(0.4) ? 'sata0:0' : 'ide1:0';
  if (p.startsWith('sata')) add('sata0.present', 'TRUE');
  if (kind === 'none') return;
  if (kind === 'client') {
    add(`${p}.deviceType`, 'cdrom-raw');
    add(`${p}.clientDevice`, 'TRUE');
    add(`${p}.fileName`, 'emptyBackingString');
  } else if (kind === 'iso') {
    add(`${p}.deviceType`, 'cdrom-image');
    add(
      `${p}.fileName`,
      `/vmfs/volumes/ISO-store/${rng.pick(['rhel-8.6-x86_64-dvd', 'ubuntu-22.04-live-server-amd64', 'Win10_22H2', 'virtio-win'])}.iso`,
    );
  } else {
    add(`${p}.deviceType`, 'atapi-cdrom');
    add(`${p}.fileName`, '/dev/cdrom');
  }
  add(`${p}.startConnected`, rng.pick(['TRUE', 'FALSE']));
  add(`${p}.present`, 'TRUE');
}

function addExtras(rng: Rng, add: Add, hosted: boolean, file: string): void {
  if (rng.chance(0.1)) {
    // 'telnet://:port' (all interfaces) is as common, but its domain XML does not parse back yet.
    if (rng.chance(0.5)) {
      add('serial0.fileType', 'network');
      add('serial0.fileName', `telnet://${rng.pick(['0.0.0.0', 'vspc.example.com', '10.0.0.5'])}:${rng.int(2000, 3000)}`);
      add('serial0.network.endPoint', rng.pick(['server', 'client']));
    } else {
      add('serial0.fileType', 'file');
      add('serial0.fileName', `${file}-serial.log`);
    }
    add('serial0.yieldOnMsrRead', 'TRUE');
    add('serial0.present', 'TRUE');
  }
  if (rng.chance(0.1)) {
    add('RemoteDisplay.vnc.enabled', 'TRUE');
    add('RemoteDisplay.vnc.port', rng.int(5900, 5999));
    add('RemoteDisplay.vnc.password', base64ish(rng, 8));
    add('RemoteDisplay.vnc.keymap', rng.pick(['us', 'de', 'fr']));
  }
  if (hosted) {
    const folders = rng.int(0, 2);
    add('isolation.tools.hgfs.disable', 'FALSE');
    add('sharedFolder.maxNum', folders);
    for (let n = 0; n < folders; n++) {
      add(`sharedFolder${n}.present`, 'TRUE');
      add(`sharedFolder${n}.enabled`, 'TRUE');
      add(`sharedFolder${n}.readAccess`, 'TRUE');
      add(`sharedFolder${n}.writeAccess`, rng.pick(['TRUE', 'FALSE']));
      add(`sharedFolder${n}.hostPath`, rng.pick(['/home/user/share', 'C:\\Users\\me\\Documents', '/Volumes/Data/Projekte']));
      add(`sharedFolder${n}.guestName`, rng.pick(['share', 'docs', 'projects']));
      add(`sharedFolder${n}.expiration`, 'never');
    }
    add('sound.present', 'TRUE');
    add('sound.virtualDev', 'hdaudio');
    add('usb.present', 'TRUE');
    add('ehci.present', 'TRUE');
  }
  // guestinfo entries (cloud-init metadata, inventory tags) are what makes modern VMX files big.
  const guestinfo = rng.weighted([
    [3, 0],
    [3, 2],
    [2, 5],
    [1, 10],
  ]);
  for (let i = 0; i < guestinfo; i++) {
    const long = rng.chance(0.3);
    add(
      `guestinfo.${rng.pick(['metadata', 'userdata', 'tag', 'inventory', 'owner', 'ip'])}${i}`,
      long ? base64ish(rng, rng.int(200, 1500)) : base64ish(rng, rng.int(8, 40)),
    );
    if (long) add(`guestinfo.${rng.pick(['metadata', 'userdata'])}${i}.encoding`, 'base64');
  }
  for (let i = 0; i < rng.int(0, 8); i++)
    add(`tools.guest.${rng.pick(['desktop.autolock', 'syncTime.period', 'hostinfo'])}${i}`, rng.pick(['TRUE', 'FALSE', '60']));
}

/** `count` files of the set made with `seed`. */
export function realisticVmxSet(count: number, seed = 1): RealisticVmx[] {
  return Array.from({ length: count }, (_, i) => realisticVmx(i, seed));
}

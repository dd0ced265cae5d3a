/**
 * The words random VMX and XML inputs are built from: the keys the converter reads (so that
 * random files reach deep into it), values that sit on its edges, and charsets for `.encoding`.
 */

const DISK_SUFFIXES = ['present', 'deviceType', 'fileName', 'clientDevice', 'writeThrough', 'mode', 'redo', 'startConnected', 'autodetect'];
const NIC_SUFFIXES = [
  'present',
  'connectionType',
  'addressType',
  'generatedAddress',
  'generatedAddressOffset',
  'address',
  'checkMACAddress',
  'virtualDev',
  'features',
  'networkName',
  'vnet',
  'dvs.switchId',
  'dvs.portId',
  'dvs.portgroupId',
  'dvs.connectionId',
];
const CHR_SUFFIXES = ['present', 'fileType', 'fileName', 'network.endPoint', 'pipe.endPoint', 'tryNoRxLoss', 'yieldOnMsrRead'];
const FOLDER_SUFFIXES = ['present', 'enabled', 'readAccess', 'writeAccess', 'hostPath', 'guestName'];

/** Keys the converter reads, for every device index it scans (plus a few just outside its ranges). */
export function converterKeys(): string[] {
  const keys = [
    '.encoding',
    'config.version',
    'virtualHW.version',
    'displayName',
    'annotation',
    'uuid.bios',
    'guestOS',
    'firmware',
    'smbios.reflecthost',
    'memsize',
    'sched.mem.max',
    'sched.mem.minsize',
    'numvcpus',
    'sched.cpu.affinity',
    'sched.cpu.shares',
    'cpuid.coresPerSocket',
    'RemoteDisplay.vnc.enabled',
    'RemoteDisplay.vnc.port',
    'RemoteDisplay.vnc.ip',
    'RemoteDisplay.vnc.keymap',
    'RemoteDisplay.vnc.password',
    'svga.vramSize',
    'svga.numDisplays',
    'sharedFolder.maxNum',
    'isolation.tools.hgfs.disable',
  ];
  for (let c = 0; c <= 4; c++) {
    keys.push(`scsi${c}.present`, `scsi${c}.virtualDev`, `sata${c}.present`);
    for (const u of [0, 1, 6, 7, 8, 15, 16, 29, 30, 63, 64]) for (const s of DISK_SUFFIXES) keys.push(`scsi${c}:${u}.${s}`);
    for (const u of [0, 1, 29, 30]) for (const s of DISK_SUFFIXES) keys.push(`sata${c}:${u}.${s}`);
  }
  for (let b = 0; b <= 2; b++) for (let u = 0; u <= 2; u++) for (const s of DISK_SUFFIXES) keys.push(`ide${b}:${u}.${s}`);
  for (let u = 0; u <= 2; u++) for (const s of ['present', 'fileType', 'fileName', 'clientDevice']) keys.push(`floppy${u}.${s}`);
  for (let n = 0; n <= 10; n++) for (const s of NIC_SUFFIXES) keys.push(`ethernet${n}.${s}`);
  for (let n = 0; n <= 4; n++) for (const s of CHR_SUFFIXES) keys.push(`serial${n}.${s}`);
  for (let n = 0; n <= 3; n++) for (const s of CHR_SUFFIXES) keys.push(`parallel${n}.${s}`);
  for (let n = 0; n <= 3; n++) for (const s of FOLDER_SUFFIXES) keys.push(`sharedFolder${n}.${s}`);
  return keys;
}

/** Numbers on the edges of the converter's checks (sizes, counts, ports, overflow). */
export const EDGE_NUMBERS = [
  '0',
  '1',
  '-1',
  '-0',
  '+4',
  '4',
  '7',
  '8',
  '15',
  '16',
  '30',
  '32',
  '63',
  '64',
  '65',
  '4095',
  '4096',
  '4097',
  '65535',
  '65536',
  '2147483647',
  '2147483648',
  '4294967296',
  '9007199254740991',
  '9007199254740993',
  '999999999999999',
  '1000000000000000',
  '99999999999999999999',
  '-99999',
  '-2147483649',
  '1e3',
  '0x10',
  '1.5',
  'NaN',
  'Infinity',
  'unlimited',
  ' 8 ',
];

/** Values of the converter's enumerations, in canonical and odd spellings. */
export const ENUM_VALUES = [
  'true',
  'false',
  'TRUE',
  'False',
  'yes',
  'no',
  '',
  'low',
  'normal',
  'high',
  'all',
  'efi',
  'bios',
  'EFI',
  'buslogic',
  'lsilogic',
  'lsisas1068',
  'pvscsi',
  'vmpvscsi',
  'auto',
  'scsi-hardDisk',
  'ata-hardDisk',
  'disk',
  'cdrom-image',
  'atapi-cdrom',
  'cdrom-raw',
  'scsi-passthru',
  'file',
  'device',
  'pipe',
  'network',
  'bridged',
  'custom',
  'nat',
  'hostonly',
  'generated',
  'static',
  'vpx',
  'vlance',
  'vmxnet',
  'vmxnet3',
  'e1000',
  'e1000e',
  'server',
  'client',
  'independent-nonpersistent',
  'independent-persistent',
  'auto detect',
  'emptyBackingString',
  'other',
  'other-64',
  'rhel7-64',
  'windows9-64',
];

/** File names and URIs: mappable, unmappable, relative, and malformed. */
export const PATH_VALUES = [
  'x.vmdk',
  'x.VMDK',
  'x.iso',
  'x.flp',
  'dir/x.vmdk',
  '/vmfs/volumes/ds/dir/x.vmdk',
  '/vmfs/volumes/ds',
  '/vmfs/volumes//x.vmdk',
  '/vmfs/volumes/',
  '/dev/sg0',
  '/dev/cdrom',
  '/dev/fd0',
  '/tmp/serial.txt',
  'serial.txt',
  '\\\\.\\pipe\\com1',
  '/vmfs/volumes/missing/x.iso',
  'telnet://:23',
  'telnet://host:23',
  'tcp://[::1]:99',
  'ssl://h:1',
  'telnet+ssl://h:9',
  'tcp://h',
  'telnet://:',
  'gopher://h:70',
  'tcp://[::1',
  'telnet://h:99999999999999999999',
  '://',
  '[ds] x.vmdk',
];

/** Identifiers in valid and broken shapes. */
export const ID_VALUES = [
  '00:50:56:91:48:c7',
  '00:0c:29:d6:2b:d3',
  '00:50:56:3f:ff:ff',
  '0:0:0:0:0:0',
  '01:00:5e:00:00:01',
  'zz:zz:zz:zz:zz:zz',
  '00:50:56',
  '00:50:56:91:48:c7:00',
  '50 11 5e 16 9b dc 49 d7-f1 71 53 c4 d7 f9 17 10',
  '50115e169bdc49d7f17153c4d7f91710',
  '50 11 5e 16 9b dc 49 d7-f1 71 53 c4 d7 f9 17',
  'not a uuid',
  '0,1,2,3',
  '0, 1',
  '1,,2',
  '5000',
  '0-3',
  '^1',
];

/** Strings with the escape characters of both formats, half-escapes, and non-ASCII text. */
export const TEXT_VALUES = [
  '%',
  '%2',
  '%zz',
  '%25',
  '%2f',
  '|',
  '|2',
  '|zz',
  '|22',
  '|7c',
  '|0a',
  'a"b',
  "a'b",
  '<>&',
  '&amp;',
  '#',
  '= =',
  'Ünïcode 日本',
  '😀',
  '\u2028',
  '\t',
  ' ',
  'x'.repeat(300),
];

/** Every value above, for pickers that do not care about the kind. */
export const ALL_VALUES = [...EDGE_NUMBERS, ...ENUM_VALUES, ...PATH_VALUES, ...ID_VALUES, ...TEXT_VALUES];

/** Charset labels for `.encoding`: VMware's, TextDecoder's special ones, and junk. */
export const CHARSETS = [
  'UTF-8',
  'utf8',
  'windows-1252',
  'ISO-8859-1',
  'Shift_JIS',
  'GB2312',
  'gbk',
  'Big5',
  'EUC-JP',
  'EUC-KR',
  'KOI8-R',
  'ISO-2022-JP',
  'UTF-16',
  'UTF-16LE',
  'utf-16be',
  'x-user-defined',
  'replacement',
  'bogus',
  '',
  '   ',
  'utf-8"',
  'x-sjis',
  'windows-31j',
  'UTF-7',
];

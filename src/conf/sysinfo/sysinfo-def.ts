/** libvirt's `<sysinfo type='smbios'>` document: SMBIOS facts of the host (libvirt's formatdomain page, "SMBIOS System Information"). */

/** One SMBIOS block's entries in document order (`<entry name='manufacturer'>…</entry>`). */
export type SysinfoEntries = [name: string, value: string][];

/** The host's sysinfo; blocks that are undefined are not printed. */
export interface SysinfoDef {
  type: 'smbios';
  bios?: SysinfoEntries;
  system?: SysinfoEntries;
}

// vSphere guest OS identifiers → VMX guestOS values (VMware's rule and its exceptions), one line per kind.
import assert from 'node:assert/strict';
import test from 'node:test';
import { isGuestId64, vmxGuestOsOf } from './guest-os.js';

const CASES: [string, string][] = [
  ['otherGuest', 'other'],
  ['otherGuest64', 'other-64'],
  ['windows9_64Guest', 'windows9-64'],
  ['windows7Server64Guest', 'windows7srv-64'],
  ['winLonghorn64Guest', 'longhorn-64'],
  ['winXPProGuest', 'winxppro'],
  ['winXPPro64Guest', 'winxppro-64'],
  ['ubuntu64Guest', 'ubuntu-64'],
  ['rhel7_64Guest', 'rhel7-64'],
  ['otherLinux64Guest', 'otherlinux-64'],
  ['darwin10_64Guest', 'darwin10-64'],
  ['dosGuest', 'dos'],
];

for (const [id, vmx] of CASES) {
  test(`guest id ${id} is VMX guestOS '${vmx}'`, () => {
    assert.equal(vmxGuestOsOf(id), vmx);
    assert.equal(isGuestId64(id), vmx.endsWith('-64'));
  });
}

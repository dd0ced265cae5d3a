/**
 * vSphere guest OS identifiers (GuestOsDescriptor ids, the API's config.guestId: 'windows9_64Guest') and the VMX
 * `guestOS` values ESX writes for them ('windows9-64'). VMware's rule: drop the 'Guest' suffix, write a 64-bit
 * marker ('_64' or a trailing '64') as '-64', lower-case; a few older ids are named otherwise (EXCEPTIONS).
 */

// Ids whose VMX names do not follow the rule (VMware's own names for them).
const EXCEPTIONS: Readonly<Record<string, string>> = {
  otherGuest: 'other',
  otherGuest64: 'other-64',
  winLonghornGuest: 'longhorn',
  winLonghorn64Guest: 'longhorn-64',
  windows7Server64Guest: 'windows7srv-64',
  windows8Server64Guest: 'windows8srv-64',
  windows9Server64Guest: 'windows9srv-64',
};

/** The VMX `guestOS` value of a vSphere guest OS identifier. */
export function vmxGuestOsOf(guestId: string): string {
  const known = EXCEPTIONS[guestId];
  if (known !== undefined) return known;
  const base = guestId.replace(/Guest$/, '');
  const m = /^(.*?)_?64$/.exec(base);
  return (m ? `${m[1]}-64` : base).toLowerCase();
}

/** True when the identifier names a 64-bit guest (the VMX reader then says arch x86_64). */
export function isGuestId64(guestId: string): boolean {
  return vmxGuestOsOf(guestId).endsWith('-64');
}

/**
 * The guest operating systems a host supports (its compute resource's EnvironmentBrowser: QueryConfigOptionEx,
 * vSphere 6.0+, else QueryConfigOption), for `<vmware:guestos>`: an identifier the host does not list is refused
 * before anything changes, as Nova refuses an unknown vmware_ostype.
 */
import { ConfigError } from '../../errors.js';
import { ComputeResourceProps, isVimFault, methods, prop, retrieveOne, type GuestOsDescriptor, type MoRef } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';

async function environmentBrowser(conn: Connection): Promise<MoRef<'EnvironmentBrowser'> | undefined> {
  const cr = await retrieveOne(conn.client, conn.host.computeResource, [ComputeResourceProps.environmentBrowser]);
  return prop(cr, ComputeResourceProps.environmentBrowser);
}

/** The host's guest OS descriptors, filtered to `guestId` where the server filters (the whole list otherwise). */
export async function guestDescriptors(conn: Connection, guestId?: string): Promise<GuestOsDescriptor[]> {
  const eb = await environmentBrowser(conn);
  if (eb === undefined) return [];
  try {
    const opt = await methods.QueryConfigOptionEx(conn.client.soap, eb, {
      spec: { _type: 'EnvironmentBrowserConfigOptionQuerySpec', ...(guestId !== undefined ? { guestId: [guestId] } : {}) },
    });
    if ((opt?.guestOSDescriptor.length ?? 0) > 0) return opt?.guestOSDescriptor ?? [];
  } catch (e) {
    if (!isVimFault(e, 'MethodNotFound', 'NotImplemented', 'NotSupported') && !/does not implement/i.test(String(e))) throw e;
  }
  const opt = await methods.QueryConfigOption(conn.client.soap, eb, {});
  return opt?.guestOSDescriptor ?? [];
}

/** The descriptor of one guest OS identifier, undefined when the host does not list it. */
export async function guestDescriptor(conn: Connection, guestId: string): Promise<GuestOsDescriptor | undefined> {
  return (await guestDescriptors(conn, guestId)).find((g) => g.id === guestId);
}

/**
 * Throws a ConfigError when the host does not list `guestId` (with a few ids it does list). A host that reports no
 * guest list at all cannot check: `warn` says so and the server decides.
 */
export async function checkGuestId(conn: Connection, guestId: string, warn?: (m: string) => void): Promise<void> {
  const list = await guestDescriptors(conn, guestId);
  if (list.length === 0) {
    warn?.(`the host reports no supported guest list: guest OS '${guestId}' is not checked`);
    return;
  }
  if (list.some((g) => g.id === guestId)) return;
  const near = list
    .map((g) => g.id)
    .filter((id) => id.toLowerCase().startsWith(guestId.slice(0, 3).toLowerCase()))
    .slice(0, 6);
  throw new ConfigError(
    `guest OS '${guestId}' is not supported by this host (${list.length} are)${near.length ? `: did you mean ${near.map((x) => `'${x}'`).join(', ')}?` : ''}`,
  );
}

/**
 * The `<network>` document as libvirt's ESX driver uses it (libvirt's formatnetwork page): a virtual switch is a
 * network, its uplinks the `<forward mode='bridge'>` interfaces, its port groups `<portgroup>` elements with
 * optional `<vlan>` and `<bandwidth>`. esxvirt adds one element of its own namespace inside a port group, the
 * security policy, because libvirt's network XML has none (NETWORK_ESX_NS).
 */

/** The namespace of esxvirt's `<security>` element inside `<portgroup>`. */
export const NETWORK_ESX_NS = 'urn:esxvirt:network:1';

/** One direction of `<bandwidth>`: average and peak in KiB/s, burst in KiB (libvirt's units). */
export interface BandwidthRate {
  average?: number;
  peak?: number;
  burst?: number;
}

/** `<bandwidth>`: traffic shaping (ESX shapes both directions alike). */
export interface BandwidthDef {
  inbound?: BandwidthRate;
  outbound?: BandwidthRate;
}

/** `<vlan>`: one tag is an access VLAN; trunk='yes' (or several tags) a trunk. */
export interface VlanDef {
  trunk?: boolean;
  tags: { id: number; nativeMode?: 'tagged' | 'untagged' }[];
}

/** A port group's security policy (ESX's HostNetworkSecurityPolicy); unset fields inherit. */
export interface SecurityDef {
  allowPromiscuous?: boolean;
  macChanges?: boolean;
  forgedTransmits?: boolean;
}

/** `<portgroup>`. */
export interface PortgroupDef {
  name: string;
  isDefault?: boolean;
  vlan?: VlanDef;
  bandwidth?: BandwidthDef;
  security?: SecurityDef;
}

/** `<forward>`: mode and the uplink devices (`<interface dev=…/>`). */
export interface ForwardDef {
  mode: string;
  interfaces: string[];
}

/** A libvirt network. */
export interface NetworkDef {
  name: string;
  uuid?: string;
  forward?: ForwardDef;
  /** `<bridge name=…/>`, accepted and ignored by ESX (a switch is named by `<name>`). */
  bridge?: string;
  /** `<mtu size=…/>` in bytes. */
  mtu?: number;
  bandwidth?: BandwidthDef;
  portgroups: PortgroupDef[];
  /** Elements libvirt's ESX driver cannot map (`<ip>`, `<dns>`, `<domain>`, `<mac>`, `<route>`), by name. */
  unsupported?: string[];
}

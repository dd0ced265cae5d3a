/**
 * The `<interface>` document (libvirt's formatinterface page) as libvirt's ESX driver fills it for a physical NIC:
 * type ethernet, name, start mode onboot, MAC address, and the NIC's IPv4 configuration. esxvirt adds `<link>`
 * (speed in Mbit/s and state), which libvirt's schema has but its ESX driver leaves out.
 */

/** `<protocol>`: DHCP or static addresses of one family. */
export interface InterfaceProtocol {
  family: 'ipv4' | 'ipv6';
  dhcp?: boolean;
  ips: { address: string; prefix?: number }[];
}

/** A host interface. */
export interface HostInterfaceDef {
  type: 'ethernet';
  name: string;
  startMode?: 'onboot' | 'none' | 'hotplug';
  mac?: string;
  link?: { speed?: number; state?: string };
  mtu?: number;
  protocols: InterfaceProtocol[];
}

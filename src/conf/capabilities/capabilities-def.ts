/** libvirt's `<capabilities>` document: the host and the guests a hypervisor offers (libvirt's formatcaps page). */

/** One guest kind the host runs. */
export interface GuestCapability {
  osType: 'hvm';
  arch: 'i686' | 'x86_64';
  wordsize: 32 | 64;
  domainType: string;
}

/** The host part of the capabilities and the guests it runs. */
export interface CapabilitiesDef {
  /** The host's UUID (`<host><uuid>`). */
  uuid: string;
  arch: 'x86_64' | 'i686';
  /** `<power_management>`: the suspend targets offered; an empty list prints `<power_management/>`; undefined omits it. */
  powerManagement?: string[];
  /** `<iommu support=…>`; undefined omits it. */
  iommu?: boolean;
  /** Migration URI transports (`<migration_features><live/><uri_transports>`); empty omits the block. */
  migrationTransports: string[];
  guests: GuestCapability[];
}

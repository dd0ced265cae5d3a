/** Host interfaces: the physical NICs of the connection's host. */
export {
  listInterfaces,
  lookupInterface,
  getInterfaceDef,
  interfaceDefOfNic,
  interfaceOfNic,
  findNic,
  prefixOfMask,
  type HostInterface,
} from './interfaces.js';

/** Network commands (virsh's help group 'network'). */
export { networkCommands } from './network.js';

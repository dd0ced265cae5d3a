/** Host commands (virsh's help group 'host'). */
export { hostCommands } from './host.js';

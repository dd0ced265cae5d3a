/** Storage volume commands (virsh's help group 'volume'). */
export { volumeCommands } from './commands.js';

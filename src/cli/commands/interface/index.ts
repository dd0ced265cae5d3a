/** Interface commands (virsh's help group 'interface'). */
export { interfaceCommands } from './interface.js';

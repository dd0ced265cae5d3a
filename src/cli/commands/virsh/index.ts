/** The shell's own commands (virsh's help keyword 'virsh'). */
export { virshCommands } from './help.js';

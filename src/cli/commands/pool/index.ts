/** Storage pool commands (virsh's help group 'pool'). */
export { poolCommands } from './pool.js';

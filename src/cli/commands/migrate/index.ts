/** Migration commands: migrate, domjobinfo, domjobabort (virsh's help group 'domain'). */
export { migrateGroupCommands } from './commands.js';

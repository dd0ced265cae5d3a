/** Domain commands (virsh's help groups 'domain' and 'monitor'). */
export { domainCommands } from './commands.js';

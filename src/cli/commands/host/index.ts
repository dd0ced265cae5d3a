/** Host commands (virsh's help group 'host'). */
import type { Command } from '../../command.js';
import { hostCommands as all } from './host.js';

/** Every host command's declaration. */
export const hostCommands: readonly Command[] = all;

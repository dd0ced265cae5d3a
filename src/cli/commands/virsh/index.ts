/** The shell's own commands (virsh's help keyword 'virsh'). */
import type { Command } from '../../command.js';
import { help } from './help.js';

/** The 'virsh' group's declarations. */
export const virshCommands: readonly Command[] = [help];

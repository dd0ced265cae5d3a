/** The volume commands, in virsh's order. */
import type { Command } from '../../command.js';
import { volumeChangeCommands } from './create.js';
import { volumeInfoCommands } from './info.js';
import { volumeTransferCommands } from './transfer.js';

/** Storage volume commands (virsh's help group 'volume'). */
export const volumeCommands: readonly Command[] = [...volumeInfoCommands, ...volumeChangeCommands, ...volumeTransferCommands];

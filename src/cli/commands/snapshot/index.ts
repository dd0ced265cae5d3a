/** Snapshot commands (virsh's help group 'snapshot'). */
import type { Command } from '../../command.js';
import { snapshotCommands as all } from './snapshot.js';

/** Every snapshot command's declaration. */
export const snapshotCommands: readonly Command[] = all;

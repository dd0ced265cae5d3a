/** The migration commands' declarations (virsh's help group 'domain'), in help order. */
import type { Command } from '../../command.js';
import { jobCommands } from './jobs.js';
import { migrateCommands } from './migrate.js';

/** migrate, domjobinfo, domjobabort. */
export const migrateGroupCommands: readonly Command[] = [...migrateCommands, ...jobCommands];

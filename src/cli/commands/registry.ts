/** All commands by name. Each group file exports its own table; main.ts only reads this one. */
import type { Command } from './types.js';
import { nativeCommands } from './domain/native.js';
import { domainListCommands } from './domain/list.js';
import { domainLifecycleCommands } from './domain/lifecycle.js';
import { domainTuningCommands } from './domain/tuning.js';
import { domainDefineCommands } from './domain/define.js';
import { snapshotCommands } from './snapshot/snapshot.js';
import { hostCommands } from './host/host.js';

/** name → command. */
export const COMMANDS: Record<string, Command> = {
  ...nativeCommands,
  ...domainListCommands,
  ...domainLifecycleCommands,
  ...domainTuningCommands,
  ...domainDefineCommands,
  ...snapshotCommands,
  ...hostCommands,
};

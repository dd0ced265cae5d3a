/** Commands of this group (filled in as they are built). */
import type { Command } from './types.js';

/** name → command. */
export const domainLifecycleCommands: Record<string, Command> = {};

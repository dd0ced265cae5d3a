/** Every domain command's declaration (virsh's help groups 'domain' and 'monitor'), in help order. */
import type { Command } from '../../command.js';
import { domainConsoleCommands } from './consoles.js';
import { domainDefineCommands } from './define.js';
import { domainDeviceListCommands } from './device-lists.js';
import { domainDeviceCommands } from './devices.js';
import { domainEditCommands } from './edit.js';
import { domainLifecycleCommands } from './lifecycle.js';
import { domainListCommands } from './list.js';
import { nativeCommands } from './native.js';
import { domainSettingsCommands } from './settings.js';
import { domainStatsCommands } from './stats.js';
import { domainTuningCommands } from './tuning.js';

/** Every domain command's declaration. */
export const domainCommands: readonly Command[] = [
  ...domainListCommands,
  ...domainLifecycleCommands,
  ...domainTuningCommands,
  ...domainSettingsCommands,
  ...domainDefineCommands,
  ...domainEditCommands,
  ...domainDeviceCommands,
  ...domainDeviceListCommands,
  ...domainConsoleCommands,
  ...domainStatsCommands,
  ...nativeCommands,
];

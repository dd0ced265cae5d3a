/** HostAutoStartManagerHandle: a host's autostart configuration (which VMs start and stop with it, in what order). */
import type { VimContext } from '../context.js';
import { ReconfigureAutostart } from '../generated/methods.js';
import type { HostAutoStartManagerConfig, MoRef } from '../generated/types.js';

/** The autostart manager of one host. */
export class HostAutoStartManagerHandle {
  /** The manager's reference (HostSystem.configManager.autoStartManager). */
  readonly ref: MoRef<'HostAutoStartManager'>;
  readonly #ctx: VimContext;

  /** A handle on `ref` through connection `ctx` (nothing is asked of the server). */
  constructor(ctx: VimContext, ref: MoRef<'HostAutoStartManager'>) {
    this.#ctx = ctx;
    this.ref = ref;
  }

  /** ReconfigureAutostart: merges `spec` into the configuration (entries by VM; defaults when given). */
  async reconfigure(spec: HostAutoStartManagerConfig): Promise<void> {
    await ReconfigureAutostart(this.#ctx.soap, this.ref, { spec });
  }
}

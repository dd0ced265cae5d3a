/**
 * What the helpers (properties, tasks, inventory, datastore files) need from a connection. VimClient implements
 * it; unit tests implement it with a scripted SoapCaller, so the helpers are tested without a server.
 */
import type { SoapCaller } from '../soap/codec.js';
import type { Transport } from '../soap/transport.js';
import type { ServiceContent } from './generated/types.js';
import type { CallOptions, VimEvent } from './soap-channel.js';

/** A connection as the helper modules see it. */
export interface VimContext {
  /** Session-aware caller for generated method functions (re-login, typed errors). */
  readonly soap: SoapCaller;
  /** The same with per-call options (abort signal, timeout, retry count). */
  caller(opts: CallOptions): SoapCaller;
  readonly serviceContent: ServiceContent;
  /** Objects per RetrievePropertiesEx page (maxObjects). */
  readonly pageSize: number;
  /** Counts logins; session-scoped objects made under an older generation are gone. */
  readonly sessionGeneration: number;
  /** True for vCenter (apiType VirtualCenter), false for ESX/GSX hosts. */
  readonly isVCenter: boolean;
  /** Default for answering VM questions with their default choice (auto_answer). */
  readonly autoAnswer: boolean;
  /** Polling interval when WaitForUpdatesEx is not available (task_poll_interval). */
  readonly taskPollIntervalMs: number;
  /** 'updates' waits with WaitForUpdatesEx; 'poll' only polls (set automatically when the server lacks it). */
  taskWait: 'updates' | 'poll';
  /** For datastore file transfers (same cookie jar as the SOAP calls). */
  readonly transport: Transport;
  /** Logs in again if the session of `failedGeneration` is still the current one. */
  ensureSession(failedGeneration: number): Promise<void>;
  /** VM ids (MOR values) with a task started by this connection and not finished yet. */
  readonly vmTasksInFlight: Set<string>;
  /** Receives informational events (retries, re-logins, answered questions). */
  emit(event: VimEvent): void;
}

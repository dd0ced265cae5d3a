/**
 * A VimContext for unit tests of the helper modules: SOAP calls go to per-method handlers written in the test and
 * are recorded. Not a server model: each test scripts exactly the answers it needs.
 */
import type { ManagedObjectReference, SoapCaller } from '../soap/codec.js';
import type { Transport } from '../soap/transport.js';
import { InternalError } from '../errors.js';
import type { VimContext } from './context.js';
import type { ServiceContent } from './generated/types.js';
import type { VimEvent } from './soap-channel.js';

/** Answers one call (return a value, or throw). */
export type FakeHandler = (params: Record<string, unknown>, thisRef: ManagedObjectReference) => unknown;

/** One recorded call. */
export interface FakeCall {
  method: string;
  thisRef: ManagedObjectReference;
  params: Record<string, unknown>;
}

/** A scripted VimContext. */
export interface FakeContext extends VimContext {
  readonly calls: FakeCall[];
  readonly events: VimEvent[];
  handlers: Record<string, FakeHandler>;
  sessionGeneration: number;
  /** Names of the methods called, in order. */
  methods(): string[];
}

/** The service content fake contexts report. */
export const FAKE_SERVICE_CONTENT: ServiceContent = {
  _type: 'ServiceContent',
  rootFolder: { type: 'Folder', value: 'group-d1' },
  propertyCollector: { type: 'PropertyCollector', value: 'propertyCollector' },
  viewManager: { type: 'ViewManager', value: 'ViewManager' },
  sessionManager: { type: 'SessionManager', value: 'SessionManager' },
  searchIndex: { type: 'SearchIndex', value: 'SearchIndex' },
  fileManager: { type: 'FileManager', value: 'FileManager' },
  about: {
    name: 'fake',
    fullName: 'fake',
    vendor: 'esxvirt',
    version: '7.0',
    build: '1',
    osType: 'linux',
    productLineId: 'vpx',
    apiType: 'VirtualCenter',
    apiVersion: '7.0',
  },
};

/** Creates a fake context; unknown methods fail the test with InternalError. */
export function fakeContext(handlers: Record<string, FakeHandler> = {}, over: Partial<VimContext> = {}): FakeContext {
  const calls: FakeCall[] = [];
  const events: VimEvent[] = [];
  const soap: SoapCaller = {
    async invoke(method, thisRef, params) {
      const p = { ...params } as Record<string, unknown>;
      calls.push({ method, thisRef, params: p });
      const h = ctx.handlers[method];
      if (h === undefined) throw new InternalError(`fake context: unexpected call ${method}`);
      return h(p, thisRef);
    },
  };
  const ctx: FakeContext = {
    soap,
    caller: () => soap,
    serviceContent: FAKE_SERVICE_CONTENT,
    pageSize: 100,
    sessionGeneration: 1,
    isVCenter: true,
    autoAnswer: false,
    taskPollIntervalMs: 1,
    taskWait: 'poll',
    transport: undefined as unknown as Transport,
    ensureSession: async () => {
      ctx.sessionGeneration++;
    },
    vmTasksInFlight: new Set<string>(),
    emit: (e) => events.push(e),
    calls,
    events,
    handlers,
    methods: () => calls.map((c) => c.method),
    ...over,
  } as FakeContext;
  return ctx;
}

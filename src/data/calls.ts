/**
 * The choke point every provider call passes through, whoever causes it (a resolver's read or
 * write, a webhook, the poller, an adapter's event stream). Here a call is metered and given its
 * abort signal; cross-cutting rules (authorization, budgets, deadlines) join as middleware, so they
 * see every call without each caller knowing about them. Health checks are the one exemption.
 */
import type { CallContext, Capability } from '../../adapters/contract/index.js';
import type { Caller } from '../auth/principal.js';
import { recordProviderCall } from './provider-metrics.js';

/** What made the floor call a provider. */
export type CallCause = 'request' | 'webhook' | 'poller' | 'event';

/**
 * On whose behalf calls are made: one object per GraphQL request (or webhook delivery, poll,
 * adapter event), the same for all its calls, so middleware can keep per-request state (a budget)
 * in a WeakMap keyed by it.
 */
export interface CallScope {
  readonly cause: CallCause;
  readonly requestId?: string;
  /** Aborts when the client leaves (requests) or the deadline passes (background work). */
  readonly signal: AbortSignal;
  /** Who a request is for: its calls are authorized, restricted and shared by what it may see. */
  readonly caller?: Caller;
}

export interface ProviderCall {
  readonly provider: string;
  readonly capability: Capability;
  /** The adapter method, e.g. `getMany`, `query`, `update`. */
  readonly operation: string;
  /** IDs or queries in the call (1 for a write). */
  readonly items: number;
  readonly write: boolean;
  readonly cause: CallCause;
  readonly scope: CallScope;
  /** Native IDs a write changes, for the audit trail. */
  readonly targets?: readonly string[];
  /** What the adapter receives. Middleware may narrow the signal (a deadline), never drop it. */
  readonly ctx: CallContext & { signal: AbortSignal };
}

/**
 * Wraps every provider call: inspect or refuse it (throw), replace its context (e.g. a tighter
 * signal) and call `next` at most once. A read's error becomes that read's error; a write's error
 * reaches the mutation as it would from the adapter.
 */
export type CallMiddleware = (call: ProviderCall, next: (call: ProviderCall) => Promise<unknown>) => Promise<unknown>;

export class ProviderCalls {
  constructor(private readonly middleware: readonly CallMiddleware[] = []) {}

  /** Runs `fn` (the adapter call) through the middleware, then meters it as it reaches the adapter. */
  run<R>(call: ProviderCall, fn: (ctx: ProviderCall['ctx']) => Promise<R>): Promise<R> {
    const reach = (final: ProviderCall): Promise<unknown> => {
      recordProviderCall(final.provider, final.capability, final.operation, final.cause, final.items);
      return fn(final.ctx);
    };
    const chain = this.middleware.reduceRight<(c: ProviderCall) => Promise<unknown>>(
      (next, middleware) => (c) => middleware(c, next),
      reach,
    );
    return chain(call) as Promise<R>;
  }
}

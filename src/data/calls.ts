/**
 * The choke point every provider call passes through, whoever causes it (a resolver's read or
 * write, a webhook, the poller, an adapter's event stream). Here a call is metered and given its
 * abort signal; cross-cutting rules (authorization, budgets, deadlines) join as middleware, so they
 * see every call without each caller knowing about them. Health checks are the one exemption.
 */
import {
  type Abortable,
  CallCancel,
  type CallContext,
  type Capability,
  ProviderCallContext,
} from '../../adapters/contract/index.js';
import type { Caller } from '../auth/principal.js';
import { gatewayError } from '../graphql/errors.js';
import { recordProviderCall } from './provider-metrics.js';
import type { RequestTurns } from './turns.js';

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
  /**
   * Aborts when the client leaves (requests) or the deadline passes (background work). A request's
   * is a `CallCancel`: its calls follow it through its array of listeners, and its `AbortSignal` is
   * made only if something reads one (an adapter's context, see `Loaders`).
   */
  readonly signal: CallCancel | AbortSignal;
  /** Who a request is for: its calls are authorized, restricted and shared by what it may see. */
  readonly caller?: Caller;
  /** A request's fair turns on the event loop (`src/data/turns.ts`); without them it never waits. */
  readonly turns?: RequestTurns;
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
  /**
   * What the adapter receives. Its signal is the call's own: it aborts when the caller's does, when
   * middleware ends the call (`abort`) and once the call has returned. It is made when first read:
   * whoever only needs to know whether or when the call ends reads `cancelOf(ctx)` instead.
   */
  readonly ctx: CallContext & { readonly signal: AbortSignal };
  /** Ends the call early (a deadline, a time-out): aborts the adapter's signal with `reason`. */
  readonly abort: (reason: unknown) => void;
}

/**
 * The caller's side of a call: its `signal` ends the call when it aborts (a handed cancellation is
 * its own, read as is: a shared read's signal is made only if an adapter asks for it).
 */
export interface CallerContext {
  signal: Abortable;
  requestId?: string;
  actor?: string;
}

/**
 * A call as its maker asks for it; the choke point gives it its own cancellation and `abort`,
 * unless its maker hands it `cancel`: a cancellation made for this call alone (a shared
 * read's, see single-flight). The call then ends through that instead of one derived from it, and
 * whoever handed it aborts it once the call has returned.
 */
export type CallOrder = Omit<ProviderCall, 'abort' | 'ctx'> & {
  readonly ctx: Readonly<CallerContext>;
  readonly cancel?: CallCancel;
  /**
   * Told what the provider took to answer this read, from the adapter called to its answer: the
   * loader whose batch makes it keeps that (`ReadLatencies`), or adds it up when its batch makes
   * several calls.
   */
  readonly took?: (ms: number) => void;
};

/**
 * Where a context carries a cancellation to hand to the one call made with it (`CallOrder`): the
 * first call made with the context takes it, any further one derives its own signal as usual.
 */
export const HANDED_CANCEL = Symbol('handed cancel');
export type HandingContext = CallContext & { [HANDED_CANCEL]?: CallCancel | undefined };

/** The cancellation `ctx` hands to one call, taken off it; undefined when there is none (left). */
export function takeCancel(ctx: CallContext): CallCancel | undefined {
  const handing = ctx as HandingContext;
  const cancel = handing[HANDED_CANCEL];
  if (cancel) handing[HANDED_CANCEL] = undefined;
  return cancel;
}

/**
 * Wraps every provider call: inspect or refuse it (throw), end it early (`call.abort`) and call
 * `next` at most once. A read's error becomes that read's error; a write's error
 * reaches the mutation as it would from the adapter.
 */
export type CallMiddleware = (call: ProviderCall, next: (call: ProviderCall) => Promise<unknown>) => Promise<unknown>;

export class ProviderCalls {
  /** The cancellations of reads under way, so stopping the gateway can end them instead of waiting for them. */
  private readonly reads = new Set<CallCancel>();
  private stopped: Error | undefined;

  constructor(private readonly middleware: readonly CallMiddleware[] = []) {}

  /**
   * The gateway is stopping: reads under way end now and no read is made from here on, so a
   * request waiting on a slow or hanging provider is answered (`CANCELLED` on what is left)
   * instead of having its connection cut. Writes under way go on: their outcome at the provider
   * would be unknown if they were cut.
   */
  stop(reason: Error): void {
    this.stopped = reason;
    for (const read of [...this.reads]) read.abort(reason);
    this.reads.clear();
  }

  /**
   * Runs `fn` (the adapter call) through the middleware, then meters it as it reaches the adapter.
   * One cancellation per call serves every reason to end it (the caller leaving, a deadline, a
   * time-out, the call having returned): signals derived per reason cost more than the call itself.
   * A handed one (`CallOrder`) is that one. Its signal is made only if someone reads `ctx.signal`
   * (`CallCancel`), so a call nobody took it for ends without one being made or aborted. A call
   * whose caller has already gone (its client left, the gateway is stopping) is not made.
   */
  run<R>(order: CallOrder, fn: (ctx: ProviderCall['ctx']) => Promise<R>): Promise<R> {
    const caller = order.ctx.signal;
    if (caller.aborted) return Promise.reject(cancelled(order));
    if (this.stopped && !order.write) return Promise.reject(cancelled(order, this.stopped));
    const handed = order.cancel;
    const cancel = handed ?? new CallCancel();
    const follow = () => cancel.abort(caller.reason);
    if (!handed) caller.addEventListener('abort', follow, { once: true });
    // Written out, not `{ ...order, abort }`: see `stamp` (src/data/stamp.ts) for what a spread
    // followed by a new property costs on Node 20, once per provider call here.
    if (!order.write) this.reads.add(cancel);
    const call: ProviderCall = {
      provider: order.provider,
      capability: order.capability,
      operation: order.operation,
      items: order.items,
      write: order.write,
      cause: order.cause,
      scope: order.scope,
      ctx: new ProviderCallContext(cancel, order.ctx.requestId, order.ctx.actor),
      abort: (reason) => cancel.abort(reason),
      ...(order.targets ? { targets: order.targets } : {}),
    };
    const { took } = order;
    const reach = (final: ProviderCall): Promise<unknown> => {
      recordProviderCall(final.provider, final.capability, final.operation, final.cause, final.items);
      if (took === undefined) return fn(final.ctx);
      // Timed from here, past the middleware (a queue for the provider's concurrency cap among
      // them), to the adapter's answer: what the provider takes, not what the gateway's own work
      // and a busy event loop add between a batch leaving its loader and its call being made.
      const started = performance.now();
      const answer = fn(final.ctx);
      const timed = () => took(performance.now() - started);
      answer.then(timed, timed);
      return answer;
    };
    const chain = this.middleware.reduceRight<(c: ProviderCall) => Promise<unknown>>(
      (next, middleware) => (c) => middleware(c, next),
      reach,
    );
    const done = () => {
      this.reads.delete(cancel);
      if (handed) return;
      caller.removeEventListener('abort', follow);
      // Whatever the adapter left running for this call (a page it no longer needs) stops too.
      cancel.abort(RETURNED);
    };
    // Whether the gateway's stop ended this call: then its failures (thrown, or an error per item)
    // are that, not the provider's.
    const endedByStop = () => this.stopped !== undefined && cancel.reason === this.stopped;
    return chain(call).then(
      (result) => {
        const ended = endedByStop() && Array.isArray(result) ? endedBy(order, this.stopped as Error) : undefined;
        done();
        return (ended ? (result as unknown[]).map((item) => (item instanceof Error ? ended : item)) : result) as R;
      },
      (err: unknown) => {
        const ended = endedByStop() ? endedBy(order, this.stopped as Error) : undefined;
        done();
        throw ended ?? err;
      },
    );
  }
}

/** The reason a call's signal aborts once the call has returned; one object for every call. */
export const RETURNED = new DOMException('the provider call has returned', 'AbortError');

function cancelled(call: CallOrder, reason: unknown = call.ctx.signal.reason): Error {
  const why = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return gatewayError(
    'CANCELLED',
    `${call.provider} was not called for ${call.capability}: its ${call.cause} was cancelled${why}`,
    { provider: call.provider, capability: call.capability },
  );
}

/** A read ended under way because the gateway is stopping. */
function endedBy(call: CallOrder, reason: Error): Error {
  return gatewayError('CANCELLED', `${call.provider}'s ${call.capability} read was ended: ${reason.message}`, {
    provider: call.provider,
    capability: call.capability,
  });
}

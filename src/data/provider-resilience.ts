/**
 * Each provider instance behind its own circuit breaker and concurrency cap (cockatiel), as floor
 * middleware so every call to it passes them, whoever makes it. A provider that keeps failing is
 * left alone for a while: its calls fail at once with PROVIDER_UNAVAILABLE and `retryAfter`, then
 * one probe call is let through and its outcome closes or reopens the breaker. A slow or hanging
 * provider holds only its own slots and its own bounded queue, never another provider's, so the
 * rest of a query, and other users' queries, keep their data. Nothing here retries: adapters retry
 * reads where the provider says so; writes are never retried, and a write that waited too long in
 * the queue is dropped unsent rather than sent late.
 */
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  type IHalfOpenAfterBackoffContext,
} from 'cockatiel';
import { GraphQLError } from 'graphql';
import { AdapterError, cancelOf } from '../../adapters/contract/index.js';
import { LIMITS, type Limits } from '../limits.js';
import type { CallMiddleware, ProviderCall } from './calls.js';
import { recordRejectedCall, watchResilience } from './provider-metrics.js';

export type ResilienceLimits = Pick<
  Limits,
  | 'providerMaxConcurrent'
  | 'providerMaxQueued'
  | 'providerQueueTimeoutMs'
  | 'providerCallTimeoutMs'
  | 'providerBreakerFailures'
  | 'providerBreakerHalfOpenMs'
>;

/** A breaker's state as `/metrics` and `providers { health { circuit } }` show it. */
export type CircuitStatus = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface ProviderLoad {
  provider: string;
  circuit: CircuitStatus;
  active: number;
  queued: number;
}

/** Why a call was refused without reaching its provider. */
export type RefusalReason = 'circuit_open' | 'probe_in_flight' | 'queue_full' | 'queue_timeout';

const STATUS: Record<CircuitState, CircuitStatus> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  [CircuitState.Isolated]: 'OPEN',
};

/**
 * The caller left or its deadline passed: not the provider's fault, so never a breaker failure. A
 * cancelled probe is no success either: it proves nothing, so the breaker opens again with its
 * next probe due at once.
 */
class Cancelled extends Error {
  constructor(
    /** What the call came to: an error it threw, or the answer it gave (an error per item). */
    readonly outcome: { thrown: unknown } | { answer: unknown },
    readonly probe: boolean,
  ) {
    super('cancelled by the caller');
  }
}

class QueueTimeout extends Error {}

/** The per-call time-out passed: the provider's fault, unlike the caller's cancellation. */
class CallTimeout extends Error {}

/** What the provider did wrong, as opposed to what the caller asked wrongly or a refusal of ours. */
function isProviderFailure(err: unknown): boolean {
  // Cockatiel closes a half-open breaker on any error it is not told to handle.
  if (err instanceof Cancelled) return err.probe;
  if (err instanceof QueueTimeout || err instanceof BulkheadRejectedError) return false;
  if (err instanceof GraphQLError) return false;
  // A listing that still had more after `maxPages` pages: the provider keeps saying "more".
  if (err instanceof AdapterError) return PROVIDER_FAULTS.has(err.code);
  // Unexpected errors, and the per-call time-out.
  return true;
}

const PROVIDER_FAULTS = new Set<AdapterError['code']>(['PROVIDER_ERROR', 'TIMEOUT', 'TOO_MANY_PAGES']);

/**
 * Adapters answer many queries in one call with an error per query, so a provider that is down
 * usually answers with errors rather than throwing: a call all of whose answers are errors, one of
 * them the provider's, failed too.
 */
function isFailedAnswer(result: unknown): boolean {
  return (
    Array.isArray(result) &&
    result.length > 0 &&
    result.every((r) => r instanceof Error) &&
    result.some((r) => isProviderFailure(r))
  );
}

class ProviderGuard {
  readonly breaker: CircuitBreakerPolicy;
  readonly bulkhead: ReturnType<typeof bulkhead>;
  /** How long the breaker stays open this time: no time at all after a cancelled probe. */
  private openFor: number;

  constructor(limits: ResilienceLimits) {
    this.openFor = limits.providerBreakerHalfOpenMs;
    const halfOpenAfter = new DelegateBackoff<IHalfOpenAfterBackoffContext>(({ result }) => {
      const cancelledProbe = 'error' in result && result.error instanceof Cancelled;
      this.openFor = cancelledProbe ? 0 : limits.providerBreakerHalfOpenMs;
      return this.openFor;
    });
    this.breaker = circuitBreaker(handleWhen(isProviderFailure).orWhenResult(isFailedAnswer), {
      halfOpenAfter,
      breaker: new ConsecutiveBreaker(limits.providerBreakerFailures),
    });
    this.bulkhead = bulkhead(limits.providerMaxConcurrent, limits.providerMaxQueued);
  }

  get circuit(): CircuitStatus {
    return STATUS[this.breaker.state];
  }

  /** Milliseconds until an open breaker lets its probe through. */
  msUntilProbe(): number {
    const { ownState } = this.breaker.toJSON() as { ownState: { value: CircuitState; openedAt?: number } };
    if (ownState.value !== CircuitState.Open || ownState.openedAt === undefined) return 0;
    return Math.max(0, ownState.openedAt + this.openFor - Date.now());
  }
}

export class ProviderResilience {
  private readonly guards = new Map<string, ProviderGuard>();

  /** `providers`: instances known up front, so their breakers show as closed before any call. */
  constructor(
    private readonly limits: ResilienceLimits,
    providers: readonly string[] = [],
  ) {
    for (const provider of providers) this.guard(provider);
    watchResilience(this);
  }

  /** The floor middleware: breaker outermost, then the queue, then the per-call time-out. */
  readonly middleware: CallMiddleware = (call, next) => this.run(call, next);

  circuit(provider: string): CircuitStatus {
    return this.guards.get(provider)?.circuit ?? 'CLOSED';
  }

  load(): ProviderLoad[] {
    return [...this.guards].map(([provider, guard]) => ({
      provider,
      circuit: guard.circuit,
      active: this.limits.providerMaxConcurrent - guard.bulkhead.executionSlots,
      queued: this.limits.providerMaxQueued - guard.bulkhead.queueSlots,
    }));
  }

  private guard(provider: string): ProviderGuard {
    let guard = this.guards.get(provider);
    if (!guard) {
      guard = new ProviderGuard(this.limits);
      this.guards.set(provider, guard);
    }
    return guard;
  }

  private async run(call: ProviderCall, next: (call: ProviderCall) => Promise<unknown>): Promise<unknown> {
    const guard = this.guard(call.provider);
    // Whether the call has ended, read without making its signal (`cancelOf`).
    const caller = cancelOf(call.ctx);
    // Cockatiel makes calls wait for a half-open probe; a waiting line without a bound is what
    // this module exists to prevent, so they fail at once instead.
    if (guard.breaker.state === CircuitState.HalfOpen) throw this.refused(call, 'probe_in_flight', 1);
    // An open breaker either refuses a call or lets it through as its probe.
    const probe = guard.breaker.state === CircuitState.Open;
    try {
      return await guard.breaker.execute(async () => {
        let answer: unknown;
        try {
          answer = await this.queued(guard, call, next);
        } catch (err) {
          throw caller.aborted && !(err instanceof QueueTimeout || err instanceof CallTimeout)
            ? new Cancelled({ thrown: err }, probe)
            : err;
        }
        // Adapters answer a cancelled call with an error per item as often as they throw.
        if (caller.aborted && isFailedAnswer(answer)) throw new Cancelled({ answer }, probe);
        return answer;
      });
    } catch (err) {
      if (err instanceof Cancelled) {
        if ('answer' in err.outcome) return err.outcome.answer;
        throw err.outcome.thrown;
      }
      if (err instanceof BrokenCircuitError) {
        throw this.refused(call, 'circuit_open', guard.msUntilProbe() / 1000);
      }
      if (err instanceof BulkheadRejectedError) throw this.refused(call, 'queue_full', 1);
      if (err instanceof QueueTimeout) throw this.refused(call, 'queue_timeout', 1);
      if (err instanceof CallTimeout) throw this.timedOut(call);
      throw err;
    }
  }

  /**
   * Waits for a slot for at most the queue time-out (and never past the caller's own deadline),
   * then runs the call under the per-call time-out. A call dropped from the queue is never sent.
   */
  private queued(
    guard: ProviderGuard,
    call: ProviderCall,
    next: (call: ProviderCall) => Promise<unknown>,
  ): Promise<unknown> {
    const ended = cancelOf(call.ctx);
    // A free slot: the call starts at once, with nothing to wait for. Cockatiel only asks the
    // signal whether the call has already ended then, so only an ended call has its signal made.
    if (guard.bulkhead.executionSlots > 0) {
      return guard.bulkhead.execute(() => this.timed(call, next), ended.aborted ? call.ctx.signal : undefined);
    }
    const caller = call.ctx.signal;
    const waiting = AbortSignal.any([caller, AbortSignal.timeout(this.limits.providerQueueTimeoutMs)]);
    return new Promise<unknown>((resolve, reject) => {
      let started = false;
      // Cockatiel keeps a queued call until a slot frees (and then drops it unsent, its signal
      // aborted), but the caller is answered as soon as it stops waiting.
      const giveUp = () => {
        if (!started) reject(caller.aborted ? caller.reason : new QueueTimeout());
      };
      waiting.addEventListener('abort', giveUp, { once: true });
      guard.bulkhead
        .execute(() => {
          started = true;
          waiting.removeEventListener('abort', giveUp);
          return this.timed(call, next);
        }, waiting)
        .then(resolve, reject)
        .finally(() => waiting.removeEventListener('abort', giveUp));
    });
  }

  /**
   * Once sent, only the caller's signal and the per-call time-out end a call. Past the time-out it
   * fails at once and is ended (its signal aborts), even if the adapter ignores its signal.
   */
  private timed(call: ProviderCall, next: (call: ProviderCall) => Promise<unknown>): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new CallTimeout();
        reject(error);
        call.abort(error);
      }, this.limits.providerCallTimeoutMs);
      next(call).then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  private refused(call: ProviderCall, reason: RefusalReason, retryAfterSeconds: number): GraphQLError {
    recordRejectedCall(call.provider, reason);
    const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
    const { limits } = this;
    const why: Record<RefusalReason, string> = {
      circuit_open: `its circuit breaker is open after ${limits.providerBreakerFailures} consecutive failures (${LIMITS.providerBreakerFailures.variable})`,
      probe_in_flight: 'its circuit breaker is half-open and a probe call is in flight',
      queue_full: `${limits.providerMaxConcurrent} calls are in flight (${LIMITS.providerMaxConcurrent.variable}) and ${limits.providerMaxQueued} waiting (${LIMITS.providerMaxQueued.variable})`,
      queue_timeout: `the call waited ${limits.providerQueueTimeoutMs} ms for one of its ${limits.providerMaxConcurrent} slots (${LIMITS.providerQueueTimeoutMs.variable}) and was not sent`,
    };
    return new GraphQLError(
      `${call.provider} is unavailable for ${call.capability}: ${why[reason]}; retry after ${retryAfter} s`,
      {
        extensions: {
          code: 'PROVIDER_UNAVAILABLE',
          provider: call.provider,
          capability: call.capability,
          reason: reason.toUpperCase(),
          retryAfter,
        },
      },
    );
  }

  private timedOut(call: ProviderCall): GraphQLError {
    const { variable, code } = LIMITS.providerCallTimeoutMs;
    return new GraphQLError(
      `${call.provider} did not answer ${call.capability} within ${this.limits.providerCallTimeoutMs} ms (${variable})`,
      {
        extensions: {
          code,
          provider: call.provider,
          capability: call.capability,
          limit: variable,
          max: this.limits.providerCallTimeoutMs,
        },
      },
    );
  }
}

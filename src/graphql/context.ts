/**
 * What every resolver receives: who is asking (`caller`), the request's own view of the data floor
 * (`data`, so caching never leaks between requests and every provider call goes through the floor,
 * where the caller is authorized) and a logger tagged with the request ID.
 */

import { CallCancel } from '../../adapters/contract/index.js';
import type { AuditLog } from '../auth/audit.js';
import type { Caller, Principal } from '../auth/principal.js';
import type { DataFloor, RequestData } from '../data/floor.js';
import type { Logger } from '../logger.js';

export interface GatewayContext {
  requestId: string;
  caller: Caller;
  data: RequestData;
  logger: Logger;
  /**
   * Aborts when the client leaves (the HTTP request, the WebSocket operation); absent when it
   * cannot. Made when first read: the request's provider calls follow its `CallCancel` instead.
   */
  readonly signal?: AbortSignal | undefined;
}

export interface ContextDeps {
  floor: DataFloor;
  logger: Logger;
  audit: AuditLog;
  /** Whether introspection may run at all (it also needs the `read` scope). */
  introspection: boolean;
}

/**
 * The logger and the floor view are made on first use: an idle subscription holds a context for as
 * long as it lives and may never touch either, and most requests never log at their own level. They
 * are getters on the prototype because Apollo Server copies a request's context with
 * `Object.assign`, which would call getters defined on the object itself.
 */
class LazyContext implements GatewayContext {
  private madeLogger: Logger | undefined;
  private madeData: RequestData | undefined;
  /**
   * A subscription's own (when no cancellation was given), made with its floor view or when
   * `signal` is read: an idle subscription needs neither. Kept once handed out, so `signal` stays
   * the same.
   */
  private ending: CallCancel | undefined;
  private endingHandedOut = false;
  readonly caller: Caller;

  constructor(
    private readonly deps: ContextDeps,
    readonly requestId: string,
    private readonly given: CallCancel | AbortSignal | undefined,
    principal: Principal,
  ) {
    this.caller = { principal };
  }

  get signal(): AbortSignal {
    const given = this.given;
    if (given) return given instanceof CallCancel ? given.signal : given;
    this.endingHandedOut = true;
    return this.ownCancel().signal;
  }

  get logger(): Logger {
    this.madeLogger ??= this.deps.logger.child({ requestId: this.requestId });
    return this.madeLogger;
  }

  get data(): RequestData {
    this.madeData ??= this.deps.floor.forRequest(this.requestId, this.given ?? this.ownCancel(), this.caller);
    return this.madeData;
  }

  releaseData(): void {
    this.madeData = undefined;
    if (!this.endingHandedOut) this.ending = undefined;
  }

  end(): void {
    this.ending?.abort();
    this.madeData = undefined;
  }

  private ownCancel(): CallCancel {
    this.ending ??= new CallCancel();
    return this.ending;
  }
}

export function createContext(
  deps: ContextDeps,
  requestId: string,
  principal: Principal,
  cancel?: CallCancel | AbortSignal,
): GatewayContext {
  return new LazyContext(deps, requestId, cancel, principal);
}

/**
 * A subscription's context: its provider calls stop when `endContext` is called (the subscription
 * completed or its socket closed), and what they hold is made only when a call is made.
 */
export function createSubscriptionContext(deps: ContextDeps, requestId: string, principal: Principal): GatewayContext {
  return new LazyContext(deps, requestId, undefined, principal);
}

/**
 * Lets go of the context's view of the data floor and what it cached, without stopping anything; a
 * later use makes a fresh one. A subscription's context lives as long as the subscription, which
 * needs the reads its start made (the incident it watches) only until it has started.
 */
export function releaseData(ctx: GatewayContext): void {
  if (ctx instanceof LazyContext) ctx.releaseData();
}

/** Stops the provider calls a subscription context has under way. */
export function endContext(ctx: GatewayContext): void {
  if (ctx instanceof LazyContext) ctx.end();
}

/**
 * What every resolver receives: who is asking (`caller`), the request's own view of the data floor
 * (`data`, so caching never leaks between requests and every provider call goes through the floor,
 * where the caller is authorized) and a logger tagged with the request ID.
 */

import type { AuditLog } from '../auth/audit.js';
import type { Caller, Principal } from '../auth/principal.js';
import type { DataFloor, RequestData } from '../data/floor.js';
import type { Logger } from '../logger.js';

export interface GatewayContext {
  requestId: string;
  caller: Caller;
  data: RequestData;
  logger: Logger;
  /** Aborts when the client leaves (the HTTP request, the WebSocket operation); absent when it cannot. */
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
  readonly caller: Caller;

  constructor(
    private readonly deps: ContextDeps,
    readonly requestId: string,
    readonly signal: AbortSignal | undefined,
    principal: Principal,
  ) {
    this.caller = { principal };
  }

  get logger(): Logger {
    this.madeLogger ??= this.deps.logger.child({ requestId: this.requestId });
    return this.madeLogger;
  }

  get data(): RequestData {
    this.madeData ??= this.deps.floor.forRequest(this.requestId, this.signal, this.caller);
    return this.madeData;
  }

  releaseData(): void {
    this.madeData = undefined;
  }
}

/**
 * Lets go of the context's view of the data floor and what it cached; a later use makes a fresh
 * one. A subscription's context lives as long as the subscription, which needs the reads its
 * start made (the incident it watches) only until it has started.
 */
export function releaseData(ctx: GatewayContext): void {
  if (ctx instanceof LazyContext) ctx.releaseData();
}

export function createContext(
  deps: ContextDeps,
  requestId: string,
  principal: Principal,
  signal?: AbortSignal,
): GatewayContext {
  return new LazyContext(deps, requestId, signal, principal);
}

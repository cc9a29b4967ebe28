/**
 * The per-request bounds on provider work, as floor middleware so every call a request causes
 * passes them: a budget of call items (each call counts its IDs or queries, since adapters without
 * a batch endpoint make one upstream request per item) and a deadline that aborts what is still
 * outstanding. Past either, the call fails with its own code and the request's other fields keep
 * the data they already have. Background work (webhooks, polls, adapter events) has its own
 * deadline in the floor and no budget.
 */
import { GraphQLError } from 'graphql';
import { LIMITS, type Limits } from '../limits.js';
import type { CallMiddleware, CallScope } from './calls.js';

export type RequestLimits = Pick<Limits, 'maxProviderCalls' | 'requestTimeoutMs'>;

interface RequestState {
  spent: number;
  /** When the request's deadline passes, on the `performance.now()` clock. */
  endsAt: number;
  /** The calls still outstanding, each ended when the deadline passes. */
  outstanding: Set<(reason: unknown) => void>;
  /** Armed only while calls are outstanding: a request that has finished holds no timer. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function requestLimits(limits: RequestLimits): CallMiddleware {
  const states = new WeakMap<CallScope, RequestState>();
  return (call, next) => {
    if (call.cause !== 'request') return next(call);
    let state = states.get(call.scope);
    if (!state) {
      state = {
        spent: 0,
        endsAt: performance.now() + limits.requestTimeoutMs,
        outstanding: new Set(),
        timer: undefined,
      };
      states.set(call.scope, state);
    }
    const where = { provider: call.provider, capability: call.capability };
    if (state.spent + call.items > limits.maxProviderCalls) {
      const { variable, code, description, unit } = LIMITS.maxProviderCalls;
      const wanted = state.spent + call.items;
      return Promise.reject(
        new GraphQLError(
          `${description}: ${wanted} ${unit} is ${wanted - limits.maxProviderCalls} over the limit of ${limits.maxProviderCalls} (${variable}); ${call.provider} was not called for ${call.capability}`,
          { extensions: { code, limit: variable, max: limits.maxProviderCalls, actual: wanted, ...where } },
        ),
      );
    }
    state.spent += call.items;
    const timedOut = () => {
      const { variable, code } = LIMITS.requestTimeoutMs;
      return new GraphQLError(
        `the request's deadline of ${limits.requestTimeoutMs} ms (${variable}) passed before ${call.provider} answered ${call.capability}`,
        { extensions: { code, limit: variable, max: limits.requestTimeoutMs, ...where } },
      );
    };
    const passed = (request: RequestState) => performance.now() >= request.endsAt;
    if (passed(state)) return Promise.reject(timedOut());
    const request = state;
    // Answered at the deadline as well as ended: an adapter that ignores its signal still cannot
    // hold the request.
    return new Promise((resolve, reject) => {
      const expire = (reason: unknown) => {
        reject(timedOut());
        call.abort(reason);
      };
      watch(request, expire);
      next(call).then(
        (result) => {
          unwatch(request, expire);
          resolve(result);
        },
        (err: unknown) => {
          unwatch(request, expire);
          reject(passed(request) ? timedOut() : err);
        },
      );
    });
  };
}

function watch(request: RequestState, expire: (reason: unknown) => void): void {
  request.outstanding.add(expire);
  request.timer ??= setTimeout(
    () => {
      request.timer = undefined;
      const reason = new DOMException("the request's deadline passed", 'TimeoutError');
      const ending = [...request.outstanding];
      request.outstanding.clear();
      for (const end of ending) end(reason);
    },
    Math.max(0, request.endsAt - performance.now()),
  ).unref();
}

function unwatch(request: RequestState, expire: (reason: unknown) => void): void {
  request.outstanding.delete(expire);
  if (request.outstanding.size === 0 && request.timer) {
    clearTimeout(request.timer);
    request.timer = undefined;
  }
}

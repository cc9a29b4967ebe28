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
  deadline: AbortSignal;
}

export function requestLimits(limits: RequestLimits): CallMiddleware {
  const states = new WeakMap<CallScope, RequestState>();
  return async (call, next) => {
    if (call.cause !== 'request') return next(call);
    let state = states.get(call.scope);
    if (!state) {
      state = { spent: 0, deadline: AbortSignal.timeout(limits.requestTimeoutMs) };
      states.set(call.scope, state);
    }
    const where = { provider: call.provider, capability: call.capability };
    if (state.spent + call.items > limits.maxProviderCalls) {
      const { variable, code, description, unit } = LIMITS.maxProviderCalls;
      const wanted = state.spent + call.items;
      throw new GraphQLError(
        `${description}: ${wanted} ${unit} is ${wanted - limits.maxProviderCalls} over the limit of ${limits.maxProviderCalls} (${variable}); ${call.provider} was not called for ${call.capability}`,
        { extensions: { code, limit: variable, max: limits.maxProviderCalls, actual: wanted, ...where } },
      );
    }
    state.spent += call.items;
    const deadline = state.deadline;
    const timedOut = () => {
      const { variable, code } = LIMITS.requestTimeoutMs;
      return new GraphQLError(
        `the request's deadline of ${limits.requestTimeoutMs} ms (${variable}) passed before ${call.provider} answered ${call.capability}`,
        { extensions: { code, limit: variable, max: limits.requestTimeoutMs, ...where } },
      );
    };
    if (deadline.aborted) throw timedOut();
    // Raced as well as signalled: an adapter that ignores its signal still cannot hold the request.
    let onDeadline: () => void = () => undefined;
    const expired = new Promise<never>((_, reject) => {
      onDeadline = () => {
        reject(timedOut());
        call.abort(deadline.reason);
      };
      deadline.addEventListener('abort', onDeadline, { once: true });
    });
    try {
      return await Promise.race([next(call), expired]);
    } catch (err) {
      throw deadline.aborted ? timedOut() : err;
    } finally {
      deadline.removeEventListener('abort', onDeadline);
    }
  };
}

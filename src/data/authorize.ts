/**
 * Authorization and audit at the floor's choke point: a provider read made for a request needs
 * the `read` scope and a write needs `write`; a refused call costs only the field that made it
 * (`FORBIDDEN` with its capability). Every write, and every refusal, leaves one audit line; reads
 * do too when read auditing is on. Calls made for webhooks, polls and adapter events act for the
 * gateway itself and are not subject to a caller's scopes.
 */
import { GraphQLError } from 'graphql';
import type { AuditLog } from '../auth/audit.js';
import { gatewayError } from '../graphql/errors.js';
import type { CallMiddleware, ProviderCall } from './calls.js';

export function authorizeCalls(audit: AuditLog): CallMiddleware {
  return async (call, next) => {
    if (call.cause !== 'request') return next(call);
    const need = call.write ? 'write' : 'read';
    const action = `${call.capability}.${call.operation}`;
    if (!call.scope.caller?.principal.scopes.has(need)) {
      const error = gatewayError(
        'FORBIDDEN',
        `the ${need} scope is needed to ${call.write ? 'change' : 'read'} ${call.capability} data`,
        {
          capability: call.capability,
          provider: call.provider,
        },
      );
      audit.record({ ...lineOf(call, action), outcome: 'denied', errorCode: 'FORBIDDEN' });
      throw error;
    }
    if (!call.write && !audit.reads) return next(call);
    const started = performance.now();
    try {
      const result = await next(call);
      audit.record({
        ...lineOf(call, action),
        ...(call.targets ? {} : { targets: idsOf(result) }),
        outcome: 'ok',
        durationMs: elapsed(started),
      });
      return result;
    } catch (err) {
      audit.record({ ...lineOf(call, action), outcome: 'error', errorCode: codeOf(err), durationMs: elapsed(started) });
      throw err;
    }
  };
}

function lineOf(call: ProviderCall, action: string) {
  return {
    requestId: call.ctx.requestId,
    actor: call.scope.caller?.principal.actor ?? null,
    operation: call.scope.caller?.operation,
    action: call.write ? action : `read ${action}`,
    targets: call.targets ?? [],
    provider: call.provider,
  };
}

/** The record a write answered names its own target (a created incident, a started run). */
function idsOf(result: unknown): string[] {
  if (typeof result !== 'object' || result === null) return [];
  const id = (result as { id?: unknown }).id;
  return typeof id === 'string' ? [id] : [];
}

function codeOf(err: unknown): string {
  if (err instanceof GraphQLError && typeof err.extensions.code === 'string') return err.extensions.code;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'PROVIDER_ERROR';
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

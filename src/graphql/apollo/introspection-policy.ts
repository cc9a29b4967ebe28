/**
 * Introspection follows one policy: allowed when the gateway allows it (on for loopback and
 * development, off in production unless `OPSORCH_INTROSPECTION=true`), and never for a caller
 * without the `read` scope. `__typename` is not introspection and is always allowed.
 */
import { type DocumentNode, GraphQLError, NoSchemaIntrospectionCustomRule, validate } from 'graphql';
import type { OperationStep } from './request-steps.js';

export function introspectionPolicy(allowed: boolean): OperationStep {
  // Whether a document asks for introspection depends on the document alone, and the document
  // cache hands out one parsed document per text: each is validated once, not on every request
  // (a validation walks the whole document, hundreds of microseconds for a console's page). An
  // entry lives as long as its document, which the document cache bounds.
  const introspects = new WeakMap<DocumentNode, boolean>();
  return ({ document, schema, contextValue }) => {
    if (allowed && contextValue.caller.principal.scopes.has('read')) return;
    let asks = introspects.get(document);
    if (asks === undefined) {
      asks = validate(schema, document, [NoSchemaIntrospectionCustomRule]).length > 0;
      introspects.set(document, asks);
    }
    if (!asks) return;
    throw new GraphQLError('Introspection is not allowed for this caller', {
      extensions: { code: 'FORBIDDEN', http: { status: 403 } },
    });
  };
}

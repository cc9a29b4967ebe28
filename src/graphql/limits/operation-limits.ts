/**
 * The per-operation limits (depth, aliases, root fields, cost), checked once the operation and
 * its variables are known and before anything executes, so a rejected operation never reaches a
 * provider. HTTP runs them as a step of its Apollo plugin; WebSocket and SSE go through `admitOperation`.
 */
import { type DocumentNode, type ExecutionArgs, type GraphQLError, type GraphQLSchema, getOperationAST } from 'graphql';
import type { Limits } from '../../limits.js';
import type { OperationStep } from '../apollo/request-steps.js';
import type { DocumentCache } from '../document-cache.js';
import { limitExceeded } from './limit-error.js';
import { measureOperation } from './operation-costs.js';

export type OperationLimits = Pick<Limits, 'maxDepth' | 'maxAliases' | 'maxRootFields' | 'maxCost'>;

export function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: OperationLimits,
): GraphQLError | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const measured = measureOperation(schema, document, operation, variables ?? {});
  const checks = [
    ['maxDepth', measured.depth],
    ['maxAliases', measured.aliases],
    ['maxRootFields', measured.rootFields],
    ['maxCost', measured.cost],
  ] as const;
  for (const [name, actual] of checks) {
    if (actual > limits[name]) return limitExceeded(name, actual, limits[name], { httpStatus: 400 });
  }
  return undefined;
}

/** The limits as a step of every HTTP request (`request-steps.ts`). */
export function operationLimits(limits: OperationLimits): OperationStep {
  return ({ schema, document, operationName, request }) => {
    const error = checkOperation(schema, document, operationName, request.variables, limits);
    if (error) throw error;
  };
}

export interface OperationRequest {
  query: string;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

/**
 * What WebSocket and SSE run before executing anything: the document from the shared cache (or
 * parsed within the size and token limits), the operation limits for these variables, and only
 * then validation, since validating a fragment bomb is itself the expensive part.
 */
export function admitOperation(
  documents: DocumentCache,
  schema: GraphQLSchema,
  request: OperationRequest,
  limits: OperationLimits,
): { args: ExecutionArgs } | { errors: readonly GraphQLError[] } {
  const variables = request.variables ?? {};
  const limit = (document: DocumentNode) => checkOperation(schema, document, request.operationName, variables, limits);
  let checked = false;
  const found = documents.document(request.query, (document) => {
    checked = true;
    return limit(document);
  });
  if ('errors' in found) return found;
  // A cached document was checked with other variables: its cost depends on these ones.
  const limited = checked ? undefined : limit(found.document);
  if (limited) return { errors: [limited] };
  return {
    args: {
      schema,
      document: found.document,
      variableValues: variables,
      ...(request.operationName ? { operationName: request.operationName } : {}),
    },
  };
}

/**
 * Apollo Server's one seam for another executor is its `gateway` option: a gateway hands Apollo the
 * schema and an executor, and Apollo runs everything else as before (parsing and the document
 * store, validation, persisted queries, every plugin hook up to `didResolveOperation` and from
 * `executionDidStart` on, error formatting). Only execution itself changes hands: to
 * `CompiledOperations` (graphql-jit, graphql-js where that answers differently).
 *
 * What changes for plugins: `willResolveField` fires only for requests graphql-js executes; the
 * only plugin here that uses it is federation's inline trace, and a request it traces is sent to
 * graphql-js (`metrics.captureTraces`).
 */
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { CompiledOperations } from '../compiled-operations.js';

type GatewayInterface = ApolloServerOptionsWithGateway<never>['gateway'];

export function compiledExecution(schema: GraphQLSchema, operations: CompiledOperations): GatewayInterface {
  return {
    async load() {
      return {
        executor: async ({ document, operation, operationName, request, context, metrics }) =>
          operations.execute({
            document,
            // Apollo calls this without an operation when none matches the request's name.
            operation: operation as typeof operation | undefined,
            operationName: request.operationName ?? operationName,
            variables: request.variables,
            contextValue: context,
            interpreted: metrics.captureTraces === true,
          }),
      };
    },
    // The schema never changes: Apollo gets it once, as it would from its `schema` option.
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {},
  };
}

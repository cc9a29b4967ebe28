/**
 * The gateway's per-request work inside Apollo Server, as one plugin. Apollo runs each of its
 * request hooks over every plugin that returned a listener, awaiting them together (a promise per
 * listener and per hook, and a `Promise.all` per hook even for listeners without it): six small
 * plugins cost about 80 promises a request before and after any resolver. One listener with only
 * the two hooks the gateway uses costs two. The steps run in the order the plugins were listed
 * and, as under `Promise.all`, every step runs and the first error thrown is the request's.
 */
import type {
  ApolloServerPlugin,
  GraphQLRequestContextDidResolveOperation,
  GraphQLRequestContextWillSendResponse,
} from '@apollo/server';
import type { GatewayContext } from '../context.js';

/** Before execution, once the operation is known: may refuse the request by throwing. */
export type OperationStep = (request: GraphQLRequestContextDidResolveOperation<GatewayContext>) => void;

/** As the response is sent; `startedMs` is `performance.now()` when Apollo started the request. */
export type ResponseStep = (request: GraphQLRequestContextWillSendResponse<GatewayContext>, startedMs: number) => void;

export function requestStepsPlugin(
  operationSteps: readonly OperationStep[],
  responseSteps: readonly ResponseStep[],
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async didResolveOperation(request) {
          runAll(operationSteps, (step) => step(request));
        },
        async willSendResponse(request) {
          runAll(responseSteps, (step) => step(request, started));
        },
      };
    },
  };
}

function runAll<T>(steps: readonly T[], run: (step: T) => void): void {
  let first: { error: unknown } | undefined;
  for (const step of steps) {
    try {
      run(step);
    } catch (error) {
      first ??= { error };
    }
  }
  if (first) throw first.error;
}

/**
 * A subscription sent as a plain HTTP request (not SSE) is the client's mistake: it gets a 400
 * naming the transports that serve subscriptions, not an internal error logged with a stack.
 */
import { GraphQLError } from 'graphql';
import type { OperationStep } from './request-steps.js';

export const refuseHttpSubscription: OperationStep = ({ operation }) => {
  if (operation?.operation !== 'subscription') return;
  throw new GraphQLError(
    'Subscriptions are served over WebSocket (graphql-transport-ws) or SSE (Accept: text/event-stream) on /graphql',
    { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
  );
};

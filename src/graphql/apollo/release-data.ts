/**
 * Lets go of a request's view of the data floor once its answer is complete, and of the answer's
 * tree once it is written as text, so what the request read and answered is garbage at the next
 * young-generation collection rather than at the next full one.
 *
 * Apollo Server keeps a request's context reachable from the old generation after the request:
 * for the gateway seam (`compiled-execution.ts`) it hands the executor a request context whose
 * `response.http.status` is an accessor property of an object literal (`get status()`, `set
 * status()` in `makeGatewayGraphQLRequestContext`), the getter and setter closing over Apollo's
 * whole request context, the gateway's context in it included. V8 (Node 20) allocates every
 * accessor pair in the old generation, and a scavenge treats old objects as live: so the closures,
 * the request context and everything reachable from it survive each scavenge until a full
 * collection finds the pair dead, and each scavenge promotes what the one before it kept. With the
 * floor view (its loaders, their cached pages and records) and the answer's tree released here,
 * what stays is Apollo's own request.
 */
import type { FormattedExecutionResult } from 'graphql';
import { releaseData } from '../context.js';
import type { ResponseStep } from './request-steps.js';

/** Listed last: the steps before it may still read the context. */
export const releaseRequestData: ResponseStep = ({ contextValue }) => releaseData(contextValue);

/**
 * Apollo's `stringifyResult`, writing what its default writes (the result as JSON and a newline),
 * then letting go of the result's tree: its text is all that is sent from here, while Apollo's
 * response, the result in it, stays reachable from the same accessor pair. Without this the Core
 * incident page's answer (its metric's points, its log entries, about 13 KB of objects) was promoted
 * with each page (`--trace-gc-nvp`). Runs only where Apollo writes a result as text: after every
 * request step (`willSendResponse`), and never for results delivered otherwise (subscriptions, MCP).
 */
export function stringifyReleasing(result: FormattedExecutionResult): string {
  const text = `${JSON.stringify(result)}\n`;
  const { data } = result;
  if (data) for (const key of Object.keys(data)) data[key] = null;
  return text;
}

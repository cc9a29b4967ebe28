/**
 * Lets go of a request's view of the data floor once its answer is complete, so what the request
 * read is garbage at the next young-generation collection rather than at the next full one.
 *
 * Apollo Server keeps a request's context reachable from the old generation after the request:
 * for the gateway seam (`compiled-execution.ts`) it hands the executor a request context whose
 * `response.http.status` is an accessor property of an object literal (`get status()`, `set
 * status()` in `makeGatewayGraphQLRequestContext`), the getter and setter closing over Apollo's
 * whole request context, the gateway's context in it included. V8 (Node 20) allocates every
 * accessor pair in the old generation, and a scavenge treats old objects as live: so the closures,
 * the request context and everything reachable from it survive each scavenge until a full
 * collection finds the pair dead, and each scavenge promotes what the one before it kept. With the
 * floor view (its loaders, their cached pages and records) released here, what stays is Apollo's
 * own request and the answer: about a third of what a list query promoted.
 */
import { releaseData } from '../context.js';
import type { ResponseStep } from './request-steps.js';

/** Listed last: the steps before it may still read the context. */
export const releaseRequestData: ResponseStep = ({ contextValue }) => releaseData(contextValue);

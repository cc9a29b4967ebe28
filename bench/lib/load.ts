/** autocannon runs against a GraphQL endpoint, reduced to the figures the bench reports. */
import autocannon from 'autocannon';
import { round } from './stats.js';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
}

export async function load(options: {
  url: string;
  body: string | string[];
  seconds: number;
  connections: number;
  /** Fixed request rate (moderate load) instead of as fast as possible. */
  rate?: number;
  /** Counts a 200 whose body carries GraphQL errors as an error too. */
  checkBodies?: boolean;
}): Promise<LoadResult> {
  const bodies = Array.isArray(options.body) ? options.body : [options.body];
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: bodies.map((body) => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } })),
    ...(options.checkBodies ? { verifyBody: (body: string) => !body.includes('"errors"') } : {}),
  });
  return {
    requestsPerSecond: round(result.requests.average, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx + result.mismatches,
  };
}

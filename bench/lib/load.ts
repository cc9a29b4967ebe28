/** autocannon runs against a GraphQL endpoint, reduced to the figures the bench reports. */
import autocannon from 'autocannon';
import { percentile, round } from './stats.js';

export interface LoadResult {
  requestsPerSecond: number;
  /** Of the 2xx answers' times, to the hundredth of a millisecond (autocannon's own are whole milliseconds). */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  /** What the errors were: `graphql CODE: message`, `status N`, or the transport error, with a count each. */
  errorKinds: Record<string, number>;
  /** Requests sent and still unanswered when the run stopped (autocannon drops them, uncounted). */
  inFlightAtStop: number;
}

type GraphQLAnswer = { errors?: { message?: string; extensions?: { code?: string } }[] };

/** One line per distinct error in a body that carries GraphQL errors. */
function graphqlErrorKinds(body: string): string[] {
  try {
    const errors = (JSON.parse(body) as GraphQLAnswer).errors ?? [];
    return errors.map((e) => `graphql ${e.extensions?.code ?? '?'}: ${(e.message ?? '').slice(0, 120)}`);
  } catch {
    return [`unparsable body: ${body.slice(0, 120)}`];
  }
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
  const errorKinds: Record<string, number> = {};
  const count = (kinds: string[]) => {
    for (const kind of new Set(kinds)) errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  const run = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: bodies.map((body) => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } })),
    ...(options.checkBodies ? { verifyBody: (body: string) => !body.includes('"errors"') } : {}),
  });
  run.on('reqMismatch', (body: string) => count(graphqlErrorKinds(body)));
  run.on('reqError', (error: Error) => count([`transport: ${error.message}`]));
  // autocannon's histogram keeps whole milliseconds, too coarse for a p99 of 9 or 10 ms to compare:
  // the same 2xx answers' times are kept here as measured. A run's answers are bounded by its seconds.
  const latencies: number[] = [];
  run.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status < 200 || status > 299) count([`status ${status}`]);
    else latencies.push(ms);
  });
  const result = await run;
  return {
    requestsPerSecond: round(result.requests.average, 1),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx + result.mismatches,
    errorKinds,
    inFlightAtStop: result.requests.sent - result.requests.total - result.errors,
  };
}

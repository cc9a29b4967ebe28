/** The part of autocannon's API the bench uses; the package ships no typings. */
declare module 'autocannon' {
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
    total: number;
  }

  interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }

  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    overallRate?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: Request[];
    verifyBody?: (body: string) => boolean;
    timeout?: number;
  }

  interface Result {
    /** `total` counts the requests answered; `sent` the requests sent. */
    requests: Histogram & { sent: number };
    latency: Histogram;
    throughput: Histogram;
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
  }

  /** A run: awaitable for its result, and an emitter of each answer as it comes. */
  interface Tracker extends PromiseLike<Result> {
    on(event: 'reqMismatch', listener: (body: string) => void): this;
    on(event: 'reqError', listener: (error: Error) => void): this;
    on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): this;
  }

  function autocannon(options: Options): Tracker;
  export default autocannon;
}

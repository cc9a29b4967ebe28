/**
 * Raw HTTP requests from a chosen loopback address (127.0.0.2, 127.0.0.3…; Linux answers the whole
 * 127/8), so one test process can be several clients to the gateway, which tells clients apart by
 * their address. Each request is on a connection of its own.
 */
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  /** The client's address; 127.0.0.1 when absent. */
  from?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The whole answer, once it has ended. */
export function httpFrom(url: string, options: RawRequest = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = opened(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** A GraphQL POST from `from`. */
export function graphqlFrom(
  url: string,
  from: string,
  query: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return httpFrom(url, {
    from,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
}

export interface OpenStream {
  status: number;
  /** Closes the connection: the client leaves. */
  leave(): void;
}

/** A response held open (an SSE stream): resolves once its headers have arrived. */
export function streamFrom(url: string, options: RawRequest): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = opened(url, options, (res) => {
      res.resume();
      // The client leaving cuts the stream; that is no failure.
      res.on('error', () => undefined);
      resolve({ status: res.statusCode ?? 0, leave: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

function opened(url: string, options: RawRequest, onResponse: Parameters<typeof request>[2]) {
  const req = request(
    url,
    {
      method: options.method ?? 'GET',
      localAddress: options.from ?? '127.0.0.1',
      agent: false,
      headers: options.headers ?? {},
    },
    onResponse,
  );
  req.end(options.body);
  return req;
}

/**
 * A GraphQL POST on a connection of its own whose client leaves before any answer: `leave`
 * destroys the connection, `gone` resolves once it has (and rejects if an answer came first).
 */
export function leavingPost(url: string, query: string): { leave: () => void; gone: Promise<void> } {
  let leave = () => {};
  const gone = new Promise<void>((resolve, reject) => {
    const req = opened(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) },
      (res) => reject(new Error(`answered ${res.statusCode} before the client left`)),
    );
    req.once('error', () => resolve());
    leave = () => req.destroy();
  });
  return { leave, gone };
}

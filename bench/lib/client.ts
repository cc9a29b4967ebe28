/**
 * An HTTP client of a chosen connection habit: `fresh` opens a new connection for every request
 * (a console without a shared pool, e.g. each component fetching on its own with keep-alive off),
 * `persistent` reuses kept-alive connections.
 */
import { Agent, request } from 'node:http';

export type ConnectionHabit = 'fresh' | 'persistent';

export interface Client {
  /** The response body; fails on a non-2xx answer. */
  send(method: 'GET' | 'POST', url: string, body?: unknown): Promise<string>;
  close(): void;
}

export function httpClient(habit: ConnectionHabit): Client {
  const agent = habit === 'persistent' ? new Agent({ keepAlive: true }) : false;
  return {
    send(method, url, body) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise<string>((resolve, reject) => {
        const req = request(
          url,
          {
            method,
            agent,
            headers:
              payload === undefined
                ? {}
                : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              const status = res.statusCode ?? 0;
              if (status < 200 || status >= 300)
                reject(new Error(`${method} ${url} answered ${status}: ${text.slice(0, 200)}`));
              else resolve(text);
            });
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close() {
      if (agent) agent.destroy();
    },
  };
}

/**
 * A GraphQL request through `send`, its answer's text checked for errors and not parsed: how the
 * bench times a page (a console parses its answer too, but that is the console's CPU, not the
 * server's). Apollo Server writes a result's `errors` before its `data` (`runHttpQuery`'s
 * `orderExecutionResultFields`), as the gateway's own refusals do, so an answer with errors
 * starts with them.
 */
export async function graphqlText(
  send: Client['send'],
  url: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<string> {
  const text = await send('POST', url, { query, variables });
  if (text.startsWith('{"errors"')) throw new Error(`${url} answered errors: ${text.slice(0, 500)}`);
  return text;
}

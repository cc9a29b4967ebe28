/**
 * A loopback HTTP server in front of a provider fake that can turn unhealthy on command: pass
 * requests through, fail them as the provider does when it is down (HTTP 500 with a JSON error
 * body), or hang (accept the request and never answer). It records what reached it and when a
 * client closed a hanging request's connection, so tests wait on those events, never on time.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'pass' | 'fail' | 'hang';

export interface FaultyProvider {
  url: string;
  fault: Fault;
  /** Method and path of every request that reached this server, in order. */
  received: string[];
  /** Requests now hanging. */
  hanging(): number;
  /** Resolves once `count` requests have reached this server in total. */
  reached(count: number): Promise<void>;
  /** Resolves once clients have closed `count` hanging requests in total. */
  abandoned(count: number): Promise<void>;
  /** Hanging requests clients have closed so far. */
  abandonedCount(): number;
  /** Passes the hanging requests through to the provider. */
  release(): void;
  stop(): Promise<void>;
}

export async function startFaultyProvider(upstream: string): Promise<FaultyProvider> {
  const target = new URL(upstream);
  const hung = new Set<{ req: IncomingMessage; res: ServerResponse; body: Buffer }>();
  const waiters: (() => void)[] = [];
  let closedByClient = 0;
  const notify = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const waitUntil = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => (done() ? resolve() : waiters.push(check));
      check();
    });

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const upstreamRequest = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstreamRequest.on('error', () => res.destroy());
    upstreamRequest.end(body);
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    faulty.received.push(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`);
    if (faulty.fault === 'pass') forward(req, res, body);
    else if (faulty.fault === 'fail') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Internal Server Error', code: 2000 } }));
    } else {
      const entry = { req, res, body };
      hung.add(entry);
      res.on('close', () => {
        if (!hung.delete(entry)) return;
        closedByClient++;
        notify();
      });
    }
    notify();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  const faulty: FaultyProvider = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fault: 'pass',
    received: [],
    hanging: () => hung.size,
    reached: (count) => waitUntil(() => faulty.received.length >= count),
    abandoned: (count) => waitUntil(() => closedByClient >= count),
    abandonedCount: () => closedByClient,
    release() {
      for (const entry of [...hung]) {
        hung.delete(entry);
        forward(entry.req, entry.res, entry.body);
      }
    },
    async stop() {
      for (const { res } of hung) res.destroy();
      hung.clear();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return faulty;
}

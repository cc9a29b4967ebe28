/**
 * The bounds on connections, pushed past through the real server: one connection more than
 * `OPSORCH_MAX_CONNECTIONS` (a WebSocket and a kept-alive HTTP connection open) is closed unanswered
 * and counted, and accepted again once one closes; a client trickling its headers or its body is
 * answered 408 and cut once its time-out passes, whatever it keeps sending.
 */
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { parseExposition, total } from '../../helpers/metrics.js';
import { openSession } from '../../helpers/ws.js';

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

function portOf(g: TestGateway): number {
  return Number(new URL(g.url).port);
}

/** What the server sent on a raw connection until it closed it. */
async function untilClosed(socket: Socket): Promise<string> {
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  await once(socket, 'close');
  return received;
}

/** GET over a given agent's kept-alive connection. */
function getVia(agent: Agent, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('connection bounds', () => {
  it('closes a connection past the bound unanswered, WebSockets counted, and accepts again once one closes', async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { maxConnections: 2 },
    });
    const base = gateway.url.replace(/\/graphql$/, '');
    const serverSockets = new Map<number, Socket>();
    gateway.httpServer.on('connection', (socket: Socket) => serverSockets.set(socket.remotePort ?? 0, socket));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const metrics = async () => parseExposition((await getVia(agent, `${base}/metrics`)).body);
      const before = await metrics();
      const session = await openSession(gateway.wsUrl);

      const refused = connect(portOf(gateway), '127.0.0.1');
      refused.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
      expect(await untilClosed(refused)).toBe('');

      const during = await metrics();
      expect(total(during, 'opsorch_http_connections_dropped_total')).toBe(
        total(before, 'opsorch_http_connections_dropped_total') + 1,
      );
      expect(total(during, 'opsorch_http_connections_open')).toBe(total(before, 'opsorch_http_connections_open') + 1);

      const wsServerSide = serverSockets.get((session.socket as unknown as { _socket: Socket })._socket.localPort ?? 0);
      expect(wsServerSide).toBeDefined();
      session.socket.close();
      await once(wsServerSide as Socket, 'close');

      const accepted = connect(portOf(gateway), '127.0.0.1');
      accepted.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n');
      expect(await untilClosed(accepted)).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\{"status":"ok"\}$/);
    } finally {
      agent.destroy();
    }
  });

  it('answers 408 and closes a connection whose headers are trickled past their time-out', async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { httpHeadersTimeoutMs: 200 },
    });
    const socket = connect(portOf(gateway), '127.0.0.1');
    socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n');
    // A slowloris client: a header line now and then, never the blank line that ends them.
    let n = 0;
    const trickle = setInterval(() => socket.write(`X-Trickle-${n++}: x\r\n`), 20);
    try {
      expect(await untilClosed(socket)).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    } finally {
      clearInterval(trickle);
    }
  });

  it('answers 408 and closes a connection whose body is trickled past the receive time-out', async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { httpReceiveTimeoutMs: 200 },
    });
    const socket = connect(portOf(gateway), '127.0.0.1');
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"query":"',
    );
    const trickle = setInterval(() => socket.write(' '), 20);
    try {
      expect(await untilClosed(socket)).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    } finally {
      clearInterval(trickle);
    }
  });

  it('answers 408 and closes a connection that sends nothing once the headers time-out passes', async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { httpHeadersTimeoutMs: 200 },
    });
    const socket = connect(portOf(gateway), '127.0.0.1');
    await once(socket, 'connect');
    expect(await untilClosed(socket)).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  });
});

/**
 * WebSocket limits through the real server and raw graphql-ws frames: subscriptions per socket,
 * sockets per client (by address, by user behind a trusted proxy, and while admission waits for
 * a JWKS server that answers on command), message size, the document cache under a stream of
 * distinct documents, and the time a socket has to send `connection_init`.
 */
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LIMITS } from '../../../src/limits.js';
import { bearer } from '../../helpers/auth.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';

interface Frame {
  type: string;
  id?: string;
  payload?: unknown;
}

/** Who opens a socket: the loopback address it connects from (127.0.0.1 when absent) and headers. */
interface From {
  localAddress?: string;
  headers?: Record<string, string>;
}

/** A socket past `connection_ack`, collecting every frame the server sends. */
async function openSocket(
  url: string,
  from: From = {},
): Promise<{
  socket: WebSocket;
  frames: Frame[];
  next: (match: (f: Frame) => boolean) => Promise<Frame>;
  closed: Promise<number>;
}> {
  const socket = new WebSocket(url, 'graphql-transport-ws', from);
  const frames: Frame[] = [];
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.match(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const next = (match: (f: Frame) => boolean) =>
    new Promise<Frame>((resolve) => {
      const found = frames.find(match);
      if (found) resolve(found);
      else waiters.push({ match, resolve });
    });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await next((f) => f.type === 'connection_ack');
  return { socket, frames, next, closed };
}

/** The answer to an upgrade the server refuses. */
function refusedUpgrade(url: string, from: From = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', from);
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.on('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.on('error', () => undefined);
  });
}

const UPDATED = 'subscription { incidentUpdated { changedFields } }';

describe('WebSocket limits', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { wsMaxSocketsPerClient: 4, wsMaxMessageBytes: 100_000, documentCacheBytes: 2_000_000 },
    });
  });
  afterAll(() => gateway.stop());

  it('refuses subscriptions past the cap on one socket (20,000 asked, 100 served) and stays healthy', async () => {
    const { socket, frames, next, closed } = await openSocket(gateway.wsUrl);
    const asked = 20_000;
    // Sent in bursts that wait for the socket to drain, so the client's buffer stays small.
    for (let i = 0; i < asked; i++) {
      const frame = JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: UPDATED } });
      if (i % 1_000 === 999) await new Promise<void>((resolve) => socket.send(frame, () => resolve()));
      else socket.send(frame);
    }
    await next((f) => f.type === 'error' && f.id === String(asked - 1));
    const refused = frames.filter((f) => f.type === 'error');
    expect(refused).toHaveLength(asked - 100);
    expect(new Set(refused.map((f) => Number(f.id)).filter((id) => id < 100)).size).toBe(0);
    expect(refused[0]?.payload).toEqual([
      {
        message:
          'active subscriptions on one WebSocket: 101 subscriptions is 1 over the limit of 100 (OPSORCH_WS_MAX_SUBSCRIPTIONS)',
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'OPSORCH_WS_MAX_SUBSCRIPTIONS', max: 100, actual: 101 },
      },
    ]);
    await expect.poll(async () => (await readyLive(gateway)).subscriptions).toBe(100);

    // Healthy after the flood: queries answer, and the 100 admitted subscriptions each get an event.
    const listed = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
      gateway.url,
      '{ incidents(first: 1) { nodes { id } } }',
    );
    const id = listed.incidents.nodes[0]?.id;
    await gqlData(
      gateway.url,
      'mutation($id: ID!) { incidentUpdate(input: { id: $id, title: "after the flood" }) { userErrors { message } } }',
      { id },
    );
    await next((f) => f.type === 'next' && f.id === '99');
    await expect
      .poll(() => new Set(frames.filter((f) => f.type === 'next').map((f) => f.id)).size, { timeout: 30_000 })
      .toBe(100);

    // Completing one frees its place. The count is 100 before the server reads these frames and
    // after, so it cannot say they were read: updates are made until the new subscription hears
    // one (refused, its error would come first on this socket).
    socket.send(JSON.stringify({ id: '0', type: 'complete' }));
    socket.send(JSON.stringify({ id: 'again', type: 'subscribe', payload: { query: UPDATED } }));
    let update = 0;
    await expect
      .poll(
        async () => {
          await gqlData(
            gateway.url,
            'mutation($id: ID!, $title: String!) { incidentUpdate(input: { id: $id, title: $title }) { userErrors { message } } }',
            { id, title: `after one completed ${update++}` },
          );
          return frames.find((f) => f.id === 'again')?.type;
        },
        { timeout: 30_000 },
      )
      .toBe('next');
    expect(frames.some((f) => f.id === 'again' && f.type === 'error')).toBe(false);
    expect((await readyLive(gateway)).subscriptions).toBe(100);
    socket.close();
    await closed;
    await expect.poll(async () => (await readyLive(gateway)).subscriptions).toBe(0);
  }, 120_000);

  it('counts and ends on its close the subscriptions graphql-ws loses when an ID is completed and reused as it starts', async () => {
    await expect.poll(async () => (await readyLive(gateway)).subscriptions).toBe(0);
    const { socket, next, closed } = await openSocket(gateway.wsUrl);
    // One burst: graphql-ws forgets a subscription completed while it starts, so the next subscribe
    // with its ID passes graphql-ws's checks, and the forgotten one runs beside it when it starts,
    // out of graphql-ws's count and out of its reach when the socket closes.
    const subscribe = JSON.stringify({ id: 'reused', type: 'subscribe', payload: { query: UPDATED } });
    const complete = JSON.stringify({ id: 'reused', type: 'complete' });
    const burst = 150;
    for (let i = 0; i < burst; i++) {
      socket.send(subscribe);
      socket.send(complete);
    }
    socket.send(subscribe);
    // The pong comes after the burst's subscriptions have started: they wait on nothing but the
    // gateway's own turns, which end before the pong's write reaches this client.
    socket.send(JSON.stringify({ type: 'ping' }));
    await next((f) => f.type === 'pong');
    expect((await readyLive(gateway)).subscriptions).toBeLessThanOrEqual(100);
    socket.close();
    await closed;
    await expect.poll(async () => (await readyLive(gateway)).subscriptions).toBe(0);
  });

  it('refuses a client past its socket cap at the upgrade, with the limit in the answer', async () => {
    // No socket of an earlier test still counted: the server may see a close after its client does.
    await expect.poll(async () => (await readyLive(gateway)).sockets).toBe(0);
    const open = await Promise.all(Array.from({ length: 4 }, () => openSocket(gateway.wsUrl)));
    const refused = await refusedUpgrade(gateway.wsUrl);
    expect(refused.status).toBe(429);
    expect(refused.body).toContain('5 sockets is 1 over the limit of 4 (OPSORCH_WS_MAX_SOCKETS_PER_CLIENT)');
    for (const { socket, closed } of open) {
      socket.close();
      await closed;
    }
    // Closed sockets free their places, on the server's close of each, which can come after the
    // client's: the server forgets a socket (`sockets` in /readyz) in the same close event that
    // frees its place.
    await expect.poll(async () => (await readyLive(gateway)).sockets).toBe(0);
    const again = await openSocket(gateway.wsUrl);
    again.socket.close();
    await again.closed;
  });

  it('closes a socket that sends a message over the size limit', async () => {
    const { socket, closed } = await openSocket(gateway.wsUrl);
    socket.send(
      JSON.stringify({
        id: 'big',
        type: 'subscribe',
        payload: { query: UPDATED, variables: { pad: 'x'.repeat(100_001) } },
      }),
    );
    expect(await closed).toBe(1009);
  });

  it('keeps the shared document cache bounded while a socket streams distinct documents', async () => {
    const { socket, next, closed } = await openSocket(gateway.wsUrl);
    for (let i = 0; i < 60; i++) {
      // Valid, distinct and large (30 KB): each costs about 2 MB parsed, so the cache turns over.
      const query = `subscription { incidentUpdated(filter: { query: "${'q'.repeat(30_000)}${i}" }) { changedFields } }`;
      socket.send(JSON.stringify({ id: `v${i}`, type: 'subscribe', payload: { query } }));
      // Invalid: never cached.
      socket.send(JSON.stringify({ id: `x${i}`, type: 'subscribe', payload: { query: `subscription { nope${i} }` } }));
      await next((f) => f.id === `x${i}` && f.type === 'error');
      socket.send(JSON.stringify({ id: `v${i}`, type: 'complete' }));
    }
    const { documentCache } = await readyLive(gateway);
    expect(documentCache.bytes).toBeLessThanOrEqual(2_000_000);
    expect(documentCache.documents).toBeGreaterThan(0);
    expect(documentCache.documents).toBeLessThan(60);
    socket.close();
    await closed;
  });
});

describe('WebSocket sockets per client behind a trusted proxy', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { wsMaxSocketsPerClient: 2 },
      security: { auth: { tokens: [], proxy: { userHeader: 'x-forwarded-user', trusted: ['127.0.0.1'] } } },
    });
  });
  afterAll(() => gateway.stop());

  const alice: From = { headers: { 'x-forwarded-user': 'alice' } };
  const bob: From = { headers: { 'x-forwarded-user': 'bob' } };

  it("gives each user the proxy names a cap of their own, kept from the upgrade to the socket's close", async () => {
    const alices = [await openSocket(gateway.wsUrl, alice), await openSocket(gateway.wsUrl, alice)];
    const refused = await refusedUpgrade(gateway.wsUrl, alice);
    expect(refused.status).toBe(429);
    expect(refused.body).toContain('3 sockets is 1 over the limit of 2 (OPSORCH_WS_MAX_SOCKETS_PER_CLIENT)');

    // The same proxy, another user: all of the proxy's sockets are not one client's.
    const bobs = [await openSocket(gateway.wsUrl, bob), await openSocket(gateway.wsUrl, bob)];
    expect((await refusedUpgrade(gateway.wsUrl, bob)).status).toBe(429);

    // Another peer naming alice is its own address: past alice's cap at the upgrade, then refused
    // by authentication, which trusts that header from the proxy only.
    const claimed = new WebSocket(gateway.wsUrl, 'graphql-transport-ws', { ...alice, localAddress: '127.0.0.2' });
    const claimedClosed = new Promise<number>((resolve) => claimed.once('close', (code) => resolve(code)));
    await once(claimed, 'open');
    claimed.send(JSON.stringify({ type: 'connection_init' }));
    expect(await claimedClosed).toBe(4403);

    // Alice's first socket closing frees her place: the key counted at the upgrade is freed.
    const [first] = alices;
    first?.socket.close();
    await first?.closed;
    // Counted by the server's close of each, which can come after the client's.
    await expect.poll(async () => (await readyLive(gateway, alice.headers)).sockets).toBe(3);
    const again = await openSocket(gateway.wsUrl, alice);

    for (const { socket, closed } of [...alices.slice(1), ...bobs, again]) {
      socket.close();
      await closed;
    }
  });
});

describe('WebSocket sockets per client while admission waits', () => {
  let jwks: Server;
  let gateway: TestGateway;
  let token: string;
  /** JWKS requests held unanswered until `answer()`. */
  const held: ServerResponse[] = [];
  let answer: () => void;
  let requested: Promise<void>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('carol')
      .setExpirationTime('10m')
      .sign(privateKey);
    let arrived: () => void = () => undefined;
    requested = new Promise((resolve) => {
      arrived = resolve;
    });
    jwks = createServer((_req, res) => {
      held.push(res);
      arrived();
    });
    answer = () => {
      for (const res of held.splice(0)) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      }
    };
    jwks.listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { wsMaxSocketsPerClient: 1 },
      security: {
        auth: {
          tokens: [],
          jwt: {
            jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
            clockSkewS: 0,
            scopesClaim: 'scope',
          },
        },
      },
    });
  });
  afterAll(async () => {
    await gateway.stop();
    jwks.closeAllConnections();
    jwks.close();
  });

  it('counts a socket from its upgrade, so upgrades waiting for their JWT to be checked cannot all pass', async () => {
    const first = openSocket(gateway.wsUrl, { headers: bearer(token) });
    // The first upgrade is being admitted: its JWT waits for the key set.
    await requested;
    const refused = await refusedUpgrade(gateway.wsUrl, { headers: bearer(token) });
    expect(refused.status).toBe(429);
    expect(refused.body).toContain('2 sockets is 1 over the limit of 1 (OPSORCH_WS_MAX_SOCKETS_PER_CLIENT)');
    answer();
    const { socket, closed } = await first;
    socket.close();
    await closed;
  });
});

describe('WebSocket connection_init time-out', () => {
  /** Far below the 10 s default, so the suite does not wait for it. */
  const INIT_TIMEOUT_MS = 500;
  /** Timers fire on whole milliseconds of the event loop's clock, which can trail the one measured here. */
  const TIMER_GRAIN_MS = 1;
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { wsInitTimeoutMs: INIT_TIMEOUT_MS },
    });
  });
  afterAll(() => gateway.stop());

  it('closes a socket that never sends connection_init with 4408 and forgets it, and keeps one that did', async () => {
    const before = (await readyLive(gateway)).sockets;
    // Opened first, so its own time-out, were it still running, would pass before the silent one's.
    const initialised = await openSocket(gateway.wsUrl);

    const started = performance.now();
    const silent = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      silent.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    await once(silent, 'open');
    expect(silent.protocol).toBe('graphql-transport-ws');
    expect(await closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(INIT_TIMEOUT_MS - TIMER_GRAIN_MS);
    // The setting closed it, not the default.
    expect(elapsed).toBeLessThan(LIMITS.wsInitTimeoutMs.default);

    // The socket that sent connection_init is still served past its own time-out.
    initialised.socket.send(JSON.stringify({ type: 'ping' }));
    const answer = await Promise.race([
      initialised.next((f) => f.type === 'pong').then(() => 'pong'),
      initialised.closed.then((code) => `closed with ${code}`),
    ]);
    expect(answer).toBe('pong');
    // The server forgets a socket on its own close, which can come after the client's.
    await expect.poll(async () => (await readyLive(gateway)).sockets).toBe(before + 1);

    initialised.socket.close();
    await initialised.closed;
    await expect.poll(async () => (await readyLive(gateway)).sockets).toBe(before);
  });
});

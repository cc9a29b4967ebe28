/**
 * One keep-alive for every socket of a server: a client that answers its pings stays connected
 * turn after turn, one that stops answering is terminated by its next turn, and sockets share the
 * turns of an interval rather than all being pinged at once.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { keepAlive } from '../../../src/http/ws-keep-alive.js';

/** Two turns an interval (at least 100 ms apart), so a test sees several intervals quickly. */
const INTERVAL_MS = 200;

describe('WebSocket keep-alive', () => {
  let server: WebSocketServer;
  let stop: () => void;
  const clients: WebSocket[] = [];

  beforeEach(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    stop = keepAlive(server, INTERVAL_MS);
  });
  afterEach(async () => {
    stop();
    for (const client of clients.splice(0)) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  const connect = async (autoPong: boolean) => {
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { autoPong });
    clients.push(client);
    await once(client, 'open');
    return client;
  };
  /** Resolves once `client` has been pinged `count` times. */
  const pinged = (client: WebSocket, count: number) =>
    new Promise<void>((resolve) => {
      let seen = 0;
      client.on('ping', () => {
        seen += 1;
        if (seen === count) resolve();
      });
    });

  it('keeps a client that answers and terminates one that stops answering by its next turn', async () => {
    const answering = await connect(true);
    const silent = await connect(false);
    const silentClosed = once(silent, 'close');
    // Three pings to the answering client span two whole intervals: the silent one's turn came
    // after its unanswered ping at least once meanwhile.
    await Promise.all([pinged(answering, 3), silentClosed]);
    expect(answering.readyState).toBe(WebSocket.OPEN);
    expect(silent.readyState).toBe(WebSocket.CLOSED);
  });

  it('pings the sockets of one interval in turns, not all at once', async () => {
    // One after another, so the server deals them to its turns in this order.
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 4; i++) sockets.push(await connect(true));
    const order: number[] = [];
    await Promise.all(
      sockets.map(
        (socket, index) =>
          new Promise<void>((resolve) => {
            socket.once('ping', () => {
              order.push(index);
              resolve();
            });
          }),
      ),
    );
    // Two turns an interval (turns at least 100 ms apart, not a fixed number of them), sockets dealt
    // to them in the order they connected: the first and third share a turn, the second and fourth
    // the other.
    const turnOf = (index: number) => Math.floor(order.indexOf(index) / 2);
    expect(turnOf(0)).toBe(turnOf(2));
    expect(turnOf(1)).toBe(turnOf(3));
    expect(turnOf(0)).not.toBe(turnOf(1));
  });
});

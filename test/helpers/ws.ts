/** A raw graphql-transport-ws client for admission tests: what the server answers, message by message. */
import { once } from 'node:events';
import { WebSocket } from 'ws';

export interface Session {
  socket: WebSocket;
  /** Resolves with the close code and reason when the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  next(): Promise<Record<string, unknown>>;
  send(message: Record<string, unknown>): void;
}

export async function openSession(url: string, headers: Record<string, string> = {}): Promise<Session> {
  const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
  const queue: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await once(socket, 'open');
  return {
    socket,
    closed,
    next: () => {
      const queued = queue.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
    },
    send: (message) => socket.send(JSON.stringify(message)),
  };
}

/** Opens a session and sends `connection_init`; resolves with the first answer or the close. */
export async function initSession(
  url: string,
  payload: Record<string, unknown> | undefined,
  headers: Record<string, string> = {},
): Promise<{ session: Session; answer: Record<string, unknown> | { code: number; reason: string } }> {
  const session = await openSession(url, headers);
  session.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
  const answer = await Promise.race([session.next(), session.closed]);
  return { session, answer };
}

/** The HTTP status a refused WebSocket upgrade answers with. */
export function upgradeRefusal(url: string, headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('error', reject);
  });
}

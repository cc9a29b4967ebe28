/**
 * The fan-out floor: a bare `ws` server speaking as much of graphql-transport-ws as the bench's
 * subscribers need (`connection_ack`, `subscribe`), which on every `POST /append` writes one
 * prepared `next` frame to every subscriber's TCP socket, as the gateway's fan-out ends
 * (`src/http/ws-delivery.ts`), with nothing before it: no GraphQL, no pub/sub, no bounds. What the
 * machine's kernel and the bench's own subscribers cost for 10,000 deliveries is measured here, and
 * the gateway's fan-out against it (`bench/subscriptions.ts`). `FANOUT_PORT` (0 for any).
 */
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { type RawData, WebSocketServer } from 'ws';
import { OP_TEXT, wsFrame } from '../lib/ws-frame.js';

/** Each subscriber's socket and the ID of its one subscription. */
const subscribers = new Map<Socket, string>();

function append(body: string): void {
  const payload = JSON.stringify({ data: { incidentTimelineUpdated: { body } } });
  const frames = new Map<string, Buffer>();
  for (const [socket, id] of subscribers) {
    let bytes = frames.get(id);
    if (!bytes) {
      bytes = wsFrame(OP_TEXT, Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`), false);
      frames.set(id, bytes);
    }
    socket.write(bytes);
  }
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/healthz') {
    response.end('ok');
  } else if (request.method === 'GET' && request.url === '/subscribers') {
    response.end(String(subscribers.size));
  } else if (request.method === 'POST' && request.url === '/append') {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      append(Buffer.concat(chunks).toString('utf8'));
      response.end();
    });
  } else {
    response.statusCode = 404;
    response.end();
  }
});

const wss = new WebSocketServer({ server, path: '/graphql', perMessageDeflate: false });
wss.on('connection', (socket) => {
  const raw = (socket as unknown as { _socket: Socket })._socket;
  socket.on('message', (data: RawData) => {
    const message = JSON.parse(data.toString()) as { type: string; id?: string };
    if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    else if (message.type === 'subscribe' && message.id !== undefined) subscribers.set(raw, message.id);
    else if (message.type === 'ping') socket.send('{"type":"pong"}');
  });
  socket.on('close', () => subscribers.delete(raw));
});

server.listen(Number(process.env.FANOUT_PORT ?? 0), '127.0.0.1');

/**
 * Keep-alive for every WebSocket of a server from one timer: every `intervalMs` each socket is
 * pinged, and a socket whose pong has not come back by its next turn is terminated (so within one
 * to two intervals of going silent), as graphql-ws's own keep-alive does. That one holds an
 * interval timer, a closure and, while a ping is out, a timeout per socket; with 10,000 idle
 * subscribers those were a tenth of their memory. Sockets are pinged in `SLICES` turns spread
 * over the interval, so 10,000 pings do not go out in one burst in front of an event's delivery.
 */
import type { WebSocket, WebSocketServer } from 'ws';

const SLICES = 10;

export function keepAlive(server: WebSocketServer, intervalMs: number): () => void {
  const slices = Array.from({ length: SLICES }, () => new Set<WebSocket>());
  /** Pinged sockets whose pong has not come back. */
  const awaiting = new Set<WebSocket>();
  let next = 0;

  // Shared by every socket: `ws` calls listeners with the socket as `this`.
  function onPong(this: WebSocket): void {
    awaiting.delete(this);
  }
  function onClose(this: WebSocket): void {
    awaiting.delete(this);
    for (const slice of slices) if (slice.delete(this)) return;
  }
  const onConnection = (socket: WebSocket) => {
    (slices[next++ % SLICES] as Set<WebSocket>).add(socket);
    socket.on('pong', onPong);
    // `on`, not `once`: a socket closes once, and `once` would wrap the listener per socket.
    socket.on('close', onClose);
  };
  server.on('connection', onConnection);

  let turn = 0;
  const timer = setInterval(
    () => {
      const slice = slices[turn++ % SLICES] as Set<WebSocket>;
      for (const socket of slice) {
        if (awaiting.has(socket)) {
          socket.terminate();
        } else if (socket.readyState === socket.OPEN) {
          awaiting.add(socket);
          socket.ping();
        }
      }
    },
    Math.max(1, Math.round(intervalMs / SLICES)),
  );
  timer.unref();
  return () => {
    clearInterval(timer);
    server.off('connection', onConnection);
  };
}

/**
 * Closes the event streams whose client stopped reading. A subscription's own events stop at the
 * delivery's high-water mark (`direct-delivery.ts`), but graphql-sse goes on queueing a keep-alive
 * comment every 12 s, without a limit, behind bytes the client never takes, and the connection,
 * with everything written to it, would stay open as long as the client's TCP stack answers. A
 * stream with bytes waiting in the gateway that the kernel has taken none of for `stallMs` is
 * closed, checked from one timer for all streams (as the WebSocket keep-alive terminates a socket
 * whose pong does not come back). A client that reads, however slowly, is left alone; one that
 * stopped reading while nothing waits for it costs only the kernel's buffers.
 */
import type { ServerResponse } from 'node:http';

/** How often streams are checked: a stalled one is closed within 1.25 × `stallMs`. */
const CHECKS_PER_STALL = 4;

/** Where a stream's sending stood when it was first seen stuck there. */
interface Stuck {
  sent: number;
  since: number;
}

/** Checks the streams in `open` every quarter of `stallMs` and destroys those stalled for `stallMs`. Returns the stop. */
export function closeStalled(open: ReadonlySet<ServerResponse>, stallMs: number): () => void {
  // Weak: a stream that ends is forgotten with its response.
  const stuck = new WeakMap<ServerResponse, Stuck>();
  const timer = setInterval(
    () => {
      const at = performance.now();
      for (const res of open) {
        const socket = res.socket;
        if (!socket || socket.destroyed || socket.writableLength === 0) {
          stuck.delete(res);
          continue;
        }
        // Bytes the kernel has taken: `bytesWritten` also counts those still queued here.
        const sent = socket.bytesWritten - socket.writableLength;
        const seen = stuck.get(res);
        if (!seen || seen.sent !== sent) stuck.set(res, { sent, since: at });
        else if (at - seen.since >= stallMs) {
          stuck.delete(res);
          res.destroy();
        }
      }
    },
    Math.max(1, Math.round(stallMs / CHECKS_PER_STALL)),
  );
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A graphql-ws subscription's `next` messages, written straight to its socket. The payload text of
 * an event is made once for every subscriber with the same share key (`SharedSubscriptions.source`)
 * and only this subscription's ID is spliced in front of it, so 10,000 subscribers of one event
 * cost one execution, one serialization and 10,000 writes, without a promise, an `onNext` or a
 * `JSON.stringify` per subscriber.
 *
 * graphql-ws still runs the protocol (subscribe, error, complete, limits): it consumes the iterator
 * returned here, which yields nothing and ends when the subscription does, after its last `next`
 * was written, so `complete` always follows it. Once graphql-ws returns the iterator (the client
 * completed the subscription or closed the socket) nothing more is written for it.
 */
import type { Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import type { PayloadSource, SharedPayload } from '../graphql/shared-subscriptions.js';

/**
 * Unwritten bytes a socket may hold before its subscription waits for the kernel to take them.
 * While it waits, its events queue in the pub/sub, which completes a subscription that falls too
 * far behind (`fanout.ts`), so a client that stops reading never grows the gateway's memory
 * without bound.
 */
export const HIGH_WATER_BYTES = 1 << 20;

const DONE: IteratorResult<ExecutionResult> = { done: true, value: undefined };

/** Subscription IDs whose frames one event keeps for the sockets that use the same ID. */
const SHARED_IDS = 8;

/**
 * One event's `next` message as WebSocket frames (RFC 6455: final text frame, unmasked as a
 * server sends it). The payload is encoded once; subscribers with the same ID (clients that number
 * their subscriptions) get the very same frame bytes, the others a copy with their ID in front.
 */
class EventFrames {
  /** `,"type":"next","payload":<payload>}` as UTF-8. */
  private readonly rest: Buffer;
  private readonly byId = new Map<string, Buffer>();

  constructor(text: string) {
    this.rest = Buffer.from(`,"type":"next","payload":${text}}`);
  }

  /** `head` is `{"id":<the ID as JSON>`. */
  frame(id: string, head: string): Buffer {
    let frame = this.byId.get(id);
    if (frame) return frame;
    const headBytes = Buffer.byteLength(head);
    const length = headBytes + this.rest.length;
    const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
    frame = Buffer.allocUnsafe(header + length);
    frame[0] = 0x81;
    if (length < 126) {
      frame[1] = length;
    } else if (length < 65536) {
      frame[1] = 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 127;
      frame.writeBigUInt64BE(BigInt(length), 2);
    }
    frame.write(head, header);
    this.rest.copy(frame, header + headBytes);
    if (this.byId.size < SHARED_IDS) this.byId.set(id, frame);
    return frame;
  }
}

/** Frames per shared payload; they go with it. */
const framesOf = new WeakMap<SharedPayload, EventFrames>();

function framesFor(payload: SharedPayload, text: string): EventFrames {
  let frames = framesOf.get(payload);
  if (!frames) {
    frames = new EventFrames(text);
    framesOf.set(payload, frames);
  }
  return frames;
}

/**
 * The TCP socket under a `ws` WebSocket, to write whole frames to. Sound only while `ws` frames
 * nothing itself in between: without extensions (the gateway offers no permessage-deflate) its
 * sender writes each frame synchronously, so frames never interleave; else undefined.
 */
function rawSocket(socket: WebSocket): Socket | undefined {
  if (socket.extensions !== '') return undefined;
  return (socket as unknown as { _socket?: Socket })._socket;
}

export function deliverDirect(
  source: PayloadSource,
  socket: WebSocket,
  id: string,
): AsyncIterableIterator<ExecutionResult> {
  const head = `{"id":${JSON.stringify(id)}`;
  let stopped = false;
  let finished: Promise<IteratorResult<ExecutionResult>> | undefined;
  let stop: (() => void) | undefined;
  /** The shared payload this subscription is waiting for, which it leaves if it ends first. */
  let waitingFor: SharedPayload | undefined;

  /** Undefined when written at once; a promise when the socket is past its high-water mark. */
  const write = (payload: SharedPayload, text: string): Promise<void> | undefined => {
    if (socket.readyState !== socket.OPEN) return undefined;
    const raw = rawSocket(socket);
    const send = (written?: () => void) => {
      if (raw) raw.write(framesFor(payload, text).frame(id, head), written);
      else socket.send(`${head},"type":"next","payload":${text}}`, written);
    };
    if (socket.bufferedAmount < HIGH_WATER_BYTES) {
      send();
      return undefined;
    }
    return new Promise((resolve) => send(() => resolve()));
  };

  const pump = async (): Promise<IteratorResult<ExecutionResult>> => {
    while (!stopped) {
      const step = await source.events.next();
      if (step.done || stopped) break;
      const payload = source.payload(step.value);
      let text = payload.text;
      if (text === undefined) {
        payload.wait();
        waitingFor = payload;
        text = await payload.ready;
        waitingFor = undefined;
      }
      if (stopped) break;
      const flushed = write(payload, text);
      if (flushed) await flushed;
    }
    return DONE;
  };

  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next() {
      if (stopped) return Promise.resolve(DONE);
      // The first call runs the whole subscription; graphql-ws makes no other while it lasts.
      finished ??= new Promise<IteratorResult<ExecutionResult>>((resolve, reject) => {
        stop = () => resolve(DONE);
        pump().then(resolve, (err: unknown) => (stopped ? resolve(DONE) : reject(err)));
      });
      return finished;
    },
    async return() {
      stopped = true;
      waitingFor?.leave();
      waitingFor = undefined;
      // graphql-ws may be waiting on `next()`; it ends now, whatever the source still does.
      stop?.();
      await source.events.return?.();
      return DONE;
    },
    async throw(err: unknown) {
      await iterator.return?.();
      throw err;
    },
    [Symbol.asyncIterator]: returnThis,
  };
  return iterator;
}

/** One shared `[Symbol.asyncIterator]`, where a method would be a closure per subscription. */
function returnThis<T>(this: T): T {
  return this;
}

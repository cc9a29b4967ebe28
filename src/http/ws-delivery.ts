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
import type { EventListener } from '../events/pubsub.js';
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
  return new Delivery(source, socket, id);
}

/**
 * One subscription's delivery. While its source stream hands events over as they are published
 * (`listen`) and each one's payload is ready and its socket below the high-water mark, an event is
 * written in the publisher's loop: no promise, no iterator step. Otherwise it reads the stream
 * with `next()`, waiting for a payload or for the socket to drain, and listens again once it can.
 */
class Delivery implements AsyncIterableIterator<ExecutionResult>, EventListener<unknown> {
  private readonly head: string;
  /** The TCP socket when frames can be written to it directly (no extension negotiated). */
  private readonly raw: Socket | undefined;
  private stopped = false;
  private finished: Promise<IteratorResult<ExecutionResult>> | undefined;
  private settle: ((outcome: IteratorResult<ExecutionResult> | Error) => void) | undefined;
  /** The shared payload this subscription is waiting for, which it leaves if it ends first. */
  private waitingFor: SharedPayload | undefined;

  constructor(
    private readonly source: PayloadSource,
    private readonly socket: WebSocket,
    private readonly id: string,
  ) {
    this.head = `{"id":${JSON.stringify(id)}`;
    this.raw = rawSocket(socket);
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.stopped) return Promise.resolve(DONE);
    // The first call runs the whole subscription; graphql-ws makes no other while it lasts.
    this.finished ??= new Promise<IteratorResult<ExecutionResult>>((resolve, reject) => {
      this.settle = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      void this.pull();
    });
    return this.finished;
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.stopped = true;
    this.waitingFor?.leave();
    this.waitingFor = undefined;
    // graphql-ws may be waiting on `next()`; it ends now, whatever the source still does.
    this.end(DONE);
    await this.source.events.return?.();
    return DONE;
  }

  async throw(err: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.return();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** An event published to the source stream while listening; false to go back to `pull()`. */
  onEvent(event: unknown): boolean {
    if (this.stopped) return false;
    try {
      const payload = this.source.payload(event);
      const text = payload.text;
      if (text !== undefined && this.socket.bufferedAmount < HIGH_WATER_BYTES) {
        this.write(payload, text);
        return true;
      }
      void this.pull(payload);
    } catch (err) {
      // This subscription's failure, not the publisher's: the other subscribers still get the event.
      this.stopped = true;
      this.end(err instanceof Error ? err : new Error(String(err)));
      void this.source.events.return?.();
    }
    return false;
  }

  onEnd(): void {
    this.end(DONE);
  }

  /** Reads events with `next()` (after finishing `first`) until the stream can be listened to. */
  private async pull(first?: SharedPayload): Promise<void> {
    try {
      if (first) await this.deliver(first);
      const { events } = this.source;
      while (!this.stopped) {
        if (events.listen?.(this)) return;
        const step = await events.next();
        if (step.done || this.stopped) break;
        await this.deliver(this.source.payload(step.value));
      }
      this.end(DONE);
    } catch (err) {
      this.end(this.stopped ? DONE : err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Writes one event's message once its payload is ready, waiting for the socket when it is full. */
  private async deliver(payload: SharedPayload): Promise<void> {
    let text = payload.text;
    if (text === undefined) {
      payload.wait();
      this.waitingFor = payload;
      text = await payload.ready;
      this.waitingFor = undefined;
    }
    if (this.stopped) return;
    if (this.socket.bufferedAmount < HIGH_WATER_BYTES) {
      this.write(payload, text);
      return;
    }
    await new Promise<void>((resolve) => this.write(payload, text, () => resolve()));
  }

  private write(payload: SharedPayload, text: string, written?: () => void): void {
    if (this.socket.readyState !== this.socket.OPEN) {
      written?.();
      return;
    }
    if (this.raw) this.raw.write(framesFor(payload, text).frame(this.id, this.head), written);
    else this.socket.send(`${this.head},"type":"next","payload":${text}}`, written);
  }

  private end(outcome: IteratorResult<ExecutionResult> | Error): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.(outcome);
  }
}

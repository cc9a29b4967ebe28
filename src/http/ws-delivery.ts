/**
 * A graphql-ws subscription's `next` messages, written straight to its socket (`DirectDelivery`):
 * only this subscription's ID is spliced in front of the event's shared payload text, so there is
 * no `onNext` or `JSON.stringify` per subscriber.
 */
import type { Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import type { PayloadSource, SharedPayload } from '../graphql/shared-subscriptions.js';
import { DirectDelivery } from './direct-delivery.js';

/** Subscription IDs whose frames one event keeps for the sockets that use the same ID. */
export const SHARED_IDS = 8;

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

/** `onStop`: told synchronously when graphql-ws returns the subscription (the client completed it). */
export function deliverDirect(
  source: PayloadSource,
  socket: WebSocket,
  id: string,
  onStop?: () => void,
): AsyncIterableIterator<ExecutionResult> {
  return new WsDelivery(source, socket, id, onStop);
}

class WsDelivery extends DirectDelivery {
  private readonly head: string;
  /** The TCP socket when frames can be written to it directly (no extension negotiated). */
  private readonly raw: Socket | undefined;

  constructor(
    source: PayloadSource,
    private readonly socket: WebSocket,
    private readonly id: string,
    onStop?: () => void,
  ) {
    super(source, onStop);
    this.head = `{"id":${JSON.stringify(id)}`;
    this.raw = rawSocket(socket);
  }

  protected unsent(): number {
    // With frames written to the TCP socket, `ws`'s sender never queues any (it queues only while
    // compressing or reading a Blob), so `bufferedAmount` is the socket's own count, read here
    // without going through the WebSocket and its sender, two more objects per subscriber and event.
    return this.raw ? this.raw.writableLength : this.socket.bufferedAmount;
  }

  protected write(payload: SharedPayload, text: string, written?: () => void): void {
    if (this.socket.readyState !== this.socket.OPEN) {
      written?.();
      return;
    }
    if (this.raw) this.raw.write(framesFor(payload, text).frame(this.id, this.head), written);
    else this.socket.send(`${this.head},"type":"next","payload":${text}}`, written);
  }
}

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

export function deliverDirect(
  source: PayloadSource,
  socket: WebSocket,
  id: string,
): AsyncIterableIterator<ExecutionResult> {
  const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  let stopped = false;
  let finished: Promise<IteratorResult<ExecutionResult>> | undefined;
  let stop: (() => void) | undefined;
  /** The shared payload this subscription is waiting for, which it leaves if it ends first. */
  let waitingFor: SharedPayload | undefined;

  /** Undefined when written at once; a promise when the socket is past its high-water mark. */
  const write = (text: string): Promise<void> | undefined => {
    if (socket.readyState !== socket.OPEN) return undefined;
    const message = `${prefix}${text}}`;
    if (socket.bufferedAmount < HIGH_WATER_BYTES) {
      socket.send(message);
      return undefined;
    }
    return new Promise((resolve) => socket.send(message, () => resolve()));
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
      const flushed = write(text);
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

/**
 * A subscription's events written straight to its connection, in the publisher's loop: the
 * payload text of an event is made once for every subscriber with the same share key
 * (`SharedSubscriptions.source`), so 10,000 subscribers of one event cost one execution, one
 * serialization and 10,000 writes, without a promise, an iterator step or a `JSON.stringify` per
 * subscriber. Each transport (graphql-ws, graphql-sse) says how a message is written and how many
 * of its bytes the kernel has not taken yet; the bounds are the same for both.
 *
 * The transport library still runs its protocol (errors, completion, keep-alive): it consumes this
 * iterator, which yields nothing and ends when the subscription does, after its last message was
 * written, so the library's completion always follows it. Once the library returns the iterator
 * (the client completed the subscription or went away) nothing more is written for it.
 */
import type { ExecutionResult } from 'graphql';
import type { EventListener } from '../events/pubsub.js';
import type { PayloadSource, SharedPayload } from '../graphql/shared-subscriptions.js';

/**
 * Unwritten bytes a connection may hold before its subscription waits for the kernel to take them.
 * While it waits, its events queue in the pub/sub, which completes a subscription that falls too
 * far behind (`fanout.ts`), so a client that stops reading never grows the gateway's memory
 * without bound.
 */
export const HIGH_WATER_BYTES = 1 << 20;

const DONE: IteratorResult<ExecutionResult> = { done: true, value: undefined };

/**
 * One subscription's delivery. While its source stream hands events over as they are published
 * (`listen`) and each one's payload is ready and its connection below the high-water mark, an event
 * is written in the publisher's loop: no promise, no iterator step. Otherwise it reads the stream
 * with `next()`, waiting for a payload or for the connection to drain, and listens again once it can.
 */
export abstract class DirectDelivery implements AsyncIterableIterator<ExecutionResult>, EventListener<unknown> {
  private stopped = false;
  private finished: Promise<IteratorResult<ExecutionResult>> | undefined;
  private settle: ((outcome: IteratorResult<ExecutionResult> | Error) => void) | undefined;
  /** The shared payload this subscription is waiting for, which it leaves if it ends first. */
  private waitingFor: SharedPayload | undefined;

  /** `onStop`: told synchronously when the transport returns the subscription (it ends). */
  constructor(
    private readonly source: PayloadSource,
    private readonly onStop?: () => void,
  ) {}

  /** Bytes written for this subscription's connection that the kernel has not taken yet. */
  protected abstract unsent(): number;

  /** Writes one event's message (nothing once the connection is closed); `written` once it is flushed. */
  protected abstract write(payload: SharedPayload, text: string, written?: () => void): void;

  /** Starts reading the source stream; a transport that cannot write yet starts it later. */
  protected begin(): void {
    void this.pull();
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.stopped) return Promise.resolve(DONE);
    // The first call runs the whole subscription; the transport makes no other while it lasts.
    this.finished ??= new Promise<IteratorResult<ExecutionResult>>((resolve, reject) => {
      this.settle = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      this.begin();
    });
    return this.finished;
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    if (!this.stopped) this.onStop?.();
    this.stopped = true;
    this.waitingFor?.leave();
    this.waitingFor = undefined;
    // The transport may be waiting on `next()`; it ends now, whatever the source still does.
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
      if (text !== undefined && this.unsent() < HIGH_WATER_BYTES) {
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

  /** Writes one event's message once its payload is ready, waiting for the connection when it is full. */
  private async deliver(payload: SharedPayload): Promise<void> {
    let text = payload.text;
    if (text === undefined) {
      payload.wait();
      this.waitingFor = payload;
      text = await payload.ready;
      this.waitingFor = undefined;
    }
    if (this.stopped) return;
    if (this.unsent() < HIGH_WATER_BYTES) {
      this.write(payload, text);
      return;
    }
    await new Promise<void>((resolve) => this.write(payload, text, () => resolve()));
  }

  private end(outcome: IteratorResult<ExecutionResult> | Error): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.(outcome);
  }
}

/**
 * A graphql-sse subscription's `next` events, written straight to its response (`DirectDelivery`).
 * In distinct connections mode an event names no operation, so every subscriber with the same
 * share key gets the very same bytes, made once per event: `event: next`, then the payload text as
 * `data`, which is what graphql-sse's own `print` makes of the same result.
 */
import type { ServerResponse } from 'node:http';
import type { ExecutionResult } from 'graphql';
import type { PayloadSource, SharedPayload } from '../graphql/shared-subscriptions.js';
import { DirectDelivery } from './direct-delivery.js';

/** Each event's message per shared payload; they go with it. */
const messages = new WeakMap<SharedPayload, Buffer>();

function messageFor(payload: SharedPayload, text: string): Buffer {
  let message = messages.get(payload);
  if (!message) {
    message = Buffer.from(`event: next\ndata: ${text}\n\n`);
    messages.set(payload, message);
  }
  return message;
}

export function deliverSse(source: PayloadSource, res: ServerResponse): AsyncIterableIterator<ExecutionResult> {
  return new SseDelivery(source, res);
}

class SseDelivery extends DirectDelivery {
  constructor(
    source: PayloadSource,
    private readonly res: ServerResponse,
  ) {
    super(source);
  }

  /**
   * graphql-sse asks for the first result before its handler hands back the response head, which
   * its express adapter writes a few microtasks later; a message written before that would go out
   * under Node's implicit head. One turn of the event loop later the head is out.
   */
  protected override begin(): void {
    setImmediate(() => super.begin());
  }

  protected unsent(): number {
    return this.res.writableLength;
  }

  protected write(payload: SharedPayload, text: string, written?: () => void): void {
    if (this.res.writableEnded || this.res.destroyed) {
      written?.();
      return;
    }
    this.res.write(messageFor(payload, text), written);
  }
}

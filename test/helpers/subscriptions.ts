/** A real graphql-ws client over `ws`, collecting what one subscription receives. */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface LiveSubscription<T> {
  received: T[];
  errors: unknown[];
  /** The first item, already received or still to come, that matches. */
  waitFor(match: (item: T) => boolean, what?: string): Promise<T>;
  /** Resolves with the close event's code once the socket is closed. */
  closed: Promise<number>;
  completed: Promise<void>;
  close(): Promise<void>;
}

const DEADLINE_MS = 15_000;

export function subscribe<T>(
  wsUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  field?: string,
  connectionParams?: Record<string, unknown>,
): LiveSubscription<T> {
  const received: T[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<() => void>();
  let onClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => {
    onClosed = resolve;
  });
  let onCompleted: () => void = () => undefined;
  const completed = new Promise<void>((resolve) => {
    onCompleted = resolve;
  });
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    ...(connectionParams ? { connectionParams } : {}),
    // Closes are observed through `on.closed`; the default would print them.
    onNonLazyError: () => undefined,
    on: { closed: (event) => onClosed((event as { code: number }).code) },
  });
  client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        const data = result.data as Record<string, T> | null | undefined;
        if (data) received.push(field ? (data[field] as T) : (Object.values(data)[0] as T));
        for (const wake of [...waiters]) wake();
      },
      error: (err) => {
        errors.push(err);
        for (const wake of [...waiters]) wake();
      },
      complete: () => onCompleted(),
    },
  );
  return {
    received,
    errors,
    closed,
    completed,
    waitFor(match, what = 'a matching event') {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = received.find(match);
          if (found !== undefined) {
            finish();
            resolve(found);
          } else if (errors.length) {
            finish();
            reject(new Error(`subscription failed: ${JSON.stringify(errors)}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${what} within ${DEADLINE_MS} ms; received ${JSON.stringify(received)}`));
        }, DEADLINE_MS);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      await client.dispose();
      await closed;
    },
  };
}

/** Polls a condition until it holds; fails with `what` after the deadline. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

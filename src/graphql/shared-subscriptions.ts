/**
 * Subscription events executed once per distinct operation instead of once per subscriber. Every
 * subscriber keeps its own source stream (its own pub/sub subscription, filter and replay), but
 * when many of them receive the same event object for the same document and variables, the
 * selection set is executed for the first one and the others get that same result.
 *
 * What a shared result may depend on is the share key: the document, the operation name, the
 * variables and what the subscriber may see (`visibilityKey`: its read scope and restrictions), so
 * a result computed for one principal never reaches another with fewer rights.
 * Each execution gets a fresh context of its own, never a subscriber's request cache, acting for
 * the principal of the subscriber that first received the event (any subscriber with the same key
 * may see as much). It is cancelled (its provider calls and the rest of its execution stop) once
 * every subscriber waiting for it has gone, like a shared read (`src/data/single-flight.ts`); a
 * subscriber that asks for it after that gets an execution of its own.
 *
 * Transports (graphql-ws, graphql-sse) take `source()`: the events, and for each the result's
 * payload text (formatted, as JSON), also made once per event and share key, which they write to
 * every subscriber's connection as it is (`src/http/direct-delivery.ts`).
 */
import { randomUUID } from 'node:crypto';
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  type GraphQLError,
  Kind,
} from 'graphql';
import { visibilityKey } from '../auth/principal.js';
import { stableStringify } from '../data/stable-json.js';
import type { EventListener } from '../events/pubsub.js';
import { abandoned } from './abandoned-executions.js';
import { type ContextDeps, createContext, type GatewayContext, releaseData } from './context.js';
import { coded } from './errors.js';

/** A result as a transport sends it: errors formatted (masked), serialized as JSON. */
export type PayloadEncoder = (result: ExecutionResult) => string;

/** One event's payload text for one share key. */
export interface SharedPayload {
  /** Set once made (at once when the execution needs no provider call), so most take it without waiting. */
  readonly text: string | undefined;
  readonly ready: Promise<string>;
  /**
   * Counts the caller among those waiting for `ready` until it settles or the caller calls
   * `leave()`; once every waiter has left, the execution is cancelled.
   */
  wait(): void;
  leave(): void;
}

/**
 * A subscriber's own source stream, and the shared payload of each event it yields. A stream that
 * can hand its events over as they are published (`Subscription.listen`) saves a promise per event.
 */
export interface PayloadSource {
  readonly events: AsyncIterator<unknown> & { listen?(listener: EventListener<unknown>): boolean };
  payload(event: unknown): SharedPayload;
}

interface Shared {
  result: Promise<ExecutionResult>;
  /** The result, when the execution finished without waiting for anything. */
  value?: ExecutionResult;
  payload?: SharedPayload;
  waiters: Waiters;
}

export class SharedSubscriptions {
  private readonly documentIds = new WeakMap<DocumentNode, number>();
  private nextDocumentId = 0;
  /** Results per event object and share key; they go when the event is no longer referenced. */
  private readonly results = new WeakMap<object, Map<string, Shared>>();
  /** Each share key's group while a subscriber holds it. */
  private readonly groups = new Map<string, WeakRef<ShareGroup>>();
  private readonly forgetGroup = new FinalizationRegistry<string>((key) => {
    // A newer group of the same key may have taken the entry since.
    if (this.groups.get(key)?.deref() === undefined) this.groups.delete(key);
  });

  constructor(
    private readonly deps: ContextDeps,
    private readonly encode: PayloadEncoder,
  ) {}

  /**
   * The subscriber's events, each with its payload text; an `ExecutionResult` when it is refused.
   * The subscriber counts among an execution's waiters only while it waits (`SharedPayload.wait`).
   */
  source = async (args: ExecutionArgs): Promise<PayloadSource | ExecutionResult> => {
    const source = await this.start(args);
    if (!isAsyncIterable(source)) return refusal(source);
    return new SubscriberSource(source[Symbol.asyncIterator](), this, this.groupOf(this.shareKey(args)), args);
  };

  /**
   * One event's shared payload for a subscriber of `group`. The first subscriber the publisher's
   * loop reaches finds it through the results of the event; the group remembers it for the rest
   * until the loop is over, so the others touch only the group, which every one of them shares.
   */
  payloadFor(group: ShareGroup, event: unknown, args: ExecutionArgs): SharedPayload {
    let shared = group.event === event ? group.shared : undefined;
    if (!shared || shared.waiters.signal.aborted) {
      shared = this.sharedFor(group.key, event, args);
      if (typeof event === 'object' && event !== null) group.remember(event, shared);
    }
    return this.payloadOf(shared);
  }

  /** The group of subscribers with this share key, one object for as long as any of them lives. */
  private groupOf(key: string): ShareGroup {
    const existing = this.groups.get(key)?.deref();
    if (existing) return existing;
    const group = new ShareGroup(key);
    this.groups.set(key, new WeakRef(group));
    this.forgetGroup.register(group, key);
    return group;
  }

  /** The subscriber's source stream; what its start read is let go, so an idle subscriber holds little. */
  private async start(args: ExecutionArgs): Promise<AsyncIterable<unknown> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    releaseData(args.contextValue as GatewayContext);
    return source;
  }

  private shareKey(args: ExecutionArgs): string {
    let id = this.documentIds.get(args.document);
    if (id === undefined) {
      id = this.nextDocumentId++;
      this.documentIds.set(args.document, id);
    }
    const principal = (args.contextValue as GatewayContext).caller.principal;
    return `${id}\u0000${args.operationName ?? ''}\u0000${stableStringify(args.variableValues ?? {})}\u0000${visibilityKey(principal)}`;
  }

  private sharedFor(key: string, event: unknown, args: ExecutionArgs): Shared {
    const run = (): Shared => {
      const waiters = new Waiters();
      const { signal } = waiters;
      const context = createContext(
        this.deps,
        randomUUID(),
        (args.contextValue as GatewayContext).caller.principal,
        signal,
      );
      let outcome: ReturnType<typeof execute> | Promise<never>;
      try {
        outcome = execute({ ...args, rootValue: event, contextValue: context });
      } catch (err) {
        outcome = Promise.reject(err);
      }
      if (!(outcome instanceof Promise)) {
        waiters.settle();
        return { result: Promise.resolve(outcome), value: outcome, waiters };
      }
      const result = outcome;
      void result
        .finally(() => {
          waiters.settle();
          // Counted also when no list was left to stop: its provider calls were.
          abandoned(signal);
        })
        .catch(() => undefined);
      return { result, waiters };
    };
    if (typeof event !== 'object' || event === null) return run();
    let byKey = this.results.get(event);
    if (!byKey) {
      byKey = new Map();
      this.results.set(event, byKey);
    }
    let shared = byKey.get(key);
    if (!shared || shared.waiters.signal.aborted) {
      shared = run();
      byKey.set(key, shared);
    }
    return shared;
  }

  private payloadOf(shared: Shared): SharedPayload {
    if (shared.payload) return shared.payload;
    const { waiters } = shared;
    const wait = () => waiters.join();
    const leave = () => waiters.leave();
    if (shared.value) {
      const text = this.encode(shared.value);
      shared.payload = { text, ready: Promise.resolve(text), wait, leave };
      return shared.payload;
    }
    const payload: { -readonly [K in keyof SharedPayload]: SharedPayload[K] } = {
      text: undefined,
      ready: shared.result.then((result) => {
        payload.text = this.encode(result);
        return payload.text;
      }),
      wait,
      leave,
    };
    // A rejection reaches the subscribers that wait for it; none may be left to.
    payload.ready.catch(() => undefined);
    shared.payload = payload;
    return payload;
  }
}

/**
 * Subscribers with the same share key. While the publisher's loop hands one event to them, the
 * group holds that event's shared result, so each of them finds it without a lookup by event and
 * by its own copy of the key; it lets go of it once the loop is over (a microtask later), so an
 * idle group holds no event.
 */
class ShareGroup {
  event: object | undefined = undefined;
  shared: Shared | undefined = undefined;

  constructor(readonly key: string) {}

  remember(event: object, shared: Shared): void {
    const fresh = this.event === undefined;
    this.event = event;
    this.shared = shared;
    if (fresh) queueMicrotask(() => this.forget());
  }

  private forget(): void {
    this.event = undefined;
    this.shared = undefined;
  }
}

/** A subscriber's source: a class, so an idle subscriber holds no closure over its key and arguments. */
class SubscriberSource implements PayloadSource {
  constructor(
    readonly events: PayloadSource['events'],
    private readonly owner: SharedSubscriptions,
    private readonly group: ShareGroup,
    private readonly args: ExecutionArgs,
  ) {}

  payload(event: unknown): SharedPayload {
    return this.owner.payloadFor(this.group, event, this.args);
  }
}

/**
 * The subscribers waiting for one shared execution: its signal aborts once all of them have gone.
 * A subscriber counts from `join()` until `leave()`.
 */
class Waiters {
  private readonly controller = new AbortController();
  private waiting = 0;
  private settled = false;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  join(): void {
    if (!this.settled) this.waiting++;
  }

  leave(): void {
    if (this.settled) return;
    this.waiting--;
    if (this.waiting === 0) this.controller.abort();
  }

  settle(): void {
    this.settled = true;
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Variables that do not coerce are the client's mistake: over HTTP Apollo Server tells it
 * `BAD_USER_INPUT`; graphql-js leaves the error uncoded, which would read as an internal error.
 */
function refusal(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some(isVariableError)) return result;
  return {
    ...result,
    errors: result.errors.map((error) => (isVariableError(error) ? coded(error, 'BAD_USER_INPUT') : error)),
  };
}

function isVariableError(error: GraphQLError): boolean {
  return (
    error.extensions.code === undefined &&
    error.nodes?.length === 1 &&
    error.nodes[0]?.kind === Kind.VARIABLE_DEFINITION
  );
}

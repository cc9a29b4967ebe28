/**
 * Live incident activity over graphql-ws. Events arrive through the pub/sub from every source
 * (mutations on any instance, provider pushes and webhooks, the timeline poller); the poller
 * notices subscribers by the topics they open, so nothing here has to register with it.
 */

import type { IncidentFilter } from '../adapters/contract/index.js';
import type { IncidentUpdatedEventNode, TimelineEntryNode } from '../src/data/models.js';
import type { EventListener, Subscription } from '../src/events/pubsub.js';
import type { Resolvers } from '../src/generated/graphql.js';
import type { GatewayContext } from '../src/graphql/context.js';
import { expectGlobalId } from '../src/graphql/ids.js';
import { incidentQuery } from './incidents.js';

/**
 * graphql-ws ends an operation by calling `return()` on the iterator, but an async generator
 * waiting for its next event only sees that once an event arrives. Aborting the signal first ends
 * the pub/sub subscription at once, so the generator finishes and nothing outlives the client.
 */
function cancellable<T>(start: (signal: AbortSignal) => AsyncGenerator<T>): AsyncIterableIterator<T> {
  const controller = new AbortController();
  const inner = start(controller.signal);
  const iterator: AsyncIterableIterator<T> = {
    next: () => inner.next(),
    return: async () => {
      controller.abort();
      return inner.return(undefined);
    },
    throw: async (err: unknown) => {
      controller.abort();
      return inner.throw(err);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * Live entries of one incident, after replaying what a reconnecting client missed. The live
 * subscription is confirmed before the replay is fetched, so nothing falls in between; an entry
 * both replayed and received live goes out once (the pub/sub already drops an entry published
 * twice). Once the replay is out, `next()` and `listen()` are the pub/sub's own: an idle subscriber
 * holds no generator, and an event costs no step of one. A class, so that an idle subscriber is
 * this object and not a closure per method.
 */
class TimelineUpdates
  implements AsyncIterableIterator<TimelineEntryNode>, Pick<Subscription<TimelineEntryNode>, 'listen'>
{
  private start: Promise<void> | undefined;
  private replay: TimelineEntryNode[] = [];
  private replayed: Set<string> | undefined;
  private begun = false;

  constructor(
    /** Needed for the replay only. */
    private ctx: GatewayContext | undefined,
    private readonly incident: { provider: string; id: string },
    private readonly live: Subscription<TimelineEntryNode>,
    private readonly since: string | null,
  ) {
    // Without a replay, the stream is the pub/sub's own once it is confirmed: a listener takes it
    // from the first event on, and an idle subscriber waits on no promise.
    if (since === null) {
      this.ctx = undefined;
      // A refusal surfaces through `next()`, which then waits for `ready` itself.
      live.ready.then(() => this.confirmed(), ignore);
    }
  }

  next(): Promise<IteratorResult<TimelineEntryNode>> {
    if (!this.start) {
      this.start = this.begin();
      return this.start.then(() => this.next());
    }
    const missed = this.replay.shift();
    if (missed) return Promise.resolve({ done: false, value: missed });
    return this.replayed ? this.afterReplay(this.replayed) : this.live.next();
  }

  listen(listener: EventListener<TimelineEntryNode>): boolean {
    if (!this.begun || this.replay.length > 0) return false;
    const seen = this.replayed;
    if (!seen) return this.live.listen(listener);
    return this.live.listen({
      onEvent: (entry) => seen.has(entry.id) || listener.onEvent(entry),
      onEnd: () => listener.onEnd(),
    });
  }

  async return(): Promise<IteratorResult<TimelineEntryNode>> {
    this.replay = [];
    return (await this.live.return?.()) ?? { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private confirmed(): void {
    this.begun = true;
  }

  private async begin(): Promise<void> {
    try {
      await this.live.ready;
      if (this.since !== null && this.ctx) {
        const missed = await this.ctx.data.incidents.timelineSince(this.incident, Date.parse(this.since));
        this.replay = missed.reverse();
        this.replayed = new Set(missed.map((entry) => entry.id));
        this.ctx = undefined;
      }
      this.begun = true;
    } catch (err) {
      await this.live.return?.();
      throw err;
    }
  }

  private async afterReplay(seen: Set<string>): Promise<IteratorResult<TimelineEntryNode>> {
    for (;;) {
      const step = await this.live.next();
      if (step.done || !seen.has(step.value.id)) return step;
    }
  }
}

function ignore(): void {}

async function* incidentUpdates(
  ctx: GatewayContext,
  query: IncidentFilter,
  signal: AbortSignal,
): AsyncGenerator<IncidentUpdatedEventNode> {
  const live = ctx.data.incidents.watchChanges(signal);
  try {
    await live.ready;
    for await (const event of live) {
      if (await ctx.data.incidents.admits(event, query)) yield event;
    }
  } finally {
    await live.return?.();
  }
}

export const incidentSubscriptionResolvers: Resolvers = {
  Subscription: {
    incidentTimelineUpdated: {
      // Bad IDs and unknown incidents fail here, as a GraphQL error, before any event is awaited.
      subscribe: async (_, { incidentId, since }, ctx) => {
        const global = expectGlobalId(incidentId, 'Incident', 'incidentId');
        // Read so that an incident the caller may not see, or that does not exist, is refused here;
        // only its reference is kept for as long as the subscription lives.
        const { provider, id } = await ctx.data.incidents.get(global.provider, global.nativeId);
        // Watched before the first event is awaited, so a refusal (scope, polling cap) is this
        // subscription's error rather than a failure of its stream.
        const live = ctx.data.incidents.watchTimeline({ provider, id });
        return new TimelineUpdates(ctx, { provider, id }, live, since ?? null);
      },
      resolve: (payload: TimelineEntryNode) => payload,
    },
    incidentUpdated: {
      subscribe: (_, { filter }, ctx) => {
        ctx.data.incidents.mayWatch();
        // Checked before any event is awaited, so a bad filter is an error of the subscribe call.
        const query = incidentQuery(filter);
        return cancellable((signal) => incidentUpdates(ctx, query, signal));
      },
      resolve: (payload: IncidentUpdatedEventNode) => payload,
    },
  },
};

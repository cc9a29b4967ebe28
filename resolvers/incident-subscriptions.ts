/**
 * Live incident activity over graphql-ws. Events arrive through the pub/sub from every source
 * (mutations on any instance, provider pushes and webhooks, the timeline poller); the poller
 * notices subscribers by the topics they open, so nothing here has to register with it.
 */

import type { IncidentFilter } from '../adapters/contract/index.js';
import type { IncidentNode, IncidentUpdatedEventNode, TimelineEntryNode } from '../src/data/models.js';
import type { Subscription } from '../src/events/pubsub.js';
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
 * both replayed and received live goes out once.
 */
async function* timelineUpdates(
  ctx: GatewayContext,
  incident: IncidentNode,
  live: Subscription<TimelineEntryNode>,
  since: string | null,
): AsyncGenerator<TimelineEntryNode> {
  const seen = new Set<string>();
  const fresh = (entry: TimelineEntryNode) => {
    if (seen.has(entry.id)) return false;
    seen.add(entry.id);
    return true;
  };
  try {
    await live.ready;
    if (since) {
      const missed = await ctx.data.incidents.timelineSince(incident, Date.parse(since));
      for (const entry of missed.reverse()) if (fresh(entry)) yield entry;
    }
    for await (const entry of live) if (fresh(entry)) yield entry;
  } finally {
    await live.return?.();
  }
}

async function* incidentUpdates(
  ctx: GatewayContext,
  query: IncidentFilter,
  signal: AbortSignal,
): AsyncGenerator<IncidentUpdatedEventNode> {
  const live = ctx.data.incidents.watchChanges(signal);
  try {
    await live.ready;
    for await (const event of live) {
      if (
        ctx.data.incidents.visible(event.incident) &&
        (await ctx.data.incidents.matches(event.incident, query, signal))
      ) {
        yield event;
      }
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
        const incident = await ctx.data.incidents.get(global.provider, global.nativeId);
        return cancellable((signal) => {
          // Watched before the generator first runs, so a refusal (scope, polling cap) is this
          // subscription's error rather than a failure of its stream.
          const live = ctx.data.incidents.watchTimeline(incident, signal);
          return timelineUpdates(ctx, incident, live, since ?? null);
        });
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

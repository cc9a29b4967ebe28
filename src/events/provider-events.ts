/**
 * The one way events enter the pub/sub, whatever their source: gateway mutations, what adapters
 * push on their own, provider webhooks and the timeline poller. Each event carries a stable key
 * derived from what it says, so when two sources report the same thing (the gateway publishes the
 * entry it appended and the provider pushes it too) subscribers get it once.
 */
import { createHash } from 'node:crypto';
import type { ProviderEvent } from '../../adapters/contract/index.js';
import type { IncidentUpdatedEventNode, TimelineEntryNode } from '../data/models.js';
import { stableStringify } from '../data/stable-json.js';
import { toGlobalId } from '../graphql/ids.js';
import type { Logger } from '../logger.js';
import type { AdapterRegistry } from '../providers/registry.js';
import { type PubSub, topics } from './pubsub.js';

export function timelineEntryKey(entry: TimelineEntryNode): string {
  return `timeline:${entry.provider}:${entry.incidentId}:${entry.id}`;
}

/**
 * Keyed by the state the incident is in after the change, so the gateway's view of its own write
 * and the provider's report of it coincide even when they list the changed fields differently.
 */
export function incidentChangeKey(event: IncidentUpdatedEventNode): string {
  const { incident } = event;
  const state = stableStringify({
    updatedAt: incident.updatedAt ?? null,
    status: incident.status,
    severity: incident.severity,
    assignees: incident.assignees,
    title: incident.title,
    description: incident.description ?? null,
  });
  const digest = createHash('sha256').update(state).digest('base64url').slice(0, 22);
  return `incident:${incident.provider}:${incident.id}:${digest}`;
}

export function publishTimelineEntry(pubsub: PubSub, entry: TimelineEntryNode): Promise<boolean> {
  return pubsub.publish(topics.timeline(toGlobalId('Incident', entry.provider, entry.incidentId)), entry, {
    key: timelineEntryKey(entry),
  });
}

export function publishIncidentChange(pubsub: PubSub, event: IncidentUpdatedEventNode): Promise<boolean> {
  return pubsub.publish(topics.incidents, event, { key: incidentChangeKey(event) });
}

/** Carries what adapters report on their own into the pub/sub, stamped with the provider instance. */
export function bridgeProviderEvents(registry: AdapterRegistry, pubsub: PubSub, logger: Logger): () => void {
  const unsubscribes = registry.instances
    .filter((instance) => instance.capabilities.includes('incident'))
    .flatMap((instance) => {
      const { adapter } = instance;
      if (!adapter.onEvent) return [];
      return [
        adapter.onEvent((event: ProviderEvent) => {
          // Only webhooks carry bare change notices; the data floor re-reads those.
          if (event.type === 'incident.changed') return;
          const published =
            event.type === 'timeline.appended'
              ? publishTimelineEntry(pubsub, { ...event.entry, provider: instance.name })
              : publishIncidentChange(pubsub, {
                  incident: { ...event.incident, provider: instance.name },
                  changedFields: event.changedFields,
                  previousStatus: event.previousStatus ?? null,
                  at: new Date().toISOString(),
                });
          published.catch((err: unknown) =>
            logger.warn({ err, provider: instance.name }, 'could not publish provider event'),
          );
        }),
      ];
    });
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

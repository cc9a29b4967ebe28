/**
 * Carries what providers report on their own (live timeline entries, incident changes) into the
 * pub/sub, stamped with the provider instance, so subscribers see them like any other event.
 */
import type { ProviderEvent } from '../adapters/contract/index.js';
import { toGlobalId } from './ids.js';
import type { Logger } from './logger.js';
import { type PubSub, topics } from './pubsub.js';
import type { AdapterRegistry } from './registry.js';

export function bridgeProviderEvents(registry: AdapterRegistry, pubsub: PubSub, logger: Logger): () => void {
  const unsubscribes = registry.instances
    .filter((instance) => instance.capabilities.includes('incident') && instance.adapter.onEvent)
    .map((instance) =>
      instance.adapter.onEvent!((event: ProviderEvent) => {
        const publish =
          event.type === 'timeline.appended'
            ? pubsub.publish(topics.timeline(toGlobalId('Incident', instance.name, event.entry.incidentId)), {
                ...event.entry,
                provider: instance.name,
              })
            : pubsub.publish(topics.incidents, {
                incident: { ...event.incident, provider: instance.name },
                changedFields: event.changedFields,
                previousStatus: event.previousStatus ?? null,
                at: new Date().toISOString(),
              });
        publish.catch((err: unknown) =>
          logger.warn({ err, provider: instance.name }, 'could not publish provider event'),
        );
      }),
    );
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

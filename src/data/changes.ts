/**
 * Typed change events, and the one place they reach the pub/sub. Every event names the record it
 * is about by provider, capability and native ID; topics are built from that, never from GraphQL
 * global IDs.
 */
import type { PubSub, Subscription } from '../events/pubsub.js';
import { type RecordRef, topics } from '../events/topics.js';
import type { IncidentUpdatedEventNode, TimelineEntryNode } from './models.js';

export type Change =
  | { type: 'timeline.appended'; incident: RecordRef; entry: TimelineEntryNode }
  | { type: 'incident.updated'; incident: RecordRef; event: IncidentUpdatedEventNode };

export function incidentRef(provider: string, nativeId: string): RecordRef {
  return { provider, capability: 'incident', nativeId };
}

export function timelineAppended(entry: TimelineEntryNode): Change {
  return { type: 'timeline.appended', incident: incidentRef(entry.provider, entry.incidentId), entry };
}

export function incidentUpdated(event: IncidentUpdatedEventNode): Change {
  return { type: 'incident.updated', incident: incidentRef(event.incident.provider, event.incident.id), event };
}

export class Changes {
  constructor(
    private readonly pubsub: PubSub,
    private readonly pushes: (provider: string) => boolean,
  ) {}

  /**
   * Publishes one change; false when it was dropped as already published. A timeline entry is its
   * own identity (a poll and a webhook may both see it); other changes carry `key` only when their
   * source may repeat them (a webhook retried).
   */
  publish(change: Change, key?: string): Promise<boolean> {
    if (change.type === 'timeline.appended') {
      const { provider, nativeId } = change.incident;
      return this.pubsub.publish(topics.timeline(change.incident), change.entry, {
        key: `timeline:${provider}:${nativeId}:${change.entry.id}`,
      });
    }
    return this.pubsub.publish(topics.incidents, change.event, key === undefined ? {} : { key });
  }

  /**
   * What a write through the gateway changed. A provider that reports its own changes (`onEvent`)
   * announces this one too, through the intake: that is then the change's only route.
   */
  async ofWrite(provider: string, changes: readonly Change[]): Promise<void> {
    if (this.pushes(provider)) return;
    for (const change of changes) await this.publish(change);
  }

  timeline(incident: RecordRef, signal?: AbortSignal): Subscription<TimelineEntryNode> {
    return this.pubsub.subscribe<TimelineEntryNode>(topics.timeline(incident), signal);
  }

  incidents(signal: AbortSignal): Subscription<IncidentUpdatedEventNode> {
    return this.pubsub.subscribe<IncidentUpdatedEventNode>(topics.incidents, signal);
  }
}

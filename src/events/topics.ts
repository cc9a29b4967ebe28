/**
 * Pub/sub topics, built from typed record references. Topics name records the way providers do
 * (provider instance and native ID), never by GraphQL global ID: only the GraphQL layer encodes
 * those.
 */
import type { Capability } from '../../adapters/contract/index.js';

/** A provider record, as events and topics refer to it. */
export interface RecordRef {
  provider: string;
  capability: Capability;
  nativeId: string;
}

const TIMELINE = 'timeline/';

export const topics = {
  /** New entries on one incident's timeline. */
  timeline: (incident: RecordRef): string =>
    `${TIMELINE}${encodeURIComponent(incident.provider)}/${encodeURIComponent(incident.nativeId)}`,
  /** Changes to any incident. */
  incidents: 'incidents',
} as const;

/** The incident a timeline topic is about, or null for other topics. */
export function timelineTopicIncident(topic: string): RecordRef | null {
  if (!topic.startsWith(TIMELINE)) return null;
  const parts = topic.slice(TIMELINE.length).split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  return { provider: decodeURIComponent(parts[0]), capability: 'incident', nativeId: decodeURIComponent(parts[1]) };
}

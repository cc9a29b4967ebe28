import type { Incident, JsonObject, TimelineEntry, TimelineEntryKind } from '../../contract/index.js';
import type { IdFactory } from './ids.js';
import { links } from './links.js';
import { iso } from './time.js';
import { TIMELINE_KIND_RAW } from './vocab.js';

export interface EntryDraft {
  kind: TimelineEntryKind;
  body: string;
  actor: string | null;
  at: number;
  fields?: JsonObject;
}

export function makeEntry(ids: IdFactory, incidentId: string, draft: EntryDraft): TimelineEntry {
  const id = ids.logEntry();
  const entry: TimelineEntry = {
    id,
    incidentId,
    kind: draft.kind,
    rawKind: TIMELINE_KIND_RAW[draft.kind],
    body: draft.body,
    actor: draft.actor,
    at: iso(draft.at),
    url: links.timelineEntry(incidentId, id),
  };
  if (draft.fields) entry.fields = draft.fields;
  return entry;
}

/**
 * Inserts keeping the list oldest first, and moves the incident's `updatedAt` forward; used
 * when a later generation step (a rollback, a grouped alert) adds to an existing story.
 */
export function insertEntry(timeline: TimelineEntry[], incident: Incident, entry: TimelineEntry): void {
  const at = Date.parse(entry.at);
  let index = timeline.length;
  while (index > 0 && Date.parse(timeline[index - 1]!.at) > at) index--;
  timeline.splice(index, 0, entry);
  const last = timeline[timeline.length - 1]!;
  if (!incident.updatedAt || Date.parse(incident.updatedAt) < Date.parse(last.at)) incident.updatedAt = last.at;
}

/** The generator keeps timelines short enough to read at a glance. */
export const MAX_GENERATED_ENTRIES = 8;

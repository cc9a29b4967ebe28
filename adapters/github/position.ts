/**
 * Cursors are positions in the list's order (newest first by creation time, then by ID), not
 * GitHub page numbers: a record created or deleted while a client pages never shifts what comes
 * next. Resuming asks GitHub for what was created at or before the position (where the API can
 * filter by creation time) and skips what the client has already seen.
 */
import { badInput, type ListPosition } from '../contract/index.js';

/** The gateway's position in a list newest first: the last record's creation time and ID. */
export type Position = ListPosition;

/** The position of a request, checked: its key must be a timestamp. */
export function positionOf(after: ListPosition | undefined): Position | undefined {
  if (after === undefined) return undefined;
  if (Number.isNaN(Date.parse(after.key))) throw badInput(`invalid position ${JSON.stringify(after)}`);
  return after;
}

/** Whether a record comes after the position: older, or as old with a greater ID. */
export function isAfter(record: { createdAt: string; id: string }, p: Position): boolean {
  const diff = Date.parse(p.key) - Date.parse(record.createdAt);
  if (diff !== 0) return diff > 0;
  return p.id !== undefined && record.id > p.id;
}

/** Newest first, then by ID ascending: the order every list is returned in. */
export function compareNewestFirst(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The `rel="next"` page of a `Link` header, if there is one. */
export function hasNextLink(link: unknown): boolean {
  return typeof link === 'string' && /<[^>]+>;\s*rel="next"/.test(link);
}

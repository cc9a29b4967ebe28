/**
 * Cursors are positions in the list's order (newest first by creation time, then by ID), not
 * GitHub page numbers: a record created or deleted while a client pages never shifts what comes
 * next. Resuming asks GitHub for what was created at or before the position (where the API can
 * filter by creation time) and skips what the client has already seen.
 */
import { badInput } from '../contract/index.js';

export interface Position {
  /** Creation time (ISO) of the last record seen. */
  key: string;
  id: string;
}

export function encodePosition(p: Position): string {
  return Buffer.from(JSON.stringify([p.key, p.id]), 'utf8').toString('base64url');
}

export function decodePosition(cursor: string): Position {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (
    !Array.isArray(decoded) ||
    typeof decoded[0] !== 'string' ||
    typeof decoded[1] !== 'string' ||
    Number.isNaN(Date.parse(decoded[0]))
  ) {
    throw badInput(`invalid cursor ${JSON.stringify(cursor)}`);
  }
  return { key: decoded[0], id: decoded[1] };
}

/** Whether a record comes after the position: older, or as old with a greater ID. */
export function isAfter(record: { createdAt: string; id: string }, p: Position): boolean {
  const diff = Date.parse(p.key) - Date.parse(record.createdAt);
  if (diff !== 0) return diff > 0;
  return record.id > p.id;
}

/** Newest first, then by ID ascending: the order every list is returned in. */
export function compareNewestFirst(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The `rel="next"` page of a `Link` header, if there is one. */
export function hasNextLink(link: unknown): boolean {
  return typeof link === 'string' && /<[^>]+>;\s*rel="next"/.test(link);
}

/**
 * Cursors over Jira's token paging. `POST /search/jql` pages with an opaque `nextPageToken`, not
 * offsets, so an edge's cursor names the page it came from (by that page's token) and its
 * position in it; resuming re-reads that page at the same size and skips what was already seen.
 */
import { badInput } from '../contract/index.js';

export interface Position {
  /** Token of the page; empty for the first page. */
  token: string;
  /** Issues of that page already returned. */
  skip: number;
}

export function encodePosition(position: Position): string {
  return Buffer.from(JSON.stringify([position.token, position.skip]), 'utf8').toString('base64url');
}

export function decodePosition(cursor: string | undefined): Position {
  if (cursor === undefined) return { token: '', skip: 0 };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (
    !Array.isArray(decoded) ||
    typeof decoded[0] !== 'string' ||
    !Number.isSafeInteger(decoded[1]) ||
    (decoded[1] as number) < 0
  ) {
    throw badInput(`invalid cursor ${JSON.stringify(cursor)}`);
  }
  return { token: decoded[0], skip: decoded[1] as number };
}

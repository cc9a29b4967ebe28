/**
 * The one cursor codec: a cursor is the position of the last record a client saw (provider, sort
 * key, native ID), opaque to clients (base64url of JSON) and checked on the way back in, so a
 * forged or damaged cursor is a clear BAD_USER_INPUT rather than a provider error.
 */
import type { ListOrder } from '../../adapters/contract/index.js';
import type { Position } from '../data/merge.js';
import { badUserInput } from './errors.js';

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.provider, position.key, position.id]), 'utf8').toString('base64url');
}

/** The position a cursor names, for a list in `order`; throws BAD_USER_INPUT (on `after`) otherwise. */
export function decodeCursor(cursor: string, order: ListOrder<never>): Position {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 3 ||
    !decoded.every((part) => typeof part === 'string' && part !== '') ||
    !order.validKey(decoded[1] as string)
  ) {
    throw badUserInput(`malformed cursor ${JSON.stringify(cursor)}`, 'after');
  }
  const [provider, key, id] = decoded as [string, string, string];
  return { provider, key, id };
}

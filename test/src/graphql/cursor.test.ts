/** The cursor codec: positions round-trip, anything else is a clear BAD_USER_INPUT on `after`. */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LIST_ORDERS } from '../../../adapters/contract/index.js';
import { decodeCursor, encodeCursor } from '../../../src/graphql/cursor.js';

const encoded = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function rejection(cursor: string, order = LIST_ORDERS.incidents): GraphQLError {
  try {
    decodeCursor(cursor, order);
  } catch (err) {
    return err as GraphQLError;
  }
  throw new Error(`${cursor} was accepted`);
}

describe('cursor codec', () => {
  it('round-trips a position, opaque to clients', () => {
    const position = { provider: 'pd-eu', key: '2026-11-20T10:00:00.000Z', id: 'P1:Ä"x' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('pd-eu');
    expect(decodeCursor(cursor, LIST_ORDERS.incidents)).toEqual(position);
  });

  it('accepts any name as the key of a list ordered by name', () => {
    const position = { provider: 'mock', key: 'checkout api', id: 'svc-1' };
    expect(decodeCursor(encodeCursor(position), LIST_ORDERS.services)).toEqual(position);
  });

  it.each([
    ['not base64url JSON', 'not-a-cursor!'],
    ['an old offset cursor', encoded(['mock', '20'])],
    ['a merged offset cursor', encoded(['*', JSON.stringify({ 'pd-eu': '3' })])],
    ['a number in place of a string', encoded(['mock', '2026-11-20T10:00:00Z', 7])],
    ['an empty provider', encoded(['', '2026-11-20T10:00:00Z', 'P1'])],
    ['an empty ID', encoded(['mock', '2026-11-20T10:00:00Z', ''])],
    ['a key that is no timestamp, for a list newest first', encoded(['mock', 'checkout', 'P1'])],
    ['an object', encoded({ provider: 'mock', key: '2026-11-20T10:00:00Z', id: 'P1' })],
  ])('rejects %s', (_, cursor) => {
    const error = rejection(cursor);
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(error.message).toContain('malformed cursor');
  });
});

/**
 * List orders: a sort reads each timestamp once (`rank`), and gives exactly the order the
 * pairwise comparison gives, invalid timestamps (oldest) and ties (by native ID) included.
 */
import { describe, expect, it } from 'vitest';
import {
  compareInOrder,
  type Incident,
  keysetPage,
  LIST_ORDERS,
  type Service,
  sortInOrder,
} from '../../../adapters/contract/index.js';

const at = (id: string, createdAt: string) => ({ id, createdAt }) as Incident;

describe('list orders', () => {
  const records = [
    at('b', '2026-12-01T10:00:00.000Z'),
    at('x', 'not a time'),
    at('a', '2026-12-01T10:00:00.000Z'),
    at('c', '2026-12-01T11:00:00+01:00'),
    at('w', ''),
    at('d', '2026-12-02T00:00:00.000Z'),
    at('e', '2026-11-30T23:59:59.999Z'),
  ];

  it('sorts newest first, equal times by ID, timestamps that do not parse last (by ID)', () => {
    expect(sortInOrder(records, LIST_ORDERS.incidents).map((r) => r.id)).toEqual(['d', 'a', 'b', 'c', 'e', 'w', 'x']);
  });

  it('sorts as the pairwise comparison does', () => {
    const pairwise = [...records].sort((p, q) => compareInOrder(LIST_ORDERS.incidents, p, q));
    expect(sortInOrder(records, LIST_ORDERS.incidents)).toEqual(pairwise);
    expect(sortInOrder([...records].reverse(), LIST_ORDERS.incidents)).toEqual(pairwise);
  });

  it('leaves the input as it was and pages the sorted copy', () => {
    const before = records.map((r) => r.id);
    const page = keysetPage(records, { first: 2 }, LIST_ORDERS.incidents);
    expect(page).toEqual({ nodes: [records[5], records[2]], hasNextPage: true, totalCount: 7 });
    expect(records.map((r) => r.id)).toEqual(before);
  });

  it('sorts names alphabetically without a rank', () => {
    const named = (id: string, name: string) => ({ id, name }) as Service;
    const services = [named('2', 'beta'), named('1', 'Alpha'), named('3', 'alpha')];
    expect(LIST_ORDERS.services.rank).toBeUndefined();
    expect(sortInOrder(services, LIST_ORDERS.services).map((s) => s.id)).toEqual(['3', '1', '2']);
  });
});

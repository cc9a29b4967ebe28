import { describe, expect, it } from 'vitest';
import { queryKey, stableStringify } from '../../../src/data/stable-json.js';

/** What the key is defined as: `JSON.stringify` of a copy with every object's keys sorted. */
function sortedCopyText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

const LEAVES: unknown[] = [
  null,
  undefined,
  true,
  false,
  0,
  -0,
  1.5,
  -20,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  'svc-checkout',
  'quote " backslash \\ newline \n tab \t',
  'é — … \u0000 \u001f \ud800',
  new Date(Date.UTC(2026, 11, 2, 7, 0)),
  () => 1,
  Symbol('s'),
];

describe('stableStringify', () => {
  it('writes what JSON.stringify writes of a copy with sorted keys, for leaves, arrays and nested objects', () => {
    const values: unknown[] = [...LEAVES];
    for (const leaf of LEAVES) {
      values.push([leaf], [leaf, leaf], { z: leaf, a: leaf }, { nested: { b: [leaf], a: { y: leaf, x: 1 } } });
    }
    values.push(
      {},
      [],
      { scope: { service: 'svc', team: 't' }, activeWithin: { start: 'a', end: 'b' }, first: 21, after: undefined },
      { toJSON: () => ({ b: 1, a: 2 }) },
      { when: { toJSON: (key: string) => `at ${key}` } },
      [{ toJSON: (key: string) => key }, { toJSON: (key: string) => key }],
      { 'a"b': 1, 'back\\slash': 2, 'new\nline': 3, é: 4, '\u2028': 5, '~': '~ }', ' ': ' ' },
    );
    for (const value of values) expect(stableStringify(value)).toBe(sortedCopyText(value));
  });

  it('makes equal keys of equal queries whatever the order of their fields, and different keys of different ones', () => {
    const a = { first: 20, scope: { team: 't', service: 's' } };
    const b = { scope: { service: 's', team: 't' }, first: 20 };
    expect(stableStringify(a)).toBe(stableStringify(b));
    expect(stableStringify(a)).not.toBe(stableStringify({ ...b, first: 21 }));
    expect(stableStringify({ s: '1' })).not.toBe(stableStringify({ s: 1 }));
  });
});

describe('queryKey', () => {
  it("is a query's stableStringify, the same each time it is asked", () => {
    const query = { scope: { service: 's' }, first: 20 };
    expect(queryKey(query)).toBe(stableStringify(query));
    expect(queryKey(query)).toBe(queryKey({ first: 20, scope: { service: 's' } }));
    expect(queryKey('id-1')).toBe('"id-1"');
  });
});

import { describe, expect, it } from 'vitest';
import { approximateBytes } from '../../../src/data/approximate-bytes.js';

describe('approximateBytes', () => {
  it('grows with the characters of the strings an answer holds', () => {
    const short = { id: 'svc-1', description: 'x' };
    const long = { id: 'svc-1', description: 'x'.repeat(100_000) };
    expect(approximateBytes(long) - approximateBytes(short)).toBe(99_999);
  });

  it('counts each member of an object or array, nested ones too', () => {
    const one = approximateBytes({ members: [{ name: 'ana' }] });
    const three = approximateBytes({ members: [{ name: 'ana' }, { name: 'ben' }, { name: 'cai' }] });
    expect(three).toBeGreaterThan(one);
    expect(approximateBytes({ a: 1, b: 2 })).toBeGreaterThan(approximateBytes({ a: 1 }));
    expect(approximateBytes([1, 2, 3])).toBeGreaterThan(approximateBytes([1]));
    for (const leaf of [null, undefined, 0, true, '']) expect(approximateBytes(leaf)).toBeGreaterThan(0);
  });

  it('counts an object reached twice once, and ends on a cycle', () => {
    const team = { name: 'payments', handle: 'x'.repeat(1_000) };
    const once = approximateBytes({ a: team });
    expect(approximateBytes({ a: team, b: team })).toBeLessThan(once + 100);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(approximateBytes(cyclic)).toBeLessThan(approximateBytes({ name: 'loop', self: { name: 'loop' } }));
  });
});

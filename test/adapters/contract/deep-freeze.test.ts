import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../adapters/contract/index.js';

describe('deepFreeze', () => {
  it('freezes every object and array inside the value', () => {
    const value = deepFreeze({ a: [{ b: 1 }], c: { d: { e: 'f' } } });
    expect([Object.isFrozen(value.a), Object.isFrozen(value.a[0]), Object.isFrozen(value.c.d)]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it("freezes objects without a prototype, as graphql-js makes a field's arguments", () => {
    const args = Object.assign(Object.create(null) as Record<string, unknown>, { filter: { statuses: ['OPEN'] } });
    deepFreeze(args);
    const filter = args.filter as { statuses: string[] };
    expect([Object.isFrozen(args), Object.isFrozen(filter), Object.isFrozen(filter.statuses)]).toEqual([
      true,
      true,
      true,
    ]);
  });
});

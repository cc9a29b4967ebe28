/** `orNull`: a linked record that is gone reads as null; every other failure still fails. */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { orNull } from '../../../src/data/or-null.js';

describe('orNull', () => {
  it('passes a record through', async () => {
    await expect(orNull(Promise.resolve({ id: 'INC-1' }))).resolves.toEqual({ id: 'INC-1' });
  });

  it('reads a NOT_FOUND as null', async () => {
    const gone = new GraphQLError('incident INC-9 not found', { extensions: { code: 'NOT_FOUND' } });
    await expect(orNull(Promise.reject(gone))).resolves.toBeNull();
  });

  it('rethrows any other failure, a provider outage included', async () => {
    const down = new GraphQLError('pagerduty is unavailable', { extensions: { code: 'PROVIDER_UNAVAILABLE' } });
    await expect(orNull(Promise.reject(down))).rejects.toBe(down);
    const bug = new TypeError('x is undefined');
    await expect(orNull(Promise.reject(bug))).rejects.toBe(bug);
  });
});

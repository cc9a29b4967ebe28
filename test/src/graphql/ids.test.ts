/** Global IDs: what they encode, and the bound on the IDs remembered encoded. */
import { describe, expect, it } from 'vitest';
import { fromGlobalId, MAX_REMEMBERED_IDS, rememberedIds, toGlobalId } from '../../../src/graphql/ids.js';

const encoded = (kind: string, provider: string, nativeId: string) =>
  Buffer.from(`${kind}:${provider}:${nativeId}`, 'utf8').toString('base64url');

describe('toGlobalId', () => {
  it('encodes the same native ID apart by kind and by provider, asked again and again', () => {
    for (let round = 0; round < 3; round++) {
      expect(toGlobalId('Incident', 'pd', 'shared-1')).toBe(encoded('Incident', 'pd', 'shared-1'));
      expect(toGlobalId('Alert', 'pd', 'shared-1')).toBe(encoded('Alert', 'pd', 'shared-1'));
      expect(toGlobalId('Incident', 'opsgenie', 'shared-1')).toBe(encoded('Incident', 'opsgenie', 'shared-1'));
    }
    expect(fromGlobalId(toGlobalId('Incident', 'pd', 'Ünïcode ✓'))).toEqual({
      kind: 'Incident',
      provider: 'pd',
      nativeId: 'Ünïcode ✓',
    });
  });

  it('holds at most its bound of encoded IDs, and encodes alike past it', () => {
    const count = MAX_REMEMBERED_IDS + 100;
    for (let i = 0; i < count; i++) {
      expect(toGlobalId('Incident', 'pd', `inc-${i}`)).toBe(encoded('Incident', 'pd', `inc-${i}`));
      expect(rememberedIds()).toBeLessThanOrEqual(MAX_REMEMBERED_IDS);
    }
    for (let i = 0; i < count; i += 97)
      expect(toGlobalId('Incident', 'pd', `inc-${i}`)).toBe(encoded('Incident', 'pd', `inc-${i}`));
    // An ID too long to hold is encoded, not held.
    const before = rememberedIds();
    const long = 'x'.repeat(300);
    expect(toGlobalId('Incident', 'pd', long)).toBe(encoded('Incident', 'pd', long));
    expect(rememberedIds()).toBe(before);
  });
});

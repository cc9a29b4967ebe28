import { describe, expect, it } from 'vitest';
import type { Capability } from '../../../adapters/contract/index.js';
import { BY_ID_OF_LIST, type LoaderKey, loaderName } from '../../../src/data/loader-key.js';
import { mockAdapter } from '../../helpers/gateway.js';

describe('loaderName', () => {
  it('names a loader by capability, operation and provider instance', () => {
    expect(loaderName({ capability: 'incident', provider: 'pagerduty', operation: 'getMany' })).toBe(
      'incident.getMany@pagerduty',
    );
  });

  it('gives every (capability, provider, operation) its own name', () => {
    const keys: LoaderKey[] = [];
    for (const capability of ['incident', 'alert', 'team'] as Capability[]) {
      for (const provider of ['mock', 'pd', 'pd-eu']) {
        for (const operation of ['getMany', 'query', 'timelines']) keys.push({ capability, provider, operation });
      }
    }
    expect(new Set(keys.map(loaderName)).size).toBe(keys.length);
  });
});

describe('BY_ID_OF_LIST', () => {
  it('pairs each list operation with a by-ID read of a capability that lists with it', async () => {
    const adapter = await mockAdapter();
    const pairs = Object.entries(BY_ID_OF_LIST);
    expect(pairs.length).toBeGreaterThan(0);
    for (const [list, byId] of pairs) {
      const impls = Object.values(adapter.capabilities) as unknown as Record<string, unknown>[];
      const serving = impls.filter((impl) => typeof impl[list] === 'function');
      expect(serving.length, `a capability lists with ${list}`).toBeGreaterThan(0);
      expect(
        serving.some((impl) => typeof impl[byId] === 'function'),
        `a capability that lists with ${list} reads by ID with ${byId}`,
      ).toBe(true);
    }
    await adapter.close?.();
  });
});

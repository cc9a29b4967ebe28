/**
 * The opt-in `id` extension: a plugin that announces it gets concurrent calls carrying an `id`
 * and may answer them in any order. The fixture holds two gets and answers them newest first, so
 * the batch only completes if the host sent both at once and matched the answers by ID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { gql, gqlData } from '../../helpers/graphql.js';
import { FIXTURES, type PluginGateway, processExists, startPluginGateway } from './plugin-gateway.js';

const PROVIDER = 'concurrent';

describe('plugin with the id extension', () => {
  let plugin: PluginGateway;

  beforeAll(async () => {
    plugin = await startPluginGateway(
      `${FIXTURES}out-of-order.mjs`,
      { timeoutMs: 5000 },
      ['incident', 'service'],
      PROVIDER,
    );
    // Answers arrive in order, so once this one is back the start-up announcement has been read.
    await gqlData(plugin.gateway.url, '{ services(first: 1) { edges { cursor } } }');
  });
  afterAll(() => plugin.gateway.stop());

  it('records the announced extensions, ignoring unknown ones', () => {
    expect([...plugin.adapter.host.extensions].sort()).toEqual(['health', 'id']);
  });

  it('answers a batch of gets sent concurrently and answered out of order', async () => {
    const data = await gqlData<Record<string, { title: string; status: string; severity: string }>>(
      plugin.gateway.url,
      'query($a: ID!, $b: ID!) { a: incident(id: $a) { title status severity } b: incident(id: $b) { title status severity } }',
      { a: toGlobalId('Incident', PROVIDER, 'first'), b: toGlobalId('Incident', PROVIDER, 'second') },
    );
    expect(data.a).toEqual({ title: 'incident first', status: 'ACKNOWLEDGED', severity: 'CRITICAL' });
    expect(data.b).toEqual({ title: 'incident second', status: 'ACKNOWLEDGED', severity: 'CRITICAL' });
  });

  it('reports health through the plugin health method', async () => {
    const data = await gqlData<{
      providers: { provider: string; kind: string; health: { status: string; message: string } }[];
    }>(plugin.gateway.url, '{ providers { provider kind health { status message } } }');
    const mine = data.providers.filter((p) => p.provider === PROVIDER);
    expect(mine.length).toBeGreaterThan(0);
    for (const p of mine)
      expect(p).toMatchObject({ kind: 'plugin', health: { status: 'DEGRADED', message: 'replica lagging' } });
  });

  it('stops the child with the gateway', async () => {
    const pid = plugin.pid();
    await plugin.gateway.stop();
    expect(processExists(pid)).toBe(false);
  });
});

describe('plugin with the id extension that owes answers', () => {
  let plugin: PluginGateway;
  const HOLDING = 'holding';

  beforeAll(async () => {
    plugin = await startPluginGateway(
      `${FIXTURES}holds-with-ids.mjs`,
      { timeoutMs: 1500, maxQueue: 2 },
      ['incident'],
      HOLDING,
    );
    // Answered only once the start-up announcement has been read.
    await gqlData(plugin.gateway.url, 'query($id: ID!) { incident(id: $id) { title } }', {
      id: toGlobalId('Incident', HOLDING, 'answer-first'),
    });
  });
  afterAll(() => plugin.gateway.stop());

  it('writes it no more than maxQueue calls at once, holds as many more, and refuses the rest', async () => {
    const pid = plugin.pid();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gql(plugin.gateway.url, 'query($id: ID!) { incident(id: $id) { title } }', {
          id: toGlobalId('Incident', HOLDING, `held-${i}`),
        }),
      ),
    );
    const codes = results.map((r) => r.errors?.[0]?.extensions?.code).sort();
    expect(codes).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'TIMEOUT', 'TIMEOUT', 'TIMEOUT', 'TIMEOUT']);
    const received = plugin.logs.filter((line) => {
      const { pid: from, stderr } = line.obj as { pid?: number; stderr?: string };
      return from === pid && stderr?.startsWith('received held-');
    });
    expect(received).toHaveLength(2);
  });
});

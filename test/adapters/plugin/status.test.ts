/**
 * A plugin's own processes and memory on `/metrics`, through the whole gateway in front of a real
 * plugin process: the process running, its restarts after a crash, and the answers it holds, never
 * more than its bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { gql } from '../../helpers/graphql.js';
import { scrape, total } from '../../helpers/metrics.js';
import { FIXTURES, type PluginGateway, startPluginGateway } from './plugin-gateway.js';

const PROVIDER = 'watched';
const HELD_ANSWER_BYTES = 4096;

describe("a plugin's processes, restarts and held answers on /metrics", () => {
  let plugin: PluginGateway;
  const incident = (id: string) =>
    gql<{ incident: { title: string } | null }>(plugin.gateway.url, 'query($id: ID!) { incident(id: $id) { title } }', {
      id: toGlobalId('Incident', PROVIDER, id),
    });
  const status = async () => {
    const samples = await scrape(plugin.gateway);
    const of = (name: string) => {
      const series = samples.filter((s) => s.name === name && s.labels.provider === PROVIDER);
      expect(series).toHaveLength(1);
      return total(series, name);
    };
    return {
      processes: of('opsorch_provider_processes'),
      restarts: of('opsorch_provider_process_restarts_total'),
      heldAnswerChars: of('opsorch_provider_held_answer_chars'),
    };
  };

  beforeAll(async () => {
    plugin = await startPluginGateway(
      `${FIXTURES}misbehaving.mjs`,
      { timeoutMs: 1500, killGraceMs: 300, restartInitialMs: 20, heldAnswerBytes: HELD_ANSWER_BYTES },
      ['incident'],
      PROVIDER,
    );
    await plugin.ready();
  });
  afterAll(async () => {
    await plugin.gateway.stop();
  });

  it('shows the running process, no restart and nothing held before the first call', async () => {
    expect(await status()).toEqual({ processes: 1, restarts: 0, heldAnswerChars: 0 });
  });

  it('shows the answer texts it keeps, and never more than heldAnswerBytes of them', async () => {
    expect((await incident('INC-1')).errors).toBeUndefined();
    const kept = (await status()).heldAnswerChars;
    expect(kept).toBeGreaterThan(100);

    // Each record read twice is held; sixty of them are several times the bound.
    for (let i = 0; i < 60; i++) {
      for (let read = 0; read < 2; read++) {
        const answer = await incident(`INC-${1000 + i}`);
        expect(answer.data?.incident?.title).toBe(`incident INC-${1000 + i}`);
      }
    }
    const held = (await status()).heldAnswerChars;
    expect(held).toBeGreaterThan(kept);
    expect(held).toBeLessThanOrEqual(HELD_ANSWER_BYTES);
  });

  it('counts a crash as a restart and shows the process that replaced it', async () => {
    const before = plugin.pid();
    expect((await incident('crash')).errors?.[0]?.message).toContain('exited with code 3');
    expect(await plugin.ready(before)).not.toBe(before);
    expect(await status()).toMatchObject({ processes: 1, restarts: 1 });
    expect((await incident('INC-2')).errors).toBeUndefined();
    expect((await status()).restarts).toBe(1);
  });
});

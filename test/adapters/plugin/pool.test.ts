/**
 * Several processes of one plugin (`processes`): calls to a strict plugin run in parallel, one per
 * process, and the queue bound holds across the pool. One process, the default, keeps OpsOrch
 * Core's one-call-at-a-time exchange.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { gql } from '../../helpers/graphql.js';
import { FIXTURES, type PluginGateway, startPluginGateway } from './plugin-gateway.js';

const PROVIDER = 'pooled';

/** Several incidents in one request: the floor asks for them as one batch. */
function incidents(plugin: PluginGateway, ids: string[]) {
  const fields = ids.map((id, i) => `i${i}: incident(id: "${toGlobalId('Incident', PROVIDER, id)}") { fields }`);
  return gql<Record<string, { fields: { pid: number } } | null>>(plugin.gateway.url, `{ ${fields.join(' ')} }`);
}

const dirs: string[] = [];
function meetingDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plugin-pool-'));
  dirs.push(dir);
  return dir;
}
const started: PluginGateway[] = [];
async function start(fixture: string, config: Record<string, unknown>): Promise<PluginGateway> {
  const plugin = await startPluginGateway(`${FIXTURES}${fixture}`, config, ['incident'], PROVIDER);
  started.push(plugin);
  return plugin;
}

afterAll(async () => {
  await Promise.all(started.map((p) => p.gateway.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('a pool of plugin processes', () => {
  it('answers two calls that can only finish together, from two processes', async () => {
    const plugin = await start('rendezvous.mjs', { dir: meetingDir(), processes: 2, timeoutMs: 10_000 });
    const result = await incidents(plugin, ['meet-2-a', 'meet-2-b']);
    expect(result.errors).toBeUndefined();
    const pids = Object.values(result.data ?? {}).map((i) => i?.fields.pid);
    expect(new Set(pids).size).toBe(2);
    expect(plugin.adapter.host.pids.sort()).toEqual([...pids].sort());
    expect((await plugin.adapter.checkHealth({})).status).toBe('HEALTHY');
  });

  it('keeps one process and one call at a time by default, as OpsOrch Core does', async () => {
    const plugin = await start('rendezvous.mjs', { dir: meetingDir(), timeoutMs: 1000, killGraceMs: 200 });
    expect(plugin.adapter.host.size).toBe(1);
    // The first call waits alone until its time-out; only then is the second sent.
    const result = await incidents(plugin, ['meet-2-a', 'meet-2-b']);
    expect(result.data?.i0).toBeNull();
    expect(result.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toContainEqual(['i0', 'TIMEOUT']);
  });

  it('refuses a call only when every process has maxQueue calls waiting', async () => {
    const plugin = await start('rendezvous.mjs', {
      dir: meetingDir(),
      processes: 2,
      maxQueue: 1,
      timeoutMs: 1000,
      killGraceMs: 200,
    });
    // Meetings of 9 never happen. Two calls running (one per process), two waiting (one per queue): the fifth finds no room.
    const result = await incidents(plugin, ['meet-9-a', 'meet-9-b', 'meet-9-c', 'meet-9-d', 'meet-9-e']);
    const codes = (result.errors ?? []).map((e) => e.extensions?.code).sort();
    expect(codes).toEqual(['RATE_LIMITED', 'TIMEOUT', 'TIMEOUT', 'TIMEOUT', 'TIMEOUT']);
  });

  it('rejects a process count outside 1 to 16', async () => {
    await expect(start('rendezvous.mjs', { processes: 17 })).rejects.toThrow(/processes/);
    await expect(start('rendezvous.mjs', { processes: 0 })).rejects.toThrow(/processes/);
  });
});
